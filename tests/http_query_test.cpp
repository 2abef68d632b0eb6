// Querying plural endpoints over HTTP (PROTOCOL.md §4-§5): filters, sorting,
// _fields, counts, _since/_before with tombstones, paging that stays correct
// under concurrent writes, plural DELETE with filters.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "core/query.h"
#include "tests/node_ops.h"
#include "tests/test_server.h"

namespace ratchet {
namespace {

using testing::node_op;
using testing::Reply;
using testing::TestServer;
using testing::with_data;

constexpr const char* kRecords = "/v1/buckets/b/collections/c/records";

class HttpQuery : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(server.request("PUT", "/v1/buckets/b", "{}", "alice").status, 201);
    ASSERT_EQ(server.request("PUT", "/v1/buckets/b/collections/c", "{}", "alice").status, 201);
  }
  Reply put(const std::string& id, const std::string& data) {
    return server.request("PUT", std::string(kRecords) + "/" + id, "{\"data\":" + data + "}",
                          "alice");
  }
  std::vector<std::string> ids(const std::string& query) {
    Reply r = server.get(std::string(kRecords) + query, "alice");
    EXPECT_EQ(r.status, 200) << query << " " << r.body;
    std::vector<std::string> out;
    Json body = r.json();
    for (const Json& item : body["data"]) out.push_back(item["id"]);
    return out;
  }
  int64_t etag(const Reply& r) {
    std::string e = r.header("ETag");
    return std::stoll(e.substr(1, e.size() - 2));
  }
  // Every page of a query, following Next-Page.
  std::vector<Json> all_pages(const std::string& query, int* pages = nullptr) {
    std::vector<Json> out;
    std::string path = std::string(kRecords) + query;
    for (int n = 1;; ++n) {
      Reply r = server.get(path, "alice");
      EXPECT_EQ(r.status, 200) << r.body;
      Json body = r.json();
      for (const Json& item : body["data"]) out.push_back(item);
      if (!r.has_header("Next-Page")) {
        if (pages) *pages = n;
        return out;
      }
      path = r.header("Next-Page").substr(server.origin().size());
    }
  }

  TestServer server;
};

TEST_F(HttpQuery, FiltersCoerceValuesAndAddressNestedFields) {
  put("a", R"({"x":1,"title":"Foo","author":{"name":"Ben"},"tags":["a","b"]})");
  put("b", R"({"x":"1","title":"bar","tags":["b"]})");
  put("c", R"({"x":2,"y":true,"z":0})");
  EXPECT_EQ(ids("?x=1"), std::vector<std::string>{"a"});
  EXPECT_EQ(ids("?x=%221%22"), std::vector<std::string>{"b"});
  EXPECT_EQ(ids("?in_x=1,2"), (std::vector<std::string>{"c", "a"}));
  EXPECT_EQ(ids("?not_y=true&has_z=false"), (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(ids("?like_title=fo"), std::vector<std::string>{"a"});
  EXPECT_EQ(ids("?contains_tags=%5B%22a%22%2C%22b%22%5D"), std::vector<std::string>{"a"});
  EXPECT_EQ(ids("?contains_any_tags=%5B%22a%22%2C%22b%22%5D"), (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(ids("?author.name=Ben"), std::vector<std::string>{"a"});
  EXPECT_EQ(ids("?exclude_id=a%2Cb"), std::vector<std::string>{"c"});
  EXPECT_EQ(ids("?_expected=123"), (std::vector<std::string>{"c", "b", "a"}));
}

TEST_F(HttpQuery, HeadCountsHonourFiltersAndNeverCountTombstones) {
  for (int i = 0; i < 5; ++i) put("r" + std::to_string(i), "{\"status\":" + std::to_string(i % 2) + "}");
  ASSERT_EQ(server.request("DELETE", std::string(kRecords) + "/r0", "", "alice").status, 200);
  Reply all = server.request("HEAD", kRecords, "", "alice");
  EXPECT_EQ(all.header("Total-Records"), "4");
  EXPECT_EQ(all.header("Total-Objects"), "4");
  EXPECT_TRUE(all.body.empty());
  EXPECT_EQ(server.request("HEAD", std::string(kRecords) + "?status=1", "", "alice")
                .header("Total-Records"), "2");
  EXPECT_EQ(server.request("HEAD", std::string(kRecords) + "?_since=0", "", "alice")
                .header("Total-Records"), "4");
}

TEST_F(HttpQuery, SortOnFieldsThenNewestFirst) {
  put("a", R"({"title":"b","n":1})");
  put("b", R"({"title":"a","n":2})");
  put("c", R"({"title":"b","n":3})");
  put("d", R"({"n":4})");
  EXPECT_EQ(ids("?_sort=title,-last_modified"), (std::vector<std::string>{"b", "c", "a", "d"}));
  EXPECT_EQ(ids("?_sort=-title"), (std::vector<std::string>{"d", "c", "a", "b"}));
  EXPECT_EQ(ids("?_sort=-n"), (std::vector<std::string>{"d", "c", "b", "a"}));
  EXPECT_EQ(ids("?_sort=last_modified"), (std::vector<std::string>{"a", "b", "c", "d"}));
  int pages = 0;
  auto paged = all_pages("?_sort=title&_limit=1", &pages);
  EXPECT_EQ(pages, 4);
  std::vector<std::string> order;
  for (const Json& item : paged) order.push_back(item["id"]);
  EXPECT_EQ(order, (std::vector<std::string>{"b", "c", "a", "d"}));
}

TEST_F(HttpQuery, FieldsSelectWhatIsReturned) {
  put("a", R"({"title":"t","other":1,"address":{"street":"s","city":"c"}})");
  Reply r = server.get(std::string(kRecords) + "?_fields=title,address.street", "alice");
  Json item = r.json()["data"][0];
  EXPECT_EQ(item.size(), 4u) << item;
  EXPECT_EQ(item["title"], "t");
  EXPECT_EQ(item["address"], Json::parse(R"({"street":"s"})"));
  Reply one = server.get(std::string(kRecords) + "/a?_fields=title", "alice");
  EXPECT_EQ(one.json()["data"].size(), 3u) << one.body;
  EXPECT_FALSE(one.json().contains("permissions")) << one.body;  // as Kinto
  EXPECT_TRUE(server.get(std::string(kRecords) + "/a", "alice").json().contains("permissions"));
}

TEST_F(HttpQuery, SinceReturnsChangesAndTombstonesExactlyOnceInOrder) {
  for (const char* id : {"a", "b", "c", "d"}) put(id, "{}");
  int64_t since = etag(server.get(kRecords, "alice"));
  put("b", R"({"v":2})");
  ASSERT_EQ(server.request("DELETE", std::string(kRecords) + "/c", "", "alice").status, 200);
  put("e", "{}");
  put("b", R"({"v":3})");
  Reply r = server.get(std::string(kRecords) + "?_since=%22" + std::to_string(since) + "%22", "alice");
  ASSERT_EQ(r.status, 200);
  Json data = r.json()["data"];
  ASSERT_EQ(data.size(), 3u) << data;
  EXPECT_EQ(data[0]["id"], "b");
  EXPECT_EQ(data[0]["v"], 3);
  EXPECT_EQ(data[1]["id"], "e");
  EXPECT_EQ(data[2], Json::parse("{\"id\":\"c\",\"deleted\":true,\"last_modified\":" +
                                 std::to_string(data[2]["last_modified"].get<int64_t>()) + "}"));
  EXPECT_EQ(etag(r), data[0]["last_modified"]);
  // Ascending order, and _before bounds the other side.
  auto asc = ids("?_sort=last_modified&_since=" + std::to_string(since));
  EXPECT_EQ(asc, (std::vector<std::string>{"c", "e", "b"}));
  auto before = ids("?_before=" + std::to_string(data[1]["last_modified"].get<int64_t>()) +
                    "&_since=" + std::to_string(since));
  EXPECT_EQ(before, std::vector<std::string>{"c"});
  // Without a time filter tombstones never show; ?deleted=true lists only them.
  EXPECT_EQ(ids(""), (std::vector<std::string>{"b", "e", "d", "a"}));
  EXPECT_EQ(ids("?_since=0&deleted=true"), std::vector<std::string>{"c"});
  EXPECT_EQ(ids("?deleted=true"), std::vector<std::string>{});
  EXPECT_EQ(ids("?_since=" + std::to_string(etag(r))), std::vector<std::string>{});
}

TEST_F(HttpQuery, ToIsADeprecatedAliasOfBefore) {
  put("a", "{}");
  Reply r = server.get(std::string(kRecords) + "?_to=" + std::to_string(INT64_C(1) << 40), "alice");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.header("Alert").find("soft-eol"), std::string::npos);
}

TEST_F(HttpQuery, PagingThroughTenThousandRecordsUnderConcurrentWrites) {
  constexpr int kRecordsCount = 10000;
  Node& node = server.node();
  std::string parent = "/buckets/b/collections/c";
  for (int i = 0; i < kRecordsCount; ++i) {
    Op op = with_data(node_op(kPut, "record", parent, "r" + std::to_string(i),
                              server.user_id("alice")), "{\"i\":" + std::to_string(i) + "}");
    ASSERT_EQ(node.execute(op).status, 201);
  }
  std::set<std::string> doomed;  // deleted while paging: they did not live throughout
  for (int i = 0; i < kRecordsCount; i += 97) doomed.insert("r" + std::to_string(i));
  std::atomic<bool> done{false};
  std::thread writer([&] {
    auto it = doomed.begin();
    for (int n = 0; !done; ++n) {
      std::string id = "new" + std::to_string(n);
      node.execute(with_data(node_op(kPut, "record", parent, id, server.user_id("alice")), "{}"));
      if (it != doomed.end()) {
        node.execute(node_op(kDelete, "record", parent, *it++, server.user_id("alice")));
      }
    }
  });
  std::map<std::string, int> seen;
  std::string path = std::string(kRecords) + "?_limit=250";
  int pages = 0;
  while (true) {
    Reply r = server.get(path, "alice");
    ASSERT_EQ(r.status, 200) << r.body;
    Json body = r.json();
    for (const Json& item : body["data"]) seen[item["id"]]++;
    ++pages;
    if (!r.has_header("Next-Page")) break;
    path = r.header("Next-Page").substr(server.origin().size());
  }
  done = true;
  writer.join();
  EXPECT_GE(pages, kRecordsCount / 250);
  for (int i = 0; i < kRecordsCount; ++i) {
    std::string id = "r" + std::to_string(i);
    if (doomed.count(id)) {
      EXPECT_LE(seen[id], 1) << id;
    } else {
      EXPECT_EQ(seen[id], 1) << id;
    }
  }
}

TEST_F(HttpQuery, PluralDeleteWithFiltersLeavesTombstones) {
  put("a", R"({"k":1})");
  put("b", R"({"k":2})");
  put("c", R"({"k":1})");
  Reply list = server.get(kRecords, "alice");
  Reply stale = server.request("DELETE", std::string(kRecords) + "?k=1", "", "alice",
                               {{"If-Match", "\"1\""}});
  EXPECT_EQ(stale.status, 412);
  Reply r = server.request("DELETE", std::string(kRecords) + "?k=1", "", "alice",
                           {{"If-Match", list.header("ETag")}});
  ASSERT_EQ(r.status, 200) << r.body;
  Json data = r.json()["data"];
  ASSERT_EQ(data.size(), 2u);
  std::set<std::string> deleted;
  for (const Json& t : data) {
    EXPECT_EQ(t["deleted"], true);
    deleted.insert(t["id"]);
  }
  EXPECT_EQ(deleted, (std::set<std::string>{"a", "c"}));
  EXPECT_EQ(etag(r), std::max(data[0]["last_modified"].get<int64_t>(),
                              data[1]["last_modified"].get<int64_t>()));
  EXPECT_EQ(ids(""), std::vector<std::string>{"b"});
  EXPECT_EQ(ids("?_since=0&deleted=true").size(), 2u);
  // Nothing matches: an empty success that keeps the list timestamp.
  Reply none = server.request("DELETE", std::string(kRecords) + "?k=9", "", "alice");
  EXPECT_EQ(none.status, 200);
  EXPECT_EQ(none.json()["data"].size(), 0u);
}

TEST_F(HttpQuery, ListPreconditionsAnd304) {
  put("a", "{}");
  Reply r = server.get(kRecords, "alice");
  Reply same = server.request("GET", kRecords, "", "alice", {{"If-None-Match", r.header("ETag")}});
  EXPECT_EQ(same.status, 304);
  EXPECT_EQ(same.header("ETag"), r.header("ETag"));
  EXPECT_TRUE(same.body.empty());
  EXPECT_EQ(server.request("GET", kRecords, "", "alice", {{"If-None-Match", "\"1\""}}).status, 200);
  EXPECT_EQ(server.request("GET", kRecords, "", "alice", {{"If-Match", "\"1\""}}).status, 412);
}

TEST_F(HttpQuery, BadParametersAre400NamingTheParameterAndChangeNothing) {
  put("a", "{}");
  for (const std::string q : {"_limit=abc", "_since=notanumber", "_token=forged",
                              "like_title=12", "_sort=ti%20tle", "last_modified=x",
                              "in_last_modified=a,b", "_before=-1"}) {
    std::string name = q.substr(0, q.find('='));
    Reply r = server.get(std::string(kRecords) + "?" + q, "alice");
    ASSERT_EQ(r.status, 400) << q;
    EXPECT_EQ(r.json()["errno"], 107);
    EXPECT_EQ(r.json()["details"][0]["location"], "querystring") << q;
    EXPECT_EQ(r.json()["details"][0]["name"], name) << q;
    Reply d = server.request("DELETE", std::string(kRecords) + "?" + q, "", "alice");
    EXPECT_EQ(d.status, 400) << q;
  }
  EXPECT_EQ(ids(""), std::vector<std::string>{"a"});
}

}  // namespace
}  // namespace ratchet

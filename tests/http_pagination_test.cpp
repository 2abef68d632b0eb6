// Pagination of plural endpoints (PROTOCOL.md §4.5, §3.4): _limit, _token,
// paginate_by and storage_max_fetch_size caps, Next-Page URLs, keyset
// continuation, bad parameters.
#include <gtest/gtest.h>

#include "tests/http_helpers.h"

namespace ratchet::testing {
namespace {

std::function<void(Settings&, Registry&)> paginate_by(int64_t n) {
  return [n](Settings& st, Registry&) { st.paginate_by = n; };
}

// Creates `n` records r0..r(n-1) (r(n-1) newest).
void fill(TestServer& s, int n) {
  make_collection(s, "alice");
  for (int i = 0; i < n; ++i) make_record(s, "alice", "r" + std::to_string(i));
}

// Follows Next-Page from `first` to the end; returns every id in order.
std::vector<std::string> walk(TestServer& s, const std::string& first, const std::string& user = "alice",
                              int* pages = nullptr) {
  std::vector<std::string> all;
  std::string target = first;
  int n = 0;
  while (!target.empty() && n < 50) {
    Reply r = s.get(target, user);
    EXPECT_EQ(r.status, 200) << target << ": " << describe(r);
    if (r.status != 200) break;
    for (const auto& id : ids_of(r)) all.push_back(id);
    ++n;
    target = r.has_header("Next-Page") ? local_target(s, r.header("Next-Page")) : "";
  }
  if (pages) *pages = n;
  return all;
}

TEST(HttpPagination, LimitGivesAnAbsoluteNextPage) {
  TestServer s;
  fill(s, 3);
  Reply first = s.get(records_path() + "?_limit=2", "alice");
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(ids_of(first), (std::vector<std::string>{"r2", "r1"}));
  std::string next = first.header("Next-Page");
  ASSERT_FALSE(next.empty());
  EXPECT_EQ(next.rfind(s.origin() + records_path() + "?", 0), 0u) << next;
  EXPECT_EQ(count_of(next, "_limit=2"), 1u) << next;
  EXPECT_EQ(count_of(next, "_token="), 1u) << next;

  Reply second = s.get(local_target(s, next), "alice");
  ASSERT_EQ(second.status, 200) << describe(second);
  EXPECT_EQ(ids_of(second), std::vector<std::string>{"r0"});
  EXPECT_FALSE(second.has_header("Next-Page"));
  // Every page carries the list timestamp.
  EXPECT_EQ(second.header("ETag"), first.header("ETag"));
}

TEST(HttpPagination, NextPageUsesTheRequestHostOrTheConfiguredScheme) {
  TestServer s([](Settings& st, Registry&) { st.http_scheme = "https"; });
  fill(s, 2);
  Reply r = s.request("GET", records_path() + "?_limit=1", "", "alice", {{"Host", "kinto.example:8443"}});
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(r.header("Next-Page").rfind("https://kinto.example:8443" + records_path() + "?", 0), 0u)
      << r.header("Next-Page");
}

TEST(HttpPagination, NextPageKeepsOtherParametersAndReplacesLimitAndToken) {
  TestServer s;
  fill(s, 3);
  Reply first = s.get(records_path() + "?_expected=42&_limit=1", "alice");
  ASSERT_EQ(first.status, 200);
  std::string next = first.header("Next-Page");
  EXPECT_EQ(count_of(next, "_expected=42"), 1u) << next;
  EXPECT_EQ(count_of(next, "_limit="), 1u) << next;
  EXPECT_EQ(count_of(next, "_limit=1"), 1u) << next;
  Reply second = s.get(local_target(s, next), "alice");
  EXPECT_EQ(ids_of(second), std::vector<std::string>{"r1"});
  std::string next2 = second.header("Next-Page");
  EXPECT_EQ(count_of(next2, "_expected=42"), 1u) << next2;
  EXPECT_EQ(count_of(next2, "_limit="), 1u) << next2;
  EXPECT_EQ(count_of(next2, "_token="), 1u) << next2;
  EXPECT_EQ(walk(s, records_path() + "?_expected=42&_limit=1"),
            (std::vector<std::string>{"r2", "r1", "r0"}));
}

TEST(HttpPagination, LastPageOfExactlyLimitHasNoNextPage) {
  TestServer s;
  fill(s, 4);
  int pages = 0;
  EXPECT_EQ(walk(s, records_path() + "?_limit=2", "alice", &pages),
            (std::vector<std::string>{"r3", "r2", "r1", "r0"}));
  EXPECT_EQ(pages, 2);
  EXPECT_FALSE(s.get(records_path() + "?_limit=4", "alice").has_header("Next-Page"));
  EXPECT_FALSE(s.get(records_path() + "?_limit=5", "alice").has_header("Next-Page"));
  EXPECT_TRUE(s.get(records_path() + "?_limit=3", "alice").has_header("Next-Page"));
}

TEST(HttpPagination, PaginateByCapsThePage) {
  TestServer s(paginate_by(2));
  fill(s, 5);
  Reply r = s.get(records_path(), "alice");
  EXPECT_EQ(ids_of(r), (std::vector<std::string>{"r4", "r3"}));
  EXPECT_EQ(count_of(r.header("Next-Page"), "_limit=2"), 1u) << r.header("Next-Page");
  EXPECT_EQ(ids_of(s.get(records_path() + "?_limit=10", "alice")).size(), 2u);  // the server cap wins
  EXPECT_EQ(ids_of(s.get(records_path() + "?_limit=1", "alice")).size(), 1u);
  int pages = 0;
  EXPECT_EQ(walk(s, records_path(), "alice", &pages),
            (std::vector<std::string>{"r4", "r3", "r2", "r1", "r0"}));
  EXPECT_EQ(pages, 3);
}

TEST(HttpPagination, PaginateByAppliesToEveryList) {
  TestServer s(paginate_by(1));
  make_bucket(s, "alice");
  for (const char* c : {"c1", "c2"}) must(s, "PUT", std::string("/v1/buckets/blog/collections/") + c, "", "alice", {201});
  EXPECT_EQ(walk(s, "/v1/buckets/blog/collections"), (std::vector<std::string>{"c2", "c1"}));
  make_bucket(s, "alice", "blog2");
  EXPECT_EQ(walk(s, "/v1/buckets"), (std::vector<std::string>{"blog2", "blog"}));
}

// §4.5 quirk: "_limit=0 therefore means 'maximum fetch size', even when
// paginate_by is configured."
TEST(HttpPagination, LimitZeroMeansMaximumFetchSize) {
  TestServer s(paginate_by(2));
  fill(s, 3);
  Reply r = s.get(records_path() + "?_limit=0", "alice");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(ids_of(r), (std::vector<std::string>{"r2", "r1", "r0"}));
  EXPECT_FALSE(r.has_header("Next-Page")) << r.header("Next-Page");
}

TEST(HttpPagination, StorageMaxFetchSizeCapsEverything) {
  TestServer s([](Settings& st, Registry&) { st.storage_max_fetch_size = 2; });
  fill(s, 3);
  Reply r = s.get(records_path(), "alice");
  EXPECT_EQ(ids_of(r), (std::vector<std::string>{"r2", "r1"}));
  EXPECT_TRUE(r.has_header("Next-Page"));
  EXPECT_EQ(ids_of(s.get(records_path() + "?_limit=100", "alice")).size(), 2u);
  EXPECT_EQ(walk(s, records_path()), (std::vector<std::string>{"r2", "r1", "r0"}));
}

TEST(HttpPagination, BadLimitIs400NamingIt) {
  TestServer s;
  fill(s, 1);
  for (const char* value : {"-1", "abc", "1.5", "", "1e3", "%221", "0x10"}) {
    Reply r = s.get(records_path() + "?_limit=" + value, "alice");
    ASSERT_TRUE(IsError(r, 400, 107)) << "_limit=" << value;
    Json d = r.json()["details"][0];
    EXPECT_EQ(d["location"], "querystring") << value;
    EXPECT_EQ(d["name"], "_limit") << value;
    EXPECT_NE(r.json()["message"].get<std::string>().find("_limit"), std::string::npos) << value;
  }
}

TEST(HttpPagination, BadTokenIs400NamingIt) {
  TestServer s;
  fill(s, 3);
  for (const std::string& token :
       {std::string("garbage"), std::string("%%%"), base64_encode("{}"), base64_encode("[1]"),
        base64_encode("{\"last_object\":\"x\"}"), base64_encode("not json")}) {
    Reply r = s.get(records_path() + "?_limit=1&_token=" + httplib::detail::encode_query_param(token), "alice");
    ASSERT_TRUE(IsError(r, 400, 107)) << "_token=" << token;
    Json d = r.json()["details"][0];
    EXPECT_EQ(d["location"], "querystring");
    EXPECT_EQ(d["name"], "_token");
  }
}

TEST(HttpPagination, PagesDoNotShiftWhenObjectsAreAddedOrRemoved) {
  TestServer s;
  fill(s, 4);
  Reply first = s.get(records_path() + "?_limit=2", "alice");
  ASSERT_EQ(ids_of(first), (std::vector<std::string>{"r3", "r2"}));
  std::string next = local_target(s, first.header("Next-Page"));
  make_record(s, "alice", "r4");                          // newer: belongs before page 1
  must(s, "DELETE", records_path() + "/r3", "", "alice");  // already served
  Reply second = s.get(next, "alice");
  EXPECT_EQ(ids_of(second), (std::vector<std::string>{"r1", "r0"}));
  EXPECT_FALSE(second.has_header("Next-Page"));
  // Removing the rest leaves an empty last page.
  must(s, "DELETE", records_path() + "/r1", "", "alice");
  must(s, "DELETE", records_path() + "/r0", "", "alice");
  Reply third = s.get(next, "alice");
  EXPECT_EQ(third.status, 200);
  EXPECT_EQ(ids_of(third), std::vector<std::string>{});
  EXPECT_FALSE(third.has_header("Next-Page"));
}

TEST(HttpPagination, HeadNeverHasNextPage) {
  TestServer s(paginate_by(1));
  fill(s, 3);
  Reply r = s.request("HEAD", records_path() + "?_limit=1", "", "alice");
  EXPECT_EQ(r.status, 200);
  EXPECT_FALSE(r.has_header("Next-Page"));
  EXPECT_EQ(r.header("Total-Objects"), "3");  // pagination ignored
  EXPECT_EQ(r.header("Total-Records"), "3");
}

TEST(HttpPagination, PagesOnlyWalkWhatTheCallerMayRead) {
  TestServer s;
  make_collection(s, "alice");
  std::string bob = s.user_id("bob");
  for (int i = 0; i < 6; ++i) {
    std::string body = i % 2 ? Json{{"permissions", {{"read", {bob}}}}}.dump() : "";
    make_record(s, "alice", "r" + std::to_string(i), body);
  }
  int pages = 0;
  EXPECT_EQ(walk(s, records_path() + "?_limit=2", "bob", &pages),
            (std::vector<std::string>{"r5", "r3", "r1"}));
  EXPECT_EQ(pages, 2);
  EXPECT_FALSE(s.get(records_path() + "?_limit=3", "bob").has_header("Next-Page"));
}

TEST(HttpPagination, PluralDeletePaginates) {
  TestServer s;
  fill(s, 3);
  Reply r = s.request("DELETE", records_path() + "?_limit=2", "", "alice");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(r.json()["data"].size(), 2u);
  std::string next = r.header("Next-Page");
  ASSERT_FALSE(next.empty());
  EXPECT_EQ(next.rfind(s.origin() + records_path() + "?", 0), 0u) << next;
  EXPECT_EQ(ids_of(s.get(records_path(), "alice")), std::vector<std::string>{"r0"});
  r = s.request("DELETE", local_target(s, next), "", "alice");
  ASSERT_EQ(r.status, 200) << describe(r);
  ASSERT_EQ(r.json()["data"].size(), 1u);
  EXPECT_EQ(r.json()["data"][0]["id"], "r0");
  EXPECT_FALSE(r.has_header("Next-Page"));
  EXPECT_EQ(s.get(records_path(), "alice").json()["data"], Json::array());
}

// §3.4: tokens used with DELETE are single-use; reuse -> 400.
TEST(HttpPagination, PluralDeleteTokenIsSingleUse) {
  TestServer s;
  fill(s, 5);
  Reply r = s.request("DELETE", records_path() + "?_limit=2", "", "alice");
  std::string next = local_target(s, r.header("Next-Page"));
  ASSERT_FALSE(next.empty());
  EXPECT_EQ(s.request("DELETE", next, "", "alice").status, 200);
  Reply again = s.request("DELETE", next, "", "alice");
  ASSERT_TRUE(IsError(again, 400, 107));
  EXPECT_EQ(again.json()["details"][0]["name"], "_token");
  EXPECT_EQ(ids_of(s.get(records_path(), "alice")), std::vector<std::string>{"r0"});
}

}  // namespace
}  // namespace ratchet::testing

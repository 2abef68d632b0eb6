// Nothing leaks to users who may see a list only in part (PROTOCOL.md §4.3,
// §7.5): tombstones, lists, pages, filters, counts and plural deletes follow
// what each user may read or write, and refusals reveal nothing about what
// exists.
#include <gtest/gtest.h>

#include "tests/http_helpers.h"

namespace ratchet::testing {
namespace {

std::string acl(const Json& p) { return Json{{"permissions", p}}.dump(); }

// Records r1..rn in blog/c, created by alice in that order.
void records(TestServer& s, int n) {
  make_collection(s, "alice");
  for (int i = 1; i <= n; ++i) make_record(s, "alice", "r" + std::to_string(i), R"({"data":{"secret":"secret-x"}})");
}

void share(TestServer& s, const std::string& rid, const std::string& perm, const std::string& principal) {
  must(s, "PATCH", records_path() + "/" + rid, acl({{perm, {principal}}}), "alice", {200});
}

// §4.3: tombstones carry no ACL, so a user who sees the records one by one
// never receives them, whatever the time filter; a reader of the whole list does.
TEST(HttpPermLeaks, PartialReadersNeverSeeTombstones) {
  TestServer s;
  records(s, 5);
  std::string bob = s.user_id("bob");
  for (const char* rid : {"r2", "r3", "r4"}) share(s, rid, "read", bob);
  must(s, "PATCH", "/v1/buckets/blog/collections/c", acl({{"read", {s.user_id("carol")}}}), "alice", {200});
  int64_t before_deletes = etag_value(s.get(records_path(), "alice"));
  must(s, "DELETE", records_path() + "/r3", "", "alice", {200});  // was shared with bob
  must(s, "DELETE", records_path() + "/r5", "", "alice", {200});  // was not
  std::string since = std::to_string(before_deletes);

  using V = std::vector<std::string>;
  for (const std::string& query : {std::string("?_since=0"), std::string("?gt_last_modified=0"),
                                   "?_before=" + std::to_string(now_ms() + 1000), std::string("?_since=0&_limit=1")}) {
    Reply r = s.get(records_path() + query, "bob");
    ASSERT_EQ(r.status, 200) << query << ": " << describe(r);
    EXPECT_EQ(count_of(r.body, "deleted"), 0u) << query << ": " << r.body;
    EXPECT_EQ(r.header("ETag"), s.get(records_path(), "alice").header("ETag")) << query;
  }
  EXPECT_EQ(ids_of(s.get(records_path() + "?_since=0", "bob")), (V{"r4", "r2"}));
  EXPECT_EQ(ids_of(s.get(records_path() + "?_since=" + since, "bob")), V{});
  EXPECT_EQ(ids_of(s.get(records_path() + "?_since=0&deleted=true", "bob")), V{});
  Reply head = s.request("HEAD", records_path() + "?_since=0", "", "bob");
  EXPECT_EQ(head.header("Total-Records"), "2");
  EXPECT_EQ(s.request("HEAD", records_path() + "?_since=" + since, "", "bob").header("Total-Records"), "0");

  // Carol reads the whole collection: she learns about both deletions.
  Reply carol = s.get(records_path() + "?_since=" + since, "carol");
  ASSERT_EQ(carol.status, 200) << describe(carol);
  EXPECT_EQ(ids_of(carol), (V{"r5", "r3"}));
  Json tombstones = carol.json()["data"];
  for (const Json& t : tombstones) EXPECT_EQ(t["deleted"], true);
  // Tombstones are never counted (§4.7).
  EXPECT_EQ(s.request("HEAD", records_path() + "?_since=" + since, "", "carol").header("Total-Records"), "0");
}

// A record:create holder sees an empty list, with or without _since.
TEST(HttpPermLeaks, CreatorsWithoutReadSeeNoRecordsAndNoTombstones) {
  TestServer s;
  records(s, 2);
  must(s, "PATCH", "/v1/buckets/blog/collections/c", acl({{"record:create", {s.user_id("bob")}}}), "alice", {200});
  must(s, "DELETE", records_path() + "/r1", "", "alice", {200});
  for (const char* query : {"", "?_since=0", "?_since=0&deleted=true", "?_sort=id"}) {
    Reply r = s.get(records_path() + query, "bob");
    ASSERT_EQ(r.status, 200) << query << ": " << describe(r);
    EXPECT_EQ(r.json()["data"], Json::array()) << query;
    EXPECT_EQ(s.request("HEAD", records_path() + query, "", "bob").header("Total-Records"), "0") << query;
  }
}

// Counts, filters, sorting and pages all apply to the records bob may read,
// and only to them.
TEST(HttpPermLeaks, PagingFiltersAndCountsFollowWhatTheUserMayRead) {
  TestServer s;
  records(s, 9);
  std::string bob = s.user_id("bob");
  share(s, "r7", "read", bob);
  share(s, "r4", "write", bob);
  share(s, "r1", "read", bob);  // newest first: r1, r4, r7
  using V = std::vector<std::string>;
  Reply first = s.get(records_path() + "?_limit=2", "bob");
  ASSERT_EQ(first.status, 200) << describe(first);
  EXPECT_EQ(ids_of(first), (V{"r1", "r4"}));
  ASSERT_TRUE(first.has_header("Next-Page"));
  Reply second = s.get(local_target(s, first.header("Next-Page")), "bob");
  ASSERT_EQ(second.status, 200) << describe(second);
  EXPECT_EQ(ids_of(second), V{"r7"});
  EXPECT_FALSE(second.has_header("Next-Page"));
  // Exactly a page of what bob sees: no Next-Page promising more.
  EXPECT_FALSE(s.get(records_path() + "?_limit=3", "bob").has_header("Next-Page"));

  EXPECT_EQ(s.request("HEAD", records_path(), "", "bob").header("Total-Records"), "3");
  EXPECT_EQ(s.request("HEAD", records_path() + "?_limit=1", "", "bob").header("Total-Records"), "3");
  EXPECT_EQ(ids_of(s.get(records_path() + "?_sort=id", "bob")), (V{"r1", "r4", "r7"}));
  EXPECT_EQ(ids_of(s.get(records_path() + "?in_id=r1,r2,r3", "bob")), V{"r1"});
  EXPECT_EQ(s.request("HEAD", records_path() + "?in_id=r1,r2,r3", "", "bob").header("Total-Records"), "1");
  EXPECT_EQ(ids_of(s.get(records_path() + "?exclude_id=r1", "bob")), (V{"r4", "r7"}));
  EXPECT_EQ(ids_of(s.get(records_path() + "?id=r2", "bob")), V{});

  // A stranger and an anonymous client get the refusal for every variant.
  for (const char* query : {"", "?_limit=2", "?_since=0", "?in_id=r1", "?_sort=id"}) {
    EXPECT_TRUE(IsError(s.get(records_path() + query, "carol"), 403, 121)) << query;
    EXPECT_TRUE(IsError(s.get(records_path() + query, ""), 401, 104)) << query;
    EXPECT_EQ(s.request("HEAD", records_path() + query, "", "carol").status, 403) << query;
    EXPECT_FALSE(s.request("HEAD", records_path() + query, "", "carol").has_header("Total-Records")) << query;
  }
}

// §3.4/§7.5: a plural DELETE by a user who may not write the whole list
// deletes, page by page, only what they may write.
TEST(HttpPermLeaks, PluralDeletePagesThroughWhatTheUserMayWrite) {
  TestServer s;
  records(s, 6);
  std::string bob = s.user_id("bob");
  for (const char* rid : {"r2", "r4", "r5"}) share(s, rid, "write", bob);
  share(s, "r6", "read", bob);
  Reply first = s.request("DELETE", records_path() + "?_limit=2", "", "bob");
  ASSERT_EQ(first.status, 200) << describe(first);
  EXPECT_EQ(ids_of(first), (std::vector<std::string>{"r5", "r4"}));
  ASSERT_TRUE(first.has_header("Next-Page")) << describe(first);
  Reply second = s.request("DELETE", local_target(s, first.header("Next-Page")), "", "bob");
  ASSERT_EQ(second.status, 200) << describe(second);
  EXPECT_EQ(ids_of(second), std::vector<std::string>{"r2"});
  EXPECT_FALSE(second.has_header("Next-Page"));
  EXPECT_EQ(ids_of(s.get(records_path(), "alice")), (std::vector<std::string>{"r6", "r3", "r1"}));
  // Carol may write nothing and create nothing: refused, nothing deleted.
  EXPECT_TRUE(IsError(s.request("DELETE", records_path(), "", "carol"), 403, 121));
  EXPECT_TRUE(IsError(s.request("DELETE", records_path(), "", ""), 401, 104));
  EXPECT_EQ(ids_of(s.get(records_path(), "alice")).size(), 3u);
}

// A grant through a group lasts as long as the membership.
TEST(HttpPermLeaks, GroupSharedRecordsFollowMembership) {
  TestServer s;
  records(s, 3);
  std::string bob = s.user_id("bob");
  must(s, "PUT", "/v1/buckets/blog/groups/friends", Json{{"data", {{"members", {bob}}}}}.dump(), "alice", {201});
  share(s, "r2", "read", "/buckets/blog/groups/friends");
  EXPECT_EQ(ids_of(s.get(records_path(), "bob")), std::vector<std::string>{"r2"});
  EXPECT_EQ(s.get(records_path() + "/r2", "bob").status, 200);
  EXPECT_TRUE(IsError(s.get(records_path(), "carol"), 403, 121));
  must(s, "PATCH", "/v1/buckets/blog/groups/friends", R"({"data":{"members":[]}})", "alice", {200});
  EXPECT_TRUE(IsError(s.get(records_path(), "bob"), 403, 121));
  EXPECT_TRUE(IsError(s.get(records_path() + "?_since=0", "bob"), 403, 121));
  EXPECT_TRUE(IsError(s.get(records_path() + "/r2", "bob"), 403, 121));
}

// §7.5: a refusal is decided before existence, preconditions and body
// validation, so its body is the same whether or not the object exists and
// never carries the object (no 412 details.existing, no 404, no 400).
TEST(HttpPermLeaks, RefusalsRevealNothingAboutExistence) {
  TestServer s;
  records(s, 1);
  struct Case {
    std::string method, path, body;
    httplib::Headers headers;
  };
  std::string r1 = records_path() + "/r1";
  std::string nope = records_path() + "/nope";
  std::vector<std::pair<Case, Case>> pairs{
      {{"GET", r1, "", {}}, {"GET", nope, "", {}}},
      {{"HEAD", r1, "", {}}, {"HEAD", nope, "", {}}},
      {{"DELETE", r1, "", {}}, {"DELETE", nope, "", {}}},
      {{"PATCH", r1, R"({"data":{"a":1}})", {}}, {"PATCH", nope, R"({"data":{"a":1}})", {}}},
      {{"PUT", r1, R"({"data":{}})", {{"If-Match", "\"1\""}}}, {"PUT", nope, R"({"data":{}})", {{"If-Match", "\"1\""}}}},
      {{"PUT", r1, R"({"data":{}})", {{"If-None-Match", "*"}}}, {"PUT", nope, R"({"data":{}})", {{"If-None-Match", "*"}}}},
      {{"POST", records_path(), R"({"data":{"id":"r1"}})", {{"If-None-Match", "*"}}},
       {"POST", records_path(), R"({"data":{"id":"nope"}})", {{"If-None-Match", "*"}}}},
      {{"PATCH", r1, R"({"data":"not an object"})", {}}, {"PATCH", nope, R"({"data":"not an object"})", {}}},
      {{"GET", "/v1/buckets/blog/collections/c/records", "", {}},
       {"GET", "/v1/buckets/blog/collections/missing/records", "", {}}},
      {{"GET", "/v1/buckets/blog", "", {}}, {"GET", "/v1/buckets/nothing", "", {}}},
  };
  for (const std::string& who : {std::string("carol"), std::string("")}) {
    int status = who.empty() ? 401 : 403;
    for (const auto& [a, b] : pairs) {
      Reply ra = s.request(a.method, a.path, a.body, who, a.headers);
      Reply rb = s.request(b.method, b.path, b.body, who, b.headers);
      EXPECT_EQ(ra.status, status) << who << " " << a.method << " " << a.path << ": " << describe(ra);
      EXPECT_EQ(rb.status, status) << who << " " << b.method << " " << b.path << ": " << describe(rb);
      EXPECT_EQ(ra.body, rb.body) << who << " " << a.method << " " << a.path;
      EXPECT_EQ(count_of(ra.body, "secret-"), 0u) << ra.body;
      EXPECT_FALSE(ra.has_header("ETag")) << who << " " << a.method << " " << a.path;
    }
  }
  EXPECT_EQ(ids_of(s.get(records_path(), "alice")), std::vector<std::string>{"r1"});
  EXPECT_EQ(s.get(r1, "alice").json()["data"]["secret"], "secret-x");
}

// A reader is told what a stranger is not: 404 for missing objects and
// collections (§7.5, §3.2), 403 when the only way in is write.
TEST(HttpPermLeaks, ReadersGet404WhereStrangersGet403) {
  TestServer s;
  records(s, 1);
  must(s, "PATCH", "/v1/buckets/blog", acl({{"read", {s.user_id("bob")}}}), "alice", {200});
  Reply r = s.get("/v1/buckets/blog/collections/missing/records", "bob");
  ASSERT_TRUE(IsError(r, 404, 111));
  EXPECT_EQ(r.json()["details"], (Json{{"id", "missing"}, {"resource_name", "collection"}}));
  EXPECT_TRUE(IsError(s.get(records_path() + "/nope", "bob"), 404, 110));
  // Read is not write: an existing record with a stale If-Match is refused,
  // not answered with 412 and the record.
  Reply stale = s.request("PUT", records_path() + "/r1", R"({"data":{}})", "bob", {{"If-Match", "\"1\""}});
  ASSERT_TRUE(IsError(stale, 403, 121));
  EXPECT_EQ(count_of(stale.body, "secret-"), 0u);
  // §7.5: If-None-Match: * on an existing object needs create; a reader gets 403.
  EXPECT_TRUE(IsError(s.request("PUT", records_path() + "/r1", R"({"data":{}})", "bob", {{"If-None-Match", "*"}}),
                      403, 121));
}

// The sub-response of a batch of one request.
Json batched(TestServer& s, const std::string& user, const Json& request,
             const httplib::Headers& headers = {}) {
  Reply r = s.request("POST", "/v1/batch", Json{{"requests", {request}}}.dump(), user, headers);
  EXPECT_EQ(r.status, 200) << describe(r);
  return r.status == 200 ? r.json()["responses"][0] : Json();
}

// A refusal with nothing of the object: no data, no timestamp.
::testing::AssertionResult RefusedBlind(int status, const std::string& body, const Json& headers,
                                        const std::string& marker) {
  int errno_ = status == 401 ? 104 : 121;
  Json b = parse_or_null(body);
  if (!b.is_object() || b.value("errno", 0) != errno_ || b.value("code", 0) != status) {
    return ::testing::AssertionFailure() << "expected " << status << "/" << errno_ << ", got " << body;
  }
  if (b.contains("details") || count_of(body, marker) || count_of(body, "last_modified")) {
    return ::testing::AssertionFailure() << "the refusal shows the object: " << body;
  }
  if (headers.contains("ETag") || headers.contains("Last-Modified")) {
    return ::testing::AssertionFailure() << "the refusal shows a timestamp: " << headers;
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult RefusedBlind(const Reply& r, int status, const std::string& marker) {
  if (r.status != status) return ::testing::AssertionFailure() << "expected " << status << ": " << describe(r);
  Json headers = Json::object();
  for (const auto& [k, v] : r.headers) headers[k] = v;
  return RefusedBlind(r.status, r.body, headers, marker);
}

::testing::AssertionResult RefusedBlind(const Json& sub, int status, const std::string& marker) {
  if (!sub.is_object()) return ::testing::AssertionFailure() << "no sub-response";
  if (sub["status"] != status) return ::testing::AssertionFailure() << "expected " << status << ": " << sub;
  return RefusedBlind(status, sub["body"].dump(), sub["headers"], marker);
}

// A failed precondition shows the object (details.existing, ETag) only to
// those who may read it. Kinto checks only the create permission for PUT
// with If-None-Match: * and answers 412 with the whole object; ratchet
// answers what the write would get without the precondition: a refusal.
TEST(HttpPermLeaks, FailedPreconditionsShowOnlyWhatTheCallerMayRead) {
  TestServer s;
  const std::string bucket = "/v1/buckets/blog";
  must(s, "PUT", bucket, R"({"data":{"secret":"secret-bucket"}})", "alice", {201});
  must(s, "PUT", bucket + "/collections/c", "", "alice", {201});
  must(s, "PUT", bucket + "/collections/c2", R"({"data":{"secret":"secret-collection"}})", "alice", {201});
  must(s, "PUT", bucket + "/groups/g", R"({"data":{"members":[],"secret":"secret-group"}})", "alice", {201});
  make_record(s, "alice", "r1", R"({"data":{"secret":"secret-record"}})");
  std::string bob = s.user_id("bob");
  // bob may create collections and groups in the bucket, records in the collection.
  must(s, "PATCH", bucket, acl({{"collection:create", {bob}}, {"group:create", {bob}}}), "alice", {200});
  must(s, "PATCH", bucket + "/collections/c", acl({{"record:create", {bob}}}), "alice", {200});

  struct Target {
    std::string path, plural, id, marker;
  };
  std::vector<Target> targets{
      {bucket, "/v1/buckets", "blog", "secret-bucket"},  // bucket_create_principals: every user
      {bucket + "/collections/c2", bucket + "/collections", "c2", "secret-collection"},
      {bucket + "/groups/g", bucket + "/groups", "g", "secret-group"},
      {records_path() + "/r1", records_path(), "r1", "secret-record"},
  };
  httplib::Headers none_match{{"If-None-Match", "*"}};
  for (const Target& t : targets) {
    std::string data = R"({"data":{"members":[]}})";
    for (const std::string& who : {std::string("bob"), std::string("carol"), std::string("")}) {
      int status = who.empty() ? 401 : 403;
      // collection:create lets bob read the bucket's attributes (§7.5).
      if (who == "bob" && t.id == "blog") continue;
      SCOPED_TRACE(t.path + " as " + (who.empty() ? "anonymous" : who));
      EXPECT_TRUE(RefusedBlind(s.request("PUT", t.path, data, who, none_match), status, t.marker));
      EXPECT_TRUE(RefusedBlind(s.request("PUT", t.path, data, who, {{"If-Match", "\"1\""}}), status, t.marker));
      std::string posted = Json{{"data", {{"id", t.id}, {"members", Json::array()}}}}.dump();
      EXPECT_TRUE(RefusedBlind(s.request("POST", t.plural, posted, who, none_match), status, t.marker));
      EXPECT_TRUE(RefusedBlind(s.request("PATCH", t.path, data, who, none_match), status, t.marker));
      EXPECT_TRUE(RefusedBlind(s.request("DELETE", t.path, "", who, none_match), status, t.marker));
      EXPECT_TRUE(RefusedBlind(s.request("GET", t.path, "", who, none_match), status, t.marker));
      EXPECT_TRUE(RefusedBlind(s.request("GET", t.path, "", who, {{"If-Match", "\"1\""}}), status, t.marker));
      // The same through a batch, with the header on the sub-request or in defaults.
      Json put = {{"method", "PUT"}, {"path", t.path}, {"body", Json::parse(data)}};
      put["headers"]["If-None-Match"] = "*";
      EXPECT_TRUE(RefusedBlind(batched(s, who, put), status, t.marker));
      Json post = {{"method", "POST"}, {"path", t.plural}, {"body", Json::parse(posted)}};
      post["headers"]["If-None-Match"] = "*";
      EXPECT_TRUE(RefusedBlind(batched(s, who, post), status, t.marker));
      Reply defaults = s.request("POST", "/v1/batch",
                                 Json{{"defaults", {{"headers", {{"If-None-Match", "*"}}}}},
                                      {"requests", {{{"method", "PUT"}, {"path", t.path}}}}}
                                     .dump(),
                                 who);
      ASSERT_EQ(defaults.status, 200) << describe(defaults);
      EXPECT_TRUE(RefusedBlind(defaults.json()["responses"][0], status, t.marker));
      // The outer request's If-None-Match reaches the sub-requests too.
      EXPECT_TRUE(RefusedBlind(batched(s, who, {{"method", "PUT"}, {"path", t.path}}, none_match), status,
                               t.marker));
    }
    // alice reads it: she gets the 412 with the object and its timestamp.
    Reply own = s.request("PUT", t.path, data, "alice", none_match);
    ASSERT_TRUE(IsError(own, 412, 114));
    Json stored = s.get(t.path, "alice").json()["data"];
    EXPECT_EQ(own.json()["details"]["existing"], stored);
    EXPECT_EQ(etag_value(own), stored["last_modified"].get<int64_t>());
  }
  Reply reader = s.request("PUT", bucket, "", "bob", none_match);
  ASSERT_TRUE(IsError(reader, 412, 114));
  EXPECT_EQ(reader.json()["details"]["existing"]["secret"], "secret-bucket");
  // Nothing changed.
  EXPECT_EQ(s.get(records_path() + "/r1", "alice").json()["data"]["secret"], "secret-record");
  EXPECT_EQ(s.get(bucket, "alice").json()["data"]["secret"], "secret-bucket");
}

void with_accounts(Settings& st, Registry&) {
  st.includes = {"accounts"};
  st.multiauth_policies = {"account", "basicauth"};
  st.extra["account_bcrypt_rounds"] = "4";
  st.principals["account_create"] = {"system.Everyone"};
  st.principals["account_write"] = {"account:admin"};
}

// An account's bcrypt hash never reaches someone who may not read the
// account: not an anonymous client (who may create accounts), not another
// account, directly or through a batch. Its owner and the administrators see
// the 412.
TEST(HttpPermLeaks, AccountPreconditionsNeverShowTheHashToOthers) {
  TestServer s(with_accounts);
  auto password = [](const std::string& p) { return Json{{"data", {{"password", p}}}}.dump(); };
  std::string hash = must(s, "PUT", "/v1/accounts/alice", password("secret"), "", {201})["data"]["password"];
  must(s, "PUT", "/v1/accounts/eve", password("secret"), "", {201});
  must(s, "PUT", "/v1/accounts/admin", password("secret"), "", {201});
  ASSERT_EQ(hash.rfind("$2b$", 0), 0u) << hash;
  httplib::Headers none_match{{"If-None-Match", "*"}};
  const std::string path = "/v1/accounts/alice";
  std::string posted = R"({"data":{"id":"alice","password":"x"}})";

  EXPECT_TRUE(RefusedBlind(s.request("PUT", path, password("x"), "", none_match), 401, hash));
  EXPECT_TRUE(RefusedBlind(s.request("PUT", path, password("x"), "", {{"If-Match", "\"1\""}}), 401, hash));
  EXPECT_TRUE(RefusedBlind(s.request("POST", "/v1/accounts", posted, "", none_match), 401, hash));
  EXPECT_TRUE(RefusedBlind(s.request("PATCH", path, password("x"), "", none_match), 401, hash));
  EXPECT_TRUE(RefusedBlind(s.request("DELETE", path, "", "", none_match), 401, hash));
  Json put = {{"method", "PUT"}, {"path", path}, {"body", Json::parse(password("x"))}};
  put["headers"]["If-None-Match"] = "*";
  EXPECT_TRUE(RefusedBlind(batched(s, "", put), 401, hash));
  EXPECT_TRUE(RefusedBlind(batched(s, "", {{"method", "PUT"}, {"path", path}}, none_match), 401, hash));

  // Another account (eve, password "secret") is no reader of alice.
  for (const Reply& r : {s.request("PUT", path, password("x"), "eve", none_match),
                         s.request("POST", "/v1/accounts", posted, "eve", none_match),
                         s.request("PATCH", path, password("x"), "eve", none_match),
                         s.request("DELETE", path, "", "eve", none_match),
                         s.request("GET", path, "", "eve", none_match)}) {
    EXPECT_NE(r.status, 412) << describe(r);
    EXPECT_EQ(count_of(r.body, hash), 0u) << r.body;
    EXPECT_FALSE(r.has_header("ETag")) << describe(r);
  }
  Json sub = batched(s, "eve", put);
  EXPECT_NE(sub["status"], 412) << sub;
  EXPECT_EQ(count_of(sub.dump(), hash), 0u) << sub;

  for (const std::string& reader : {std::string("alice"), std::string("admin")}) {
    Reply r = s.request("PUT", path, password("x"), reader, none_match);
    ASSERT_TRUE(IsError(r, 412, 114)) << reader;
    EXPECT_EQ(r.json()["details"]["existing"]["password"], hash);
  }
  EXPECT_EQ(s.get(path, "alice").json()["data"]["password"], hash);
}

}  // namespace
}  // namespace ratchet::testing

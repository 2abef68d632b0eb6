// POST /v1/batch (PROTOCOL.md §8): payload validation, defaults merging,
// request limit, recursion, sub-response shape, redirects followed, and
// 4xx sub-responses that do not stop the batch.
#include <gtest/gtest.h>

#include "tests/http_helpers.h"

namespace ratchet::testing {
namespace {

Reply batch(TestServer& s, const Json& payload, const std::string& user = "alice") {
  return s.request("POST", "/v1/batch", payload.dump(), user);
}

Json responses(const Reply& r) {
  EXPECT_EQ(r.status, 200) << describe(r);
  Json b = parse_or_null(r.body);
  if (!b.is_object() || !b["responses"].is_array()) {
    ADD_FAILURE() << "no responses: " << r.body;
    return Json::array();
  }
  return b["responses"];
}

TEST(HttpBatch, EmptyRequestsIsValidWithoutAuthentication) {
  TestServer s;
  Reply r = batch(s, {{"requests", Json::array()}}, "");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(r.json(), (Json{{"responses", Json::array()}}));
}

TEST(HttpBatch, DefaultsAndPreconditions) {
  TestServer s;
  Json payload = {{"defaults", {{"method", "PUT"}}},
                  {"requests",
                   {{{"path", "/buckets/b1"}},
                    {{"path", "/buckets/b1"}, {"headers", {{"If-None-Match", "*"}}}}}}};
  Json rs = responses(batch(s, payload));
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0]["status"], 201);
  EXPECT_EQ(rs[0]["path"], "/v1/buckets/b1");
  EXPECT_EQ(rs[0]["body"]["data"]["id"], "b1");
  EXPECT_EQ(rs[0]["body"]["permissions"], (Json{{"write", {s.user_id("alice")}}}));
  EXPECT_EQ(rs[0]["headers"]["ETag"], quoted(rs[0]["body"]["data"]["last_modified"]));
  EXPECT_EQ(rs[1]["status"], 412);
  EXPECT_EQ(rs[1]["path"], "/v1/buckets/b1");
  EXPECT_EQ(rs[1]["body"]["errno"], 114);
  EXPECT_EQ(rs[1]["body"]["details"]["existing"], rs[0]["body"]["data"]);
  EXPECT_EQ(s.get("/v1/buckets/b1", "alice").status, 200);
}

TEST(HttpBatch, DefaultsMergeRecursivelyAndRequestsWin) {
  TestServer s;
  make_collection(s, "alice");
  Json payload = {
      {"defaults",
       {{"method", "POST"},
        {"path", "/buckets/blog/collections/c/records"},
        {"headers", {{"Authorization", basic_auth("bob")}, {"Accept", "*/*"}}},
        {"body", {{"permissions", {{"read", {"system.Everyone"}}}}}}}},
      {"requests",
       {{{"headers", {{"Authorization", basic_auth("alice")}}}, {"body", {{"data", {{"title", "one"}}}}}},
        {{"method", "GET"}, {"path", "/"}}}}};
  Json rs = responses(batch(s, payload, ""));
  ASSERT_EQ(rs.size(), 2u);
  ASSERT_EQ(rs[0]["status"], 201) << rs[0];
  EXPECT_EQ(rs[0]["path"], "/v1/buckets/blog/collections/c/records");
  EXPECT_EQ(rs[0]["body"]["data"]["title"], "one");
  EXPECT_EQ(rs[0]["body"]["permissions"],
            (Json{{"read", {"system.Everyone"}}, {"write", {s.user_id("alice")}}}));
  // The second request inherits bob's Authorization from the defaults.
  EXPECT_EQ(rs[1]["status"], 200);
  EXPECT_EQ(rs[1]["path"], "/v1/");
  EXPECT_EQ(rs[1]["body"]["user"]["id"], s.user_id("bob"));
}

TEST(HttpBatch, SubRequestsInheritTheOuterHeaders) {
  TestServer s;
  Json rs = responses(batch(s, {{"requests", {{{"method", "PUT"}, {"path", "/buckets/mine"}},
                                              {{"path", "/"}}}}}));
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0]["status"], 201);
  EXPECT_EQ(rs[1]["body"]["user"]["id"], s.user_id("alice"));
  // Anonymous outer request: anonymous sub-requests.
  rs = responses(batch(s, {{"requests", {{{"path", "/buckets/mine"}}}}}, ""));
  EXPECT_EQ(rs[0]["status"], 401);
  EXPECT_EQ(rs[0]["body"]["errno"], 104);
}

TEST(HttpBatch, DefaultPathServesRequestsWithoutOne) {
  TestServer s;
  make_collection(s, "alice");
  Json payload = {{"defaults", {{"method", "POST"}, {"path", "/buckets/blog/collections/c/records"}}},
                  {"requests", {{{"body", {{"data", {{"n", 1}}}}}}, {{"body", {{"data", {{"n", 2}}}}}}}}};
  Json rs = responses(batch(s, payload));
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0]["status"], 201);
  EXPECT_EQ(rs[1]["status"], 201);
  EXPECT_EQ(ids_of(s.get(records_path(), "alice")).size(), 2u);
}

TEST(HttpBatch, TooManyRequestsIs400) {
  TestServer s;
  Json requests = Json::array();
  for (int i = 0; i < 26; ++i) requests.push_back({{"path", "/buckets/b" + std::to_string(i)}, {"method", "PUT"}});
  Reply r = batch(s, {{"requests", requests}});
  ASSERT_TRUE(IsError(r, 400, 107));
  EXPECT_NE(r.json()["message"].get<std::string>().find("Number of requests is limited to 25"), std::string::npos)
      << r.body;
  EXPECT_EQ(r.json()["details"][0]["location"], "body");
  EXPECT_EQ(r.json()["details"][0]["name"], "requests");
  EXPECT_EQ(s.get("/v1/buckets", "alice").json()["data"], Json::array());  // nothing ran
  requests.erase(requests.begin());
  Json rs = responses(batch(s, {{"requests", requests}}));
  EXPECT_EQ(rs.size(), 25u);
}

TEST(HttpBatch, LimitFollowsTheSetting) {
  TestServer s([](Settings& st, Registry&) { st.batch_max_requests = 2; });
  Json three = Json::array({{{"path", "/"}}, {{"path", "/"}}, {{"path", "/"}}});
  Reply r = batch(s, {{"requests", three}});
  ASSERT_TRUE(IsError(r, 400, 107));
  EXPECT_NE(r.body.find("Number of requests is limited to 2"), std::string::npos) << r.body;
  TestServer unlimited([](Settings& st, Registry&) { st.batch_max_requests = 0; });
  Json many = Json::array();
  for (int i = 0; i < 30; ++i) many.push_back({{"path", "/"}});
  EXPECT_EQ(responses(batch(unlimited, {{"requests", many}})).size(), 30u);
}

TEST(HttpBatch, PayloadValidation) {
  TestServer s;
  const std::vector<Json> bad{
      {{"requests", {{{"path", "/"}}}}, {"extra", 1}},                          // unknown top-level key
      {{"defaults", {{"path", "/"}}}},                                           // requests missing
      {{"requests", {{"path", "/"}}}},                                           // requests not an array
      {{"requests", {{{"path", "/"}, {"bogus", 1}}}}},                           // unknown request key
      {{"requests", {{{"path", "/"}}}}, {"defaults", {{"bogus", 1}}}},           // unknown defaults key
      {{"requests", {{{"path", "/"}, {"method", "get"}}}}},                      // lower-case method
      {{"requests", {{{"path", "/"}, {"method", "FETCH"}}}}},                    // unknown method
      {{"requests", {{{"method", "GET"}}}}},                                     // no path
      {{"requests", {{{"path", "buckets"}}}}},                                   // no leading slash
      {{"requests", {{{"path", 12}}}}},                                          // not a string
      {{"requests", {{{"path", "/"}, {"headers", {{"X-N", 1}}}}}}},              // non-string header
      {{"requests", {{{"path", "/"}, {"headers", "x"}}}}},                       // headers not an object
      {{"requests", {{{"path", "/buckets/x"}, {"method", "PATCH"},
                      {"body", {{{"op", "add"}, {"path", "/data/x"}}}}}}}},     // body not an object
      {{"requests", {"GET /"}}},                                                 // request not an object
      {{"requests", {{{"path", "/"}}}}, {"defaults", "x"}},                      // defaults not an object
  };
  for (const Json& payload : bad) {
    Reply r = batch(s, payload);
    EXPECT_TRUE(IsError(r, 400, 107)) << payload;
  }
  EXPECT_TRUE(IsError(batch(s, Json::array()), 400, 107));
  EXPECT_TRUE(IsError(s.request("POST", "/v1/batch", "{bad", "alice"), 400, 107));
  Reply r = s.request("POST", "/v1/batch", "{bad", "alice");
  EXPECT_EQ(r.json()["message"].get<std::string>().rfind("Invalid JSON", 0), 0u) << r.body;
}

TEST(HttpBatch, PayloadMustBeJson) {
  TestServer s;
  Reply r = s.request("POST", "/v1/batch", R"({"requests":[]})", "alice", {{"Content-Type", "text/plain"}});
  EXPECT_TRUE(IsError(r, 415, 107));
  r = s.request("POST", "/v1/batch", R"({"requests":[]})", "alice",
                {{"Content-Type", "application/json; charset=utf-8"}});
  EXPECT_EQ(r.status, 200) << describe(r);
}

TEST(HttpBatch, RecursionIsForbidden) {
  TestServer s;
  for (const char* path : {"/batch", "/v1/batch", "/batch?x=1"}) {
    Reply r = batch(s, {{"requests", {{{"method", "POST"}, {"path", path}, {"body", {{"requests", Json::array()}}}}}}});
    ASSERT_TRUE(IsError(r, 400, 107)) << path;
    EXPECT_EQ(r.json()["message"], "requests in body: Recursive call on /batch endpoint is forbidden.") << path;
  }
}

// §8.1: "Any request path containing the substring /batch -> 400"; a
// trailing slash (redirected to /v1/batch and followed) must not get round it.
TEST(HttpBatch, RecursionThroughATrailingSlashIsForbidden) {
  TestServer s;
  Reply r = batch(s, {{"requests", {{{"method", "POST"}, {"path", "/batch/"}, {"body", {{"requests", Json::array()}}}}}}});
  EXPECT_TRUE(IsError(r, 400, 107)) << describe(r);
}

TEST(HttpBatch, ClientErrorsDoNotStopTheBatch) {
  TestServer s;
  Json payload = {{"requests",
                   {{{"method", "PUT"}, {"path", "/buckets/b"}},
                    {{"method", "GET"}, {"path", "/buckets/nothere"}},
                    {{"method", "PUT"}, {"path", "/buckets/__bad__"}},
                    {{"method", "PATCH"}, {"path", "/buckets"}},
                    {{"method", "GET"}, {"path", "/nothing"}},
                    {{"method", "PUT"}, {"path", "/buckets/b/collections/c"}, {"headers", {{"If-Match", "\"1\""}}}},
                    {{"method", "PUT"}, {"path", "/buckets/b/collections/c"}, {"body", {{"data", "x"}}}},
                    {{"method", "PUT"}, {"path", "/buckets/b/collections/c"}, {"body", {{"data", {{"t", 1}}}}}},
                    {{"method", "GET"}, {"path", "/buckets/b/collections/c"}, {"headers", {{"Authorization", basic_auth("bob")}}}},
                    {{"method", "GET"}, {"path", "/buckets/b/collections/c"}}}}};
  Json rs = responses(batch(s, payload));
  ASSERT_EQ(rs.size(), 10u);
  std::vector<int> statuses;
  for (const Json& r : rs) statuses.push_back(r["status"]);
  EXPECT_EQ(statuses, (std::vector<int>{201, 403, 400, 405, 404, 412, 400, 201, 403, 200}));
  // Errors inside keep the error format.
  for (size_t i : {1, 2, 3, 4, 5, 6, 8}) {
    EXPECT_EQ(rs[i]["body"]["code"], rs[i]["status"]) << rs[i];
    EXPECT_TRUE(rs[i]["body"]["errno"].is_number_integer()) << rs[i];
    EXPECT_TRUE(rs[i]["body"]["error"].is_string()) << rs[i];
  }
  EXPECT_EQ(rs[3]["body"]["errno"], 115);
  EXPECT_EQ(rs[4]["body"]["errno"], 111);
  EXPECT_EQ(rs[9]["body"]["data"]["t"], 1);
  // Earlier writes stay.
  EXPECT_EQ(s.get("/v1/buckets/b/collections/c", "alice").json()["data"]["t"], 1);
}

TEST(HttpBatch, SubResponseShape) {
  TestServer s;
  make_collection(s, "alice");
  make_record(s, "alice", "r1", R"({"data":{"a":1}})");
  Json rs = responses(batch(s, {{"requests",
                                 {{{"path", "/buckets/blog/collections/c/records?_limit=1&_expected=1"}},
                                  {{"method", "HEAD"}, {"path", "/buckets/blog/collections/c/records"}},
                                  {{"path", "/v1/buckets/blog/collections/c/records/r1"}}}}}));
  ASSERT_EQ(rs.size(), 3u);
  EXPECT_EQ(rs[0]["status"], 200);
  EXPECT_EQ(rs[0]["path"], "/v1/buckets/blog/collections/c/records");  // no query string
  EXPECT_EQ(rs[0]["body"]["data"][0]["id"], "r1");
  EXPECT_TRUE(rs[0]["headers"].is_object());
  EXPECT_EQ(rs[0]["headers"]["ETag"], s.get(records_path(), "alice").header("ETag"));
  EXPECT_EQ(rs[1]["status"], 200);
  EXPECT_EQ(rs[1]["body"], "");
  EXPECT_EQ(rs[1]["headers"]["Total-Records"], "1");
  EXPECT_EQ(rs[2]["status"], 200);
  EXPECT_EQ(rs[2]["path"], "/v1/buckets/blog/collections/c/records/r1");
  EXPECT_EQ(rs[2]["body"]["data"]["a"], 1);
  EXPECT_EQ(rs[2]["headers"]["ETag"], quoted(rs[2]["body"]["data"]["last_modified"]));
  for (const Json& r : rs) EXPECT_EQ(r.size(), 4u) << r;  // status, path, headers, body
}

TEST(HttpBatch, PathIsPercentDecoded) {
  TestServer s;
  Json rs = responses(batch(s, {{"requests", {{{"method", "PUT"}, {"path", "/buckets/a%2Db"}}}}}));
  EXPECT_EQ(rs[0]["status"], 201) << rs[0];
  EXPECT_EQ(rs[0]["path"], "/v1/buckets/a-b");
  EXPECT_EQ(s.get("/v1/buckets/a-b", "alice").status, 200);
}

TEST(HttpBatch, TrailingSlashRedirectIsFollowed) {
  TestServer s;
  make_bucket(s, "alice");
  Json rs = responses(batch(s, {{"requests",
                                 {{{"path", "/buckets/blog/"}},
                                  {{"method", "PUT"}, {"path", "/buckets/blog/collections/c/"},
                                   {"body", {{"data", {{"x", 1}}}}}}}}}));
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0]["status"], 200) << rs[0];
  EXPECT_EQ(rs[0]["path"], "/v1/buckets/blog");
  EXPECT_EQ(rs[0]["body"]["data"]["id"], "blog");
  EXPECT_EQ(rs[1]["status"], 201) << rs[1];
  EXPECT_EQ(rs[1]["path"], "/v1/buckets/blog/collections/c");
  EXPECT_EQ(s.get("/v1/buckets/blog/collections/c", "alice").json()["data"]["x"], 1);
}

TEST(HttpBatch, BatchEndpointOnlyAcceptsPost) {
  TestServer s;
  Reply r = s.get("/v1/batch", "alice");
  EXPECT_TRUE(IsError(r, 405, 115));
  EXPECT_EQ(r.header("Allow"), "POST, OPTIONS");
}

}  // namespace
}  // namespace ratchet::testing

// If-Match / If-None-Match (PROTOCOL.md §5.1, §5.2, §3.3-§3.8): the §5.2
// table cell by cell on records, plural endpoints, 304, 412 bodies and
// malformed headers.
#include <gtest/gtest.h>

#include <map>

#include "tests/http_helpers.h"

namespace ratchet::testing {
namespace {

const std::vector<std::string> kVerbs{"GET", "POST", "PUT", "PATCH", "DELETE"};

class HttpPreconditions : public ::testing::Test {
 protected:
  void SetUp() override { make_collection(s, "alice"); }

  // A fresh record per verb, so that writes of one cell do not affect another.
  Json fresh(const std::string& id) {
    return make_record(s, "alice", id, R"({"data":{"title":"stored"}})");
  }

  // The request `verb` of the §5.2 table on record `id`.
  Reply run(const std::string& verb, const std::string& id, httplib::Headers headers,
            const std::string& user = "alice") {
    std::string path = records_path() + "/" + id;
    if (verb == "GET") return s.request("GET", path, "", user, headers);
    if (verb == "POST") {
      return s.request("POST", records_path(),
                       Json{{"data", {{"id", id}, {"title", "posted"}}}}.dump(), user, headers);
    }
    if (verb == "PUT") return s.request("PUT", path, R"({"data":{"title":"put"}})", user, headers);
    if (verb == "PATCH") return s.request("PATCH", path, R"({"data":{"title":"patched"}})", user, headers);
    return s.request("DELETE", path, "", user, headers);
  }

  // 412 errno 114 whose details.existing is `existing` (or no details at all
  // when `existing` is null) and whose ETag is the current state's.
  void expect_412(const Reply& r, const Json& existing, const std::string& what) {
    ASSERT_TRUE(IsError(r, 412, 114)) << what;
    Json b = r.json();
    EXPECT_EQ(b["error"], "Precondition Failed") << what;
    EXPECT_EQ(b["message"], "Resource was modified meanwhile") << what;
    if (existing.is_null()) {
      EXPECT_FALSE(b.contains("details")) << what << ": " << r.body;
    } else {
      EXPECT_EQ(b["details"], (Json{{"existing", existing}})) << what;
      EXPECT_EQ(r.header("ETag"), quoted(existing["last_modified"])) << what;
    }
    EXPECT_TRUE(r.has_header("ETag")) << what;
    if (r.has_header("ETag")) {
      EXPECT_EQ(r.header("Last-Modified"), http_date(etag_value(r))) << what;
    }
  }

  TestServer s;
};

TEST_F(HttpPreconditions, IfMatchCurrentPassesEverywhere) {
  for (const std::string& verb : kVerbs) {
    std::string id = "cur-" + verb;
    Json stored = fresh(id);
    Reply r = run(verb, id, {{"If-Match", quoted(stored["last_modified"])}});
    ASSERT_EQ(r.status, 200) << verb << ": " << describe(r);
    if (verb == "POST") {
      EXPECT_EQ(r.json()["data"], stored);  // existing returned
    }
    if (verb == "PUT") {
      EXPECT_EQ(s.get(records_path() + "/" + id, "alice").json()["data"]["title"], "put");
    }
    if (verb == "PATCH") {
      EXPECT_EQ(s.get(records_path() + "/" + id, "alice").json()["data"]["title"], "patched");
    }
    if (verb == "DELETE") {
      EXPECT_EQ(s.get(records_path() + "/" + id, "alice").status, 404);
    }
  }
}

TEST_F(HttpPreconditions, IfMatchStaleFailsWithExisting) {
  for (const std::string& verb : kVerbs) {
    std::string id = "stale-" + verb;
    Json stored = fresh(id);
    Reply r = run(verb, id, {{"If-Match", quoted(stored["last_modified"].get<int64_t>() - 1)}});
    expect_412(r, stored, verb);
    // Nothing changed.
    EXPECT_EQ(s.get(records_path() + "/" + id, "alice").json()["data"], stored) << verb;
  }
}

TEST_F(HttpPreconditions, IfMatchOnMissingObject) {
  const std::map<std::string, int> expected{
      {"GET", 404}, {"POST", 412}, {"PUT", 412}, {"PATCH", 404}, {"DELETE", 404}};
  for (const std::string& value : {std::string("\"123\""), std::string("*")}) {
    for (const std::string& verb : kVerbs) {
      std::string id = "missing-" + verb;
      Reply r = run(verb, id, {{"If-Match", value}});
      std::string what = verb + " If-Match: " + value;
      if (expected.at(verb) == 404) {
        ASSERT_TRUE(IsError(r, 404, 110)) << what;
        EXPECT_EQ(r.json()["details"], (Json{{"id", id}, {"resource_name", "record"}})) << what;
      } else {
        expect_412(r, nullptr, what);
      }
      EXPECT_EQ(s.get(records_path() + "/" + id, "alice").status, 404) << what << ": created";
    }
  }
}

TEST_F(HttpPreconditions, IfMatchStarOnExistingObjectPasses) {
  for (const std::string& verb : kVerbs) {
    std::string id = "star-" + verb;
    Json stored = fresh(id);
    Reply r = run(verb, id, {{"If-Match", "*"}});
    EXPECT_EQ(r.status, 200) << verb << ": " << describe(r);
    if (verb == "POST") {
      EXPECT_EQ(r.json()["data"], stored);
    }
  }
}

TEST_F(HttpPreconditions, IfNoneMatchStarOnExistingObjectFails) {
  for (const std::string& verb : kVerbs) {
    std::string id = "inm-" + verb;
    Json stored = fresh(id);
    expect_412(run(verb, id, {{"If-None-Match", "*"}}), stored, verb);
    EXPECT_EQ(s.get(records_path() + "/" + id, "alice").json()["data"], stored) << verb;
  }
}

TEST_F(HttpPreconditions, IfNoneMatchStarOnMissingObject) {
  const std::map<std::string, int> expected{
      {"GET", 404}, {"POST", 201}, {"PUT", 201}, {"PATCH", 404}, {"DELETE", 404}};
  for (const std::string& verb : kVerbs) {
    std::string id = "new-" + verb;
    Reply r = run(verb, id, {{"If-None-Match", "*"}});
    if (expected.at(verb) == 404) {
      EXPECT_TRUE(IsError(r, 404, 110)) << verb;
    } else {
      ASSERT_EQ(r.status, 201) << verb << ": " << describe(r);
      EXPECT_EQ(r.json()["data"]["id"], id);
      EXPECT_EQ(s.get(records_path() + "/" + id, "alice").status, 200);
    }
  }
}

TEST_F(HttpPreconditions, IfNoneMatchQuotedValue) {
  for (const std::string& verb : kVerbs) {
    std::string id = "q-" + verb;
    Json stored = fresh(id);
    Reply r = run(verb, id, {{"If-None-Match", quoted(stored["last_modified"])}});
    if (verb == "GET") {
      EXPECT_EQ(r.status, 304) << describe(r);
      EXPECT_TRUE(r.body.empty());
      EXPECT_EQ(r.header("ETag"), quoted(stored["last_modified"]));
      EXPECT_EQ(r.header("Last-Modified"), http_date(stored["last_modified"]));
      EXPECT_FALSE(r.has_header("Cache-Control"));
      EXPECT_FALSE(r.has_header("Expires"));
    } else {
      EXPECT_EQ(r.status, 200) << verb << " ignores a quoted If-None-Match: " << describe(r);
    }
  }
  // A different value is no match.
  Json stored = fresh("other");
  Reply r = run("GET", "other", {{"If-None-Match", quoted(stored["last_modified"].get<int64_t>() - 1)}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.json()["data"], stored);
}

TEST_F(HttpPreconditions, HeadHonoursPreconditions) {
  Json stored = fresh("h");
  Reply r = s.request("HEAD", records_path() + "/h", "", "alice",
                      {{"If-None-Match", quoted(stored["last_modified"])}});
  EXPECT_EQ(r.status, 304);
  r = s.request("HEAD", records_path() + "/h", "", "alice",
                {{"If-Match", quoted(stored["last_modified"].get<int64_t>() + 1)}});
  EXPECT_EQ(r.status, 412);
}

TEST_F(HttpPreconditions, PutOnTombstoneWithIfNoneMatchStarCreates) {
  fresh("r1");
  expect_412(run("PUT", "r1", {{"If-None-Match", "*"}}),
             s.get(records_path() + "/r1", "alice").json()["data"], "PUT existing");
  must(s, "DELETE", records_path() + "/r1", "", "alice");
  Reply r = run("PUT", "r1", {{"If-None-Match", "*"}});
  EXPECT_EQ(r.status, 201) << describe(r);
}

TEST_F(HttpPreconditions, PluralGetAndHead) {
  fresh("r1");
  Reply list = s.get(records_path(), "alice");
  int64_t t = etag_value(list);
  Reply r = s.request("GET", records_path(), "", "alice", {{"If-None-Match", quoted(t)}});
  EXPECT_EQ(r.status, 304);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(r.header("ETag"), quoted(t));
  EXPECT_EQ(r.header("Last-Modified"), http_date(t));
  EXPECT_FALSE(r.has_header("Cache-Control"));
  EXPECT_EQ(s.request("HEAD", records_path(), "", "alice", {{"If-None-Match", quoted(t)}}).status, 304);
  EXPECT_EQ(s.request("GET", records_path(), "", "alice", {{"If-None-Match", quoted(t - 1)}}).status, 200);

  EXPECT_EQ(s.request("GET", records_path(), "", "alice", {{"If-Match", quoted(t)}}).status, 200);
  EXPECT_EQ(s.request("GET", records_path(), "", "alice", {{"If-Match", "*"}}).status, 200);
  r = s.request("GET", records_path(), "", "alice", {{"If-Match", quoted(t - 1)}});
  expect_412(r, nullptr, "plural GET stale If-Match");
  EXPECT_EQ(r.header("ETag"), quoted(t));
  expect_412(s.request("GET", records_path(), "", "alice", {{"If-None-Match", "*"}}), nullptr,
             "plural GET If-None-Match: *");
}

TEST_F(HttpPreconditions, PluralDelete) {
  fresh("r1");
  int64_t t = etag_value(s.get(records_path(), "alice"));
  Reply r = s.request("DELETE", records_path(), "", "alice", {{"If-Match", quoted(t - 1)}});
  expect_412(r, nullptr, "plural DELETE stale");
  EXPECT_EQ(r.header("ETag"), quoted(t));
  expect_412(s.request("DELETE", records_path(), "", "alice", {{"If-None-Match", "*"}}), nullptr,
             "plural DELETE If-None-Match: *");
  EXPECT_EQ(ids_of(s.get(records_path(), "alice")), std::vector<std::string>{"r1"});

  r = s.request("DELETE", records_path(), "", "alice", {{"If-Match", quoted(t)}});
  EXPECT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(r.json()["data"].size(), 1u);
  fresh("r2");
  r = s.request("DELETE", records_path(), "", "alice", {{"If-Match", "*"}});
  EXPECT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(r.json()["data"].size(), 1u);
}

// §3.3 quirk: If-Match on a POST that targets no existing object always fails.
TEST_F(HttpPreconditions, PluralPostIfMatchWithoutExistingIdFails) {
  int64_t t = etag_value(s.get(records_path(), "alice"));
  for (const std::string& value : {quoted(t), std::string("*")}) {
    Reply r = s.request("POST", records_path(), R"({"data":{"x":1}})", "alice", {{"If-Match", value}});
    expect_412(r, nullptr, "POST If-Match: " + value);
  }
  EXPECT_EQ(s.get(records_path(), "alice").json()["data"], Json::array());
  // If-None-Match: * with a generated id always passes.
  Reply r = s.request("POST", records_path(), R"({"data":{"x":1}})", "alice", {{"If-None-Match", "*"}});
  EXPECT_EQ(r.status, 201) << describe(r);
}

TEST_F(HttpPreconditions, MalformedHeadersAre400) {
  fresh("r1");
  for (const char* header : {"If-Match", "If-None-Match"}) {
    for (const char* value : {"123", "W/\"1\"", "\"*\"", "abc", "\"1\", \"2\"", "\"-1\"", "\"\"",
                              "\"1.5\"", "\"12a\"", "**"}) {
      std::string what = std::string(header) + ": " + value;
      for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
               {"GET", records_path() + "/r1"}, {"PUT", records_path() + "/r1"},
               {"GET", records_path()}, {"DELETE", records_path() + "/r1"}}) {
        Reply r = s.request(method, path, "", "alice", {{header, value}});
        ASSERT_TRUE(IsError(r, 400, 107)) << what << " on " << method << " " << path;
        EXPECT_EQ(r.json()["details"],
                  Json::array({{{"location", "header"}, {"name", header},
                                {"description", "The value should be integer between double quotes."}}}))
            << what;
        EXPECT_EQ(r.json()["message"],
                  std::string(header) + " in header: The value should be integer between double quotes.");
      }
    }
  }
  EXPECT_EQ(s.get(records_path() + "/r1", "alice").json()["data"]["title"], "stored");
}

TEST_F(HttpPreconditions, MalformedHeaderIsCheckedAfterAuthorization) {
  fresh("r1");
  EXPECT_TRUE(IsError(s.request("GET", records_path() + "/r1", "", "bob", {{"If-Match", "123"}}), 403, 121));
  EXPECT_TRUE(IsError(s.request("GET", records_path() + "/r1", "", "", {{"If-Match", "123"}}), 401, 104));
}

// §3.6 / §7.5: PUT + If-None-Match: * on an existing object asks for create,
// and its 412 shows the object: only a creator who may also read it sees the
// 412; a mere reader and a mere creator get 403 (Kinto shows the creator).
TEST_F(HttpPreconditions, PutIfNoneMatchStarNeedsCreateAndReadPermission) {
  Json stored = fresh("r1");
  std::string bob = s.user_id("bob"), carol = s.user_id("carol"), dave = s.user_id("dave");
  must(s, "PATCH", "/v1/buckets/blog/collections/c",
       Json{{"permissions", {{"read", {bob, dave}}, {"record:create", {carol, dave}}}}}.dump(), "alice");
  EXPECT_TRUE(IsError(run("PUT", "r1", {{"If-None-Match", "*"}}, "bob"), 403, 121));
  Reply creator = run("PUT", "r1", {{"If-None-Match", "*"}}, "carol");
  EXPECT_TRUE(IsError(creator, 403, 121));
  EXPECT_FALSE(creator.has_header("ETag"));
  EXPECT_EQ(count_of(creator.body, "last_modified"), 0u) << creator.body;
  expect_412(run("PUT", "r1", {{"If-None-Match", "*"}}, "dave"), stored, "dave");
  EXPECT_EQ(s.get(records_path() + "/r1", "alice").json()["data"], stored);
}

// §5.1: If-Modified-Since / If-Unmodified-Since are ignored.
TEST_F(HttpPreconditions, HttpDatePreconditionsAreIgnored) {
  Json stored = fresh("r1");
  Reply r = run("GET", "r1", {{"If-Modified-Since", "Fri, 01 Jan 2100 00:00:00 GMT"}});
  EXPECT_EQ(r.status, 200);
  r = run("PUT", "r1", {{"If-Unmodified-Since", "Thu, 01 Jan 1970 00:00:00 GMT"}});
  EXPECT_EQ(r.status, 200) << describe(r);
  r = run("GET", "r1", {{"If-Modified-Since", "123"}});
  EXPECT_EQ(r.status, 200);
}

TEST_F(HttpPreconditions, PreconditionsOnBuckets) {
  Json b = s.get("/v1/buckets/blog", "alice").json()["data"];
  expect_412(s.request("PUT", "/v1/buckets/blog", "", "alice", {{"If-None-Match", "*"}}), b, "PUT bucket");
  expect_412(s.request("DELETE", "/v1/buckets/blog", "", "alice",
                       {{"If-Match", quoted(b["last_modified"].get<int64_t>() - 1)}}),
             b, "DELETE bucket");
  EXPECT_EQ(s.request("GET", "/v1/buckets/blog", "", "alice", {{"If-None-Match", quoted(b["last_modified"])}})
                .status,
            304);
  EXPECT_EQ(s.request("PUT", "/v1/buckets/other", "", "alice", {{"If-None-Match", "*"}}).status, 201);
}

}  // namespace
}  // namespace ratchet::testing

// The three PATCH variants (PROTOCOL.md §6, §3.7): shallow merge,
// JSON merge-patch, JSON-Patch on data and permissions, Response-Behavior,
// and invalid patches that must change nothing.
#include <gtest/gtest.h>

#include "tests/http_helpers.h"

namespace ratchet::testing {
namespace {

const httplib::Headers kMergePatch{{"Content-Type", "application/merge-patch+json"}};
const httplib::Headers kJsonPatch{{"Content-Type", "application/json-patch+json"}};

class HttpPatch : public ::testing::Test {
 protected:
  void SetUp() override {
    make_collection(s, "alice");
    stored = make_record(s, "alice", "r", R"({"data":{"k":1,"n":{"x":1}}})");
  }
  std::string path() const { return records_path() + "/r"; }
  Reply patch(const std::string& body, httplib::Headers headers = {}, const std::string& user = "alice") {
    return s.request("PATCH", path(), body, user, std::move(headers));
  }
  Json current() { return s.get(path(), "alice").json(); }
  // Data without id and last_modified.
  static Json fields(Json data) {
    data.erase("id");
    data.erase("last_modified");
    return data;
  }

  TestServer s;
  Json stored;
};

TEST_F(HttpPatch, JsonMergeReplacesTopLevelAndStoresNull) {
  Reply r = patch(R"({"data":{"k":null,"n":{"y":2}}})");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(fields(r.json()["data"]), (Json{{"k", nullptr}, {"n", {{"y", 2}}}}));
  EXPECT_EQ(r.json()["data"]["id"], "r");
  EXPECT_EQ(fields(current()["data"]), (Json{{"k", nullptr}, {"n", {{"y", 2}}}}));
  EXPECT_EQ(etag_value(r), r.json()["data"]["last_modified"].get<int64_t>());
}

TEST_F(HttpPatch, MergePatchRemovesNullsAndMergesRecursively) {
  Reply r = patch(R"({"data":{"k":null,"n":{"y":2}}})", kMergePatch);
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(fields(r.json()["data"]), (Json{{"n", {{"x", 1}, {"y", 2}}}}));
  EXPECT_EQ(fields(current()["data"]), (Json{{"n", {{"x", 1}, {"y", 2}}}}));
}

TEST_F(HttpPatch, MergePatchCreatesIntermediateObjectsAndKeepsFalsyValues) {
  make_record(s, "alice", "e");
  Reply r = s.request("PATCH", records_path() + "/e", R"({"data":{"p":{"q":{"r":null}},"z":0,"f":false,"o":{}}})",
                      "alice", kMergePatch);
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(fields(r.json()["data"]), (Json{{"p", {{"q", Json::object()}}}, {"z", 0}, {"f", false},
                                            {"o", Json::object()}}));
}

TEST_F(HttpPatch, MergePatchWithCharsetParameter) {
  Reply r = patch(R"({"data":{"k":null}})", {{"Content-Type", "application/merge-patch+json; charset=utf-8"}});
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_FALSE(r.json()["data"].contains("k"));
}

// §6: "The variant is chosen by the request Content-Type (media type compared
// case-insensitively ...)".
TEST_F(HttpPatch, PatchMediaTypeIsCaseInsensitive) {
  Reply r = patch(R"({"data":{"k":null}})", {{"Content-Type", "Application/Merge-Patch+JSON"}});
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_FALSE(r.json()["data"].contains("k")) << "treated as a plain JSON merge: " << r.body;
  r = patch(R"([{"op":"add","path":"/data/j","value":1}])", {{"Content-Type", "APPLICATION/JSON-PATCH+JSON"}});
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(r.json()["data"]["j"], 1);
}

TEST_F(HttpPatch, JsonMergeReplacesNamedPermissionsOnly) {
  std::string bob = s.user_id("bob"), carol = s.user_id("carol");
  Reply r = patch(Json{{"permissions", {{"read", {bob}}}}}.dump());
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(r.json()["permissions"], (Json{{"read", {bob}}, {"write", {s.user_id("alice")}}}));
  r = patch(Json{{"permissions", {{"read", {carol}}, {"write", nullptr}}}}.dump());
  ASSERT_EQ(r.status, 200) << describe(r);
  // read replaced, a null value ignored.
  EXPECT_EQ(r.json()["permissions"], (Json{{"read", {carol}}, {"write", {s.user_id("alice")}}}));
  EXPECT_EQ(fields(r.json()["data"]), fields(stored));  // data untouched
}

TEST_F(HttpPatch, MergePatchNullRemovesAPermission) {
  std::string bob = s.user_id("bob");
  patch(Json{{"permissions", {{"read", {bob}}}}}.dump());
  Reply r = patch(R"({"permissions":{"read":null}})", kMergePatch);
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(r.json()["permissions"], (Json{{"write", {s.user_id("alice")}}}));
  EXPECT_TRUE(IsError(s.get(path(), "bob"), 403, 121));
}

TEST_F(HttpPatch, JsonPatchGrantsAndRevokesPrincipals) {
  Reply r = patch(R"([{"op":"add","path":"/permissions/read/system.Everyone"}])", kJsonPatch);
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_TRUE(contains(r.json()["permissions"]["read"], "system.Everyone"));
  Reply anon = s.get(path());
  ASSERT_EQ(anon.status, 200) << describe(anon);
  EXPECT_EQ(anon.json()["permissions"], Json::object());
  EXPECT_EQ(anon.json()["data"], r.json()["data"]);

  std::string bob = s.user_id("bob");
  r = patch(Json::array({{{"op", "add"}, {"path", "/permissions/write/" + bob}},
                         {{"op", "remove"}, {"path", "/permissions/read/system.Everyone"}}})
                .dump(),
            kJsonPatch);
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_FALSE(r.json()["permissions"].contains("read")) << r.body;
  EXPECT_TRUE(contains(r.json()["permissions"]["write"], bob));
  EXPECT_TRUE(IsError(s.get(path()), 401, 104));
  EXPECT_EQ(s.get(path(), "bob").status, 200);
}

TEST_F(HttpPatch, JsonPatchTestOnPermissions) {
  std::string alice = s.user_id("alice");
  Reply r = patch(Json::array({{{"op", "test"}, {"path", "/permissions/write/" + alice}},
                               {{"op", "add"}, {"path", "/data/ok"}, {"value", true}}})
                      .dump(),
                  kJsonPatch);
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(r.json()["data"]["ok"], true);
  r = patch(R"([{"op":"test","path":"/permissions/read/nobody"}])", kJsonPatch);
  ASSERT_TRUE(IsError(r, 400, 107));
  // Kinto: location body, no name -> message "body: JSON Patch operation failed: ...".
  Json d = r.json()["details"][0];
  EXPECT_EQ(d["location"], "body");
  EXPECT_EQ(d["description"].get<std::string>().rfind("JSON Patch operation failed", 0), 0u) << r.body;
  EXPECT_EQ(r.json()["message"].get<std::string>().rfind("body: JSON Patch operation failed", 0), 0u) << r.body;
}

TEST_F(HttpPatch, JsonPatchReplacesAWholePermissionList) {
  Reply r = patch(R"([{"op":"add","path":"/permissions/read","value":["me","you"]}])", kJsonPatch);
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(r.json()["permissions"]["read"], (Json{"me", "you"}));
  // On a collection, a create permission may be added as a list.
  std::string bob = s.user_id("bob");
  r = s.request("PATCH", "/v1/buckets/blog/collections/c",
                Json::array({{{"op", "add"}, {"path", "/permissions/record:create"}, {"value", {bob}}}}).dump(),
                "alice", kJsonPatch);
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(r.json()["permissions"]["record:create"], Json::array({bob}));
  EXPECT_EQ(s.request("POST", records_path(), "{}", "bob").status, 201);
}

TEST_F(HttpPatch, JsonPatchOnData) {
  make_record(s, "alice", "d", R"({"data":{"list":[1],"title":"a","gone":1,"src":{"v":1}}})");
  Reply r = s.request("PATCH", records_path() + "/d",
                      R"([{"op":"add","path":"/data/list/-","value":2},
                          {"op":"replace","path":"/data/title","value":"b"},
                          {"op":"remove","path":"/data/gone"},
                          {"op":"copy","from":"/data/src","path":"/data/copied"},
                          {"op":"move","from":"/data/src","path":"/data/moved"}])",
                      "alice", kJsonPatch);
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(fields(r.json()["data"]), (Json{{"list", {1, 2}}, {"title", "b"}, {"copied", {{"v", 1}}},
                                            {"moved", {{"v", 1}}}}));
  EXPECT_EQ(fields(s.get(records_path() + "/d", "alice").json()["data"]), fields(r.json()["data"]));
}

TEST_F(HttpPatch, FailingJsonPatchChangesNothing) {
  for (const char* ops : {R"([{"op":"add","path":"/data/x","value":1},{"op":"remove","path":"/data/missing"}])",
                          R"([{"op":"add","path":"/data/x","value":1},{"op":"test","path":"/data/k","value":2}])",
                          R"([{"op":"replace","path":"/data/nope/deeper","value":1}])",
                          R"([{"op":"add","path":"/permissions/destroy/me"}])",
                          R"([{"op":"add","path":"/permissions/destroy","value":["me"]}])",
                          R"([{"op":"add","path":"/permissions/record:create","value":["me"]}])",
                          R"([{"op":"replace","path":"/data/id","value":"other"}])",
                          R"([{"op":"remove","path":"/data"}])",
                          R"([{"op":"add","path":"/permissions/read","value":"me"}])"}) {
    Reply r = patch(ops, kJsonPatch);
    ASSERT_TRUE(IsError(r, 400, 107)) << ops;
    EXPECT_EQ(current()["data"], stored) << ops;
  }
  EXPECT_EQ(current()["permissions"], (Json{{"write", {s.user_id("alice")}}}));
}

TEST_F(HttpPatch, MalformedJsonPatchIs400) {
  for (const char* ops : {R"({"data":{"k":2}})", R"([{"op":"frobnicate","path":"/data/k"}])",
                          R"([{"op":"add","value":1}])", R"([{"op":"add","path":"data/k","value":1}])",
                          R"([{"op":"add","path":"/data/k","value":1,"extra":true}])",
                          R"([{"op":"move","path":"/data/k2"}])", R"(["add"])", R"([{"path":"/data/k"}])"}) {
    Reply r = patch(ops, kJsonPatch);
    EXPECT_TRUE(IsError(r, 400, 107)) << ops;
  }
  EXPECT_EQ(current()["data"], stored);
}

TEST_F(HttpPatch, EmptyPatchIs400) {
  for (const std::string& body : {std::string(""), std::string("{}")}) {
    Reply r = s.request("PATCH", path(), body, "alice", {{"Content-Type", "application/json"}});
    ASSERT_TRUE(IsError(r, 400, 107)) << "body '" << body << "'";
    EXPECT_EQ(r.json()["details"], Json::array({{{"location", "body"}, {"name", "data"},
                                                 {"description", "Provide at least one of data or permissions"}}}));
    // §3.7 quotes "data in body: Provide ..." but §9.4 (and Kinto's error
    // handler) use the bare description when it already contains the name.
    EXPECT_EQ(r.json()["message"], "Provide at least one of data or permissions");
  }
  EXPECT_TRUE(IsError(patch("{}", kMergePatch), 400, 107));
  EXPECT_EQ(current()["data"], stored);
}

TEST_F(HttpPatch, IdCannotChange) {
  EXPECT_TRUE(IsError(patch(R"({"data":{"id":"other"}})"), 400, 107));
  EXPECT_TRUE(IsError(patch(R"({"data":{"id":"other"}})", kMergePatch), 400, 107));
  EXPECT_TRUE(IsError(patch(R"({"data":{"id":null}})", kMergePatch), 400, 107));
  EXPECT_EQ(current()["data"], stored);
  EXPECT_EQ(patch(R"({"data":{"id":"r","k":5}})").status, 200);
  EXPECT_EQ(current()["data"]["k"], 5);
}

TEST_F(HttpPatch, ResponseBehaviorFullIsTheDefault) {
  Reply r = patch(R"({"data":{"k":2}})", {{"Response-Behavior", "full"}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json()["data"], current()["data"]);
  EXPECT_EQ(r.json()["permissions"], (Json{{"write", {s.user_id("alice")}}}));
}

// "light": only the patched fields whose stored value changed (§3.7; Kinto
// computes changed_fields the same way), without id or last_modified.
TEST_F(HttpPatch, ResponseBehaviorLight) {
  Reply r = patch(R"({"data":{"k":2,"n":{"x":1},"new":true}})", {{"Response-Behavior", "light"}});
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(r.json()["data"], (Json{{"k", 2}, {"new", true}}));  // n sent but unchanged
  EXPECT_EQ(etag_value(r), current()["data"]["last_modified"].get<int64_t>());
  EXPECT_EQ(current()["data"]["k"], 2);
  EXPECT_EQ(current()["data"]["n"], (Json{{"x", 1}}));
}

TEST_F(HttpPatch, ResponseBehaviorDiffShowsOnlyServerAlteredFields) {
  Reply r = patch(R"({"data":{"k":3}})", {{"Response-Behavior", "diff"}});
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(r.json()["data"], Json::object());
  EXPECT_EQ(current()["data"]["k"], 3);
  EXPECT_EQ(etag_value(r), current()["data"]["last_modified"].get<int64_t>());
}

TEST_F(HttpPatch, InvalidResponseBehaviorIs400) {
  for (const char* value : {"lite", "FULL?", "light diff"}) {
    Reply r = patch(R"({"data":{"k":9}})", {{"Response-Behavior", value}});
    ASSERT_TRUE(IsError(r, 400, 107)) << value;
    EXPECT_EQ(r.json()["details"][0]["location"], "header");
    EXPECT_EQ(r.json()["details"][0]["name"], "Response-Behavior");
  }
  EXPECT_EQ(current()["data"], stored);
}

TEST_F(HttpPatch, PatchOfMissingObjectIs404) {
  Reply r = s.request("PATCH", records_path() + "/nope", R"({"data":{"a":1}})", "alice");
  ASSERT_TRUE(IsError(r, 404, 110));
  EXPECT_EQ(r.json()["details"], (Json{{"id", "nope"}, {"resource_name", "record"}}));
  // Even with a JSON-Patch or an empty body, the 404 comes first.
  EXPECT_TRUE(IsError(s.request("PATCH", records_path() + "/nope", R"([{"op":"add","path":"/data/a","value":1}])",
                                "alice", kJsonPatch),
                      404, 110));
}

TEST_F(HttpPatch, EditorIsAddedToWrite) {
  std::string bob = s.user_id("bob");
  must(s, "PATCH", "/v1/buckets/blog", Json{{"permissions", {{"write", {bob}}}}}.dump(), "alice");
  Reply r = patch(R"({"data":{"by":"bob"}})", {}, "bob");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_TRUE(contains(r.json()["permissions"]["write"], bob));
  EXPECT_TRUE(contains(r.json()["permissions"]["write"], s.user_id("alice")));
  // §16: bob keeps write on the record once the bucket grant is revoked.
  must(s, "PATCH", "/v1/buckets/blog", Json{{"permissions", {{"write", {s.user_id("alice")}}}}}.dump(), "alice");
  EXPECT_EQ(patch(R"({"data":{"again":1}})", {}, "bob").status, 200);
  EXPECT_TRUE(IsError(s.request("PATCH", "/v1/buckets/blog/collections/c", R"({"data":{}})", "bob"), 403, 121));
}

TEST_F(HttpPatch, PatchedPermissionsAreValidated) {
  for (const char* body : {R"({"permissions":{"destroy":["me"]}})", R"({"permissions":{"read":"me"}})",
                           R"({"permissions":{"read":[1]}})", R"({"permissions":"read"})"}) {
    EXPECT_TRUE(IsError(patch(body), 400, 107)) << body;
    EXPECT_TRUE(IsError(patch(body, kMergePatch), 400, 107)) << body;
  }
  EXPECT_EQ(current()["permissions"], (Json{{"write", {s.user_id("alice")}}}));
}

}  // namespace
}  // namespace ratchet::testing

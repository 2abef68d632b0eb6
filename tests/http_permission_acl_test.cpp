// ACL updates and what they do to access (PROTOCOL.md §6, §7.1, §7.6, §2.7,
// §14.25): PUT replaces the ACL, PATCH replaces per permission, merge-patch
// removes with null, JSON-Patch grants and revokes one principal; the
// explicit_permissions setting; principals in hello; and bad input (unknown
// permission names, principals that are not strings or are empty, group
// members that are groups or system.Everyone) refused with 400 errno 107 and
// details, changing nothing.
#include <gtest/gtest.h>

#include "tests/http_helpers.h"

namespace ratchet::testing {
namespace {

const httplib::Headers kJsonPatch{{"Content-Type", "application/json-patch+json"}};
const httplib::Headers kMergePatch{{"Content-Type", "application/merge-patch+json"}};

std::string acl(const Json& p) { return Json{{"permissions", p}}.dump(); }

// An ACL with its principal lists sorted (their order is unspecified, §3.1).
Json sorted_acl(Json a) {
  for (auto& [perm, list] : a.items()) {
    if (list.is_array()) std::sort(list.begin(), list.end());
  }
  return a;
}

const std::string kRecord = records_path() + "/r1";

TEST(HttpPermissionAcl, PutReplacesTheWholeAclAndAccessFollows) {
  TestServer s;
  make_collection(s, "alice");
  std::string alice = s.user_id("alice"), bob = s.user_id("bob"), carol = s.user_id("carol");
  make_record(s, "alice", "r1", acl({{"read", {bob}}}));
  EXPECT_EQ(s.get(kRecord, "bob").status, 200);
  // No permissions in the body: the ACL is untouched.
  must(s, "PUT", kRecord, R"({"data":{"v":2}})", "alice", {200});
  EXPECT_EQ(s.get(kRecord, "bob").status, 200);
  // Permissions given: every name not given is cleared; the editor stays a writer.
  Reply r = s.request("PUT", kRecord, Json{{"data", {{"v", 3}}}, {"permissions", {{"write", {carol}}}}}.dump(),
                      "alice");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(sorted_acl(r.json()["permissions"]), sorted_acl(Json{{"write", {alice, carol}}}));
  EXPECT_TRUE(IsError(s.get(kRecord, "bob"), 403, 121));
  EXPECT_EQ(s.request("PATCH", kRecord, R"({"data":{"by":"carol"}})", "carol").status, 200);
}

TEST(HttpPermissionAcl, PatchReplacesPerPermissionAndMergePatchRemovesWithNull) {
  TestServer s;
  make_collection(s, "alice");
  std::string alice = s.user_id("alice"), bob = s.user_id("bob");
  make_record(s, "alice", "r1");
  Reply r = s.request("PATCH", kRecord, acl({{"read", {bob}}}), "alice");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(r.json()["permissions"], (Json{{"read", {bob}}, {"write", {alice}}}));
  EXPECT_EQ(s.get(kRecord, "bob").status, 200);
  // application/json: a null permission is ignored.
  must(s, "PATCH", kRecord, R"({"permissions":{"read":null}})", "alice", {200});
  EXPECT_EQ(s.get(kRecord, "bob").status, 200);
  // merge-patch: null removes the permission.
  r = s.request("PATCH", kRecord, R"({"permissions":{"read":null}})", "alice", kMergePatch);
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(r.json()["permissions"], (Json{{"write", {alice}}}));
  EXPECT_TRUE(IsError(s.get(kRecord, "bob"), 403, 121));
}

TEST(HttpPermissionAcl, JsonPatchGrantsAndRevokesOnePrincipal) {
  TestServer s;
  make_collection(s, "alice");
  std::string bob = s.user_id("bob");
  make_record(s, "alice", "r1");
  auto jp = [&](const Json& ops, const std::string& path = kRecord) {
    return s.request("PATCH", path, ops.dump(), "alice", kJsonPatch);
  };
  ASSERT_EQ(jp(Json::array({{{"op", "add"}, {"path", "/permissions/read/" + bob}}})).status, 200);
  EXPECT_EQ(s.get(kRecord, "bob").status, 200);
  EXPECT_TRUE(IsError(s.get(kRecord, "carol"), 403, 121));
  ASSERT_EQ(jp(Json::array({{{"op", "remove"}, {"path", "/permissions/read/" + bob}}})).status, 200);
  EXPECT_TRUE(IsError(s.get(kRecord, "bob"), 403, 121));

  // A group URI as principal: its members gain write.
  must(s, "PUT", "/v1/buckets/blog/groups/eds", Json{{"data", {{"members", {bob}}}}}.dump(), "alice", {201});
  ASSERT_EQ(jp(Json::array({{{"op", "add"}, {"path", "/permissions/write/~1buckets~1blog~1groups~1eds"}}})).status,
            200);
  EXPECT_EQ(s.request("PATCH", kRecord, R"({"data":{"by":"bob"}})", "bob").status, 200);

  // §14.25: a value-less op on a create permission (what kinto-http's
  // addPermissions sends) grants it.
  Reply r = jp(Json::array({{{"op", "add"}, {"path", "/permissions/record:create/" + bob}}}),
               "/v1/buckets/blog/collections/c");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(r.json()["permissions"]["record:create"], Json::array({bob}));
  EXPECT_EQ(s.request("POST", records_path(), "{}", "bob").status, 201);
  EXPECT_TRUE(IsError(s.request("POST", records_path(), "{}", "carol"), 403, 121));
}

// §7.6: with explicit_permissions = false nobody is added to write.
TEST(HttpPermissionAcl, WithoutExplicitPermissionsEditorsAreNotAdded) {
  TestServer s([](Settings& st, Registry&) { st.explicit_permissions = false; });
  std::string alice = basic_id("alice"), bob = basic_id("bob");
  must(s, "PUT", "/v1/buckets/blog", acl({{"write", {alice}}}), "alice", {201});
  Reply r = s.request("PUT", "/v1/buckets/blog/collections/c", "", "alice");
  ASSERT_EQ(r.status, 201) << describe(r);
  EXPECT_EQ(r.json()["permissions"], Json::object());  // alice is no writer of c itself
  must(s, "PATCH", "/v1/buckets/blog", acl({{"write", {alice, bob}}}), "alice", {200});
  make_record(s, "alice", "r1");
  r = s.request("PATCH", kRecord, R"({"data":{"by":"bob"}})", "bob");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(r.json()["permissions"], Json::object());
  // Once the bucket grant is gone, bob has nothing left (contrast with §16).
  must(s, "PATCH", "/v1/buckets/blog", acl({{"write", {alice}}}), "alice", {200});
  EXPECT_TRUE(IsError(s.request("PATCH", kRecord, R"({"data":{}})", "bob"), 403, 121));
  EXPECT_EQ(s.get("/v1/", "alice").json()["settings"]["explicit_permissions"], false);
}

// §7.1 / §2.7: hello lists every principal: the id, system.Everyone,
// system.Authenticated and the URIs of the groups the user belongs to,
// directly or through system.Authenticated.
TEST(HttpPermissionAcl, HelloListsEveryPrincipal) {
  TestServer s;
  make_bucket(s, "alice");
  std::string bob = s.user_id("bob");
  must(s, "PUT", "/v1/buckets/blog/groups/direct", Json{{"data", {{"members", {bob}}}}}.dump(), "alice", {201});
  must(s, "PUT", "/v1/buckets/blog/groups/everybody", R"({"data":{"members":["system.Authenticated"]}})", "alice",
       {201});
  must(s, "PUT", "/v1/buckets/blog/groups/others", Json{{"data", {{"members", {s.user_id("carol")}}}}}.dump(),
       "alice", {201});
  Json user = s.get("/v1/", "bob").json()["user"];
  EXPECT_EQ(user["id"], bob);
  std::set<std::string> principals(user["principals"].begin(), user["principals"].end());
  EXPECT_EQ(principals, (std::set<std::string>{bob, "system.Everyone", "system.Authenticated",
                                                "/buckets/blog/groups/direct", "/buckets/blog/groups/everybody"}));
  EXPECT_EQ(user["principals"].size(), principals.size()) << "duplicates: " << user;
  EXPECT_FALSE(s.get("/v1/").json().contains("user"));
}

// §3.1 / §7.2: a permission name the type does not have is a 400 and
// nothing is written.
TEST(HttpPermissionAcl, UnknownPermissionNamesAreRefused) {
  TestServer s;
  make_collection(s, "alice");
  make_record(s, "alice", "r1");
  must(s, "PUT", "/v1/buckets/blog/groups/g", R"({"data":{"members":[]}})", "alice", {201});
  struct Target {
    std::string path, fresh;
    std::vector<std::string> bad;
    int fresh_status;  // what alice gets reading `fresh` (a missing bucket is 403, §16)
  };
  std::vector<Target> targets{
      {"/v1/buckets/blog", "/v1/buckets/other", {"record:create", "bucket:create", "delete", "READ"}, 403},
      {"/v1/buckets/blog/groups/g", "/v1/buckets/blog/groups/g2",
       {"group:create", "record:create", "collection:create"}, 404},
      {"/v1/buckets/blog/collections/c", "/v1/buckets/blog/collections/c2",
       {"collection:create", "group:create", "create"}, 404},
      {kRecord, records_path() + "/r2", {"record:create", "write:attributes", ""}, 404},
  };
  for (const auto& t : targets) {
    Json before = s.get(t.path, "alice").json();
    for (const auto& name : t.bad) {
      std::string body = acl({{name, {"system.Everyone"}}});
      for (const char* method : {"PUT", "PATCH"}) {
        Reply r = s.request(method, t.path, body, "alice");
        ASSERT_TRUE(IsError(r, 400, 107)) << method << " " << t.path << " " << body;
        Json d = r.json()["details"];
        ASSERT_TRUE(d.is_array() && !d.empty()) << r.body;
        EXPECT_EQ(d[0]["location"], "body") << r.body;
        EXPECT_EQ(d[0]["name"], "permissions") << r.body;  // as Kinto (colander's OneOf)
        EXPECT_EQ(d[0]["description"].get<std::string>().rfind("\"" + name + "\" is not one of read, write", 0), 0u)
            << r.body;
      }
      EXPECT_TRUE(IsError(s.request("PATCH", t.path, body, "alice", kMergePatch), 400, 107)) << t.path << " " << body;
      EXPECT_TRUE(IsError(s.request("PUT", t.fresh, body, "alice"), 400, 107)) << t.fresh << " " << body;
      // JSON-Patch: the name is checked too (§6.3 "SHOULD reject").
      Json op = Json::array({{{"op", "add"}, {"path", "/permissions/" + name}, {"value", {"system.Everyone"}}}});
      EXPECT_TRUE(IsError(s.request("PATCH", t.path, op.dump(), "alice", kJsonPatch), 400, 107))
          << t.path << " " << op;
    }
    EXPECT_EQ(s.get(t.path, "alice").json(), before) << t.path;
    EXPECT_EQ(s.get(t.fresh, "alice").status, t.fresh_status) << t.fresh;
  }
  EXPECT_TRUE(IsError(s.get(kRecord), 401, 104));  // nothing was granted to system.Everyone
}

TEST(HttpPermissionAcl, PrincipalsMustBeStrings) {
  TestServer s;
  make_collection(s, "alice");
  make_record(s, "alice", "r1");
  Json before = s.get(kRecord, "alice").json();
  for (const char* perms : {R"({"read":[1]})", R"({"read":[null]})", R"({"read":[{"a":"b"}]})", R"({"read":[["x"]]})",
                            R"({"read":"system.Everyone"})", R"({"write":{"x":"x"}})", R"({"read":true})"}) {
    std::string body = std::string(R"({"permissions":)") + perms + "}";
    for (const char* method : {"PUT", "PATCH"}) {
      Reply r = s.request(method, kRecord, body, "alice");
      ASSERT_TRUE(IsError(r, 400, 107)) << method << " " << body;
      Json d = r.json()["details"];
      ASSERT_TRUE(d.is_array() && !d.empty()) << r.body;
      EXPECT_EQ(d[0]["location"], "body");
      EXPECT_EQ(d[0]["name"].get<std::string>().rfind("permissions.", 0), 0u) << r.body;
    }
    EXPECT_TRUE(IsError(s.request("POST", records_path(), body, "alice"), 400, 107)) << body;
    EXPECT_TRUE(IsError(s.request("PUT", records_path() + "/r2", body, "alice"), 400, 107)) << body;
  }
  for (const char* ops : {R"([{"op":"add","path":"/permissions/read","value":[1]}])",
                          R"([{"op":"add","path":"/permissions/read","value":[null]}])"}) {
    EXPECT_TRUE(IsError(s.request("PATCH", kRecord, ops, "alice", kJsonPatch), 400, 107)) << ops;
  }
  EXPECT_EQ(s.get(kRecord, "alice").json(), before);
  EXPECT_EQ(ids_of(s.get(records_path(), "alice")), std::vector<std::string>{"r1"});
}

// An empty principal (or one holding NUL) is refused wherever an ACL is
// written: PUT, POST, the three PATCH formats; nothing changes.
TEST(HttpPermissionAcl, EmptyPrincipalsAreRefused) {
  TestServer s;
  make_collection(s, "alice");
  make_record(s, "alice", "r1");
  Json before = s.get(kRecord, "alice").json();
  for (const Json& bad : {Json(""), Json(std::string("a\0b", 3))}) {
    std::string body = Json{{"permissions", {{"read", {s.user_id("bob"), bad}}}}}.dump();
    for (const char* method : {"PUT", "PATCH"}) {
      Reply r = s.request(method, kRecord, body, "alice");
      ASSERT_TRUE(IsError(r, 400, 107)) << method << " " << body;
      EXPECT_EQ(r.json()["details"][0]["location"], "body") << r.body;
      EXPECT_EQ(r.json()["details"][0]["name"], "permissions.read.1") << r.body;  // its index, as Kinto
    }
    EXPECT_TRUE(IsError(s.request("PATCH", kRecord, body, "alice", kMergePatch), 400, 107)) << body;
    EXPECT_TRUE(IsError(s.request("POST", records_path(), body, "alice"), 400, 107)) << body;
    EXPECT_TRUE(IsError(s.request("PUT", records_path() + "/r2", body, "alice"), 400, 107)) << body;
    EXPECT_TRUE(IsError(s.request("PUT", "/v1/buckets/other", body, "alice"), 400, 107)) << body;
    Json whole = Json::array({{{"op", "add"}, {"path", "/permissions/read"}, {"value", {bad}}}});
    EXPECT_TRUE(IsError(s.request("PATCH", kRecord, whole.dump(), "alice", kJsonPatch), 400, 107)) << whole;
  }
  // JSON Patch names the principal in the path: "/permissions/read/" is "".
  for (const char* ops : {R"([{"op":"add","path":"/permissions/read/"}])",
                          R"([{"op":"add","path":"/permissions/write/","value":""}])",
                          R"([{"op":"add","path":"/permissions/read/a\u0000b"}])"}) {
    EXPECT_TRUE(IsError(s.request("PATCH", kRecord, ops, "alice", kJsonPatch), 400, 107)) << ops;
  }
  EXPECT_EQ(s.get(kRecord, "alice").json(), before);
  EXPECT_EQ(ids_of(s.get(records_path(), "alice")), std::vector<std::string>{"r1"});
  EXPECT_EQ(s.get("/v1/buckets/other", "alice").status, 403);
}

// §2.3 / §2.7: a group member that is a group URI or system.Everyone (or not
// a string) is refused, whichever way it comes, and membership is unchanged.
TEST(HttpPermissionAcl, BadGroupMembersChangeNothing) {
  TestServer s;
  make_bucket(s, "alice");
  std::string bob = s.user_id("bob");
  const std::string g = "/v1/buckets/blog/groups/g";
  must(s, "PUT", g, Json{{"data", {{"members", {bob}}}}}.dump(), "alice", {201});
  Json before = s.get(g, "alice").json();
  for (const Json& bad : {Json("system.Everyone"), Json("/buckets/blog/groups/g"), Json("/buckets/x/groups/y"),
                          Json(1), Json(nullptr), Json(""), Json(std::string("a\0b", 3))}) {
    Json members = {bob, bad};
    std::string body = Json{{"data", {{"members", members}}}}.dump();
    for (const char* method : {"PUT", "PATCH"}) {
      Reply r = s.request(method, g, body, "alice");
      ASSERT_TRUE(IsError(r, 400, 107)) << method << " " << body;
      EXPECT_EQ(r.json()["details"][0]["location"], "body") << r.body;
      EXPECT_EQ(r.json()["details"][0]["name"].get<std::string>().rfind("data.members", 0), 0u) << r.body;
    }
    EXPECT_TRUE(IsError(s.request("PATCH", g, body, "alice", kMergePatch), 400, 107)) << body;
    Json op = Json::array({{{"op", "add"}, {"path", "/data/members/-"}, {"value", bad}}});
    EXPECT_TRUE(IsError(s.request("PATCH", g, op.dump(), "alice", kJsonPatch), 400, 107)) << op;
    EXPECT_TRUE(IsError(s.request("PUT", g + "2", body, "alice"), 400, 107)) << body;
    EXPECT_TRUE(IsError(s.request("POST", "/v1/buckets/blog/groups", body, "alice"), 400, 107)) << body;
  }
  EXPECT_TRUE(IsError(s.request("PUT", g, R"({"data":{"members":"system.Authenticated"}})", "alice"), 400, 107));
  EXPECT_EQ(s.get(g, "alice").json(), before);
  EXPECT_EQ(ids_of(s.get("/v1/buckets/blog/groups", "alice")), std::vector<std::string>{"g"});
  Json principals = s.get("/v1/", "bob").json()["user"]["principals"];
  EXPECT_TRUE(contains(principals, "/buckets/blog/groups/g")) << principals;
  // Nobody became a member through a refused write.
  EXPECT_FALSE(contains(s.get("/v1/", "carol").json()["user"]["principals"], "/buckets/blog/groups/g"));
}

}  // namespace
}  // namespace ratchet::testing

// Authentication and authorization over HTTP (PROTOCOL.md §7.1-§7.6, §16):
// 401 vs 403 vs 404, bucket_create_principals, the creator's write grant,
// who sees permissions, inheritance, create-only grants, group principals.
#include <gtest/gtest.h>

#include "tests/http_helpers.h"

namespace ratchet::testing {
namespace {

std::string acl(const Json& perms) { return Json{{"permissions", perms}}.dump(); }

TEST(HttpAuth, AnonymousDenialIs401WithChallenge) {
  TestServer s;
  make_collection(s, "alice");
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/v1/buckets/blog"}, {"GET", "/v1/buckets"}, {"PUT", "/v1/buckets/blog/collections/x"},
           {"POST", records_path()}, {"DELETE", "/v1/buckets/blog"}, {"GET", records_path()},
           {"PATCH", "/v1/buckets/blog"}}) {
    Reply r = s.request(method, path, method == "GET" || method == "DELETE" ? "" : "{\"data\":{}}", "");
    ASSERT_TRUE(IsError(r, 401, 104)) << method << " " << path;
    EXPECT_EQ(r.json()["error"], "Unauthorized");
    EXPECT_EQ(r.json()["message"], "Please authenticate yourself to use this endpoint.");
    EXPECT_EQ(r.header("WWW-Authenticate"), "Basic realm=\"Realm\"") << method << " " << path;
  }
  EXPECT_EQ(s.get("/v1/buckets/blog", "alice").json()["data"]["id"], "blog");  // nothing changed
}

TEST(HttpAuth, AuthenticatedDenialIs403) {
  TestServer s;
  make_collection(s, "alice");
  make_record(s, "alice", "r1");
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/v1/buckets/blog"}, {"PUT", "/v1/buckets/blog"}, {"PATCH", "/v1/buckets/blog"},
           {"DELETE", "/v1/buckets/blog"}, {"GET", "/v1/buckets/blog/collections"},
           {"GET", records_path()}, {"GET", records_path() + "/r1"}, {"PUT", records_path() + "/r1"},
           {"DELETE", records_path() + "/r1"}, {"POST", records_path()},
           {"PUT", "/v1/buckets/blog/groups/g"}, {"DELETE", records_path()}}) {
    Reply r = s.request(method, path, method == "GET" || method == "DELETE" ? "" : "{\"data\":{}}", "bob");
    ASSERT_TRUE(IsError(r, 403, 121)) << method << " " << path;
    EXPECT_EQ(r.json()["error"], "Forbidden");
    EXPECT_EQ(r.json()["message"], "This user cannot access this resource.");
  }
  EXPECT_EQ(s.get(records_path() + "/r1", "alice").status, 200);
  EXPECT_EQ(ids_of(s.get(records_path(), "alice")), std::vector<std::string>{"r1"});
}

TEST(HttpAuth, UnreadableObjectsAre403WhetherOrNotTheyExist) {
  TestServer s;
  make_collection(s, "alice");
  EXPECT_TRUE(IsError(s.get("/v1/buckets/nothing", "bob"), 403, 121));
  EXPECT_TRUE(IsError(s.get("/v1/buckets/blog", "bob"), 403, 121));
  EXPECT_TRUE(IsError(s.get("/v1/buckets/nothing/collections/c/records", "bob"), 403, 121));
  EXPECT_TRUE(IsError(s.get(records_path() + "/nope", "bob"), 403, 121));
  EXPECT_TRUE(IsError(s.get(records_path() + "/nope", "alice"), 404, 110));
  // Invalid ids surface only to callers who pass authorization.
  EXPECT_TRUE(IsError(s.get("/v1/buckets/beer'", "bob"), 403, 121));
  EXPECT_TRUE(IsError(s.get("/v1/buckets/blog/collections/bad.id", "bob"), 403, 121));
  EXPECT_TRUE(IsError(s.get("/v1/buckets/blog/collections/bad.id", "alice"), 400, 107));
}

TEST(HttpAuth, AnyAuthenticatedUserMayCreateBucketsByDefault) {
  TestServer s;
  Reply r = s.get("/v1/buckets", "bob");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json()["data"], Json::array());
  EXPECT_TRUE(IsError(s.get("/v1/buckets"), 401, 104));
  EXPECT_EQ(s.request("PUT", "/v1/buckets/bobs", "", "bob").status, 201);
  EXPECT_EQ(s.request("POST", "/v1/buckets", "", "bob").status, 201);
  EXPECT_TRUE(IsError(s.request("PUT", "/v1/buckets/anon", "", ""), 401, 104));
  EXPECT_TRUE(IsError(s.request("POST", "/v1/buckets", "", ""), 401, 104));
}

TEST(HttpAuth, BucketCreatePrincipalsRestrictsCreation) {
  TestServer s([](Settings& st, Registry&) { st.principals["bucket_create"] = {basic_id("alice")}; });
  EXPECT_EQ(s.request("PUT", "/v1/buckets/blog", "", "alice").status, 201);
  EXPECT_TRUE(IsError(s.request("PUT", "/v1/buckets/bobs", "", "bob"), 403, 121));
  EXPECT_TRUE(IsError(s.request("POST", "/v1/buckets", "{}", "bob"), 403, 121));
  EXPECT_TRUE(IsError(s.request("PUT", "/v1/buckets/anon", "", ""), 401, 104));
  // Bob can neither create nor read any bucket: listing is refused too.
  EXPECT_TRUE(IsError(s.get("/v1/buckets", "bob"), 403, 121));
  EXPECT_EQ(ids_of(s.get("/v1/buckets", "alice")), std::vector<std::string>{"blog"});
  // Once bob can read a bucket, he lists just that one.
  must(s, "PATCH", "/v1/buckets/blog", acl({{"read", {basic_id("bob")}}}), "alice");
  EXPECT_EQ(ids_of(s.get("/v1/buckets", "bob")), std::vector<std::string>{"blog"});
}

TEST(HttpAuth, EveryoneMayCreateWhenConfigured) {
  TestServer s([](Settings& st, Registry&) { st.principals["bucket_create"] = {"system.Everyone"}; });
  Reply r = s.request("PUT", "/v1/buckets/open", "", "");
  ASSERT_EQ(r.status, 201) << describe(r);
  // The anonymous writer's principal is system.Everyone (§7.1, §7.6).
  EXPECT_EQ(r.json()["permissions"], (Json{{"write", {"system.Everyone"}}}));
  EXPECT_EQ(s.get("/v1/buckets/open").status, 200);
  EXPECT_EQ(s.get("/v1/buckets/open", "bob").status, 200);
}

TEST(HttpAuth, CreatorGetsWrite) {
  TestServer s;
  Reply r = s.request("PUT", "/v1/buckets/blog", "", "alice");
  EXPECT_EQ(r.json()["permissions"], (Json{{"write", {s.user_id("alice")}}}));
  r = s.request("POST", "/v1/buckets/blog/collections", R"({"data":{"id":"c"}})", "alice");
  EXPECT_EQ(r.json()["permissions"], (Json{{"write", {s.user_id("alice")}}}));
  r = s.request("POST", records_path(), "{}", "alice");
  EXPECT_EQ(r.json()["permissions"], (Json{{"write", {s.user_id("alice")}}}));
}

// §7.6: with explicit_permissions = false the creator is not added to write.
TEST(HttpAuth, NoImplicitWriteWithoutExplicitPermissions) {
  TestServer s([](Settings& st, Registry&) { st.explicit_permissions = false; });
  Reply r = s.request("PUT", "/v1/buckets/blog", acl({{"read", {basic_id("bob")}}}), "alice");
  ASSERT_EQ(r.status, 201) << describe(r);
  EXPECT_EQ(r.json()["permissions"], Json::object());  // alice is no writer: ACL not shown
  EXPECT_TRUE(IsError(s.get("/v1/buckets/blog", "alice"), 403, 121));
  EXPECT_EQ(s.get("/v1/buckets/blog", "bob").status, 200);
}

TEST(HttpAuth, PermissionsAreShownOnlyToWriters) {
  TestServer s;
  make_collection(s, "alice");
  std::string bob = s.user_id("bob");
  must(s, "PATCH", "/v1/buckets/blog", acl({{"read", {bob}}}), "alice");
  Reply r = s.get("/v1/buckets/blog", "bob");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(r.json()["permissions"], Json::object());
  EXPECT_EQ(r.json()["data"]["id"], "blog");
  r = s.get("/v1/buckets/blog", "alice");
  EXPECT_EQ(r.json()["permissions"], (Json{{"read", {bob}}, {"write", {s.user_id("alice")}}}));
  // Inherited read reaches children; bob sees their data without ACLs.
  make_record(s, "alice", "r1", R"({"data":{"a":1}})");
  r = s.get(records_path() + "/r1", "bob");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json()["permissions"], Json::object());
  EXPECT_EQ(ids_of(s.get(records_path(), "bob")), std::vector<std::string>{"r1"});
  EXPECT_EQ(ids_of(s.get("/v1/buckets/blog/collections", "bob")), std::vector<std::string>{"c"});
  // ... but read is not write.
  EXPECT_TRUE(IsError(s.request("PUT", records_path() + "/r1", "", "bob"), 403, 121));
  EXPECT_TRUE(IsError(s.request("POST", records_path(), "{}", "bob"), 403, 121));
  EXPECT_TRUE(IsError(s.request("DELETE", records_path() + "/r1", "", "bob"), 403, 121));
}

TEST(HttpAuth, BucketWriteGrantsWriteOnDescendants) {
  TestServer s;
  make_collection(s, "alice");
  make_record(s, "alice", "r1");
  std::string bob = s.user_id("bob");
  must(s, "PATCH", "/v1/buckets/blog", acl({{"write", {bob}}}), "alice");
  EXPECT_EQ(s.request("PUT", records_path() + "/r2", "", "bob").status, 201);
  EXPECT_EQ(s.request("PATCH", records_path() + "/r1", R"({"data":{"b":1}})", "bob").status, 200);
  EXPECT_EQ(s.request("PUT", "/v1/buckets/blog/collections/c2", "", "bob").status, 201);
  EXPECT_EQ(s.request("PUT", "/v1/buckets/blog/groups/g", "", "bob").status, 201);
  EXPECT_EQ(s.request("DELETE", records_path() + "/r1", "", "bob").status, 200);
  // Bob is a writer of the bucket, so he sees its ACL.
  EXPECT_TRUE(contains(s.get("/v1/buckets/blog", "bob").json()["permissions"]["write"], bob));
}

TEST(HttpAuth, CollectionCreateGrantLetsReadTheBucketAndListOwnChildren) {
  TestServer s;
  make_collection(s, "alice");
  std::string bob = s.user_id("bob");
  must(s, "PATCH", "/v1/buckets/blog", acl({{"collection:create", {bob}}}), "alice");
  Reply r = s.get("/v1/buckets/blog", "bob");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(r.json()["permissions"], Json::object());
  r = s.get("/v1/buckets/blog/collections", "bob");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(r.json()["data"], Json::array());  // alice's collection is not bob's to see
  EXPECT_TRUE(IsError(s.get("/v1/buckets/blog/collections/c", "bob"), 403, 121));
  EXPECT_EQ(s.request("PUT", "/v1/buckets/blog/collections/mine", "", "bob").status, 201);
  EXPECT_EQ(ids_of(s.get("/v1/buckets/blog/collections", "bob")), std::vector<std::string>{"mine"});
  EXPECT_TRUE(IsError(s.request("PUT", "/v1/buckets/blog/groups/g", "", "bob"), 403, 121));
  // §16: a bucket where bob only holds collection:create appears in his bucket list.
  EXPECT_EQ(ids_of(s.get("/v1/buckets", "bob")), std::vector<std::string>{"blog"});
}

TEST(HttpAuth, RecordCreateGrantDoesNotRevealOthersRecords) {
  TestServer s;
  make_collection(s, "alice");
  make_record(s, "alice", "theirs");
  std::string bob = s.user_id("bob");
  must(s, "PATCH", "/v1/buckets/blog/collections/c", acl({{"record:create", {bob}}}), "alice");
  Reply r = s.get(records_path(), "bob");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(r.json()["data"], Json::array());
  EXPECT_EQ(s.request("HEAD", records_path(), "", "bob").header("Total-Records"), "0");
  EXPECT_EQ(s.get("/v1/buckets/blog/collections/c", "bob").status, 200);  // attributes readable
  EXPECT_TRUE(IsError(s.get(records_path() + "/theirs", "bob"), 403, 121));
  Json mine = post_record(s, "bob");
  EXPECT_EQ(ids_of(s.get(records_path(), "bob")), std::vector<std::string>{mine["id"]});
  EXPECT_EQ(s.request("HEAD", records_path(), "", "bob").header("Total-Records"), "1");
  EXPECT_EQ(ids_of(s.get(records_path(), "alice")).size(), 2u);
  // §16: the collection appears in bob's listing of the bucket's collections.
  EXPECT_EQ(ids_of(s.get("/v1/buckets/blog/collections", "bob")), std::vector<std::string>{"c"});
}

TEST(HttpAuth, IndividualGrantsFilterListsAndDeletes) {
  TestServer s;
  make_collection(s, "alice");
  std::string bob = s.user_id("bob");
  make_record(s, "alice", "shared", acl({{"write", {bob}}}));
  make_record(s, "alice", "readable", acl({{"read", {bob}}}));
  make_record(s, "alice", "private");
  EXPECT_EQ(ids_of(s.get(records_path(), "bob")), (std::vector<std::string>{"readable", "shared"}));
  Reply r = s.request("DELETE", records_path(), "", "bob");
  ASSERT_EQ(r.status, 200) << describe(r);
  ASSERT_EQ(r.json()["data"].size(), 1u);
  EXPECT_EQ(r.json()["data"][0]["id"], "shared");
  EXPECT_EQ(ids_of(s.get(records_path(), "alice")), (std::vector<std::string>{"private", "readable"}));
}

TEST(HttpAuth, GroupMembershipGrantsAccess) {
  TestServer s;
  make_bucket(s, "alice");
  std::string bob = s.user_id("bob");
  Reply r = s.request("PUT", "/v1/buckets/blog/groups/readers", Json{{"data", {{"members", {bob}}}}}.dump(),
                      "alice");
  ASSERT_EQ(r.status, 201) << describe(r);
  Json principals = s.get("/v1/", "bob").json()["user"]["principals"];
  EXPECT_TRUE(contains(principals, "/buckets/blog/groups/readers")) << principals;
  EXPECT_FALSE(contains(s.get("/v1/", "carol").json()["user"]["principals"], "/buckets/blog/groups/readers"));

  must(s, "PATCH", "/v1/buckets/blog", acl({{"read", {"/buckets/blog/groups/readers"}}}), "alice");
  EXPECT_EQ(s.get("/v1/buckets/blog", "bob").status, 200);
  EXPECT_TRUE(IsError(s.get("/v1/buckets/blog", "carol"), 403, 121));

  // Removing bob from the group ends it.
  must(s, "PUT", "/v1/buckets/blog/groups/readers", R"({"data":{"members":[]}})", "alice");
  EXPECT_FALSE(contains(s.get("/v1/", "bob").json()["user"]["principals"], "/buckets/blog/groups/readers"));
  EXPECT_TRUE(IsError(s.get("/v1/buckets/blog", "bob"), 403, 121));
  // Adding by PATCH works too; deleting the group ends membership again.
  must(s, "PATCH", "/v1/buckets/blog/groups/readers", Json{{"data", {{"members", {bob}}}}}.dump(), "alice");
  EXPECT_EQ(s.get("/v1/buckets/blog", "bob").status, 200);
  must(s, "DELETE", "/v1/buckets/blog/groups/readers", "", "alice");
  EXPECT_FALSE(contains(s.get("/v1/", "bob").json()["user"]["principals"], "/buckets/blog/groups/readers"));
  EXPECT_TRUE(IsError(s.get("/v1/buckets/blog", "bob"), 403, 121));
}

TEST(HttpAuth, AuthenticatedMemberPutsEveryUserInTheGroup) {
  TestServer s;
  make_bucket(s, "alice");
  must(s, "PUT", "/v1/buckets/blog/groups/all", R"({"data":{"members":["system.Authenticated"]}})", "alice",
       {201});
  must(s, "PATCH", "/v1/buckets/blog", acl({{"read", {"/buckets/blog/groups/all"}}}), "alice");
  EXPECT_TRUE(contains(s.get("/v1/", "carol").json()["user"]["principals"], "/buckets/blog/groups/all"));
  EXPECT_EQ(s.get("/v1/buckets/blog", "carol").status, 200);
  EXPECT_TRUE(IsError(s.get("/v1/buckets/blog"), 401, 104));
}

TEST(HttpAuth, PatchOrDeleteOfMissingObjectIs404OnlyForParentReaders) {
  TestServer s;
  make_collection(s, "alice");
  std::string bob = s.user_id("bob");
  must(s, "PATCH", "/v1/buckets/blog", acl({{"read", {bob}}}), "alice");
  for (const std::string& path : {std::string("/v1/buckets/blog/groups/missing"),
                                  std::string("/v1/buckets/blog/collections/missing"), records_path() + "/missing"}) {
    std::string id = "missing";
    std::string resource = path.find("/groups/") != std::string::npos        ? "group"
                           : path.find("/records/") != std::string::npos     ? "record"
                                                                             : "collection";
    Reply r = s.request("PATCH", path, R"({"data":{"a":1}})", "bob");
    ASSERT_TRUE(IsError(r, 404, 110)) << path;
    EXPECT_EQ(r.json()["details"], (Json{{"id", id}, {"resource_name", resource}}));
    EXPECT_TRUE(IsError(s.request("DELETE", path, "", "bob"), 404, 110)) << path;
    EXPECT_TRUE(IsError(s.request("PATCH", path, R"({"data":{"a":1}})", "carol"), 403, 121)) << path;
    EXPECT_TRUE(IsError(s.request("DELETE", path, "", "carol"), 403, 121)) << path;
    EXPECT_TRUE(IsError(s.request("DELETE", path, "", ""), 401, 104)) << path;
  }
  // ... while an existing object still needs write.
  make_record(s, "alice", "r1");
  EXPECT_TRUE(IsError(s.request("PATCH", records_path() + "/r1", R"({"data":{"a":1}})", "bob"), 403, 121));
}

TEST(HttpAuth, PostOfAnExistingIdNeedsRead) {
  TestServer s;
  make_bucket(s, "alice");
  EXPECT_TRUE(IsError(s.request("POST", "/v1/buckets", R"({"data":{"id":"blog"}})", "bob"), 403, 121));
  EXPECT_TRUE(IsError(s.request("POST", "/v1/buckets", R"({"data":{"id":"blog"}})", ""), 401, 104));
  must(s, "PATCH", "/v1/buckets/blog", acl({{"read", {s.user_id("bob")}}}), "alice");
  Reply r = s.request("POST", "/v1/buckets", R"({"data":{"id":"blog","x":1}})", "bob");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_FALSE(r.json()["data"].contains("x"));
  EXPECT_EQ(r.json()["permissions"], Json::object());
}

TEST(HttpAuth, ReplacingAnAclKeepsTheEditorAsWriter) {
  TestServer s;
  make_bucket(s, "alice");
  Reply r = s.request("PUT", "/v1/buckets/blog", acl({{"read", {"system.Everyone"}}, {"write", Json::array()}}),
                      "alice");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(r.json()["permissions"], (Json{{"read", {"system.Everyone"}}, {"write", {s.user_id("alice")}}}));
  EXPECT_EQ(s.request("PATCH", "/v1/buckets/blog", R"({"permissions":{"write":[]}})", "alice").status, 200);
  EXPECT_EQ(s.get("/v1/buckets/blog", "alice").json()["permissions"]["write"],
            Json::array({s.user_id("alice")}));
  EXPECT_EQ(s.get("/v1/buckets/blog").status, 200);  // public read
}

TEST(HttpAuth, PublicReadDoesNotAllowAnonymousWrites) {
  TestServer s;
  make_collection(s, "alice");
  must(s, "PATCH", "/v1/buckets/blog", acl({{"read", {"system.Everyone"}}}), "alice");
  make_record(s, "alice", "r1");
  EXPECT_EQ(s.get(records_path() + "/r1").status, 200);
  EXPECT_EQ(ids_of(s.get(records_path())), std::vector<std::string>{"r1"});
  EXPECT_TRUE(IsError(s.request("PUT", records_path() + "/r1", "", ""), 401, 104));
  EXPECT_TRUE(IsError(s.request("PATCH", records_path() + "/missing", R"({"data":{}})", ""), 404, 110));
  EXPECT_TRUE(IsError(s.request("POST", records_path(), "{}", ""), 401, 104));
}

TEST(HttpAuth, AnonymousReadsGetAnonymousCacheHeaders) {
  TestServer s;
  make_collection(s, "alice");
  must(s, "PATCH", "/v1/buckets/blog", acl({{"read", {"system.Everyone"}}}), "alice");
  make_record(s, "alice", "r1");
  Reply r = s.get(records_path() + "/r1");
  EXPECT_EQ(r.header("Cache-Control"), "no-cache, no-store");
  EXPECT_FALSE(r.has_header("Expires"));
  EXPECT_EQ(s.get(records_path() + "/r1", "alice").header("Cache-Control"), "no-cache, no-store");
  // Writes get no cache headers.
  EXPECT_FALSE(s.request("PATCH", records_path() + "/r1", R"({"data":{}})", "alice").has_header("Cache-Control"));
}

TEST(HttpAuth, CacheExpiresSettingsApplyToAnonymousReads) {
  TestServer s([](Settings& st, Registry&) {
    st.cache_expires["record"] = 3600;
    st.cache_expires["bucket"] = 0;
  });
  make_collection(s, "alice");
  must(s, "PATCH", "/v1/buckets/blog", acl({{"read", {"system.Everyone"}}}), "alice");
  make_record(s, "alice", "r1");
  Reply r = s.get(records_path() + "/r1");
  EXPECT_EQ(r.header("Cache-Control"), "max-age=3600");
  EXPECT_TRUE(r.has_header("Expires"));
  r = s.get(records_path());
  EXPECT_EQ(r.header("Cache-Control"), "max-age=3600");
  // Authenticated readers never get a public cache duration.
  EXPECT_EQ(s.get(records_path() + "/r1", "alice").header("Cache-Control"), "no-cache, no-store");
  r = s.get("/v1/buckets/blog");
  EXPECT_EQ(r.header("Cache-Control"), "max-age=0, must-revalidate, no-cache, no-store");
  EXPECT_EQ(r.header("Pragma"), "no-cache");
  EXPECT_TRUE(r.has_header("Expires"));
}

// §5.4: "if the parent collection has a cache_expires attribute, the duration
// is max(setting or -1, cache_expires)".
TEST(HttpAuth, CollectionCacheExpiresAppliesToItsRecords) {
  TestServer s;
  make_bucket(s, "alice");
  must(s, "PUT", "/v1/buckets/blog/collections/c", R"({"data":{"cache_expires":60}})", "alice", {201});
  must(s, "PATCH", "/v1/buckets/blog", acl({{"read", {"system.Everyone"}}}), "alice");
  make_record(s, "alice", "r1");
  Reply r = s.get(records_path() + "/r1");
  EXPECT_EQ(r.header("Cache-Control"), "max-age=60");
  EXPECT_TRUE(r.has_header("Expires"));
  EXPECT_EQ(s.get(records_path()).header("Cache-Control"), "max-age=60");
}

}  // namespace
}  // namespace ratchet::testing

// GET /v1/permissions (PROTOCOL.md §7.9, §16): behind
// experimental_permissions_endpoint; one entry per object whose own ACL
// names one of the user's principals (not expanded to inherited objects),
// with the permissions implied on that same object, the URI's ids, and a
// root entry from the <type>_create_principals settings; filters, _sort,
// _limit with Next-Page; permissions_read_principals.
#include <gtest/gtest.h>

#include <map>

#include "tests/http_helpers.h"

namespace ratchet::testing {
namespace {

void enabled(Settings& st, Registry&) { st.experimental_permissions_endpoint = true; }

std::string acl(const Json& p) { return Json{{"permissions", p}}.dump(); }

using Perms = std::set<std::string>;

// The entries of a /permissions answer by uri, with permissions as sets.
std::map<std::string, Json> by_uri(const Reply& r) {
  std::map<std::string, Json> out;
  Json body = parse_or_null(r.body);
  if (!body.is_object() || !body["data"].is_array()) {
    ADD_FAILURE() << "not a list: " << describe(r);
    return out;
  }
  for (const Json& e : body["data"]) {
    std::string uri = e.value("uri", "<no uri>");
    EXPECT_EQ(out.count(uri), 0u) << "duplicate entry " << uri;
    out[uri] = e;
  }
  return out;
}

Perms perms_of(const Json& entry) {
  Perms out;
  for (const Json& p : entry["permissions"]) out.insert(p.get<std::string>());
  EXPECT_EQ(out.size(), entry["permissions"].size()) << "duplicates in " << entry;
  return out;
}

std::vector<std::string> uris(const Reply& r) {
  std::vector<std::string> out;
  Json body = parse_or_null(r.body);
  for (const Json& e : body["data"]) out.push_back(e.value("uri", ""));
  return out;
}

const Perms kBucketWrite{"write", "read", "read:attributes", "collection:create", "group:create"};
const Perms kCollectionWrite{"write", "read", "read:attributes", "record:create"};
const Perms kLeafWrite{"write", "read"};

// alice: bucket b with group g (bob a member), collection c, records r1, r2;
// bob: collection:create on b, read on c through g, write on r2.
void shared_fixture(TestServer& s) {
  std::string bob = basic_id("bob");
  make_bucket(s, "alice", "b", acl({{"collection:create", {bob}}}));
  must(s, "PUT", "/v1/buckets/b/groups/g", Json{{"data", {{"members", {bob}}}}}.dump(), "alice", {201});
  must(s, "PUT", "/v1/buckets/b/collections/c", acl({{"read", {"/buckets/b/groups/g"}}}), "alice", {201});
  make_record(s, "alice", "r1", "{}", "b", "c");
  make_record(s, "alice", "r2", acl({{"write", {bob}}}), "b", "c");
}

TEST(HttpPermissionsEndpoint, AbsentUnlessEnabled) {
  TestServer s;
  make_bucket(s, "alice");
  for (const std::string& who : {std::string("alice"), std::string("")}) {
    EXPECT_TRUE(IsError(s.get("/v1/permissions", who), 404, 111)) << who;
    EXPECT_EQ(s.request("HEAD", "/v1/permissions", "", who).status, 404) << who;
  }
  EXPECT_FALSE(s.get("/v1/").json()["capabilities"].contains("permissions_endpoint"));
  TestServer on(enabled);
  Json capability = on.get("/v1/").json()["capabilities"]["permissions_endpoint"];
  EXPECT_TRUE(capability["description"].is_string()) << capability;
  EXPECT_TRUE(capability["url"].is_string()) << capability;
  EXPECT_EQ(on.get("/v1/permissions", "alice").status, 200);
  EXPECT_EQ(on.request("HEAD", "/v1/permissions", "", "alice").status, 200);
  Reply post = on.request("POST", "/v1/permissions", "{}", "alice");
  EXPECT_TRUE(IsError(post, 405, 115)) << describe(post);
}

TEST(HttpPermissionsEndpoint, OwnersSeeEveryObjectTheyWrite) {
  TestServer s(enabled);
  shared_fixture(s);
  Reply r = s.get("/v1/permissions", "alice");
  ASSERT_EQ(r.status, 200) << describe(r);
  auto entries = by_uri(r);
  std::set<std::string> keys;
  for (const auto& [uri, e] : entries) keys.insert(uri);
  EXPECT_EQ(keys, (std::set<std::string>{"/", "/buckets/b", "/buckets/b/groups/g", "/buckets/b/collections/c",
                                         "/buckets/b/collections/c/records/r1",
                                         "/buckets/b/collections/c/records/r2"}));
  EXPECT_EQ(entries["/"]["resource_name"], "root");
  EXPECT_EQ(perms_of(entries["/"]), Perms{"bucket:create"});

  Json b = entries["/buckets/b"];
  EXPECT_EQ(b, (Json{{"uri", "/buckets/b"}, {"resource_name", "bucket"}, {"id", "b"}, {"bucket_id", "b"},
                     {"permissions", b["permissions"]}}));
  EXPECT_EQ(perms_of(b), kBucketWrite);
  Json g = entries["/buckets/b/groups/g"];
  EXPECT_EQ(g, (Json{{"uri", "/buckets/b/groups/g"}, {"resource_name", "group"}, {"id", "g"}, {"bucket_id", "b"},
                     {"group_id", "g"}, {"permissions", g["permissions"]}}));
  EXPECT_EQ(perms_of(g), kLeafWrite);
  Json c = entries["/buckets/b/collections/c"];
  EXPECT_EQ(c, (Json{{"uri", "/buckets/b/collections/c"}, {"resource_name", "collection"}, {"id", "c"},
                     {"bucket_id", "b"}, {"collection_id", "c"}, {"permissions", c["permissions"]}}));
  EXPECT_EQ(perms_of(c), kCollectionWrite);
  Json r1 = entries["/buckets/b/collections/c/records/r1"];
  EXPECT_EQ(r1, (Json{{"uri", "/buckets/b/collections/c/records/r1"}, {"resource_name", "record"}, {"id", "r1"},
                      {"bucket_id", "b"}, {"collection_id", "c"}, {"record_id", "r1"},
                      {"permissions", r1["permissions"]}}));
  EXPECT_EQ(perms_of(r1), kLeafWrite);
  // §16: the ETag is a real timestamp.
  EXPECT_GT(etag_value(r), 0);
}

// Grants directly and through a group; inherited objects are not expanded.
TEST(HttpPermissionsEndpoint, SharedObjectsShowWhatIsHeldOnThem) {
  TestServer s(enabled);
  shared_fixture(s);
  auto entries = by_uri(s.get("/v1/permissions", "bob"));
  std::set<std::string> keys;
  for (const auto& [uri, e] : entries) keys.insert(uri);
  EXPECT_EQ(keys, (std::set<std::string>{"/", "/buckets/b", "/buckets/b/collections/c",
                                         "/buckets/b/collections/c/records/r2"}));
  EXPECT_EQ(perms_of(entries["/buckets/b"]), (Perms{"collection:create", "read:attributes"}));
  EXPECT_EQ(perms_of(entries["/buckets/b/collections/c"]), (Perms{"read", "read:attributes"}));
  EXPECT_EQ(perms_of(entries["/buckets/b/collections/c/records/r2"]), kLeafWrite);
  EXPECT_EQ(perms_of(entries["/"]), Perms{"bucket:create"});

  // A stranger holds only what settings give every authenticated user;
  // an anonymous client not even that.
  auto carol = by_uri(s.get("/v1/permissions", "carol"));
  EXPECT_EQ(carol.size(), 1u);
  EXPECT_EQ(perms_of(carol["/"]), Perms{"bucket:create"});
  Reply anon = s.get("/v1/permissions");
  ASSERT_EQ(anon.status, 200) << describe(anon);
  EXPECT_EQ(anon.json()["data"], Json::array());

  // Public objects show for everybody.
  must(s, "PATCH", "/v1/buckets/b/collections/c/records/r1", acl({{"read", {"system.Everyone"}}}), "alice", {200});
  auto public_entries = by_uri(s.get("/v1/permissions"));
  ASSERT_EQ(public_entries.size(), 1u);
  EXPECT_EQ(perms_of(public_entries["/buckets/b/collections/c/records/r1"]), Perms{"read"});
}

// Entries follow the ACLs and memberships as they change.
TEST(HttpPermissionsEndpoint, EntriesFollowChanges) {
  TestServer s(enabled);
  shared_fixture(s);
  must(s, "PATCH", "/v1/buckets/b/groups/g", R"({"data":{"members":[]}})", "alice", {200});
  must(s, "DELETE", "/v1/buckets/b/collections/c/records/r2", "", "alice", {200});
  auto entries = by_uri(s.get("/v1/permissions", "bob"));
  EXPECT_EQ(entries.count("/buckets/b/collections/c"), 0u);
  EXPECT_EQ(entries.count("/buckets/b/collections/c/records/r2"), 0u);
  EXPECT_EQ(entries.count("/buckets/b"), 1u);
  // Deleting the bucket takes every ACL below it along.
  must(s, "DELETE", "/v1/buckets/b", "", "alice", {200});
  EXPECT_EQ(uris(s.get("/v1/permissions", "bob")), std::vector<std::string>{"/"});
  EXPECT_EQ(uris(s.get("/v1/permissions", "alice")), std::vector<std::string>{"/"});
  // Re-created, the bucket starts with a fresh ACL.
  make_bucket(s, "alice", "b");
  EXPECT_EQ(uris(s.get("/v1/permissions", "bob")), std::vector<std::string>{"/"});
}

// §7.9: settings grants show up -- bucket_create_principals as the root
// entry, bucket read/write settings on every bucket.
TEST(HttpPermissionsEndpoint, SettingsGrants) {
  TestServer s([](Settings& st, Registry& r) {
    enabled(st, r);
    st.principals["bucket_create"] = {basic_id("alice")};
    st.principals["bucket_read"] = {basic_id("carol")};
  });
  make_bucket(s, "alice", "b1");
  make_bucket(s, "alice", "b2");
  auto carol = by_uri(s.get("/v1/permissions", "carol"));
  std::set<std::string> keys;
  for (const auto& [uri, e] : carol) keys.insert(uri);
  EXPECT_EQ(keys, (std::set<std::string>{"/buckets/b1", "/buckets/b2"}));  // no root: carol may not create
  EXPECT_EQ(perms_of(carol["/buckets/b1"]), (Perms{"read", "read:attributes"}));
  EXPECT_EQ(carol["/buckets/b2"]["bucket_id"], "b2");
  auto alice = by_uri(s.get("/v1/permissions", "alice"));
  EXPECT_EQ(perms_of(alice["/"]), Perms{"bucket:create"});
  EXPECT_EQ(by_uri(s.get("/v1/permissions", "bob")).size(), 0u);
}

TEST(HttpPermissionsEndpoint, FiltersSortingAndPages) {
  TestServer s(enabled);
  make_collection(s, "alice", "b", "c");
  for (const char* rid : {"r3", "r1", "r2"}) make_record(s, "alice", rid, "{}", "b", "c");
  make_bucket(s, "alice", "a");
  using V = std::vector<std::string>;

  Reply all = s.get("/v1/permissions", "alice");
  ASSERT_EQ(all.status, 200) << describe(all);
  V everything = uris(all);
  ASSERT_EQ(everything.size(), 7u) << all.body;
  // Default order: -uri.
  V descending = everything;
  std::sort(descending.begin(), descending.end(), std::greater<>());
  EXPECT_EQ(everything, descending);

  auto ids = [&](const std::string& query) {
    Reply r = s.get("/v1/permissions" + query, "alice");
    EXPECT_EQ(r.status, 200) << query << ": " << describe(r);
    V out;
    Json body = parse_or_null(r.body);
    for (const Json& e : body["data"]) out.push_back(e.value("id", "<none>"));
    return out;
  };
  EXPECT_EQ(ids("?resource_name=record&_sort=id"), (V{"r1", "r2", "r3"}));
  EXPECT_EQ(ids("?resource_name=record&_sort=-id"), (V{"r3", "r2", "r1"}));
  EXPECT_EQ(ids("?resource_name=bucket&_sort=id"), (V{"a", "b"}));
  EXPECT_EQ(ids("?in_resource_name=bucket,collection&_sort=id"), (V{"a", "b", "c"}));
  EXPECT_EQ(ids("?bucket_id=a"), V{"a"});
  EXPECT_EQ(ids("?record_id=r2"), V{"r2"});
  EXPECT_EQ(ids("?resource_name=record&id=r9"), V{});

  // Pages of two, in order, neither overlapping nor skipping.
  V walked;
  std::string target = "/v1/permissions?_limit=2";
  int pages = 0;
  while (!target.empty() && pages < 10) {
    Reply r = s.get(target, "alice");
    ASSERT_EQ(r.status, 200) << target << ": " << describe(r);
    V page = uris(r);
    EXPECT_LE(page.size(), 2u);
    walked.insert(walked.end(), page.begin(), page.end());
    ++pages;
    target = r.has_header("Next-Page") ? local_target(s, r.header("Next-Page")) : "";
    if (!target.empty()) {
      EXPECT_EQ(count_of(target, "_limit=2"), 1u) << target;
    }
  }
  EXPECT_EQ(pages, 4);
  EXPECT_EQ(walked, everything);
  V by_id;
  target = "/v1/permissions?resource_name=record&_sort=id&_limit=1";
  while (!target.empty() && by_id.size() < 10) {
    Reply r = s.get(target, "alice");
    ASSERT_EQ(r.status, 200) << describe(r);
    Json page = r.json()["data"];
    for (const Json& e : page) by_id.push_back(e["id"]);
    target = r.has_header("Next-Page") ? local_target(s, r.header("Next-Page")) : "";
  }
  EXPECT_EQ(by_id, (V{"r1", "r2", "r3"}));

  // _fields keeps the named fields (and the id).
  Reply fields = s.get("/v1/permissions?resource_name=bucket&_fields=uri", "alice");
  ASSERT_EQ(fields.status, 200) << describe(fields);
  Json entries = fields.json()["data"];
  ASSERT_EQ(entries.size(), 2u) << fields.body;
  for (const Json& e : entries) {
    EXPECT_EQ(e["uri"], "/buckets/" + e.value("id", std::string("?"))) << e;
    EXPECT_FALSE(e.contains("permissions")) << e;
    EXPECT_FALSE(e.contains("resource_name")) << e;
  }
}

// Entries have a fixed shape: filtering or sorting on anything else is a 400.
TEST(HttpPermissionsEndpoint, UnknownFieldsAre400) {
  TestServer s(enabled);
  make_bucket(s, "alice", "b");
  for (const char* query : {"?foo=1", "?gt_title=a", "?data.x=1", "?_sort=foo", "?_sort=uri,title", "?_limit=-1",
                            "?_limit=x", "?_token=garbage", "?_fields=title"}) {
    Reply r = s.get(std::string("/v1/permissions") + query, "alice");
    EXPECT_TRUE(IsError(r, 400, 107)) << query;
    EXPECT_EQ(r.json()["details"][0]["location"], "querystring") << query << ": " << r.body;
  }
}

TEST(HttpPermissionsEndpoint, PermissionsReadPrincipals) {
  TestServer s([](Settings& st, Registry& r) {
    enabled(st, r);
    st.principals["permissions_read"] = {basic_id("alice")};
  });
  make_bucket(s, "alice", "b");
  EXPECT_EQ(s.get("/v1/permissions", "alice").status, 200);
  EXPECT_TRUE(IsError(s.get("/v1/permissions", "bob"), 403, 121));
  Reply anon = s.get("/v1/permissions");
  EXPECT_TRUE(IsError(anon, 401, 104));
  EXPECT_EQ(anon.header("WWW-Authenticate"), "Basic realm=\"Realm\"");
}

// With accounts, account_create_principals adds account:create to the root entry.
TEST(HttpPermissionsEndpoint, RootEntryWithAccounts) {
  TestServer s([](Settings& st, Registry& r) {
    enabled(st, r);
    st.includes = {"accounts"};
    st.multiauth_policies = {"account", "basicauth"};
    st.extra["account_bcrypt_rounds"] = "4";
    st.principals["account_create"] = {"system.Everyone"};
  });
  auto anon = by_uri(s.get("/v1/permissions"));
  ASSERT_EQ(anon.count("/"), 1u);
  EXPECT_EQ(perms_of(anon["/"]), Perms{"account:create"});
  auto alice = by_uri(s.get("/v1/permissions", "alice"));
  EXPECT_EQ(perms_of(alice["/"]), (Perms{"account:create", "bucket:create"}));
}

}  // namespace
}  // namespace ratchet::testing

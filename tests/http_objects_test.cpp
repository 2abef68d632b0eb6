// Object lifecycle over HTTP (PROTOCOL.md §2, §3): create, read, replace,
// patch and delete for every Kinto type, generated ids and id rules, POST
// of an existing id, tombstones, plural reads and deletes, cascades. The
// core CRUD cases run on both storage engines.
#include <gtest/gtest.h>

#include "tests/http_helpers.h"

namespace ratchet::testing {
namespace {

// ------------------------------------------------------------ both engines

class HttpCrud : public ::testing::TestWithParam<std::string> {
 protected:
  HttpCrud()
      : s([](Settings& st, Registry&) {
          st.storage_backend = GetParam();
          st.storage_fsync = false;
        }) {}
  TestServer s;
};

TEST_P(HttpCrud, PutBucketWithoutBodyCreatesThenReplaces) {
  Reply r = s.request("PUT", "/v1/buckets/blog", "", "alice");
  ASSERT_EQ(r.status, 201) << describe(r);
  Json b = r.json();
  EXPECT_EQ(b["data"]["id"], "blog");
  ASSERT_TRUE(b["data"]["last_modified"].is_number_integer());
  int64_t lm = b["data"]["last_modified"];
  EXPECT_EQ(b["permissions"], (Json{{"write", {s.user_id("alice")}}}));
  EXPECT_EQ(r.header("ETag"), quoted(lm));
  EXPECT_EQ(r.header("Last-Modified"), http_date(lm));
  EXPECT_EQ(r.header("Content-Type").rfind("application/json", 0), 0u);

  r = s.request("PUT", "/v1/buckets/blog", "", "alice");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_GT(r.json()["data"]["last_modified"].get<int64_t>(), lm);
  EXPECT_EQ(r.json()["data"]["id"], "blog");
}

TEST_P(HttpCrud, LifecycleOfEveryType) {
  make_bucket(s, "alice");
  for (std::string path : {"/v1/buckets/blog/collections/c", "/v1/buckets/blog/groups/g",
                           "/v1/buckets/blog/collections/c/records/r"}) {
    SCOPED_TRACE(path);
    std::string id = path.substr(path.rfind('/') + 1);
    Reply r = s.request("PUT", path, R"({"data":{"title":"one","n":{"x":1}}})", "alice");
    ASSERT_EQ(r.status, 201) << describe(r);
    EXPECT_EQ(r.json()["data"]["title"], "one");
    EXPECT_EQ(r.json()["data"]["id"], id);

    r = s.get(path, "alice");
    ASSERT_EQ(r.status, 200);
    Json got = r.json();
    EXPECT_EQ(got["data"]["title"], "one");
    EXPECT_EQ(got["data"]["n"], (Json{{"x", 1}}));
    EXPECT_EQ(got["permissions"]["write"], Json::array({s.user_id("alice")}));
    EXPECT_EQ(r.header("ETag"), quoted(got["data"]["last_modified"]));
    EXPECT_EQ(r.header("Cache-Control"), "no-cache, no-store");

    r = s.request("PUT", path, R"({"data":{"other":2}})", "alice");
    ASSERT_EQ(r.status, 200);
    EXPECT_FALSE(r.json()["data"].contains("title"));  // replaced wholesale
    EXPECT_EQ(r.json()["data"]["other"], 2);

    r = s.request("PATCH", path, R"({"data":{"more":3}})", "alice");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.json()["data"]["other"], 2);
    EXPECT_EQ(r.json()["data"]["more"], 3);
    int64_t patched = r.json()["data"]["last_modified"];

    r = s.request("DELETE", path, "", "alice");
    ASSERT_EQ(r.status, 200);
    Json tomb = r.json();
    EXPECT_FALSE(tomb.contains("permissions"));
    EXPECT_EQ(tomb["data"].size(), 3u) << tomb;
    EXPECT_EQ(tomb["data"]["id"], id);
    EXPECT_EQ(tomb["data"]["deleted"], true);
    EXPECT_GT(tomb["data"]["last_modified"].get<int64_t>(), patched);
    EXPECT_EQ(r.header("ETag"), quoted(tomb["data"]["last_modified"]));

    r = s.get(path, "alice");
    EXPECT_TRUE(IsError(r, 404, 110));
    std::string resource = path.find("/records/") != std::string::npos ? "record"
                           : path.find("/groups/") != std::string::npos ? "group"
                                                                         : "collection";
    if (r.status == 404) {
      EXPECT_EQ(r.json()["details"], (Json{{"id", id}, {"resource_name", resource}}));
      EXPECT_FALSE(r.json().contains("message"));
    }
    if (resource == "collection") must(s, "PUT", path, "", "alice", {201});  // for the record
  }
}

TEST_P(HttpCrud, PostGeneratesIds) {
  Reply r = s.request("POST", "/v1/buckets", "{}", "alice");
  ASSERT_EQ(r.status, 201) << describe(r);
  std::string bid = r.json()["data"]["id"];
  EXPECT_TRUE(std::regex_match(bid, name_id_regex())) << bid;
  EXPECT_EQ(r.header("ETag"), quoted(r.json()["data"]["last_modified"]));

  r = s.request("POST", "/v1/buckets/" + bid + "/collections", R"({"data":{}})", "alice");
  ASSERT_EQ(r.status, 201) << describe(r);
  std::string cid = r.json()["data"]["id"];
  EXPECT_TRUE(std::regex_match(cid, name_id_regex())) << cid;

  r = s.request("POST", "/v1/buckets/" + bid + "/groups", "", "alice");
  ASSERT_EQ(r.status, 201) << describe(r);
  EXPECT_TRUE(std::regex_match(r.json()["data"]["id"].get<std::string>(), name_id_regex()));

  r = s.request("POST", records_path(bid, cid), R"({"data":{"x":1}})", "alice");
  ASSERT_EQ(r.status, 201) << describe(r);
  std::string rid = r.json()["data"]["id"];
  EXPECT_TRUE(std::regex_match(rid, uuid4_regex())) << rid;
  EXPECT_EQ(r.json()["data"]["x"], 1);
  EXPECT_EQ(s.get(records_path(bid, cid) + "/" + rid, "alice").status, 200);

  // Every generated id is distinct.
  std::set<std::string> ids;
  for (int i = 0; i < 20; ++i) ids.insert(post_record(s, "alice", Json::object(), bid, cid)["id"]);
  EXPECT_EQ(ids.size(), 20u);
}

TEST_P(HttpCrud, PostExistingIdReturnsStoredObjectUnchanged) {
  make_collection(s, "alice");
  Json first = post_record(s, "alice", {{"id", "r1"}, {"x", 1}});
  Reply r = s.request("POST", records_path(), R"({"data":{"id":"r1","y":2}})", "alice");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(r.json()["data"], first);
  EXPECT_FALSE(r.json()["data"].contains("y"));
  EXPECT_EQ(r.header("ETag"), quoted(first["last_modified"]));
  EXPECT_EQ(s.get(records_path() + "/r1", "alice").json()["data"], first);
}

TEST_P(HttpCrud, PluralGetListsNewestFirstWithoutPermissions) {
  make_collection(s, "alice");
  std::vector<std::string> created;
  for (int i = 0; i < 3; ++i) created.push_back(post_record(s, "alice", {{"i", i}})["id"]);
  Reply r = s.get(records_path(), "alice");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(ids_of(r), (std::vector<std::string>{created[2], created[1], created[0]}));
  Json body = r.json();
  EXPECT_EQ(body.size(), 1u) << "only 'data': " << body;
  for (const Json& item : body["data"]) EXPECT_FALSE(item.contains("permissions"));
  EXPECT_EQ(etag_value(r), body["data"][0]["last_modified"].get<int64_t>());
  EXPECT_EQ(r.header("Last-Modified"), http_date(etag_value(r)));
  EXPECT_EQ(r.header("Cache-Control"), "no-cache, no-store");
  EXPECT_FALSE(r.has_header("Next-Page"));
}

TEST_P(HttpCrud, HeadCountsLiveObjects) {
  make_collection(s, "alice");
  for (int i = 0; i < 4; ++i) make_record(s, "alice", "r" + std::to_string(i));
  must(s, "DELETE", records_path() + "/r0", "", "alice");
  Reply r = s.request("HEAD", records_path(), "", "alice");
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(r.header("Total-Objects"), "3");
  EXPECT_EQ(r.header("Total-Records"), "3");
  EXPECT_EQ(r.header("ETag"), s.get(records_path(), "alice").header("ETag"));
  EXPECT_FALSE(r.has_header("Next-Page"));

  r = s.request("HEAD", records_path() + "/r1", "", "alice");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(r.header("ETag"), s.get(records_path() + "/r1", "alice").header("ETag"));
}

TEST_P(HttpCrud, TombstonesAreInvisibleAndRecreatable) {
  make_collection(s, "alice");
  make_record(s, "alice", "r1", R"({"data":{"a":1}})");
  make_record(s, "alice", "r2");
  must(s, "DELETE", records_path() + "/r1", "", "alice");
  EXPECT_EQ(ids_of(s.get(records_path(), "alice")), std::vector<std::string>{"r2"});
  EXPECT_TRUE(IsError(s.get(records_path() + "/r1", "alice"), 404, 110));
  Reply again = s.request("DELETE", records_path() + "/r1", "", "alice");
  ASSERT_TRUE(IsError(again, 404, 110));
  EXPECT_EQ(again.json()["details"], (Json{{"id", "r1"}, {"resource_name", "record"}}));
  EXPECT_TRUE(IsError(s.request("PATCH", records_path() + "/r1", R"({"data":{}})", "alice"), 404, 110));
  // POST of the id of a tombstone creates it afresh.
  Reply r = s.request("POST", records_path(), R"({"data":{"id":"r1","b":2}})", "alice");
  ASSERT_EQ(r.status, 201) << describe(r);
  EXPECT_FALSE(r.json()["data"].contains("a"));
  EXPECT_EQ(r.json()["data"]["b"], 2);
}

TEST_P(HttpCrud, PluralDeleteLeavesTombstonesAndEmptiesTheList) {
  make_collection(s, "alice");
  for (int i = 0; i < 3; ++i) make_record(s, "alice", "r" + std::to_string(i));
  Reply r = s.request("DELETE", records_path(), "", "alice");
  ASSERT_EQ(r.status, 200) << describe(r);
  Json data = r.json()["data"];
  ASSERT_EQ(data.size(), 3u);
  int64_t max = 0;
  std::set<std::string> ids;
  for (const Json& t : data) {
    EXPECT_EQ(t.size(), 3u) << t;
    EXPECT_EQ(t["deleted"], true);
    ids.insert(t["id"]);
    max = std::max(max, t["last_modified"].get<int64_t>());
  }
  EXPECT_EQ(ids, (std::set<std::string>{"r0", "r1", "r2"}));
  EXPECT_EQ(etag_value(r), max);
  Reply list = s.get(records_path(), "alice");
  EXPECT_EQ(list.json()["data"], Json::array());
  EXPECT_EQ(etag_value(list), max);
  // Nothing left to delete: an empty success with the unchanged list timestamp.
  r = s.request("DELETE", records_path(), "", "alice");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json()["data"], Json::array());
  EXPECT_EQ(etag_value(r), max);
}

TEST_P(HttpCrud, DeletingABucketCascades) {
  make_collection(s, "alice");
  make_record(s, "alice", "r1");
  must(s, "PUT", "/v1/buckets/blog/groups/g", R"({"data":{"members":[]}})", "alice", {201});
  Reply r = s.request("DELETE", "/v1/buckets/blog", "", "alice");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(r.json()["data"]["deleted"], true);
  // §16: the owner's ACL went with the bucket -> 403, not 404.
  EXPECT_TRUE(IsError(s.get("/v1/buckets/blog", "alice"), 403, 121));

  make_bucket(s, "alice");
  EXPECT_EQ(s.get("/v1/buckets/blog/collections", "alice").json()["data"], Json::array());
  EXPECT_EQ(s.get("/v1/buckets/blog/groups", "alice").json()["data"], Json::array());
  EXPECT_TRUE(IsError(s.get("/v1/buckets/blog/collections/c", "alice"), 404, 110));
  Reply records = s.get(records_path(), "alice");
  ASSERT_TRUE(IsError(records, 404, 111));
  EXPECT_EQ(records.json()["details"], (Json{{"id", "c"}, {"resource_name", "collection"}}));
  // A re-created collection is empty.
  must(s, "PUT", "/v1/buckets/blog/collections/c", "", "alice", {201});
  EXPECT_EQ(s.get(records_path(), "alice").json()["data"], Json::array());
  EXPECT_TRUE(IsError(s.get(records_path() + "/r1", "alice"), 404, 110));
}

TEST_P(HttpCrud, DeletingACollectionCascades) {
  make_collection(s, "alice");
  make_record(s, "alice", "r1");
  make_record(s, "alice", "r2");
  must(s, "DELETE", "/v1/buckets/blog/collections/c", "", "alice");
  // The bucket owner still reads the bucket: missing collection -> 404 111.
  EXPECT_TRUE(IsError(s.get(records_path(), "alice"), 404, 111));
  EXPECT_TRUE(IsError(s.get("/v1/buckets/blog/collections/c", "alice"), 404, 110));
  must(s, "PUT", "/v1/buckets/blog/collections/c", "", "alice", {201});
  EXPECT_EQ(s.get(records_path(), "alice").json()["data"], Json::array());
  EXPECT_EQ(s.request("HEAD", records_path(), "", "alice").header("Total-Records"), "0");
}

INSTANTIATE_TEST_SUITE_P(HttpEngines, HttpCrud, ::testing::Values("memory", "rocksdb"),
                         [](const auto& info) { return info.param; });

// ---------------------------------------------------------- memory engine

TEST(HttpObjects, InvalidIdsInUrlAre400) {
  TestServer s;
  make_collection(s, "alice");
  for (std::string path : {"/v1/buckets/__blog__", "/v1/buckets/-blog", "/v1/buckets/a.b",
                           "/v1/buckets/a%20b", "/v1/buckets/blog/collections/_c",
                           "/v1/buckets/blog/groups/g.x", "/v1/buckets/blog/collections/c/records/_r",
                           "/v1/buckets/blog/collections/c/records/r%C3%A9"}) {
    Reply r = s.request("PUT", path, "", "alice");
    ASSERT_TRUE(IsError(r, 400, 107)) << path;
    EXPECT_EQ(r.json()["details"],
              Json::array({{{"location", "path"}, {"name", nullptr}, {"description", "Invalid object id"}}}))
        << path;
    EXPECT_EQ(r.json()["message"], "path: Invalid object id");
    // Reads are authorized first: alice reads inside her bucket (400), but
    // nothing grants her read on a bucket that does not exist (403).
    bool inside = path.rfind("/v1/buckets/blog/", 0) == 0;
    EXPECT_TRUE(IsError(s.get(path, "alice"), inside ? 400 : 403, inside ? 107 : 121)) << path;
  }
}

TEST(HttpObjects, IdsMayUseDigitsDashesAndUnderscores) {
  TestServer s;
  for (const char* id : {"a", "9", "a_b-C9", "0-_", "Blog"}) {
    EXPECT_EQ(s.request("PUT", std::string("/v1/buckets/") + id, "", "alice").status, 201) << id;
  }
  // Records accept any id of that form, not only UUIDs.
  make_collection(s, "alice");
  EXPECT_EQ(s.request("PUT", records_path() + "/plain", "", "alice").status, 201);
}

TEST(HttpObjects, IdsHaveNoLengthLimit) {
  TestServer s;
  std::string id = "a" + std::string(300, 'b');
  EXPECT_EQ(s.request("PUT", "/v1/buckets/" + id, "", "alice").status, 201);
  EXPECT_EQ(s.get("/v1/buckets/" + id, "alice").json()["data"]["id"], id);
}

TEST(HttpObjects, BodyIdMustMatchUrlId) {
  TestServer s;
  make_collection(s, "alice");
  Reply r = s.request("PUT", records_path() + "/r1", R"({"data":{"id":"other"}})", "alice");
  ASSERT_TRUE(IsError(r, 400, 107));
  Json detail = r.json()["details"][0];
  EXPECT_EQ(detail["location"], "body");
  EXPECT_EQ(detail["name"], "id");
  EXPECT_EQ(detail["description"], "Object id does not match existing object");
  EXPECT_TRUE(IsError(s.get(records_path() + "/r1", "alice"), 404, 110));

  r = s.request("PUT", records_path() + "/r1", R"({"data":{"id":"r1","a":1}})", "alice");
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.json()["data"]["id"], "r1");
  // On replacement too.
  EXPECT_TRUE(IsError(s.request("PUT", records_path() + "/r1", R"({"data":{"id":"r2"}})", "alice"),
                      400, 107));
  EXPECT_EQ(s.get(records_path() + "/r1", "alice").json()["data"]["a"], 1);
}

TEST(HttpObjects, PostWithInvalidBodyIdIs400) {
  TestServer s;
  make_collection(s, "alice");
  for (const char* body : {R"({"data":{"id":"__bad"}})", R"({"data":{"id":12}})",
                           R"({"data":{"id":""}})", R"({"data":{"id":null}})"}) {
    Reply r = s.request("POST", records_path(), body, "alice");
    ASSERT_TRUE(IsError(r, 400, 107)) << body;
    EXPECT_EQ(r.json()["details"][0]["location"], "path") << body;
    EXPECT_EQ(r.json()["details"][0]["description"], "Invalid object id") << body;
  }
  EXPECT_EQ(s.get(records_path(), "alice").json()["data"], Json::array());
}

TEST(HttpObjects, PostExistingIdDoesNotWrite) {
  TestServer s;
  make_collection(s, "alice");
  make_record(s, "alice", "r1", R"({"data":{"x":1}})");
  int64_t before = etag_value(s.get(records_path(), "alice"));
  must(s, "POST", records_path(), R"({"data":{"id":"r1","x":2},"permissions":{"read":["system.Everyone"]}})",
       "alice", {200});
  EXPECT_EQ(etag_value(s.get(records_path(), "alice")), before);
  EXPECT_EQ(s.get(records_path() + "/r1", "alice").json()["permissions"],
            (Json{{"write", {s.user_id("alice")}}}));
}

TEST(HttpObjects, PutWithoutDataKeepsDataAndPermissionsReplaceAcl) {
  TestServer s;
  make_collection(s, "alice");
  std::string bob = s.user_id("bob");
  make_record(s, "alice", "r1",
              Json{{"data", {{"a", 1}}}, {"permissions", {{"read", {bob}}, {"write", {bob}}}}}.dump());
  Json acl = s.get(records_path() + "/r1", "alice").json()["permissions"];
  EXPECT_EQ(acl["read"], Json::array({bob}));
  EXPECT_TRUE(contains(acl["write"], bob));
  EXPECT_TRUE(contains(acl["write"], s.user_id("alice")));

  // permissions given: full replacement (+ the editor in write); data kept.
  Reply r = s.request("PUT", records_path() + "/r1", R"({"permissions":{"read":["system.Everyone"]}})",
                      "alice");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(r.json()["data"]["a"], 1);
  EXPECT_EQ(r.json()["permissions"], (Json{{"read", {"system.Everyone"}}, {"write", {s.user_id("alice")}}}));

  // permissions absent: ACL untouched.
  r = s.request("PUT", records_path() + "/r1", R"({"data":{"b":2}})", "alice");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json()["data"], (Json{{"id", "r1"}, {"last_modified", r.json()["data"]["last_modified"]}, {"b", 2}}));
  EXPECT_EQ(r.json()["permissions"], (Json{{"read", {"system.Everyone"}}, {"write", {s.user_id("alice")}}}));
}

TEST(HttpObjects, CreateWithPermissionsStoresThemPlusCreator) {
  TestServer s;
  make_bucket(s, "alice");
  std::string bob = s.user_id("bob");
  Reply r = s.request("PUT", "/v1/buckets/blog/collections/c",
                      Json{{"permissions", {{"record:create", {bob}}, {"read", {"system.Authenticated"}}}}}.dump(),
                      "alice");
  ASSERT_EQ(r.status, 201) << describe(r);
  EXPECT_EQ(r.json()["permissions"], (Json{{"record:create", {bob}},
                                            {"read", {"system.Authenticated"}},
                                            {"write", {s.user_id("alice")}}}));
  EXPECT_EQ(r.json()["data"], (Json{{"id", "c"}, {"last_modified", r.json()["data"]["last_modified"]}}));
}

TEST(HttpObjects, GroupMembersAreValidated) {
  TestServer s;
  make_bucket(s, "alice");
  const std::string g = "/v1/buckets/blog/groups/g";
  Reply r = s.request("PUT", g, R"({"data":{"members":["system.Everyone"]}})", "alice");
  ASSERT_TRUE(IsError(r, 400, 107));
  EXPECT_EQ(r.json()["details"][0]["description"], "'system.Everyone' is not a valid user ID.");
  r = s.request("PUT", g, R"({"data":{"members":["/buckets/blog/groups/other"]}})", "alice");
  ASSERT_TRUE(IsError(r, 400, 107));
  EXPECT_EQ(r.json()["details"][0]["description"], "'/buckets/blog/groups/other' is not a valid user ID.");
  EXPECT_TRUE(IsError(s.request("PUT", g, R"({"data":{"members":"bob"}})", "alice"), 400, 107));
  EXPECT_TRUE(IsError(s.request("PUT", g, R"({"data":{"members":[42]}})", "alice"), 400, 107));
  EXPECT_TRUE(IsError(s.request("POST", "/v1/buckets/blog/groups",
                                R"({"data":{"id":"g","members":["system.Everyone"]}})", "alice"),
                      400, 107));
  // Nothing was stored.
  EXPECT_TRUE(IsError(s.get(g, "alice"), 404, 110));

  r = s.request("PUT", g, R"({"data":{"members":["system.Authenticated","account:bob"]}})", "alice");
  ASSERT_EQ(r.status, 201) << describe(r);
  EXPECT_EQ(r.json()["data"]["members"], (Json{"system.Authenticated", "account:bob"}));
  // And on PATCH.
  EXPECT_TRUE(IsError(s.request("PATCH", g, R"({"data":{"members":["system.Everyone"]}})", "alice"),
                      400, 107));
  EXPECT_EQ(s.get(g, "alice").json()["data"]["members"], (Json{"system.Authenticated", "account:bob"}));
}

// §16: a group created without members comes back without a members key.
TEST(HttpObjects, GroupWithoutMembersHasNoMembersKey) {
  TestServer s;
  make_bucket(s, "alice");
  Reply r = s.request("PUT", "/v1/buckets/blog/groups/g", "", "alice");
  ASSERT_EQ(r.status, 201);
  EXPECT_FALSE(r.json()["data"].contains("members")) << r.body;
}

TEST(HttpObjects, CollectionCacheExpiresMustBeInteger) {
  TestServer s;
  make_bucket(s, "alice");
  EXPECT_TRUE(IsError(s.request("PUT", "/v1/buckets/blog/collections/c",
                                R"({"data":{"cache_expires":"soon"}})", "alice"),
                      400, 107));
  EXPECT_TRUE(IsError(s.request("PUT", "/v1/buckets/blog/collections/c",
                                R"({"data":{"cache_expires":1.5}})", "alice"),
                      400, 107));
  EXPECT_TRUE(IsError(s.get("/v1/buckets/blog/collections/c", "alice"), 404, 110));
  EXPECT_EQ(s.request("PUT", "/v1/buckets/blog/collections/c", R"({"data":{"cache_expires":60}})", "alice")
                .status,
            201);
}

TEST(HttpObjects, GroupsAndCollectionsHaveSeparateNamespaces) {
  TestServer s;
  make_bucket(s, "alice");
  must(s, "PUT", "/v1/buckets/blog/collections/same", R"({"data":{"kind":"collection"}})", "alice", {201});
  must(s, "PUT", "/v1/buckets/blog/groups/same", R"({"data":{"kind":"group"}})", "alice", {201});
  EXPECT_EQ(s.get("/v1/buckets/blog/collections/same", "alice").json()["data"]["kind"], "collection");
  EXPECT_EQ(s.get("/v1/buckets/blog/groups/same", "alice").json()["data"]["kind"], "group");
  must(s, "PUT", "/v1/buckets/blog/collections/groups", "", "alice", {201});
  EXPECT_EQ(ids_of(s.get("/v1/buckets/blog/groups", "alice")), std::vector<std::string>{"same"});
}

TEST(HttpObjects, RecordWritesUnderMissingCollectionAre404ForTheOwner) {
  TestServer s;
  make_bucket(s, "alice");
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"POST", "/v1/buckets/blog/collections/missing/records"},
           {"PUT", "/v1/buckets/blog/collections/missing/records/r1"},
           {"GET", "/v1/buckets/blog/collections/missing/records"},
           {"GET", "/v1/buckets/blog/collections/missing/records/r1"},
           {"DELETE", "/v1/buckets/blog/collections/missing/records"}}) {
    Reply r = s.request(method, path, method == "GET" || method == "DELETE" ? "" : R"({"data":{"x":1}})",
                        "alice");
    ASSERT_TRUE(IsError(r, 404, 111)) << method << " " << path;
    EXPECT_EQ(r.json()["details"], (Json{{"id", "missing"}, {"resource_name", "collection"}}))
        << method << " " << path;
  }
  EXPECT_TRUE(IsError(s.get("/v1/buckets/blog/collections/missing", "alice"), 404, 110));
}

TEST(HttpObjects, PluralDeleteOfBucketsOnlyTouchesWritableOnes) {
  TestServer s;
  make_bucket(s, "alice", "a1");
  make_bucket(s, "alice", "a2");
  make_bucket(s, "bob", "b1");
  Reply r = s.request("DELETE", "/v1/buckets", "", "alice");
  ASSERT_EQ(r.status, 200) << describe(r);
  std::set<std::string> gone;
  Json tombstones = r.json()["data"];
  for (const Json& t : tombstones) gone.insert(t["id"]);
  EXPECT_EQ(gone, (std::set<std::string>{"a1", "a2"}));
  EXPECT_EQ(s.get("/v1/buckets/b1", "bob").status, 200);
  EXPECT_EQ(ids_of(s.get("/v1/buckets", "bob")), std::vector<std::string>{"b1"});
}

TEST(HttpObjects, DeletingABucketPurgesAclsBelowIt) {
  TestServer s;
  make_collection(s, "alice");
  std::string bob = s.user_id("bob");
  must(s, "PATCH", "/v1/buckets/blog/collections/c", Json{{"permissions", {{"read", {bob}}}}}.dump(), "alice");
  make_record(s, "alice", "r1", Json{{"permissions", {{"write", {bob}}}}}.dump());
  EXPECT_EQ(s.get("/v1/buckets/blog/collections/c", "bob").status, 200);
  must(s, "DELETE", "/v1/buckets/blog", "", "alice");

  // Carol re-creates the same tree: bob's old grants must not apply.
  make_collection(s, "carol");
  make_record(s, "carol", "r1");
  EXPECT_TRUE(IsError(s.get("/v1/buckets/blog/collections/c", "bob"), 403, 121));
  EXPECT_TRUE(IsError(s.get(records_path() + "/r1", "bob"), 403, 121));
  EXPECT_TRUE(IsError(s.request("PUT", records_path() + "/r1", "", "bob"), 403, 121));
}

TEST(HttpObjects, DeletingABucketEndsMembershipOfItsGroups) {
  TestServer s;
  make_bucket(s, "alice");
  must(s, "PUT", "/v1/buckets/blog/groups/g", Json{{"data", {{"members", {s.user_id("bob")}}}}}.dump(),
       "alice", {201});
  EXPECT_TRUE(contains(s.get("/v1/", "bob").json()["user"]["principals"], "/buckets/blog/groups/g"));
  must(s, "DELETE", "/v1/buckets/blog", "", "alice");
  EXPECT_FALSE(contains(s.get("/v1/", "bob").json()["user"]["principals"], "/buckets/blog/groups/g"));
}

TEST(HttpObjects, PluralDeleteOfCollectionsCascades) {
  TestServer s;
  make_collection(s, "alice", "blog", "c1");
  make_collection(s, "alice", "blog", "c2");
  make_record(s, "alice", "r1", "{}", "blog", "c1");
  Reply r = s.request("DELETE", "/v1/buckets/blog/collections", "", "alice");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(r.json()["data"].size(), 2u);
  EXPECT_EQ(s.get("/v1/buckets/blog/collections", "alice").json()["data"], Json::array());
  EXPECT_TRUE(IsError(s.get(records_path("blog", "c1"), "alice"), 404, 111));
  must(s, "PUT", "/v1/buckets/blog/collections/c1", "", "alice", {201});
  EXPECT_EQ(s.get(records_path("blog", "c1"), "alice").json()["data"], Json::array());
  EXPECT_TRUE(IsError(s.get(records_path("blog", "c1") + "/r1", "alice"), 404, 110));
}

// §7.5 step 3: a caller who may only create children deletes nothing, with
// an empty success rather than a 403.
TEST(HttpObjects, PluralDeleteByACreatorOnlyIsAnEmptySuccess) {
  TestServer s;
  make_collection(s, "alice");
  make_record(s, "alice", "r1");
  must(s, "PATCH", "/v1/buckets/blog/collections/c",
       Json{{"permissions", {{"record:create", {s.user_id("bob")}}}}}.dump(), "alice");
  Reply r = s.request("DELETE", records_path(), "", "bob");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(r.json()["data"], Json::array());
  EXPECT_EQ(ids_of(s.get(records_path(), "alice")), std::vector<std::string>{"r1"});
  EXPECT_TRUE(IsError(s.request("DELETE", records_path(), "", "carol"), 403, 121));
}

TEST(HttpObjects, BodiesAreUtf8WithUnescapedSlashes) {
  TestServer s;
  make_collection(s, "alice");
  Reply r = s.request("PUT", records_path() + "/r1", R"({"data":{"url":"http://a/b","name":"caf\u00e9 é ☃"}})",
                      "alice");
  ASSERT_EQ(r.status, 201) << describe(r);
  for (const Reply& got : {r, s.get(records_path() + "/r1", "alice"), s.get(records_path(), "alice")}) {
    EXPECT_NE(got.body.find("\"http://a/b\""), std::string::npos) << got.body;
    EXPECT_NE(got.body.find("café é ☃"), std::string::npos) << got.body;
  }
  EXPECT_EQ(r.json()["data"]["name"], "café é ☃");
}

TEST(HttpObjects, PostUsesTheGivenId) {
  TestServer s;
  Reply r = s.request("POST", "/v1/buckets", R"({"data":{"id":"chosen","x":1}})", "alice");
  ASSERT_EQ(r.status, 201) << describe(r);
  EXPECT_EQ(r.json()["data"]["id"], "chosen");
  EXPECT_EQ(s.get("/v1/buckets/chosen", "alice").json()["data"]["x"], 1);
}

TEST(HttpObjects, DeleteResponseHasNoPermissionsAndGetHasBoth) {
  TestServer s;
  make_bucket(s, "alice");
  Json got = s.get("/v1/buckets/blog", "alice").json();
  EXPECT_EQ(got.size(), 2u) << got;
  EXPECT_TRUE(got.contains("data"));
  EXPECT_TRUE(got.contains("permissions"));
  Json del = s.request("DELETE", "/v1/buckets/blog", "", "alice").json();
  EXPECT_EQ(del.size(), 1u) << del;
}

}  // namespace
}  // namespace ratchet::testing

// Kinto's default_bucket plugin over HTTP (PROTOCOL.md §12.1, §7.7, §16):
// /buckets/default is each user's personal bucket, whose id is the first 32
// hex digits of HMAC-SHA256(default_bucket_hmac_secret, user id) as a UUID
// (computed here with OpenSSL, independently of the server); the bucket and
// the collection a path names are created on first use; responses speak of
// the real id; users are isolated from each other.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdio>

#include "tests/http_helpers.h"

namespace ratchet::testing {
namespace {

const char kSecret[] = "bucket-secret";

void plugin(Settings& st, Registry&) {
  st.includes = {"default_bucket"};
  st.extra["default_bucket_hmac_secret"] = kSecret;
}

// §12.1, with OpenSSL's HMAC.
std::string personal_bucket(const std::string& user_id, const std::string& secret = kSecret) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(user_id.data()), user_id.size(), mac, &len);
  std::string hex;
  char byte[3];
  for (unsigned int i = 0; i < 16; ++i) {
    std::snprintf(byte, sizeof byte, "%02x", mac[i]);
    hex += byte;
  }
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" +
         hex.substr(20, 12);
}

std::string personal(const std::string& user) { return personal_bucket(basic_id(user)); }

TEST(HttpDefaultBucket, HelloAnnouncesThePersonalBucket) {
  TestServer s(plugin);
  Json hello = s.get("/v1/", "alice").json();
  EXPECT_EQ(hello["user"]["bucket"], personal("alice"));
  EXPECT_NE(personal("alice"), personal("bob"));
  EXPECT_EQ(s.get("/v1/", "bob").json()["user"]["bucket"], personal("bob"));
  EXPECT_TRUE(hello["capabilities"]["default_bucket"]["description"].is_string());
  EXPECT_TRUE(hello["capabilities"]["default_bucket"]["url"].is_string());
  EXPECT_FALSE(s.get("/v1/").json().contains("user"));
  // Without the plugin there is no user.bucket.
  TestServer plain;
  EXPECT_FALSE(plain.get("/v1/", "alice").json()["user"].contains("bucket"));
  EXPECT_FALSE(plain.get("/v1/", "alice").json()["capabilities"].contains("default_bucket"));
}

// §20 of §14: the secret is the key; an empty secret is a key too.
TEST(HttpDefaultBucket, TheIdDependsOnTheConfiguredSecret) {
  TestServer s([](Settings& st, Registry&) { st.includes = {"default_bucket"}; });
  EXPECT_EQ(s.get("/v1/", "alice").json()["user"]["bucket"], personal_bucket(basic_id("alice"), ""));
}

TEST(HttpDefaultBucket, FirstUseCreatesTheBucketAndTheCollection) {
  TestServer s(plugin);
  std::string bid = personal("alice");
  std::string alice = s.user_id("alice");
  Reply r = s.get("/v1/buckets/default/collections/tasks/records", "alice");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(r.json()["data"], Json::array());
  EXPECT_EQ(r.header("ETag"), s.get("/v1/buckets/" + bid + "/collections/tasks/records", "alice").header("ETag"));

  Reply bucket = s.get("/v1/buckets/" + bid, "alice");
  ASSERT_EQ(bucket.status, 200) << describe(bucket);
  EXPECT_EQ(bucket.json()["data"]["id"], bid);
  EXPECT_EQ(bucket.json()["permissions"], (Json{{"write", {alice}}}));
  Reply collection = s.get("/v1/buckets/" + bid + "/collections/tasks", "alice");
  ASSERT_EQ(collection.status, 200) << describe(collection);
  EXPECT_EQ(collection.json()["permissions"], (Json{{"write", {alice}}}));
  EXPECT_EQ(ids_of(s.get("/v1/buckets", "alice")), std::vector<std::string>{bid});

  // A record path creates the collection too, then answers for the record.
  r = s.get("/v1/buckets/default/collections/notes/records/nope", "alice");
  ASSERT_TRUE(IsError(r, 404, 110));
  EXPECT_EQ(r.json()["details"], (Json{{"id", "nope"}, {"resource_name", "record"}}));
  EXPECT_EQ(s.get("/v1/buckets/" + bid + "/collections/notes", "alice").status, 200);
  EXPECT_EQ(ids_of(s.get("/v1/buckets/" + bid + "/collections", "alice")),
            (std::vector<std::string>{"notes", "tasks"}));
}

TEST(HttpDefaultBucket, TheBucketAnswersWithItsRealId) {
  TestServer s(plugin);
  std::string bid = personal("alice");
  Reply r = s.get("/v1/buckets/default", "alice");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(r.json()["data"]["id"], bid);
  EXPECT_EQ(etag_value(r), r.json()["data"]["last_modified"].get<int64_t>());
  EXPECT_EQ(s.get("/v1/buckets/" + bid, "alice").body, r.body);
  // A write through the alias reports the real id too.
  r = s.request("PATCH", "/v1/buckets/default", R"({"data":{"title":"mine"}})", "alice");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(r.json()["data"]["id"], bid);
  // 412 details name the real object.
  r = s.request("PUT", "/v1/buckets/default", "", "alice", {{"If-None-Match", "*"}});
  ASSERT_TRUE(IsError(r, 412, 114));
  EXPECT_EQ(r.json()["details"]["existing"]["id"], bid);
}

// The bucket is not created implicitly when the request is the PUT of the
// bucket itself; a data.id of "default" stands for the real id.
TEST(HttpDefaultBucket, PutOfTheDefaultBucketItself) {
  TestServer s(plugin);
  std::string bid = personal("alice");
  Reply r = s.request("PUT", "/v1/buckets/default", R"({"data":{"id":"default","title":"mine"}})", "alice");
  ASSERT_EQ(r.status, 201) << describe(r);
  EXPECT_EQ(r.json()["data"]["id"], bid);
  EXPECT_EQ(r.json()["data"]["title"], "mine");
  r = s.request("PUT", "/v1/buckets/default", R"({"data":{"id":"default","title":"again"}})", "alice");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(s.get("/v1/buckets/" + bid, "alice").json()["data"]["title"], "again");
  // Any other id still has to match the URL.
  EXPECT_TRUE(IsError(s.request("PUT", "/v1/buckets/default", R"({"data":{"id":"other"}})", "alice"), 400, 107));
  // PUT of the collection: the bucket is implicit, the collection is the PUT's.
  TestServer t(plugin);
  r = t.request("PUT", "/v1/buckets/default/collections/tasks", R"({"data":{"x":1}})", "bob");
  ASSERT_EQ(r.status, 201) << describe(r);
  EXPECT_EQ(r.json()["data"]["x"], 1);
  EXPECT_EQ(t.request("PUT", "/v1/buckets/default/collections/tasks", "", "bob").status, 200);
}

TEST(HttpDefaultBucket, UsersAreIsolated) {
  TestServer s(plugin);
  const std::string tasks = "/v1/buckets/default/collections/tasks/records";
  must(s, "PUT", tasks + "/a1", R"({"data":{"who":"alice"}})", "alice", {201});
  must(s, "PUT", tasks + "/b1", R"({"data":{"who":"bob"}})", "bob", {201});
  EXPECT_EQ(ids_of(s.get(tasks, "alice")), std::vector<std::string>{"a1"});
  EXPECT_EQ(ids_of(s.get(tasks, "bob")), std::vector<std::string>{"b1"});
  EXPECT_TRUE(IsError(s.get(tasks + "/a1", "bob"), 404, 110));  // bob's own bucket has no a1

  std::string alices = "/v1/buckets/" + personal("alice");
  EXPECT_TRUE(IsError(s.get(alices, "bob"), 403, 121));
  EXPECT_TRUE(IsError(s.get(alices + "/collections/tasks/records", "bob"), 403, 121));
  EXPECT_TRUE(IsError(s.get(alices + "/collections/tasks/records/a1", "bob"), 403, 121));
  EXPECT_TRUE(IsError(s.request("PUT", alices + "/collections/tasks/records/x", "{}", "bob"), 403, 121));
  EXPECT_EQ(ids_of(s.get("/v1/buckets", "bob")), std::vector<std::string>{personal("bob")});
  EXPECT_TRUE(IsError(s.get(alices, "carol"), 403, 121));

  // Sharing goes through the real id; bob's default bucket stays his own.
  must(s, "PATCH", alices, Json{{"permissions", {{"read", {s.user_id("bob")}}}}}.dump(), "alice", {200});
  EXPECT_EQ(ids_of(s.get(alices + "/collections/tasks/records", "bob")), std::vector<std::string>{"a1"});
  EXPECT_EQ(ids_of(s.get(tasks, "bob")), std::vector<std::string>{"b1"});
}

TEST(HttpDefaultBucket, AnonymousIs401AndCreatesNothing) {
  TestServer s(plugin);
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/v1/buckets/default"},
           {"PUT", "/v1/buckets/default"},
           {"GET", "/v1/buckets/default/collections/tasks/records"},
           {"POST", "/v1/buckets/default/collections/tasks/records"},
           {"DELETE", "/v1/buckets/default/collections/tasks"}}) {
    Reply r = s.request(method, path, method == "POST" || method == "PUT" ? "{}" : "", "");
    EXPECT_TRUE(IsError(r, 401, 104)) << method << " " << path;
    EXPECT_EQ(r.header("WWW-Authenticate"), "Basic realm=\"Realm\"") << method << " " << path;
  }
  // Anonymous has no personal bucket: nothing with a system.Everyone id appeared.
  std::string everyone = "/v1/buckets/" + personal_bucket("system.Everyone");
  EXPECT_TRUE(IsError(s.get(everyone, "alice"), 403, 121));
  EXPECT_EQ(s.get("/v1/buckets", "alice").json()["data"], Json::array());
  // OPTIONS works without credentials.
  Reply pre = s.request("OPTIONS", "/v1/buckets/default/collections/tasks/records", "", "",
                        {{"Origin", "https://app.example"}, {"Access-Control-Request-Method", "GET"}});
  EXPECT_EQ(pre.status, 200) << describe(pre);
}

// §7.7: implicit creation bypasses bucket:create.
TEST(HttpDefaultBucket, ImplicitCreationNeedsNoCreatePermission) {
  TestServer s([](Settings& st, Registry& r) {
    plugin(st, r);
    st.principals["bucket_create"] = {basic_id("root")};
  });
  EXPECT_TRUE(IsError(s.request("PUT", "/v1/buckets/other", "", "alice"), 403, 121));
  Reply r = s.get("/v1/buckets/default/collections/tasks/records", "alice");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(s.get("/v1/buckets/" + personal("alice"), "alice").status, 200);
  EXPECT_EQ(s.request("POST", "/v1/buckets/default/collections/tasks/records", "{}", "alice").status, 201);
}

// Someone who learnt alice's personal bucket id and made that bucket first
// learns nothing from her implicit creations, nor from her 412s: alice may not
// read the squatter's bucket, so she is refused, never shown it.
TEST(HttpDefaultBucket, ASquattedPersonalBucketIsNeverShown) {
  TestServer s(plugin);
  std::string bid = personal("alice");
  must(s, "PUT", "/v1/buckets/" + bid, R"({"data":{"secret":"secret-squatter"}})", "mallory", {201});
  must(s, "PUT", "/v1/buckets/" + bid + "/collections/tasks", R"({"data":{"secret":"secret-squatter"}})",
       "mallory", {201});
  std::vector<Reply> answers{
      s.request("PUT", "/v1/buckets/default", "", "alice", {{"If-None-Match", "*"}}),
      s.request("PUT", "/v1/buckets/default/collections/tasks", "", "alice", {{"If-None-Match", "*"}}),
      s.get("/v1/buckets/default", "alice"),
      s.get("/v1/buckets/default/collections/tasks/records", "alice"),
      s.request("POST", "/v1/buckets/default/collections/tasks/records", "{}", "alice"),
  };
  Json batch = {{"requests", {{{"method", "PUT"}, {"path", "/buckets/default"}, {"headers", {{"If-None-Match", "*"}}}}}}};
  Reply outer = s.request("POST", "/v1/batch", batch.dump(), "alice");
  ASSERT_EQ(outer.status, 200) << describe(outer);
  Json sub = outer.json()["responses"][0];
  EXPECT_EQ(sub["status"], 403) << sub;
  EXPECT_FALSE(sub["headers"].contains("ETag")) << sub;
  for (const Reply& r : answers) {
    EXPECT_TRUE(IsError(r, 403, 121)) << describe(r);
    EXPECT_EQ(count_of(r.body, "secret-squatter"), 0u) << r.body;
    EXPECT_FALSE(r.has_header("ETag")) << describe(r);
  }
  EXPECT_EQ(count_of(outer.body, "secret-squatter"), 0u) << outer.body;
  EXPECT_EQ(ids_of(s.get("/v1/buckets/" + bid + "/collections/tasks/records", "mallory")), std::vector<std::string>{});
}

TEST(HttpDefaultBucket, InvalidCollectionIdIs400) {
  TestServer s(plugin);
  for (const char* path : {"/v1/buckets/default/collections/bad!id/records", "/v1/buckets/default/collections/bad!id",
                           "/v1/buckets/default/collections/_x/records/r1"}) {
    EXPECT_TRUE(IsError(s.get(path, "alice"), 400, 107)) << path;
  }
  // No collection was made.
  Reply r = s.get("/v1/buckets/" + personal("alice") + "/collections", "alice");
  EXPECT_TRUE(r.status == 403 || (r.status == 200 && ids_of(r).empty())) << describe(r);
}

TEST(HttpDefaultBucket, NextPageUsesTheRealId) {
  TestServer s(plugin);
  const std::string tasks = "/v1/buckets/default/collections/tasks/records";
  for (const char* id : {"t1", "t2", "t3"}) must(s, "PUT", tasks + "/" + id, "", "alice", {201});
  Reply r = s.get(tasks + "?_limit=2&_sort=id", "alice");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(ids_of(r), (std::vector<std::string>{"t1", "t2"}));
  std::string next = r.header("Next-Page");
  std::string real = s.origin() + "/v1/buckets/" + personal("alice") + "/collections/tasks/records?";
  EXPECT_EQ(next.rfind(real, 0), 0u) << next;
  EXPECT_EQ(count_of(next, "_sort=id"), 1u) << next;
  EXPECT_EQ(count_of(next, "default"), 0u) << next;
  Reply second = s.get(local_target(s, next), "alice");
  ASSERT_EQ(second.status, 200) << describe(second);
  EXPECT_EQ(ids_of(second), std::vector<std::string>{"t3"});
}

// §12.1, §16: inside a batch, sub-responses keep /buckets/default in their
// path while bodies and Next-Page use the real id.
TEST(HttpDefaultBucket, BatchSubrequests) {
  TestServer s(plugin);
  std::string bid = personal("alice");
  Json batch = {{"requests",
                 {{{"method", "PUT"}, {"path", "/buckets/default/collections/tasks/records/r1"},
                   {"body", {{"data", {{"x", 1}}}}}},
                  {{"method", "PUT"}, {"path", "/buckets/default/collections/tasks/records/r2"}},
                  {{"method", "GET"}, {"path", "/buckets/default/collections/tasks/records?_limit=1"}},
                  {{"method", "GET"}, {"path", "/buckets/default"}}}}};
  Reply r = s.request("POST", "/v1/batch", batch.dump(), "alice");
  ASSERT_EQ(r.status, 200) << describe(r);
  Json responses = r.json()["responses"];
  ASSERT_EQ(responses.size(), 4u) << r.body;
  EXPECT_EQ(responses[0]["status"], 201) << responses[0];
  EXPECT_EQ(responses[0]["path"], "/v1/buckets/default/collections/tasks/records/r1");
  EXPECT_EQ(responses[0]["body"]["data"]["x"], 1);
  EXPECT_EQ(responses[1]["status"], 201) << responses[1];
  EXPECT_EQ(responses[2]["status"], 200) << responses[2];
  EXPECT_EQ(responses[2]["body"]["data"].size(), 1u);
  std::string next = responses[2]["headers"].value("Next-Page", "");
  EXPECT_NE(next.find("/v1/buckets/" + bid + "/collections/tasks/records?"), std::string::npos) << responses[2];
  EXPECT_EQ(responses[3]["body"]["data"]["id"], bid);
  EXPECT_EQ(ids_of(s.get("/v1/buckets/" + bid + "/collections/tasks/records", "alice")),
            (std::vector<std::string>{"r2", "r1"}));
  // Anonymous sub-requests are refused one by one.
  r = s.request("POST", "/v1/batch", R"({"requests":[{"path":"/buckets/default"}]})", "");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(r.json()["responses"][0]["status"], 401);
}

TEST(HttpDefaultBucket, ReadonlyRefusesTheAlias) {
  TestServer s([](Settings& st, Registry& r) {
    plugin(st, r);
    st.readonly = true;
  });
  EXPECT_TRUE(IsError(s.get("/v1/buckets/default", "alice"), 405, 115));
  EXPECT_TRUE(IsError(s.get("/v1/buckets/default/collections/tasks/records", "alice"), 405, 115));
}

TEST(HttpDefaultBucket, DeletingThePersonalBucket) {
  TestServer s(plugin);
  std::string bid = personal("alice");
  must(s, "PUT", "/v1/buckets/default/collections/tasks/records/r1", "", "alice", {201});
  Reply r = s.request("DELETE", "/v1/buckets/default", "", "alice");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(r.json()["data"]["id"], bid);
  EXPECT_EQ(r.json()["data"]["deleted"], true);
  // Used again, it comes back empty.
  r = s.get("/v1/buckets/default/collections/tasks/records", "alice");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(r.json()["data"], Json::array());
}

}  // namespace
}  // namespace ratchet::testing

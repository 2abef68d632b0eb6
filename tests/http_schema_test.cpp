// Kinto's JSON-schema validation over HTTP (PROTOCOL.md §2.3, §16): records
// against their collection's schema and their bucket's record:schema (on
// create, replace and after a patch), collections and groups against the
// bucket's schemas, the `schema` stamp, fields left out of validation,
// stored schemas meta-validated whatever the setting, the capability, and
// schemas an attacker would write (loops, costly patterns).
#include <gtest/gtest.h>

#include "tests/http_helpers.h"

namespace ratchet::testing {
namespace {

void validation_on(Settings& st, Registry&) {
  st.extra["experimental_collection_schema_validation"] = "true";
}

const char kArticle[] =
    R"({"type":"object","properties":{"title":{"type":"string"},"n":{"type":"integer","minimum":0}},)"
    R"("required":["title"]})";

Json with_schema(const std::string& schema) {
  return Json{{"data", {{"schema", Json::parse(schema)}}}};
}

// A collection blog/c whose schema is `schema`; returns its last_modified.
int64_t schema_collection(TestServer& s, const std::string& schema) {
  if (s.get("/v1/buckets/blog", "alice").status != 200) make_bucket(s, "alice");
  Json c = must(s, "PUT", "/v1/buckets/blog/collections/c", with_schema(schema).dump(), "alice",
                {200, 201});
  return c["data"]["last_modified"].get<int64_t>();
}

Reply post(TestServer& s, const Json& data, const std::string& path = records_path()) {
  return s.request("POST", path, Json{{"data", data}}.dump(), "alice");
}

::testing::AssertionResult RefusedFor(const Reply& r, const std::string& name) {
  auto refused = IsError(r, 400, 107);
  if (!refused) return refused;
  Json details = r.json()["details"];
  if (details.size() != 1 || details[0]["location"] != "body" || details[0]["name"] != name) {
    return ::testing::AssertionFailure() << "details: " << details.dump();
  }
  return ::testing::AssertionSuccess();
}

TEST(HttpSchema, RecordsAreValidatedAndStampedWithTheSchemaVersion) {
  TestServer s(validation_on);
  int64_t version = schema_collection(s, kArticle);

  Reply missing = post(s, {{"n", 1}});
  EXPECT_TRUE(RefusedFor(missing, "title"));
  EXPECT_NE(missing.json()["details"][0]["description"].get<std::string>().find("title"),
            std::string::npos);
  EXPECT_TRUE(RefusedFor(post(s, {{"title", 3}}), "title"));
  EXPECT_TRUE(RefusedFor(post(s, {{"title", "t"}, {"n", -1}}), "n"));
  EXPECT_EQ(must(s, "GET", records_path(), "", "alice")["data"].size(), 0u);

  Json created = post_record(s, "alice", {{"title", "t"}, {"schema", 1}});
  EXPECT_EQ(created["schema"], version);
  EXPECT_EQ(must(s, "GET", records_path() + "/" + created["id"].get<std::string>(), "", "alice")
                ["data"]["schema"],
            version);
}

TEST(HttpSchema, ReplaceAndPatchAreValidatedOnTheResult) {
  TestServer s(validation_on);
  schema_collection(s, kArticle);
  make_record(s, "alice", "r1", R"({"data":{"title":"t"}})");
  std::string path = records_path() + "/r1";

  EXPECT_TRUE(RefusedFor(s.request("PUT", path, R"({"data":{"n":2}})", "alice"), "title"));
  EXPECT_TRUE(RefusedFor(s.request("PATCH", path, R"({"data":{"n":"two"}})", "alice"), "n"));
  EXPECT_TRUE(RefusedFor(s.request("PATCH", path, R"({"data":{"title":null}})", "alice",
                                   {{"Content-Type", "application/merge-patch+json"}}),
                         "title"));
  EXPECT_TRUE(RefusedFor(s.request("PATCH", path, R"([{"op":"remove","path":"/data/title"}])",
                                   "alice", {{"Content-Type", "application/json-patch+json"}}),
                         "title"));
  EXPECT_EQ(must(s, "GET", path, "", "alice")["data"]["title"], "t");
  EXPECT_EQ(must(s, "PATCH", path, R"({"data":{"n":2}})", "alice")["data"]["n"], 2);
}

TEST(HttpSchema, IdLastModifiedAndSchemaAreLeftOutUnlessThePropertiesNameThem) {
  TestServer s(validation_on);
  schema_collection(s, R"({"type":"object","additionalProperties":false,)"
                       R"("properties":{"title":{"type":"string"}},)"
                       R"("required":["id","last_modified","schema","title"]})");
  post_record(s, "alice", {{"title", "t"}, {"last_modified", 1234}});
  EXPECT_TRUE(RefusedFor(post(s, {{"title", "t"}, {"extra", 1}}), "extra"));

  schema_collection(s, R"({"type":"object","properties":{"id":{"type":"string","pattern":"^a"}}})");
  make_record(s, "alice", "abc");
  EXPECT_TRUE(RefusedFor(s.request("PUT", records_path() + "/zzz", R"({"data":{}})", "alice"), "id"));
}

TEST(HttpSchema, BucketSchemasValidateRecordsCollectionsAndGroups) {
  TestServer s(validation_on);
  make_bucket(s, "alice", "blog",
              R"({"data":{"record:schema":{"type":"object","required":["body"]},)"
              R"("collection:schema":{"type":"object","properties":{"size":{"type":"integer"}}},)"
              R"("group:schema":{"type":"object","required":["label"]}}})");
  EXPECT_TRUE(RefusedFor(s.request("PUT", "/v1/buckets/blog/collections/big", R"({"data":{"size":"x"}})",
                                   "alice"),
                         "size"));
  must(s, "PUT", "/v1/buckets/blog/collections/c", R"({"data":{"size":3}})", "alice", {201});
  EXPECT_TRUE(RefusedFor(s.request("PUT", "/v1/buckets/blog/groups/g", R"({"data":{"members":[]}})",
                                   "alice"),
                         "label"));
  must(s, "PUT", "/v1/buckets/blog/groups/g", R"({"data":{"label":"x","members":[]}})", "alice", {201});

  EXPECT_TRUE(RefusedFor(post(s, {{"title", "t"}}), "body"));
  // The collection's own schema is checked first, then the bucket's.
  schema_collection(s, kArticle);
  EXPECT_TRUE(RefusedFor(post(s, {{"body", "b"}}), "title"));
  EXPECT_TRUE(RefusedFor(post(s, {{"title", "t"}}), "body"));
  post_record(s, "alice", {{"title", "t"}, {"body", "b"}});
}

TEST(HttpSchema, AnEmptySchemaAcceptsEverythingAndStillStamps) {
  TestServer s(validation_on);
  schema_collection(s, kArticle);
  int64_t version = schema_collection(s, "{}");
  EXPECT_EQ(post_record(s, "alice", {{"n", "anything"}})["schema"], version);
}

TEST(HttpSchema, ASchemaChangeAppliesToTheNextWrite) {
  TestServer s(validation_on);
  schema_collection(s, kArticle);
  post_record(s, "alice", {{"title", "t"}});
  int64_t version = schema_collection(s, R"({"type":"object","required":["body"]})");
  EXPECT_TRUE(RefusedFor(post(s, {{"title", "t"}}), "body"));
  Json record = post_record(s, "alice", {{"body", "b"}});
  EXPECT_EQ(record["schema"], version);
  // Records validated against an older schema are found by lt_schema.
  Reply older = s.get(records_path() + "?lt_schema=" + std::to_string(version), "alice");
  EXPECT_EQ(older.json()["data"].size(), 1u);
}

TEST(HttpSchema, OffByDefaultButStoredSchemasAreAlwaysMetaValidated) {
  TestServer s;
  EXPECT_FALSE(s.get("/v1/").json()["capabilities"].contains("schema"));
  make_bucket(s, "alice");
  Reply bad = s.request("PUT", "/v1/buckets/blog/collections/c", with_schema(R"({"type":"bogus"})").dump(),
                        "alice");
  EXPECT_TRUE(RefusedFor(bad, "data.schema")) << bad.body;
  EXPECT_NE(bad.json()["details"][0]["description"].get<std::string>().find("type"), std::string::npos);
  EXPECT_TRUE(RefusedFor(s.request("PATCH", "/v1/buckets/blog", R"({"data":{"record:schema":[]}})", "alice"),
                         "data.record:schema"));
  EXPECT_EQ(s.get("/v1/buckets/blog/collections/c", "alice").status, 404);

  schema_collection(s, kArticle);
  Json record = post_record(s, "alice", {{"n", "not validated"}});
  EXPECT_FALSE(record.contains("schema"));
}

TEST(HttpSchema, CapabilityWhenOn) {
  TestServer s(validation_on);
  Json capability = s.get("/v1/").json()["capabilities"]["schema"];
  EXPECT_EQ(capability["description"], "Validates collection records with JSON schemas.");
  EXPECT_TRUE(capability["url"].is_string());
}

TEST(HttpSchema, HostileSchemasAreRefusedWhenStored) {
  TestServer s(validation_on);
  make_bucket(s, "alice");
  for (const char* schema : {
           R"({"$ref":"#"})", R"({"allOf":[{"$ref":"#"}]})",
           R"({"definitions":{"a":{"$ref":"#/definitions/b"},"b":{"not":{"$ref":"#/definitions/a"}}},"$ref":"#/definitions/a"})",
           R"({"$ref":"https://example.com/schema.json"})", R"({"$ref":"#/definitions/missing"})",
           R"({"properties":{"a":{"pattern":"(a"}}})", R"({"properties":{"a":{"pattern":"a)|(b"}}})",
           R"({"properties":{"a":{"pattern":"(a)\\1"}}})",
           // The metaschema's "format": "regex" once made valijson throw (fuzz/json_schema.cpp).
           R"({"pattern":{"not":"a string"}})",
           R"({"patternProperties":{"x{1,1000}y{1,1000}":{}}})"}) {
    Reply r = s.request("PUT", "/v1/buckets/blog/collections/c", with_schema(schema).dump(), "alice");
    EXPECT_TRUE(RefusedFor(r, "data.schema")) << schema << " -> " << r.body;
  }
  // A reference that goes deeper into the document is fine.
  schema_collection(s, R"({"type":"object","properties":{"child":{"$ref":"#"}}})");
  post_record(s, "alice", {{"child", {{"child", Json::object()}}}});
  EXPECT_TRUE(RefusedFor(post(s, {{"child", 1}}), "child"));
}

TEST(HttpSchema, PatternsRunWithoutBacktrackingOnLongStrings) {
  TestServer s(validation_on);
  // Patterns that make a backtracking engine recurse per character, or take
  // exponential time, over a 200 kB value.
  schema_collection(s, R"({"type":"object","properties":{"a":{"pattern":"^(a|b)*$"},)"
                       R"("b":{"pattern":"(a+)+c"}}})");
  std::string long_a(200000, 'a');
  post_record(s, "alice", {{"a", long_a}});
  EXPECT_TRUE(RefusedFor(post(s, {{"a", long_a + "c"}}), "a"));
  EXPECT_TRUE(RefusedFor(post(s, {{"b", long_a}}), "b"));
  post_record(s, "alice", {{"b", long_a + "c"}});
}

TEST(HttpSchema, DeepDocumentsAgainstRecursiveSchemas) {
  TestServer s(validation_on);
  schema_collection(s, R"({"type":"object","additionalProperties":{"allOf":[{"$ref":"#"}]}})");
  std::string deep;
  for (int i = 0; i < 500; ++i) deep += "{\"a\":";
  deep += "1";
  for (int i = 0; i < 500; ++i) deep += "}";
  Reply r = s.request("POST", records_path(), "{\"data\":" + deep + "}", "alice");
  EXPECT_TRUE(RefusedFor(r, "a")) << r.body.substr(0, 300);
}

}  // namespace
}  // namespace ratchet::testing

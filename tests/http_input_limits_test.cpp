// Hostile input over HTTP: JSON nested beyond kMaxJsonDepth is refused at
// parse time (400 errno 107, nothing changed, the server still answers),
// values at the limit are stored, served, sorted and filtered, and queries
// whose cost used to grow with depth, path length or pattern length answer
// promptly. The bounds on time are generous ("it answers at all"); the issue
// measures the real times.
#include <gtest/gtest.h>

#include <chrono>

#include "core/crypto.h"
#include "http/message.h"
#include "tests/http_helpers.h"

namespace ratchet::testing {
namespace {

constexpr const char* kRecords = "/v1/buckets/b/collections/c/records";
constexpr auto kPrompt = std::chrono::seconds(5);

std::string nested_arrays(size_t depth, const std::string& leaf) {
  return std::string(depth, '[') + leaf + std::string(depth, ']');
}

std::string nested_objects(size_t depth, const std::string& leaf) {
  std::string out;
  for (size_t i = 0; i < depth; ++i) out += "{\"a\":";
  return out + leaf + std::string(depth, '}');
}

class HttpInputLimits : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(HasStatus(server.request("PUT", "/v1/buckets/b", "{}", "alice"), 201));
    ASSERT_TRUE(
        HasStatus(server.request("PUT", "/v1/buckets/b/collections/c", "{}", "alice"), 201));
  }
  Reply put(const std::string& id, const std::string& data) {
    return server.request("PUT", std::string(kRecords) + "/" + id, "{\"data\":" + data + "}",
                          "alice");
  }
  // A GET on the records with `query`, which must answer within kPrompt.
  Reply timed_get(const std::string& query) {
    auto start = std::chrono::steady_clock::now();
    Reply r = server.get(std::string(kRecords) + "?" + query, "alice");
    EXPECT_LT(std::chrono::steady_clock::now() - start, kPrompt) << query.substr(0, 80);
    return r;
  }
  std::vector<std::string> ids(const Reply& r) {
    std::vector<std::string> out;
    EXPECT_TRUE(HasStatus(r, 200));
    Json body = parse_or_null(r.body);
    for (const Json& item : body["data"]) out.push_back(item["id"]);
    return out;
  }
  void expect_alive() {
    EXPECT_TRUE(HasStatus(server.get("/v1/", "alice"), 200));
  }
  TestServer server;
};

TEST_F(HttpInputLimits, BodiesNestedTensOfThousandsDeepAre400AndChangeNothing) {
  for (const std::string& value : {nested_arrays(75000, "1"), nested_objects(75000, "1")}) {
    Reply r = put("deep", value);
    EXPECT_TRUE(IsError(r, 400, 107));
    EXPECT_NE(r.body.find("Invalid JSON"), std::string::npos) << r.body;
    EXPECT_TRUE(IsError(server.get(std::string(kRecords) + "/deep", "alice"), 404, 110));
    // Before any permission check, as every invalid JSON body.
    Reply anonymous = server.request("PUT", "/v1/buckets/b2", "{\"data\":" + value + "}", "");
    EXPECT_EQ(anonymous.status, server.request("PUT", "/v1/buckets/b2", "{", "").status);
    Reply patch = server.request("PATCH", "/v1/buckets/b", "{\"data\":" + value + "}", "alice");
    EXPECT_TRUE(IsError(patch, 400, 107));
    Reply batch = server.request(
        "POST", "/v1/batch",
        "{\"requests\":[{\"method\":\"PUT\",\"path\":\"/buckets/b3\",\"body\":" + value + "}]}",
        "alice");
    EXPECT_TRUE(IsError(batch, 400, 107));
  }
  EXPECT_TRUE(IsError(server.get("/v1/buckets/b3", "alice"), 403, 121));
  expect_alive();
}

TEST_F(HttpInputLimits, TheLimitIs512LevelsOfTheWholeBody) {
  // {"data":{"v": ...}}: two levels of envelope and object, 510 of arrays.
  EXPECT_TRUE(HasStatus(put("at", "{\"v\":" + nested_arrays(510, "1") + "}"), 201));
  EXPECT_TRUE(IsError(put("over", "{\"v\":" + nested_arrays(511, "1") + "}"), 400, 107));
  Reply read = server.get(std::string(kRecords) + "/at", "alice");
  ASSERT_TRUE(HasStatus(read, 200));
  EXPECT_EQ(parse_or_null(read.body)["data"]["v"], Json::parse(nested_arrays(510, "1")));
  // A batch returns the record inside two more levels.
  Json requests = Json::array({{{"path", kRecords}}, {{"path", std::string(kRecords) + "/at"}}});
  Reply batch = server.request("POST", "/v1/batch", Json{{"requests", requests}}.dump(), "alice");
  ASSERT_TRUE(HasStatus(batch, 200));
  Json responses = parse_or_null(batch.body)["responses"];
  ASSERT_EQ(responses.size(), 2u) << batch.body.substr(0, 200);
  EXPECT_EQ(responses[0]["body"]["data"][0]["v"], Json::parse(nested_arrays(510, "1")));
  EXPECT_EQ(responses[1]["body"]["data"]["id"], "at");
  EXPECT_EQ(responses[1]["status"], 200);
}

TEST_F(HttpInputLimits, AJsonPatchCannotNestBeyondTheLimit) {
  // Copying a value into its innermost array doubles its depth: a patch of
  // a dozen copies would nest over 100,000 deep.
  ASSERT_TRUE(HasStatus(put("r", "{\"a\":" + nested_arrays(60, "1") + "}"), 201));
  Json ops = Json::array();
  for (size_t depth = 60; depth < 200000; depth *= 2) {
    std::string innermost = "/data/a";
    for (size_t i = 0; i < depth; ++i) innermost += "/0";
    ops.push_back({{"op", "copy"}, {"from", "/data/a"}, {"path", innermost}});
  }
  Reply r = server.request("PATCH", std::string(kRecords) + "/r", ops.dump(), "alice",
                           {{"Content-Type", "application/json-patch+json"}});
  EXPECT_TRUE(IsError(r, 400, 107));
  EXPECT_NE(r.body.find("nest deeper than 512"), std::string::npos) << r.body;
  Reply read = server.get(std::string(kRecords) + "/r", "alice");
  EXPECT_EQ(parse_or_null(read.body)["data"]["a"], Json::parse(nested_arrays(60, "1")));
  // The first three copies alone stay within the limit.
  Json first_three = {ops[0], ops[1], ops[2]};
  ASSERT_TRUE(HasStatus(server.request("PATCH", std::string(kRecords) + "/r", first_three.dump(),
                                       "alice", {{"Content-Type", "application/json-patch+json"}}),
                        200));
  read = server.get(std::string(kRecords) + "/r", "alice");
  EXPECT_EQ(json_depth(parse_or_null(read.body)["data"]["a"]), 480u);
}

TEST_F(HttpInputLimits, AJsonPatchCannotDoubleTheObjectAtEveryOperation) {
  // Each copy of /data into itself doubles it: 40 copies would make a
  // terabyte of a 20-byte record.
  ASSERT_TRUE(HasStatus(put("r", R"({"x":"0123456789"})"), 201));
  Json ops = Json::array();
  for (int i = 0; i < 40; ++i) {
    ops.push_back({{"op", "copy"}, {"from", "/data"}, {"path", "/data/k" + std::to_string(i)}});
  }
  Reply r = server.request("PATCH", std::string(kRecords) + "/r", ops.dump(), "alice",
                           {{"Content-Type", "application/json-patch+json"}});
  EXPECT_TRUE(IsError(r, 400, 107));
  EXPECT_NE(r.body.find("duplicate more than"), std::string::npos) << r.body;
  Reply read = server.get(std::string(kRecords) + "/r", "alice");
  EXPECT_FALSE(parse_or_null(read.body)["data"].contains("k0"));
  // Moving a value back and forth duplicates it each time too.
  std::string big(1 << 20, 'a');
  ASSERT_TRUE(HasStatus(put("m", "{\"a\":\"" + big + "\"}"), 201));
  Json moves = Json::array();
  for (int i = 0; i < 20; ++i) {
    moves.push_back({{"op", "move"}, {"from", i % 2 ? "/data/b" : "/data/a"},
                     {"path", i % 2 ? "/data/a" : "/data/b"}});
  }
  EXPECT_TRUE(IsError(server.request("PATCH", std::string(kRecords) + "/m", moves.dump(), "alice",
                                     {{"Content-Type", "application/json-patch+json"}}),
                      400, 107));
  // A few copies are fine.
  Json few = {ops[0], ops[1], ops[2]};
  ASSERT_TRUE(HasStatus(server.request("PATCH", std::string(kRecords) + "/r", few.dump(), "alice",
                                       {{"Content-Type", "application/json-patch+json"}}),
                        200));
  expect_alive();
}

TEST_F(HttpInputLimits, RecordsAtTheLimitSortAndFilter) {
  std::string one = nested_arrays(510, "1"), two = nested_arrays(510, "2");
  ASSERT_TRUE(HasStatus(put("d1", "{\"v\":" + one + "}"), 201));
  ASSERT_TRUE(HasStatus(put("d2", "{\"v\":" + two + "}"), 201));
  ASSERT_TRUE(HasStatus(put("flat", "{\"v\":3}"), 201));
  std::string q_one = encode_query_value(one), q_two = encode_query_value(two);
  EXPECT_EQ(ids(timed_get("_sort=v")), (std::vector<std::string>{"flat", "d1", "d2"}));
  EXPECT_EQ(ids(timed_get("_sort=-v")), (std::vector<std::string>{"d2", "d1", "flat"}));
  EXPECT_EQ(ids(timed_get("_sort=v&_limit=1")), (std::vector<std::string>{"flat"}));
  EXPECT_EQ(ids(timed_get("eq_v=" + q_one)), (std::vector<std::string>{"d1"}));
  EXPECT_EQ(ids(timed_get("lt_v=" + q_two + "&_sort=v")), (std::vector<std::string>{"flat", "d1"}));
  EXPECT_EQ(ids(timed_get("gt_v=" + q_one)), (std::vector<std::string>{"d2"}));
  EXPECT_EQ(ids(timed_get("in_v=" + q_two)), (std::vector<std::string>{"d2"}));
  EXPECT_EQ(ids(timed_get("contains_v=" + q_two)), (std::vector<std::string>{"d2"}));
}

TEST_F(HttpInputLimits, DottedPathsOfThousandsOfPartsAnswer) {
  ASSERT_TRUE(HasStatus(put("deep", nested_objects(500, "1")), 201));
  ASSERT_TRUE(HasStatus(put("dotted", R"({"a.a":{"a":{"a.a.a":1}}})"), 201));
  std::string path = "a";
  for (int i = 1; i < 2000; ++i) path += ".a";
  EXPECT_EQ(ids(timed_get(path + "=1")), std::vector<std::string>{});
  EXPECT_EQ(ids(timed_get("has_" + path + "=true")), std::vector<std::string>{});
  EXPECT_EQ(ids(timed_get("_sort=" + path + ",id")), (std::vector<std::string>{"deep", "dotted"}));
  EXPECT_EQ(ids(timed_get("_fields=" + path)).size(), 2u);
  // Dotted keys still win as before: the longest key matching a prefix.
  EXPECT_EQ(ids(timed_get("a.a.a.a.a.a=1")), (std::vector<std::string>{"dotted"}));
}

TEST_F(HttpInputLimits, LikeCostsTextPlusPattern) {
  std::string text(500000, 'a');
  ASSERT_TRUE(HasStatus(put("long", "{\"t\":\"" + text + "\"}"), 201));
  ASSERT_TRUE(HasStatus(put("short", R"({"t":"xaAbx"})"), 201));
  std::string starred;
  for (int i = 0; i < 1000; ++i) starred += "*a";
  EXPECT_EQ(ids(timed_get("like_t=" + encode_query_value(starred + "*b"))),
            std::vector<std::string>{});
  EXPECT_EQ(ids(timed_get("like_t=" + std::string(6000, 'a') + "b")), std::vector<std::string>{});
  EXPECT_EQ(ids(timed_get("like_t=" + std::string(6000, 'a') + "&_sort=id")),
            (std::vector<std::string>{"long"}));
  EXPECT_EQ(ids(timed_get("like_t=" + encode_query_value("*A*B*") + "&_sort=id")),
            (std::vector<std::string>{"short"}));
}

TEST_F(HttpInputLimits, ContainsCostsOneLookupPerElement) {
  std::string zeros;
  for (int i = 0; i < 1000000; ++i) zeros += "0,";
  ASSERT_TRUE(HasStatus(put("wide", "{\"a\":[" + zeros + "1]}"), 201));
  std::string values;  // 1,000 values, none but 1 in the array
  for (int i = 1; i <= 1000; ++i) values += (i > 1 ? "," : "") + std::to_string(i);
  EXPECT_EQ(ids(timed_get("contains_a=" + encode_query_value("[" + values + "]"))),
            std::vector<std::string>{});
  EXPECT_EQ(ids(timed_get("contains_any_a=" + encode_query_value("[" + values + "]"))),
            std::vector<std::string>{"wide"});
  EXPECT_EQ(ids(timed_get("contains_a=" + encode_query_value("[1,0,1]"))),
            std::vector<std::string>{"wide"});
}

TEST_F(HttpInputLimits, DottedLookupsIgnoreKeysThatAreNotOnThePath) {
  std::string keys;
  for (int i = 0; i < 200000; ++i) keys += "\"a." + std::to_string(i) + "\":0,";
  ASSERT_TRUE(HasStatus(put("keys", "{" + keys + "\"a\":{\"b\":1}}"), 201));
  std::string filters;  // 400 filters on paths below "a"
  for (int i = 0; i < 400; ++i) filters += "has_a.b" + std::to_string(i) + "=false&";
  EXPECT_EQ(ids(timed_get(filters + "a.b=1")), std::vector<std::string>{"keys"});
}

TEST_F(HttpInputLimits, DeepQueryValuesAndTokensNeverCrash) {
  ASSERT_TRUE(HasStatus(put("r", R"({"v":[[1]]})"), 201));
  std::string deep = nested_arrays(2000, "1");  // within kMaxTargetBytes
  std::string token = base64_encode("{\"last_object\":{\"v\":" + deep + "}}");
  Json requests = Json::array();
  for (const std::string& query : {"in_v=" + deep, "eq_v=" + deep, "gt_v=" + deep,
                                   "_sort=v&_token=" + encode_query_value(token)}) {
    requests.push_back({{"path", std::string(kRecords) + "?" + query}});
  }
  Reply batch = server.request("POST", "/v1/batch", Json{{"requests", requests}}.dump(), "alice");
  ASSERT_TRUE(HasStatus(batch, 200));
  Json responses = parse_or_null(batch.body)["responses"];
  ASSERT_EQ(responses.size(), 4u);
  // Too deep to be JSON, a filter value is the raw string (§4.1), which
  // sorts below arrays.
  EXPECT_EQ(responses[0]["status"], 200);
  EXPECT_EQ(responses[0]["body"]["data"], Json::array());
  EXPECT_EQ(responses[1]["body"]["data"], Json::array());
  EXPECT_EQ(responses[2]["body"]["data"].size(), 1u);
  EXPECT_EQ(responses[3]["status"], 400);
  EXPECT_EQ(responses[3]["body"]["errno"], 107);
  expect_alive();
}

}  // namespace
}  // namespace ratchet::testing

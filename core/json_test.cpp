// core/json: parsing refuses nesting deeper than kMaxJsonDepth, cheaply and
// without recursion, whatever the depth of the input.
#include <gtest/gtest.h>

#include "ratchet/json.h"

namespace ratchet {
namespace {

std::string arrays(size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

std::string objects(size_t depth) {
  std::string out;
  for (size_t i = 0; i < depth; ++i) out += "{\"k\":";
  return out + "null" + std::string(depth, '}');
}

TEST(Json, ParsesUpToTheDepthLimit) {
  EXPECT_EQ(json_depth(parse_json(arrays(kMaxJsonDepth))), kMaxJsonDepth);
  EXPECT_EQ(json_depth(parse_json(objects(kMaxJsonDepth))), kMaxJsonDepth);
  EXPECT_EQ(json_depth(parse_json(R"({"a":[1,{"b":[]}],"c":2})")), 4u);
  EXPECT_EQ(json_depth(parse_json("3")), 0u);
}

TEST(Json, RefusesDeeperInputAsInvalidJson) {
  for (const std::string& text : {arrays(kMaxJsonDepth + 1), objects(kMaxJsonDepth + 1),
                                  arrays(100000), objects(100000),
                                  "[" + arrays(kMaxJsonDepth) + ",1]"}) {
    EXPECT_THROW(parse_json(text), Json::parse_error);
    EXPECT_FALSE(try_parse_json(text));
  }
  try {
    parse_json(arrays(100000));
    FAIL() << "parsed";
  } catch (const Json::exception& e) {
    EXPECT_EQ(json_error_message(e), "parse error: arrays and objects nest deeper than 512 levels");
  }
}

TEST(Json, SizeIsCountedUpToTheCap) {
  EXPECT_EQ(json_size(parse_json(R"("abc")"), 100), 5u);
  EXPECT_EQ(json_size(parse_json("[]"), 100), 2u);
  EXPECT_EQ(json_size(parse_json(R"({"ab":null})"), 100), 2u + 6u + 4u);
  size_t exact = json_size(parse_json(R"({"a":[1,"xy",true],"b":{}})"), 1000);
  EXPECT_GE(exact, dump(parse_json(R"({"a":[1,"xy",true],"b":{}})")).size());
  // A huge value is measured only up to the cap.
  Json wide = Json::array();
  for (int i = 0; i < 1000000; ++i) wide.push_back(i);
  EXPECT_GT(json_size(wide, 1000), 1000u);
  EXPECT_LT(json_size(wide, 1000), 1100u);
}

TEST(Json, OtherErrorsAreUnchanged) {
  EXPECT_THROW(parse_json("{"), Json::parse_error);
  EXPECT_THROW(parse_json("[1] x"), Json::parse_error);
  EXPECT_FALSE(try_parse_json(""));
  EXPECT_EQ(*try_parse_json(R"( {"a": [1, "x"]} )"), Json::parse(R"({"a":[1,"x"]})"));
}

TEST(Json, DepthIsMeasuredWithoutRecursion) {
  Json deep = 1;
  for (int i = 0; i < 200000; ++i) deep = Json::array({std::move(deep)});
  EXPECT_EQ(json_depth(deep), 200000u);
}

}  // namespace
}  // namespace ratchet

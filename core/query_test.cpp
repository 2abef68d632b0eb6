// The querystring language of PROTOCOL.md §4: value coercion, every filter
// operator on every value type, dotted fields, Kinto's cross-type order,
// sorting, _fields, and the parameters that are rejected.
#include <gtest/gtest.h>

#include "core/query.h"

namespace ratchet {
namespace {

constexpr int64_t kNow = 1700000000000;

Query parse(Params params, std::vector<ErrorDetail>* problems = nullptr) {
  std::vector<ErrorDetail> local;
  Query q = parse_query(params, kNow, problems ? *problems : local);
  if (!problems) {
    EXPECT_TRUE(local.empty()) << local.front().description;
  }
  return q;
}

bool keeps(const std::string& name, const std::string& value, const Json& object) {
  return matches_all(parse({{name, value}}).filters, object);
}

struct Case {
  const char* param;
  const char* value;
  const char* object;
  bool expected;
};

class FilterTable : public ::testing::TestWithParam<Case> {};

TEST_P(FilterTable, MatchesAsKinto) {
  const Case& c = GetParam();
  EXPECT_EQ(keeps(c.param, c.value, Json::parse(c.object)), c.expected)
      << c.param << "=" << c.value << " on " << c.object;
}

INSTANTIATE_TEST_SUITE_P(
    Operators, FilterTable,
    ::testing::Values(
        // Equality and value coercion (§4.1): numbers, strings, booleans, null, JSON.
        Case{"x", "1", R"({"x":1})", true}, Case{"x", "1", R"({"x":"1"})", false},
        Case{"x", "\"1\"", R"({"x":"1"})", true}, Case{"x", "\"1\"", R"({"x":1})", false},
        Case{"x", "1", R"({"x":1.0})", true}, Case{"x", "true", R"({"x":true})", true},
        Case{"x", "true", R"({"x":1})", false}, Case{"x", "null", R"({"x":null})", true},
        Case{"x", "null", R"({})", false}, Case{"x", "foo", R"({"x":"foo"})", true},
        Case{"x", "1.2.3", R"({"x":"1.2.3"})", true}, Case{"x", "[1,2]", R"({"x":[1,2]})", true},
        Case{"x", "{}", R"({"x":{}})", true}, Case{"x", "{\"k\":1}", R"({"x":{"k":1}})", true},
        Case{"eq_x", "2", R"({"x":2})", true}, Case{"eq_x", "2", R"({"x":3})", false},
        Case{"x", "1", R"({})", false},
        // not_
        Case{"not_x", "1", R"({"x":2})", true}, Case{"not_x", "1", R"({"x":1})", false},
        Case{"not_x", "1", R"({})", true}, Case{"not_y", "true", R"({"y":false})", true},
        // lt/gt/min/max, with missing fields and mixed types
        Case{"lt_n", "5", R"({"n":4})", true}, Case{"lt_n", "5", R"({"n":5})", false},
        Case{"max_n", "5", R"({"n":5})", true}, Case{"gt_n", "5", R"({"n":6})", true},
        Case{"gt_n", "5", R"({"n":5})", false}, Case{"min_n", "5", R"({"n":5})", true},
        Case{"lt_n", "5", R"({})", false}, Case{"max_n", "5", R"({})", false},
        Case{"gt_n", "5", R"({})", true}, Case{"min_n", "5", R"({})", true},
        Case{"lt_n", "5", R"({"n":"a"})", true},   // strings < numbers
        Case{"gt_n", "5", R"({"n":true})", true},  // booleans > numbers
        Case{"lt_n", "5", R"({"n":null})", true},  // null < everything
        Case{"gt_n", "5", R"({"n":[1]})", true},   // arrays > booleans
        Case{"gt_s", "b", R"({"s":"c"})", true}, Case{"lt_s", "b", R"({"s":"a"})", true},
        Case{"gt_n", "1.5", R"({"n":2})", true},
        // in_/exclude_: split on commas, each piece coerced
        Case{"in_x", "1,2", R"({"x":2})", true}, Case{"in_x", "1,2", R"({"x":"2"})", false},
        Case{"in_x", "a,b", R"({"x":"b"})", true}, Case{"in_x", "1,2", R"({})", false},
        Case{"exclude_x", "1,2", R"({"x":3})", true}, Case{"exclude_x", "1,2", R"({"x":1})", false},
        Case{"exclude_x", "1,2", R"({})", true},
        // like_: case-insensitive, implicit wildcards, * anywhere
        Case{"like_t", "fo", R"({"t":"xFOo"})", true}, Case{"like_t", "fo", R"({"t":"bar"})", false},
        Case{"like_t", "f*r", R"({"t":"fooBAR"})", true}, Case{"like_t", "f*r", R"({"t":"afoobar"})", false},
        Case{"like_t", "fo", R"({})", false}, Case{"like_t", "fo", R"({"t":12})", false},
        Case{"like_t", "\"12\"", R"({"t":"a12"})", true},
        Case{"like_t", "*", R"({"t":""})", true}, Case{"like_t", "a*B*c", R"({"t":"AxbBC"})", true},
        Case{"like_t", "ab*ab", R"({"t":"aB"})", false},
        Case{"like_t", "*b*", R"({"t":"a"})", false},
        // has_: present (even null) or absent
        Case{"has_z", "true", R"({"z":null})", true}, Case{"has_z", "true", R"({})", false},
        Case{"has_z", "false", R"({})", true}, Case{"has_z", "false", R"({"z":0})", false},
        Case{"has_z", "0", R"({})", true},
        // contains_ / contains_any_: arrays holding all / any values
        Case{"contains_tags", "[\"a\",\"b\"]", R"({"tags":["b","c","a"]})", true},
        Case{"contains_tags", "[\"a\",\"b\"]", R"({"tags":["a"]})", false},
        Case{"contains_tags", "a", R"({"tags":["a"]})", true},
        Case{"contains_tags", "[{\"k\":1}]", R"({"tags":[{"k":1},2]})", true},
        Case{"contains_tags", "a", R"({"tags":"a"})", false},
        Case{"contains_tags", "a", R"({})", false},
        Case{"contains_any_tags", "[\"a\",\"b\"]", R"({"tags":["b"]})", true},
        Case{"contains_any_tags", "[\"a\",\"b\"]", R"({"tags":["c"]})", false},
        Case{"contains_any_tags", "[1,2]", R"({"tags":[2,3]})", true},
        // ...whatever the order and repeats of the values (they are sorted once)
        Case{"contains_tags", "[\"b\",2,\"a\",\"b\",1.0]", R"({"tags":[1,"a","b",2]})", true},
        Case{"contains_tags", "[\"b\",\"a\",\"b\"]", R"({"tags":["a","a"]})", false},
        Case{"contains_any_tags", "[true,\"a\",null,[1]]", R"({"tags":[null]})", true},
        Case{"contains_any_tags", "[true,\"a\",null,[1]]", R"({"tags":[[1,2],{}]})", false},
        Case{"in_x", "3,1,2,1", R"({"x":1})", true}, Case{"exclude_x", "3,1,2,1", R"({"x":1})", false},
        // Dotted fields, the longest literal dotted key wins, non-objects are missing
        Case{"author.name", "Ben", R"({"author":{"name":"Ben"}})", true},
        Case{"author.name", "Ben", R"({"author":{"name":"Bob"}})", false},
        Case{"author.name", "Ben", R"({"author":"Ben"})", false},
        Case{"a.b.c", "1", R"({"a.b":{"c":1},"a":{"b":{"c":2}}})", true},
        Case{"a.b.c", "1", R"({"a":{"b.c":1}})", true},
        Case{"a.b.c", "1", R"({"a.b":5,"a":{"b":{"c":1}}})", false},
        Case{"a..b", "1", R"({"a.":{"b":1}})", true},
        Case{"ab.c", "1", R"({"a":{"b.c":1}})", false},
        Case{"a.b.c", "1", R"({"a":{"b":{"c":1}},"a.x":0,"a.b.x":0,"ab":0})", true},
        Case{"a.b.c", "1", R"({"a.b.c":1,"a":{"b":{"c":2}}})", true},
        Case{"in_party.voters", "1,2", R"({"party":{"voters":1}})", true},
        Case{"not_a.b", "1", R"({"a":5})", true},
        // id compares as a string (§4.2)
        Case{"id", "12", R"({"id":"12"})", true}, Case{"in_id", "12,13", R"({"id":"13"})", true},
        Case{"exclude_id", "a,b", R"({"id":"c"})", true},
        Case{"exclude_id", "a,b", R"({"id":"a"})", false}));

TEST(QueryParse, TimeFiltersBecomeBoundsAndListTombstones) {
  Query q = parse({{"_since", "100"}, {"_before", "\"200\""}});
  EXPECT_EQ(q.min_ts, 101);
  EXPECT_EQ(q.max_ts, 199);
  EXPECT_TRUE(q.with_tombstones);
  EXPECT_TRUE(q.filters.empty());
  Query b = parse({{"gt_last_modified", "5"}, {"max_last_modified", "50"}});
  EXPECT_EQ(b.min_ts, 6);
  EXPECT_EQ(b.max_ts, 50);
  EXPECT_TRUE(parse({{"last_modified", "7"}}).with_tombstones);
  EXPECT_FALSE(parse({{"title", "x"}}).with_tombstones);
  Query n = parse({{"_since", "null"}});
  EXPECT_TRUE(n.with_tombstones);
  EXPECT_EQ(n.min_ts, INT64_MIN);
  Query to = parse({{"_to", "300"}});
  EXPECT_TRUE(to.deprecated_to);
  EXPECT_EQ(to.max_ts, 299);
}

TEST(QueryParse, UnderscoreParametersAreIgnoredOrReserved) {
  Query q = parse({{"_expected", "123"}, {"_limit", "\"10\""}, {"_fields", "a, b.c"}});
  EXPECT_TRUE(q.filters.empty());
  EXPECT_EQ(q.limit, 10);
  EXPECT_EQ(q.fields, (std::vector<std::string>{"a", "b.c"}));
}

TEST(QueryParse, SortAlwaysEndsWithLastModifiedThenId) {
  Query d = parse({});
  ASSERT_EQ(d.sort.size(), 2u);
  EXPECT_EQ(d.sort[0].field, "last_modified");
  EXPECT_TRUE(d.sort[0].descending);
  EXPECT_TRUE(d.index_order());
  Query q = parse({{"_sort", "title,-n,+last_modified"}});
  ASSERT_EQ(q.sort.size(), 4u);
  EXPECT_FALSE(q.sort[0].descending);
  EXPECT_TRUE(q.sort[1].descending);
  EXPECT_EQ(q.sort[2].field, "last_modified");
  EXPECT_FALSE(q.sort[2].descending);
  EXPECT_EQ(q.sort[3].field, "id");
  EXPECT_FALSE(q.index_order());
  EXPECT_TRUE(parse({{"_sort", "last_modified"}}).index_order());
}

TEST(QueryParse, RepeatedSortFieldsAndNestedFieldsCollapse) {
  Query q = parse({{"_sort", "title,-title,n,title"}});
  ASSERT_EQ(q.sort.size(), 4u);
  EXPECT_EQ(q.sort[0].field, "title");
  EXPECT_FALSE(q.sort[0].descending);
  EXPECT_EQ(q.sort[1].field, "n");
  EXPECT_EQ(q.client_sort_keys, 2u);
  EXPECT_EQ(parse({{"_fields", "b.c,a,a.x.y,b,a,a-b"}}).fields,
            (std::vector<std::string>{"a", "a-b", "b"}));
}

TEST(QueryParse, BadParametersNameThemselves) {
  const std::vector<std::pair<Params, std::string>> cases{
      {{{"_limit", "abc"}}, "_limit"},
      {{{"_limit", "-1"}}, "_limit"},
      {{{"_since", "notanumber"}}, "_since"},
      {{{"_since", "-5"}}, "_since"},
      {{{"_since", std::to_string(kNow + 3LL * 24 * 3600 * 1000)}}, "_since"},
      {{{"_before", ""}}, "_before"},
      {{{"_token", "garbage"}}, "_token"},
      {{{"_token", "eyJhIjoxfQ=="}}, "_token"},  // base64 of {"a":1}
      {{{"like_title", "12"}}, "like_title"},
      {{{"last_modified", "abc"}}, "last_modified"},
      {{{"in_last_modified", "1,a"}}, "in_last_modified"},
      {{{"contains_id", "a"}}, "contains_id"},
      {{{"contains_last_modified", "1"}}, "contains_last_modified"},
      {{{"_sort", "ti tle"}}, "_sort"},
      {{{"_sort", "a;b"}}, "_sort"},
      {{{std::string("ti\0tle", 6), "x"}}, std::string("ti\0tle", 6)},
      {{{"title", std::string("a\0b", 3)}}, "title"},
  };
  for (const auto& [params, name] : cases) {
    std::vector<ErrorDetail> problems;
    parse(params, &problems);
    ASSERT_EQ(problems.size(), 1u) << name;
    EXPECT_EQ(problems[0].location, "querystring");
    EXPECT_EQ(problems[0].name.value_or(""), name);
  }
}

TEST(QueryOrder, KintoCrossTypeOrder) {
  std::vector<Json> values{Json(nullptr), Json("a"),   Json("b"),        Json(-1),
                           Json(2.5),     Json(3),     Json(false),      Json(true),
                           Json::array({1}), Json::object({{"k", 1}})};
  std::vector<const Json*> ascending;
  for (const Json& v : values) ascending.push_back(&v);
  ascending.push_back(nullptr);  // missing
  for (size_t i = 0; i + 1 < ascending.size(); ++i) {
    EXPECT_LT(compare_values(ascending[i], ascending[i + 1]), 0) << i;
    EXPECT_GT(compare_values(ascending[i + 1], ascending[i]), 0) << i;
  }
  Json one(1), one_float(1.0);
  EXPECT_EQ(compare_values(&one, &one_float), 0);
  EXPECT_EQ(compare_values(nullptr, nullptr), 0);
}

// The order is total, so sorts and page heaps are well defined: numbers
// compare exactly (not through double near 2^53), objects consistently with
// the equality of their values. Both triples were found by fuzz/query.
TEST(QueryOrder, OrderIsTotalForNumbersAndObjects) {
  for (const auto& triple : std::vector<std::vector<std::string>>{
           {"9007199254740992", "9007199254740992.0", "9007199254740993"},
           {"{\"k\":1.0}", "{\"k\":1.5}", "{\"k\":1}"},
           {"18446744073709551615", "1.8446744073709552e19", "-1"},
           {"{\"a\":1}", "{\"a\":1,\"b\":0}", "{\"b\":0}"}}) {
    std::vector<Json> v;
    for (const auto& text : triple) v.push_back(Json::parse(text));
    for (const Json& x : v) {
      for (const Json& y : v) {
        EXPECT_EQ(compare_values(&x, &y), -compare_values(&y, &x)) << x << " " << y;
        for (const Json& z : v) {
          if (compare_values(&x, &y) <= 0 && compare_values(&y, &z) <= 0) {
            EXPECT_LE(compare_values(&x, &z), 0) << x << " " << y << " " << z;
          }
        }
      }
    }
  }
  Json big(9007199254740993), near(9007199254740992.0), k1 = Json::parse("{\"k\":1}"),
      k1f = Json::parse("{\"k\":1.0}");
  EXPECT_GT(compare_values(&big, &near), 0);
  EXPECT_EQ(compare_values(&k1, &k1f), 0);
}

TEST(QueryOrder, SortingPutsMissingLastAscendingFirstDescending) {
  Query asc = parse({{"_sort", "n"}});
  Query desc = parse({{"_sort", "-n"}});
  Json missing = {{"id", "a"}, {"last_modified", 1}};
  Json has = {{"id", "b"}, {"last_modified", 2}, {"n", 5}};
  EXPECT_LT(compare_sorted(asc, sort_values(asc, has), sort_values(asc, missing)), 0);
  EXPECT_LT(compare_sorted(desc, sort_values(desc, missing), sort_values(desc, has)), 0);
  Query b = parse({{"_sort", "flag"}});
  Json f = {{"id", "a"}, {"last_modified", 1}, {"flag", false}};
  Json t = {{"id", "b"}, {"last_modified", 2}, {"flag", true}};
  EXPECT_LT(compare_sorted(b, sort_values(b, f), sort_values(b, t)), 0);  // false first
}

TEST(QueryOrder, SortValuesTakeNoRoomForMissingFields) {
  std::string fields;
  for (int i = 0; i < 3000; ++i) fields += (i ? ",f" : "f") + std::to_string(i);
  Query q = parse({{"_sort", fields}});
  ASSERT_EQ(q.sort.size(), 3002u);
  Json a = {{"id", "a"}, {"last_modified", 1}, {"f2999", 2}};
  Json b = {{"id", "b"}, {"last_modified", 2}, {"f2999", 1}};
  Json c = {{"id", "c"}, {"last_modified", 3}, {"f1", 1}};
  EXPECT_EQ(sort_values(q, a).present.size(), 3u);
  EXPECT_EQ(sort_values(q, a).at(2999), &a["f2999"]);
  EXPECT_EQ(sort_values(q, a).at(5), nullptr);
  EXPECT_GT(compare_sorted(q, sort_values(q, a), sort_values(q, b)), 0);
  EXPECT_LT(compare_sorted(q, sort_values(q, c), sort_values(q, b)), 0);  // present first
  EXPECT_EQ(compare_sorted(q, sort_values(q, c), sort_values(q, c)), 0);
}

TEST(QueryOrder, TokensCarryTheSortValuesOfTheLastObject) {
  Query q = parse({{"_sort", "title"}});
  Json object = {{"id", "r1"}, {"last_modified", 10}, {"title", "x"}};
  std::string token = page_token(q, sort_values(q, object), "n");
  Query next = parse({{"_sort", "title"}, {"_token", token}});
  ASSERT_TRUE(next.after);
  EXPECT_EQ(compare_sorted(q, token_values(next, *next.after), sort_values(q, object)), 0);
}

TEST(QueryFields, KeepsIdLastModifiedDeletedAndTheSelectedPaths) {
  Query q = parse({{"_fields", "title,address.street,tags.x"}});
  Json object = Json::parse(
      R"({"id":"r","last_modified":3,"title":"t","other":1,"address":{"street":"s","city":"c"},"tags":[1]})");
  EXPECT_EQ(project(q, object),
            Json::parse(R"({"id":"r","last_modified":3,"title":"t","address":{"street":"s"},"tags":[1]})"));
  Json tombstone = Json::parse(R"({"id":"r","last_modified":4,"deleted":true})");
  EXPECT_EQ(project(q, tombstone), tombstone);
  EXPECT_EQ(project(parse({}), object), object);
  Query overlapping = parse({{"_fields", "address.street,address,title.x"}});
  EXPECT_EQ(project(overlapping, object),
            Json::parse(R"({"id":"r","last_modified":3,"title":"t",
                            "address":{"street":"s","city":"c"}})"));
}

TEST(QueryFields, FindFieldPointsIntoTheObject) {
  Json object = Json::parse(R"({"a":{"b":[1]},"a.c":{"d":2}})");
  EXPECT_EQ(find_field(object, "a.b"), &object["a"]["b"]);
  EXPECT_EQ(find_field(object, "a.c.d"), &object["a.c"]["d"]);
  EXPECT_EQ(find_field(object, "a.b.0"), nullptr);
  std::string long_path = "a";
  for (int i = 0; i < 100000; ++i) long_path += ".b";
  EXPECT_EQ(find_field(object, long_path), nullptr);
}

}  // namespace
}  // namespace ratchet

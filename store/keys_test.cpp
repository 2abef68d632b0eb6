// The key layout's orders and ranges: change keys sort by timestamp (negative
// ones first) then id and parse back; subtree() holds exactly the lists below
// an object; grant and member ranges hold one principal's entries only.
#include "store/keys.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace ratchet {
namespace {

bool in_range(const std::string& key, const std::string& begin, const std::string& end) {
  return key >= begin && key < end;
}

bool in_subtree(const std::string& key, std::string_view uri) {
  for (const auto& [begin, end] : keys::subtree(uri)) {
    if (in_range(key, begin, end)) return true;
  }
  return false;
}

TEST(KeysTest, ChangeKeysSortByTimestampThenId) {
  const std::string lp = keys::list_prefix("/buckets/b/collections/c", "record");
  // In the expected order.
  const std::vector<std::pair<int64_t, std::string>> changes{
      {INT64_MIN, "a"}, {-256, "a"}, {-255, "a"}, {-1, "a"}, {-1, "b"}, {0, ""},
      {0, "a"},         {0, "ab"},   {1, "a"},    {255, "z"}, {256, "a"}, {65536, "a"},
      {1432208041618, "r"},         {INT64_MAX, "a"}};
  std::vector<std::string> keys;
  for (const auto& [ts, id] : changes) keys.push_back(keys::change(lp, ts, id));
  for (size_t i = 0; i + 1 < keys.size(); ++i) {
    EXPECT_LT(keys[i], keys[i + 1]) << changes[i].first << "/" << changes[i].second << " vs "
                                    << changes[i + 1].first << "/" << changes[i + 1].second;
  }
  std::vector<std::string> shuffled = keys;
  std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937(7));
  std::sort(shuffled.begin(), shuffled.end());
  EXPECT_EQ(shuffled, keys);
  for (const std::string& key : keys) {
    EXPECT_TRUE(in_range(key, keys::change_begin(lp), keys::change_end(lp)));
    EXPECT_TRUE(key.starts_with(lp));
  }
}

TEST(KeysTest, ParseChangeRoundTrips) {
  for (const std::string& lp : {keys::list_prefix("", "bucket"),
                                keys::list_prefix("/buckets/b", "collection"),
                                keys::list_prefix("basicauth:abc", "note")}) {
    for (int64_t ts : {INT64_MIN, int64_t{-1432208041618}, int64_t{-1}, int64_t{0}, int64_t{1},
                       int64_t{255}, int64_t{256}, int64_t{1432208041618}, INT64_MAX}) {
      for (std::string id : {std::string(""), std::string("a"), std::string("r-1_x"),
                             std::string("\xff\x01 \xc3\xa9")}) {
        std::string key = keys::change(lp, ts, id);
        auto [parsed_ts, parsed_id] = keys::parse_change(key, lp.size());
        EXPECT_EQ(parsed_ts, ts);
        EXPECT_EQ(parsed_id, id);
      }
    }
  }
}

TEST(KeysTest, SubtreeHoldsTheListsBelowTheObjectOnly) {
  const std::string uri = "/buckets/b";
  const std::string collections = keys::list_prefix(uri, "collection");
  const std::string records = keys::list_prefix(uri + "/collections/c", "record");
  const std::string deep = keys::list_prefix(uri + "/collections/c/records/r", "attachment");
  for (const std::string& lp : {collections, keys::list_prefix(uri, "group"), records, deep}) {
    for (const std::string& key :
         {lp, keys::count(lp), keys::timestamp(lp), keys::object(lp, "x"), keys::acl(lp, "x"),
          keys::tombstone(lp, "x"), keys::change(lp, -5, "x"), keys::change(lp, 5, "x")}) {
      EXPECT_TRUE(in_subtree(key, uri)) << key;
    }
  }
  // Lists of other buckets, whichever byte follows the shared prefix.
  for (const std::string other : {"/buckets/b2", "/buckets/b-x", "/buckets/bb", "/buckets/b.x",
                                  "/buckets/B", "/buckets", "/buckets/a", "/buckets/c"}) {
    for (const std::string& lp : {keys::list_prefix(other, "collection"),
                                  keys::list_prefix(other + "/collections/c", "record")}) {
      EXPECT_FALSE(in_subtree(keys::object(lp, "x"), uri)) << other;
      EXPECT_FALSE(in_subtree(keys::count(lp), uri)) << other;
    }
  }
  // The object itself lives in its parent's list, outside its subtree.
  const std::string buckets = keys::list_prefix("", "bucket");
  EXPECT_FALSE(in_subtree(keys::object(buckets, "b"), uri));
  EXPECT_FALSE(in_subtree(keys::count(buckets), uri));
  // So do the indexes outside lists.
  EXPECT_FALSE(in_subtree(keys::grant("alice", uri + "/collections/c"), uri));
  EXPECT_FALSE(in_subtree(keys::member("alice", uri + "/groups/g"), uri));
  // A deeper object's subtree is within its ancestor's and not the reverse.
  EXPECT_TRUE(in_subtree(keys::object(deep, "x"), uri + "/collections/c"));
  EXPECT_FALSE(in_subtree(keys::object(collections, "c"), uri + "/collections/c"));
}

TEST(KeysTest, GrantRangesHoldExactlyTheGrantsUnderAUriPrefix) {
  const std::vector<std::string> uris{"/buckets/a", "/buckets/b", "/buckets/b/collections/c",
                                      "/buckets/b/collections/c/records/r",
                                      "/buckets/b/groups/g", "/buckets/b2", "/buckets/c"};
  auto under = [&](const std::string& principal, const std::string& prefix) {
    std::vector<std::string> found;
    std::string begin = keys::grants_begin(principal, prefix);
    std::string end = keys::grants_end(principal, prefix);
    for (const std::string p : {"al", "alice", "alice2", "bob"}) {
      for (const std::string& uri : uris) {
        if (in_range(keys::grant(p, uri), begin, end)) found.push_back(p + " " + uri);
      }
    }
    std::sort(found.begin(), found.end());
    return found;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(under("alice", "/buckets/b/collections/"),
            (V{"alice /buckets/b/collections/c", "alice /buckets/b/collections/c/records/r"}));
  // A string prefix: /buckets/b2 starts with /buckets/b.
  EXPECT_EQ(under("alice", "/buckets/b"),
            (V{"alice /buckets/b", "alice /buckets/b/collections/c",
               "alice /buckets/b/collections/c/records/r", "alice /buckets/b/groups/g",
               "alice /buckets/b2"}));
  EXPECT_EQ(under("alice", "/buckets/b/"),
            (V{"alice /buckets/b/collections/c", "alice /buckets/b/collections/c/records/r",
               "alice /buckets/b/groups/g"}));
  // Without a prefix: every grant of that principal and of no other.
  V all_al;
  for (const std::string& uri : uris) all_al.push_back("al " + uri);
  std::sort(all_al.begin(), all_al.end());
  EXPECT_EQ(under("al", ""), all_al);
  EXPECT_EQ(under("al", "/buckets/c"), V{"al /buckets/c"});
  EXPECT_EQ(under("alice", "/nothing"), V{});
}

TEST(KeysTest, MemberRangesHoldOneMemberOnly) {
  const std::string g1 = "/buckets/b/groups/g1", g2 = "/buckets/c/groups/g2";
  for (const std::string& uri : {g1, g2}) {
    EXPECT_TRUE(in_range(keys::member("al", uri), keys::members_begin("al"),
                         keys::members_end("al")));
    EXPECT_FALSE(in_range(keys::member("alice", uri), keys::members_begin("al"),
                          keys::members_end("al")));
    EXPECT_FALSE(in_range(keys::member("al", uri), keys::members_begin("alice"),
                          keys::members_end("alice")));
    EXPECT_FALSE(in_range(keys::member("a", uri), keys::members_begin("al"),
                          keys::members_end("al")));
    // Grants and members of the same principal never mix.
    EXPECT_FALSE(in_range(keys::grant("al", uri), keys::members_begin("al"),
                          keys::members_end("al")));
    EXPECT_FALSE(in_range(keys::member("al", uri), keys::grants_begin("al"),
                          keys::grants_end("al")));
  }
  EXPECT_TRUE(keys::member("al", g1).starts_with(keys::kMembersPrefix));
  EXPECT_TRUE(keys::member("al", g1).ends_with(g1));
}

}  // namespace
}  // namespace ratchet

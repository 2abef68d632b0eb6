#include "cluster/shard_record.h"

#include <gtest/gtest.h>

namespace ratchet {
namespace {

TEST(ShardRecord, RoundTripsThroughJsonAndRefusesOtherText) {
  ShardRecord r = next_epoch(first_epoch("a", 7, {0, 0}), "b", 9, {1, 40}, {"c", "b"});
  auto back = shard_record_from_json(to_json(r));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, r);
  EXPECT_EQ(r.in_sync, (std::vector<std::string>{"b", "c"}));  // the primary first
  EXPECT_FALSE(shard_record_from_json("[]"));
  EXPECT_FALSE(shard_record_from_json(R"({"epoch":1})"));
  EXPECT_FALSE(shard_record_from_json("not json"));
}

TEST(ShardRecord, EachEpochStartsAfterWhatItsPrimaryHeld) {
  ShardRecord r = first_epoch("a", 1, {0, 0});
  EXPECT_EQ(r.epoch, 1);
  r = next_epoch(r, "b", 2, {1, 100}, {"b", "c"});  // b held 1..100 of epoch 1
  r = next_epoch(r, "c", 3, {2, 150}, {"c"});
  EXPECT_EQ(r.epoch, 3);
  EXPECT_EQ(r.epochs, (std::vector<std::pair<int64_t, int64_t>>{{0, 0}, {1, 0}, {2, 100}, {3, 150}}));
  // Prefixes of the log: empty, inside an epoch, at an epoch's end.
  EXPECT_TRUE(on_chain(r, {0, 0}));
  EXPECT_TRUE(on_chain(r, {1, 95}));
  EXPECT_TRUE(on_chain(r, {1, 100}));
  EXPECT_TRUE(on_chain(r, {2, 150}));
  EXPECT_TRUE(on_chain(r, {3, 151}));
  // Entries epoch 1 wrote beyond what b held were replaced by epoch 2's.
  EXPECT_FALSE(on_chain(r, {1, 103}));
  EXPECT_FALSE(on_chain(r, {2, 100}));  // epoch 2 began after 100
  EXPECT_FALSE(on_chain(r, {-1, 0}));   // unknown content
  EXPECT_FALSE(on_chain(r, {9, 200}));  // an epoch that never took the shard
}

TEST(ShardRecord, ForgetsOldEpochsAndThenCopiesWhatStoppedThere) {
  ShardRecord r = first_epoch("a", 1, {0, 0});
  for (int i = 0; i < 40; ++i) r = next_epoch(r, "a", 1, {r.epoch, (i + 1) * 10}, {"a"});
  EXPECT_EQ(r.epochs.size(), kEpochHistory);
  EXPECT_FALSE(on_chain(r, {0, 0}));  // the log's start is forgotten
  EXPECT_FALSE(on_chain(r, {2, 15}));
  EXPECT_TRUE(on_chain(r, {r.epoch - 1, r.epochs.back().second}));
}

TEST(ShardRecord, DataOlderThanTheClusterIsEpochZero) {
  ShardRecord r = first_epoch("a", 1, {0, 1});
  EXPECT_TRUE(on_chain(r, {0, 1}));    // a copy of the first primary's store
  EXPECT_TRUE(on_chain(r, {0, 0}));    // empty: a prefix, copied since the log lacks entry 1
  EXPECT_TRUE(on_chain(r, {1, 2}));
  EXPECT_FALSE(on_chain(r, {1, 1}));
}

}  // namespace
}  // namespace ratchet

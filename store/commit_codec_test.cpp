#include "store/commit_codec.h"

#include <gtest/gtest.h>

namespace ratchet {
namespace {

Commit every_kind() {
  Commit c;
  c.changes.push_back(PutObject{{"/buckets/b", "collection"}, "c", 12, R"({"id":"c"})",
                                std::string(R"({"write":["x"]})"), 11, true});
  c.changes.push_back(PutObject{{"", "bucket"}, "b", 13, "{}", std::nullopt, std::nullopt, false});
  c.changes.push_back(RemoveObject{{"/buckets/b/collections/c", "record"}, "r\x01", 14, 9});
  c.changes.push_back(RemoveSubtree{"/buckets/b/collections/c"});
  c.changes.push_back(IndexEntry{IndexEntry::Index::kMember, "account:a", "/buckets/b/groups/g", false});
  c.changes.push_back(IndexEntry{IndexEntry::Index::kGrant, "system.Everyone", "/buckets/b", true});
  c.changes.push_back(ListState{{"/buckets/b", "collection"}, 14, -1});
  c.changes.push_back(OutboxRecord{{"/buckets/b", "history"}, "00000000000000000014/buckets/b",
                                   "{}\n{\"action\":\"create\"}", true});
  c.changes.push_back(OutboxRecord{{"/buckets/b", "history"}, "00000000000000000013/buckets/b", "", false});
  return c;
}

TEST(CommitCodec, RoundTripsEveryKindOfChange) {
  Commit c = every_kind();
  auto back = commit_from_bytes(commit_to_bytes(c));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->changes, c.changes);
  auto empty = commit_from_bytes(commit_to_bytes(Commit{}));
  ASSERT_TRUE(empty.has_value());
  EXPECT_TRUE(empty->empty());
}

TEST(CommitCodec, RefusesTruncatedExtendedAndForeignBytes) {
  std::string bytes = commit_to_bytes(every_kind());
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(commit_from_bytes(bytes.substr(0, n))) << "prefix of " << n << " bytes";
  }
  EXPECT_FALSE(commit_from_bytes(bytes + "x"));
  std::string other = bytes;
  other[0] = 2;  // another format version
  EXPECT_FALSE(commit_from_bytes(other));
  std::string huge_count = commit_to_bytes(Commit{});
  huge_count[8] = 0x7f;  // a change count larger than the input
  EXPECT_FALSE(commit_from_bytes(huge_count));
}

TEST(CommitCodec, TellsWhetherMembershipChanges) {
  EXPECT_TRUE(changes_membership(every_kind()));
  Commit grants;
  grants.changes.push_back(IndexEntry{IndexEntry::Index::kGrant, "p", "/buckets/b", true});
  EXPECT_FALSE(changes_membership(grants));
}

}  // namespace
}  // namespace ratchet

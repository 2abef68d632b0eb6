// ListId: lists order by parent then resource, and below() holds for the
// lists whose parent is an object or one of its descendants, never for a
// sibling whose URI merely starts with the same characters.
#include "core/list_id.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <vector>

namespace ratchet {
namespace {

TEST(ListIdTest, OrdersByParentThenResource) {
  const ListId buckets{"", "bucket"};
  const ListId collections{"/buckets/b", "collection"};
  const ListId groups{"/buckets/b", "group"};
  const ListId records{"/buckets/b/collections/c", "record"};
  const ListId other{"/buckets/b2", "collection"};
  EXPECT_LT(buckets, collections);
  EXPECT_LT(collections, groups);  // same parent: by resource
  EXPECT_LT(groups, records);      // parent first, whatever the resource
  EXPECT_LT(records, other);
  EXPECT_FALSE(groups < collections);
  EXPECT_EQ(collections, (ListId{"/buckets/b", "collection"}));
  EXPECT_NE(collections, groups);
  EXPECT_NE(collections, other);

  std::vector<ListId> ids{other, records, buckets, groups, collections};
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<ListId>{buckets, collections, groups, records, other}));

  // Usable as a map key: equal ids find the same slot.
  std::map<ListId, int> map;
  map[collections] = 1;
  map[ListId{"/buckets/b", "collection"}] += 1;
  map[groups] = 5;
  EXPECT_EQ(map.size(), 2u);
  EXPECT_EQ(map[collections], 2);
}

TEST(ListIdTest, BelowHoldsForTheObjectAndItsDescendants) {
  EXPECT_TRUE(below(ListId{"/buckets/b", "collection"}, "/buckets/b"));
  EXPECT_TRUE(below(ListId{"/buckets/b", "group"}, "/buckets/b"));
  EXPECT_TRUE(below(ListId{"/buckets/b/collections/c", "record"}, "/buckets/b"));
  EXPECT_TRUE(below(ListId{"/buckets/b/collections/c/records/r", "attachment"}, "/buckets/b"));
  EXPECT_TRUE(below(ListId{"/buckets/b/collections/c", "record"}, "/buckets/b/collections/c"));
}

TEST(ListIdTest, BelowIsFalseForSiblingsAndAncestors) {
  for (const char* parent : {"/buckets/b2", "/buckets/bb", "/buckets/b-x", "/buckets/b.x",
                             "/buckets/b2/collections/c", "/buckets/a", "/buckets/c", "/buckets",
                             "/buckets/", ""}) {
    EXPECT_FALSE(below(ListId{parent, "collection"}, "/buckets/b")) << parent;
  }
  // The list holding the object is its parent's, not below it.
  EXPECT_FALSE(below(ListId{"", "bucket"}, "/buckets/b"));
  EXPECT_FALSE(below(ListId{"/buckets/b", "collection"}, "/buckets/b/collections/c"));
  // A sibling collection of the same bucket.
  EXPECT_FALSE(below(ListId{"/buckets/b/collections/c2", "record"}, "/buckets/b/collections/c"));
  EXPECT_FALSE(below(ListId{"/buckets/b/collections/cc", "record"}, "/buckets/b/collections/c"));
  // A per-user list's parent is a user id, below no object.
  EXPECT_FALSE(below(ListId{"basicauth:b", "note"}, "/buckets/b"));
}

}  // namespace
}  // namespace ratchet

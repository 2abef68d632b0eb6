// ListQuery over a list written with ListStore: pages in the query's order,
// resumed by their tokens without overlap or gap; time bounds, filters, id
// restrictions, tombstones only with _since; count; NodeStopping.
#include "resource/list_query.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "core/query.h"
#include "core/timestamp.h"
#include "ratchet/registry.h"
#include "store/commit.h"
#include "store/list_store.h"
#include "store/memory_engine.h"

namespace ratchet {
namespace {

using Ids = std::vector<std::string>;

Ids ids_of(const ListPage& page) {
  Ids out;
  for (const ListEntry& e : page.entries) out.push_back(e.id);
  return out;
}

class ListQueryTest : public ::testing::Test {
 protected:
  ListQueryTest() {
    add_kinto_resources(registry_);
    store_ = std::make_unique<ListStore>(engine_, registry_, *registry_.find("record"),
                                         "/buckets/b/collections/c");
  }

  void put(const std::string& id, int64_t ts, const std::string& data) {
    store_->advance_timestamp(ts);
    store_->put(id, ts, data, R"({"write":["alice"]})", store_->view().get(id));
  }
  void remove(const std::string& id, int64_t ts) {
    store_->advance_timestamp(ts);
    store_->remove(id, ts, store_->view().get(id));
  }
  void commit() {
    Commit c = store_->seal();
    engine_.write(encode(c), true);
    store_->committed();
  }
  // r0..r4 at last_modified 1..5, with n = i % 2.
  void write_five() {
    for (int i = 0; i < 5; ++i) {
      put("r" + std::to_string(i), i + 1, R"({"n":)" + std::to_string(i % 2) + R"(,"s":"x"})");
    }
    commit();
  }

  static Query parse(const Params& params) {
    std::vector<ErrorDetail> problems;
    Query q = parse_query(params, now_ms(), problems);
    EXPECT_TRUE(problems.empty()) << problems.size() << " problems";
    return q;
  }

  // One page of the committed state, visible to whoever `visible` lets see.
  ListPage page(const Params& params, int64_t limit, bool tombstones = false,
                ListQuery::Visible visible = [](std::string_view) { return true; }) {
    auto snapshot = engine_.snapshot();
    ListReader reader(*snapshot, store_->list());
    Query q = parse(params);
    ListQuery query(reader, q, std::move(visible), stopping_);
    return query.page(limit, tombstones);
  }
  ListPage restricted_page(const Params& params, const Ids& ids, int64_t limit) {
    auto snapshot = engine_.snapshot();
    ListReader reader(*snapshot, store_->list());
    Query q = parse(params);
    ListQuery query(reader, q, ids, stopping_);
    return query.page(limit, false);
  }
  int64_t count(const Params& params, const Ids* ids = nullptr,
                ListQuery::Visible visible = [](std::string_view) { return true; }) {
    auto snapshot = engine_.snapshot();
    ListReader reader(*snapshot, store_->list());
    Query q = parse(params);
    if (ids) return ListQuery(reader, q, *ids, stopping_).count();
    return ListQuery(reader, q, std::move(visible), stopping_).count();
  }
  // Every page of a query, followed by its tokens.
  std::vector<Ids> all_pages(const Params& params, int64_t limit) {
    std::vector<Ids> pages;
    Params next = params;
    for (int guard = 0; guard < 20; ++guard) {
      ListPage p = page(next, limit);
      pages.push_back(ids_of(p));
      if (p.next_token.empty()) return pages;
      EXPECT_FALSE(p.next_nonce.empty());
      next = params;
      next.emplace_back("_token", p.next_token);
    }
    ADD_FAILURE() << "the tokens never end";
    return pages;
  }

  MemoryEngine engine_;
  Registry registry_;
  std::unique_ptr<ListStore> store_;
  std::atomic<bool> stopping_{false};
};

TEST_F(ListQueryTest, APageInIndexOrderIsNewestFirstWithATokenWhenMoreRemain) {
  write_five();
  ListPage first = page({}, 2);
  EXPECT_EQ(ids_of(first), (Ids{"r4", "r3"}));
  EXPECT_FALSE(first.next_token.empty());
  EXPECT_EQ(first.entries[0].text, R"({"id":"r4","last_modified":5,"n":0,"s":"x"})");
  EXPECT_EQ(all_pages({}, 2), (std::vector<Ids>{{"r4", "r3"}, {"r2", "r1"}, {"r0"}}));
  // Exactly `limit` left: no token.
  EXPECT_TRUE(page({}, 5).next_token.empty());
  EXPECT_EQ(ids_of(page({}, 5)), (Ids{"r4", "r3", "r2", "r1", "r0"}));
  EXPECT_FALSE(page({}, 4).next_token.empty());
  EXPECT_EQ(all_pages({{"_sort", "last_modified"}}, 3),
            (std::vector<Ids>{{"r0", "r1", "r2"}, {"r3", "r4"}}));
}

TEST_F(ListQueryTest, TokensResumeWithoutOverlapOrGapAcrossEqualTimestamps) {
  put("e", 9, "{}");
  for (const char* id : {"b", "a", "c"}) put(id, 10, "{}");
  put("d", 11, "{}");
  commit();
  EXPECT_EQ(all_pages({}, 1), (std::vector<Ids>{{"d"}, {"c"}, {"b"}, {"a"}, {"e"}}));
  EXPECT_EQ(all_pages({}, 2), (std::vector<Ids>{{"d", "c"}, {"b", "a"}, {"e"}}));
  EXPECT_EQ(all_pages({{"_sort", "last_modified"}}, 2),
            (std::vector<Ids>{{"e", "a"}, {"b", "c"}, {"d"}}));
}

TEST_F(ListQueryTest, TokensResumeASortOnADataField) {
  write_five();
  // n ascending, then newest first: r4 r2 r0 (n 0), r3 r1 (n 1).
  EXPECT_EQ(all_pages({{"_sort", "n"}}, 2),
            (std::vector<Ids>{{"r4", "r2"}, {"r0", "r3"}, {"r1"}}));
  EXPECT_EQ(all_pages({{"_sort", "-n,last_modified"}}, 4),
            (std::vector<Ids>{{"r1", "r3", "r0", "r2"}, {"r4"}}));
}

TEST_F(ListQueryTest, SinceAndBeforeBoundTheLastModified) {
  write_five();
  EXPECT_EQ(ids_of(page({{"_since", "2"}}, 10)), (Ids{"r4", "r3", "r2"}));
  EXPECT_EQ(ids_of(page({{"_before", "4"}}, 10)), (Ids{"r2", "r1", "r0"}));
  EXPECT_EQ(ids_of(page({{"_since", "1"}, {"_before", "5"}}, 10)), (Ids{"r3", "r2", "r1"}));
  EXPECT_EQ(ids_of(page({{"_since", "5"}}, 10)), Ids{});
  EXPECT_EQ(all_pages({{"_since", "1"}}, 2), (std::vector<Ids>{{"r4", "r3"}, {"r2", "r1"}}));
}

TEST_F(ListQueryTest, TombstonesShowOnlyWhenAskedWithSince) {
  write_five();
  remove("r1", 6);
  commit();
  EXPECT_EQ(ids_of(page({}, 10, true)), (Ids{"r4", "r3", "r2", "r0"}));
  EXPECT_EQ(ids_of(page({{"_since", "0"}}, 10, false)), (Ids{"r4", "r3", "r2", "r0"}));
  ListPage changes = page({{"_since", "0"}}, 10, true);
  EXPECT_EQ(ids_of(changes), (Ids{"r1", "r4", "r3", "r2", "r0"}));
  EXPECT_EQ(changes.entries[0].text, R"({"deleted":true,"id":"r1","last_modified":6})");
  EXPECT_EQ(ids_of(page({{"_since", "5"}}, 10, true)), Ids{"r1"});
  EXPECT_EQ(ids_of(page({{"_since", "0"}, {"_before", "6"}}, 10, true)),
            (Ids{"r4", "r3", "r2", "r0"}));
}

TEST_F(ListQueryTest, CountIgnoresPaginationAndTombstones) {
  write_five();
  remove("r1", 6);
  commit();
  EXPECT_EQ(count({}), 4);
  EXPECT_EQ(count({{"_limit", "1"}}), 4);
  EXPECT_EQ(count({{"_since", "0"}}), 4);
  EXPECT_EQ(count({{"_since", "3"}}), 2);
  EXPECT_EQ(count({{"n", "0"}}), 3);
  ListPage first = page({}, 1);
  ASSERT_FALSE(first.next_token.empty());
  EXPECT_EQ(count({{"_token", first.next_token}}), 4);
}

TEST_F(ListQueryTest, FiltersOnDataFieldsAndIds) {
  write_five();
  EXPECT_EQ(ids_of(page({{"n", "1"}}, 10)), (Ids{"r3", "r1"}));
  EXPECT_EQ(all_pages({{"n", "0"}}, 2), (std::vector<Ids>{{"r4", "r2"}, {"r0"}}));
  EXPECT_EQ(ids_of(page({{"gt_n", "0"}, {"_since", "2"}}, 10)), Ids{"r3"});
  EXPECT_EQ(ids_of(page({{"n", "7"}}, 10)), Ids{});
  EXPECT_EQ(ids_of(page({{"id", "r2"}}, 10)), Ids{"r2"});
  EXPECT_EQ(count({{"n", "1"}}), 2);
  // _fields projects the served text.
  ListPage projected = page({{"_fields", "n"}, {"id", "r3"}}, 10);
  ASSERT_EQ(projected.entries.size(), 1u);
  EXPECT_EQ(parse_json(projected.entries[0].text),
            parse_json(R"({"id":"r3","last_modified":4,"n":1})"));
}

TEST_F(ListQueryTest, RestrictionToIdsAndVisibility) {
  write_five();
  const Ids granted{"r1", "gone", "r3", "r4"};
  EXPECT_EQ(ids_of(restricted_page({}, granted, 10)), (Ids{"r4", "r3", "r1"}));
  EXPECT_EQ(ids_of(restricted_page({{"n", "1"}}, granted, 10)), (Ids{"r3", "r1"}));
  EXPECT_EQ(ids_of(restricted_page({{"_since", "2"}}, granted, 10)), (Ids{"r4", "r3"}));
  ListPage first = restricted_page({}, granted, 2);
  EXPECT_EQ(ids_of(first), (Ids{"r4", "r3"}));
  ASSERT_FALSE(first.next_token.empty());
  ListPage second = restricted_page({{"_token", first.next_token}}, granted, 2);
  EXPECT_EQ(ids_of(second), Ids{"r1"});
  EXPECT_TRUE(second.next_token.empty());
  EXPECT_EQ(count({}, &granted), 3);
  EXPECT_EQ(count({{"n", "0"}}, &granted), 1);

  auto hide_r3 = [](std::string_view id) { return id != "r3"; };
  EXPECT_EQ(ids_of(page({}, 10, false, hide_r3)), (Ids{"r4", "r2", "r1", "r0"}));
  EXPECT_EQ(count({}, nullptr, hide_r3), 4);
}

TEST_F(ListQueryTest, ScansStopOnceTheNodeIsStopping) {
  write_five();
  stopping_ = true;
  EXPECT_THROW(page({}, 2), NodeStopping);
  EXPECT_THROW(page({{"_sort", "n"}}, 2), NodeStopping);
  EXPECT_THROW(count({}), NodeStopping);
  const Ids granted{"r1"};
  EXPECT_THROW(restricted_page({}, granted, 2), NodeStopping);
  EXPECT_THROW(count({}, &granted), NodeStopping);
  stopping_ = false;
  EXPECT_EQ(ids_of(page({}, 2)), (Ids{"r4", "r3"}));
}

}  // namespace
}  // namespace ratchet

// Pending, the overlay of writes not yet durable, on both engines: reads see
// the batch being built, then the sealed batch, then the snapshot; marks
// undo exactly what followed them; seal, committed and clear move the layers.
#include "store/pending.h"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "store/memory_engine.h"
#include "store/rocks_engine.h"
#include "tests/temp_dir.h"

namespace ratchet {
namespace {

using testing::TempDir;

class PendingTest : public ::testing::TestWithParam<std::string> {
 protected:
  PendingTest() {
    if (GetParam() == "rocksdb") {
      engine_ = std::make_unique<RocksEngine>(dir_.path());
    } else {
      engine_ = std::make_unique<MemoryEngine>();
    }
    Batch base;
    for (const char* key : {"a", "b", "c", "d", "k1", "k2", "k3", "k4", "k5"}) {
      base.put(key, std::string("base-") + key);
    }
    engine_->write(base, true);
    pending_ = std::make_unique<Pending>(*engine_);
    pending_->refresh();
  }

  // The value a reader finds, nullopt when absent.
  static std::optional<std::string> read(const Reader& reader, const std::string& key) {
    std::string value;
    if (!reader.get(key, &value)) return std::nullopt;
    return value;
  }
  std::optional<std::string> read(const std::string& key) const { return read(*pending_, key); }

  TempDir dir_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<Pending> pending_;
};

TEST_P(PendingTest, ReadsSeeTheBuildingLayerThenTheSealedOneThenTheSnapshot) {
  Pending& p = *pending_;
  p.put("b", "sealed-b");
  p.put("c", "sealed-c");
  p.put("x", "sealed-x");
  p.seal();
  p.put("c", "building-c");
  p.put("y", "building-y");
  EXPECT_EQ(read("a"), "base-a");
  EXPECT_EQ(read("b"), "sealed-b");
  EXPECT_EQ(read("c"), "building-c");
  EXPECT_EQ(read("x"), "sealed-x");
  EXPECT_EQ(read("y"), "building-y");
  EXPECT_EQ(read("z"), std::nullopt);
  // The committed state alone is untouched.
  EXPECT_EQ(read(p.base(), "c"), "base-c");
  EXPECT_EQ(read(p.base(), "x"), std::nullopt);

  // A building delete hides a sealed value; a building put shows over a sealed delete.
  p.clear();
  p.del("a");
  p.put("b", "sealed-b");
  p.seal();
  p.put("a", "building-a");
  p.del("b");
  EXPECT_EQ(read("a"), "building-a");
  EXPECT_EQ(read("b"), std::nullopt);

  // The snapshot is frozen until refresh().
  Batch later;
  later.put("d", "later-d");
  engine_->write(later, true);
  EXPECT_EQ(read("d"), "base-d");
  p.refresh();
  EXPECT_EQ(read("d"), "later-d");
}

TEST_P(PendingTest, DeletesAndRangeDeletesHideKeysAndALaterPutWins) {
  Pending& p = *pending_;
  p.put("k2", "overlay-k2");
  p.del("k1");
  p.del_range("k2", "k4");  // [k2, k4): k2 and k3, not k4
  EXPECT_EQ(read("k1"), std::nullopt);
  EXPECT_EQ(read("k2"), std::nullopt);  // its earlier overlay write too
  EXPECT_EQ(read("k3"), std::nullopt);
  EXPECT_EQ(read("k4"), "base-k4");
  EXPECT_EQ(read("k5"), "base-k5");
  p.put("k3", "after-range");
  EXPECT_EQ(read("k3"), "after-range");
  EXPECT_EQ(read("k2"), std::nullopt);

  // A range deleted in the building layer hides the sealed layer too, and a
  // put in the building layer wins over a range deleted in the sealed one.
  p.seal();
  p.put("k5", "building-k5");
  p.del_range("k3", "k4");
  EXPECT_EQ(read("k3"), std::nullopt);
  p.put("k2", "building-k2");
  EXPECT_EQ(read("k2"), "building-k2");
  EXPECT_EQ(read("k5"), "building-k5");
  EXPECT_EQ(read("k4"), "base-k4");
}

TEST_P(PendingTest, RollbackUndoesExactlyTheWritesAfterTheMark) {
  Pending& p = *pending_;
  p.put("a", "one");
  p.put("new", "kept");
  p.del("d");
  p.put("k2", "kept-k2");
  Pending::Mark mark = p.mark();
  p.put("a", "two");           // replaces an earlier overlay value
  p.del("new");                // deletes an overlay-only key
  p.put("b", "changed");       // shadows the snapshot
  p.put("d", "back");          // undoes an earlier delete
  p.put("fresh", "x");         // a key nobody had
  p.del_range("k1", "k4");     // erases the overlay write of k2
  p.put("k3", "inside-range");
  Pending::Mark inner = p.mark();
  p.del_range("a", "c");
  EXPECT_EQ(read("a"), std::nullopt);
  p.rollback(inner);
  EXPECT_EQ(read("a"), "two");
  EXPECT_EQ(read("b"), "changed");
  EXPECT_EQ(read("k3"), "inside-range");
  EXPECT_EQ(read("k1"), std::nullopt);

  p.rollback(mark);
  EXPECT_EQ(read("a"), "one");
  EXPECT_EQ(read("new"), "kept");
  EXPECT_EQ(read("b"), "base-b");
  EXPECT_EQ(read("d"), std::nullopt);  // still deleted, not the snapshot's value
  EXPECT_EQ(read("fresh"), std::nullopt);
  EXPECT_EQ(read("k1"), "base-k1");
  EXPECT_EQ(read("k2"), "kept-k2");
  EXPECT_EQ(read("k3"), "base-k3");
  EXPECT_EQ(read("k4"), "base-k4");

  // Rolling back to the start leaves only the snapshot.
  p.rollback(Pending::Mark{0});
  for (const char* key : {"a", "b", "c", "d", "k1", "k2", "k3"}) {
    EXPECT_EQ(read(key), std::string("base-") + key) << key;
  }
  EXPECT_EQ(read("new"), std::nullopt);
}

// A durable sealed batch stays readable when the next one is sealed before
// any refresh: the base is brought up to date first.
TEST_P(PendingTest, SealingAfterACommitWithoutRefreshKeepsItReadable) {
  Pending& p = *pending_;
  p.put("a", "first");
  p.seal();
  Batch durable;
  durable.put("a", "first");
  engine_->write(durable, true);
  p.committed();
  p.put("c", "second");
  p.seal();
  EXPECT_EQ(read("a"), "first");
  EXPECT_EQ(read("c"), "second");
}

TEST_P(PendingTest, ARollbackAfterSealLeavesTheSealedLayer) {
  Pending& p = *pending_;
  p.put("a", "sealed");
  p.seal();
  Pending::Mark mark = p.mark();
  p.put("a", "building");
  p.del("b");
  p.rollback(mark);
  EXPECT_EQ(read("a"), "sealed");
  EXPECT_EQ(read("b"), "base-b");
}

TEST_P(PendingTest, CommittedReadsFromTheEngine) {
  Pending& p = *pending_;
  p.put("a", "new-a");
  p.del("b");
  p.del_range("k1", "k3");
  p.seal();
  p.put("c", "next-c");  // the next batch, built meanwhile
  EXPECT_EQ(read(p.base(), "a"), "base-a");
  // The sealed batch, made durable by its owner with the same keys.
  Batch durable;
  durable.put("a", "new-a");
  durable.del("b");
  durable.del_range("k1", "k3");
  engine_->write(durable, true);
  p.committed();
  EXPECT_EQ(read("a"), "new-a");
  EXPECT_EQ(read("b"), std::nullopt);
  EXPECT_EQ(read("k1"), std::nullopt);
  EXPECT_EQ(read("k3"), "base-k3");
  EXPECT_EQ(read("c"), "next-c");  // the building layer survives

  p.refresh();  // the base now holds the batch
  EXPECT_EQ(read(p.base(), "a"), "new-a");
  EXPECT_EQ(read(p.base(), "k2"), std::nullopt);
  EXPECT_EQ(read("a"), "new-a");
  EXPECT_EQ(read("k3"), "base-k3");

  // The sealed layer is gone: a later write to the store shows through.
  Batch later;
  later.put("a", "later-a");
  later.put("b", "later-b");
  engine_->write(later, true);
  p.refresh();
  EXPECT_EQ(read("a"), "later-a");
  EXPECT_EQ(read("b"), "later-b");
}

TEST_P(PendingTest, ClearForgetsEveryWriteNotCommitted) {
  Pending& p = *pending_;
  p.put("a", "sealed");
  p.del_range("k1", "k9");
  p.seal();
  p.put("b", "building");
  p.del("c");
  p.put("x", "x");
  p.clear();
  for (const char* key : {"a", "b", "c", "k1", "k5"}) {
    EXPECT_EQ(read(key), std::string("base-") + key) << key;
  }
  EXPECT_EQ(read("x"), std::nullopt);
  // A new batch can be sealed and committed after clear().
  p.put("a", "again");
  p.seal();
  EXPECT_EQ(read("a"), "again");
}

INSTANTIATE_TEST_SUITE_P(Engines, PendingTest, ::testing::Values("memory", "rocksdb"));

}  // namespace
}  // namespace ratchet

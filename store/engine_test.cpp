// Behaviour every Engine must have, run against each backend.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "store/engine.h"
#include "tests/temp_dir.h"

namespace ratchet {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;
using KVs = std::vector<std::pair<std::string, std::string>>;

std::string key(const char* prefix, int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%05d", prefix, i);
  return buf;
}

std::optional<std::string> get(const Snapshot& s, std::string_view k) {
  std::string v;
  if (!s.get(k, &v)) return std::nullopt;
  return v;
}

KVs scan(const Snapshot& s, std::string_view begin, std::string_view end,
         bool reverse = false) {
  KVs out;
  for (auto c = s.scan(begin, end, reverse); c->valid(); c->next()) {
    out.emplace_back(std::string(c->key()), std::string(c->value()));
  }
  return out;
}

std::vector<std::string> keys(const KVs& kvs) {
  std::vector<std::string> out;
  for (const auto& kv : kvs) out.push_back(kv.first);
  return out;
}

KVs reversed(KVs kvs) { return KVs(kvs.rbegin(), kvs.rend()); }

// The whole key space: every key sorts below "\xff\xff\xff\xff" in our tests.
const std::string kAll = "\xff\xff\xff\xff";

class EngineTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { engine_ = open(); }
  void TearDown() override {
    engine_.reset();
    dir_.reset();
  }

  std::unique_ptr<Engine> open() {
    if (GetParam() == "rocksdb" && !dir_) dir_ = std::make_unique<TempDir>();
    return open_engine(GetParam(), dir_ ? (fs::path(dir_->path()) / "db").string() : "");
  }

  void put(std::string k, std::string v) {
    Batch b;
    b.put(std::move(k), std::move(v));
    engine_->write(b, false);
  }
  void del(std::string k) {
    Batch b;
    b.del(std::move(k));
    engine_->write(b, false);
  }
  std::optional<std::string> get_now(std::string_view k) {
    return get(*engine_->snapshot(), k);
  }
  KVs scan_now(std::string_view begin, std::string_view end,
               bool reverse = false) {
    return scan(*engine_->snapshot(), begin, end, reverse);
  }

  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<Engine> engine_;
};

TEST_P(EngineTest, PutGetDelete) {
  put("a", "1");
  put("b", "2");
  put("empty", "");
  EXPECT_EQ(get_now("a"), "1");
  EXPECT_EQ(get_now("b"), "2");
  EXPECT_EQ(get_now("empty"), "");  // present with an empty value

  put("b", "3");  // overwrite
  EXPECT_EQ(get_now("b"), "3");

  del("a");
  EXPECT_EQ(get_now("a"), std::nullopt);
  EXPECT_EQ(get_now("b"), "3");
  del("a");        // deleting twice is harmless
  del("missing");  // so is deleting what never existed
  EXPECT_EQ(scan_now("", kAll), (KVs{{"b", "3"}, {"empty", ""}}));

  put("a", "again");  // a deleted key can come back
  EXPECT_EQ(get_now("a"), "again");
}

TEST_P(EngineTest, AbsentKey) {
  EXPECT_EQ(get_now("nothing"), std::nullopt);
  put("abc", "1");
  EXPECT_EQ(get_now("ab"), std::nullopt);    // prefix of a key
  EXPECT_EQ(get_now("abcd"), std::nullopt);  // extension of a key
  EXPECT_EQ(get_now(std::string("abc\0", 4)), std::nullopt);
  std::string untouched = "untouched";
  EXPECT_FALSE(engine_->snapshot()->get("nothing", &untouched));
}

TEST_P(EngineTest, BatchIsAtomic) {
  put("old1", "x");
  put("old2", "y");
  auto before = engine_->snapshot();

  Batch b;
  for (int i = 0; i < 100; ++i) b.put(key("n", i), std::to_string(i));
  b.del("old1");
  b.del_range("old2", "old3");
  b.put("twice", "first");
  b.put("twice", "second");  // later entries win
  b.put("gone", "1");
  b.del("gone");  // put then delete in one batch
  b.put("back", "1");
  b.del_range("b", "c");
  b.put("back", "2");  // delete-range then put in one batch
  engine_->write(b, false);
  auto after = engine_->snapshot();

  // Before: none of it.
  EXPECT_EQ(scan(*before, "", kAll), (KVs{{"old1", "x"}, {"old2", "y"}}));
  for (int i = 0; i < 100; ++i) EXPECT_EQ(get(*before, key("n", i)), std::nullopt);
  // After: all of it, in order.
  KVs want;
  want.emplace_back("back", "2");
  for (int i = 0; i < 100; ++i) want.emplace_back(key("n", i), std::to_string(i));
  want.emplace_back("twice", "second");
  EXPECT_EQ(scan(*after, "", kAll), want);
  EXPECT_EQ(get(*after, "gone"), std::nullopt);
  EXPECT_EQ(get(*after, "old1"), std::nullopt);
}

TEST_P(EngineTest, EmptyBatchIsHarmless) {
  put("a", "1");
  engine_->write(Batch(), false);
  engine_->write(Batch(), true);
  EXPECT_EQ(scan_now("", kAll), (KVs{{"a", "1"}}));
}

TEST_P(EngineTest, SnapshotIsolation) {
  put("k", "v1");
  put("other", "o");
  auto s1 = engine_->snapshot();
  put("k", "v2");
  del("other");
  put("new", "n");
  auto s2 = engine_->snapshot();
  del("k");
  auto s3 = engine_->snapshot();
  put("k", "v4");

  EXPECT_EQ(scan(*s1, "", kAll), (KVs{{"k", "v1"}, {"other", "o"}}));
  EXPECT_EQ(scan(*s2, "", kAll), (KVs{{"k", "v2"}, {"new", "n"}}));
  EXPECT_EQ(scan(*s3, "", kAll), (KVs{{"new", "n"}}));
  EXPECT_EQ(get(*s1, "k"), "v1");
  EXPECT_EQ(get(*s2, "k"), "v2");
  EXPECT_EQ(get(*s3, "k"), std::nullopt);
  EXPECT_EQ(get_now("k"), "v4");
  EXPECT_EQ(get(*s1, "new"), std::nullopt);
  EXPECT_EQ(get(*s2, "other"), std::nullopt);
  EXPECT_EQ(scan(*s1, "", kAll, true), (KVs{{"other", "o"}, {"k", "v1"}}));
}

// Old snapshots stay exact while the keys they see are rewritten, deleted and
// recreated many times, and while other snapshots come and go (this is what
// exercises the memory engine's version pruning).
TEST_P(EngineTest, SnapshotsSurviveChurn) {
  std::map<int, std::unique_ptr<Snapshot>> snaps;
  std::map<int, std::map<std::string, std::string>> models;
  std::map<std::string, std::string> model;
  for (int round = 0; round < 300; ++round) {
    Batch b;
    for (int k = 0; k < 20; ++k) {
      std::string name = key("c", k);
      if ((round + k) % 7 == 0) {
        b.del(name);
        model.erase(name);
      } else if ((round * 3 + k) % 5 != 0) {
        std::string v = std::to_string(round) + "/" + std::to_string(k);
        b.put(name, v);
        model[name] = v;
      }
    }
    if (round % 50 == 49) {
      b.del_range(key("c", 5), key("c", 10));
      for (int k = 5; k < 10; ++k) model.erase(key("c", k));
    }
    engine_->write(b, false);
    if (round % 10 == 0) {
      snaps[round] = engine_->snapshot();
      models[round] = model;
    }
    if (round % 30 == 29) {  // release some, out of creation order
      auto it = snaps.begin();
      std::advance(it, snaps.size() / 2);
      models.erase(it->first);
      snaps.erase(it);
    }
  }
  ASSERT_FALSE(snaps.empty());
  for (const auto& [round, snap] : snaps) {
    const auto& m = models[round];
    EXPECT_EQ(scan(*snap, "", kAll), KVs(m.begin(), m.end())) << "round " << round;
    for (int k = 0; k < 20; ++k) {
      auto it = m.find(key("c", k));
      EXPECT_EQ(get(*snap, key("c", k)),
                it == m.end() ? std::nullopt : std::optional<std::string>(it->second));
    }
  }
  EXPECT_EQ(scan_now("", kAll), KVs(model.begin(), model.end()));
}

TEST_P(EngineTest, RangeDeleteWithBinaryKeys) {
  const std::vector<std::string> inside = {
      std::string("a\0", 2),          // == begin: deleted
      std::string("a\0\0", 3),
      std::string("a\0x", 3),
      std::string("a\0\xff\xff", 5),
  };
  const std::vector<std::string> outside = {
      std::string("\0", 1),
      std::string("a", 1),            // shorter than begin: before it
      std::string("a\x01", 2),        // == end: kept (exclusive)
      std::string("a\x01\0", 3),
      std::string("b\0a", 3),
      std::string("\xff", 1),         // bytes compare unsigned
  };
  for (const auto& k : inside) put(k, "in");
  for (const auto& k : outside) put(k, "out");

  auto before = engine_->snapshot();
  Batch b;
  b.del_range(std::string("a\0", 2), std::string("a\x01", 2));
  engine_->write(b, false);

  for (const auto& k : inside) EXPECT_EQ(get_now(k), std::nullopt) << k.size();
  for (const auto& k : outside) EXPECT_EQ(get_now(k), "out") << k.size();
  // Full scan, in unsigned bytewise order.
  std::vector<std::string> want = outside;
  EXPECT_EQ(keys(scan_now("", kAll)), want);
  // The snapshot from before still has all of them.
  EXPECT_EQ(scan(*before, "", kAll).size(), inside.size() + outside.size());

  // Empty and inverted ranges delete nothing.
  Batch nothing;
  nothing.del_range("a", "a");
  nothing.del_range(std::string("b", 1), std::string("a", 1));
  engine_->write(nothing, false);
  EXPECT_EQ(keys(scan_now("", kAll)), want);

  // A range over nothing at all is fine too.
  Batch none;
  none.del_range("x", "y");
  engine_->write(none, false);
  EXPECT_EQ(keys(scan_now("", kAll)), want);
}

TEST_P(EngineTest, ScanHonoursBoundsExactly) {
  KVs all;
  for (int i = 0; i < 10; ++i) {
    put("k" + std::to_string(i), "v" + std::to_string(i));
    all.emplace_back("k" + std::to_string(i), "v" + std::to_string(i));
  }
  put("j", "before");
  put("l", "after");
  auto s = engine_->snapshot();
  auto range = [&](int from, int to) {  // all[from, to)
    return KVs(all.begin() + from, all.begin() + to);
  };
  struct Case {
    std::string begin, end;
    KVs want;
  };
  const std::vector<Case> cases = {
      {"k2", "k5", range(2, 5)},
      {"k2a", "k5", range(3, 5)},                        // begin between keys
      {"k2", "k4a", range(2, 5)},                        // end between keys
      {"k2", std::string("k2\0", 3), range(2, 3)},      // smallest end > k2
      {"k", "l", range(0, 10)},
      {"k0", "k9", range(0, 9)},                         // end exclusive
      {"k9", "l", range(9, 10)},                         // end == next key
      {"k3", "k3", {}},                                  // empty range
      {"k5", "k2", {}},                                  // inverted range
      {"m", "z", {}},                                    // beyond the data
      {"a", "b", {}},                                    // before the data
      {"", "j", {}},
      {"", "", {}},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(scan(*s, c.begin, c.end), c.want) << c.begin << ".." << c.end;
    EXPECT_EQ(scan(*s, c.begin, c.end, true), reversed(c.want))
        << "reverse " << c.begin << ".." << c.end;
  }
  KVs everything = all;
  everything.insert(everything.begin(), std::make_pair("j", "before"));
  everything.emplace_back("l", "after");
  EXPECT_EQ(scan(*s, "", kAll), everything);
  EXPECT_EQ(scan(*s, "", kAll, true), reversed(everything));

  // Deleted keys are skipped in both directions.
  del("k3");
  del("k4");
  auto s2 = engine_->snapshot();
  KVs want = {all[2], all[5]};
  EXPECT_EQ(scan(*s2, "k2", "k6"), want);
  EXPECT_EQ(scan(*s2, "k2", "k6", true), reversed(want));
  EXPECT_EQ(scan(*s2, "k3", "k5"), KVs{});
  EXPECT_EQ(scan(*s2, "k3", "k5", true), KVs{});
  // The cursor's bounds are its own copies: temporaries may die.
  auto c = s2->scan(std::string("k5"), std::string("k7"), false);
  ASSERT_TRUE(c->valid());
  EXPECT_EQ(c->key(), "k5");
  c->next();
  ASSERT_TRUE(c->valid());
  EXPECT_EQ(c->key(), "k6");
  c->next();
  EXPECT_FALSE(c->valid());
}

TEST_P(EngineTest, SnapshotAndCursorOutliveEngine) {
  put("a", "1");
  put("b", "2");
  auto s = engine_->snapshot();
  auto c = s->scan("", kAll, false);
  engine_.reset();
  EXPECT_EQ(get(*s, "a"), "1");
  ASSERT_TRUE(c->valid());
  EXPECT_EQ(c->key(), "a");
  s.reset();  // the cursor alone keeps its view
  c->next();
  ASSERT_TRUE(c->valid());
  EXPECT_EQ(c->key(), "b");
  EXPECT_EQ(c->value(), "2");
  c->next();
  EXPECT_FALSE(c->valid());
}

TEST_P(EngineTest, CursorKeepsItsSnapshotUnderConcurrentWrites) {
  std::map<std::string, std::string> original;
  for (int i = 0; i < 1000; ++i) {
    original[key("k", 2 * i)] = "old" + std::to_string(i);
  }
  {
    Batch b;
    for (const auto& [k, v] : original) b.put(k, v);
    engine_->write(b, false);
  }
  const KVs want(original.begin(), original.end());
  auto snap = engine_->snapshot();
  auto early = snap->scan("k", "l", false);  // made before any write

  std::map<std::string, std::string> model = original;
  for (int i = 0; i < 10000; ++i) {
    model[key("k", i)] = "new";
    if (i % 1000 == 999) {
      for (int j = i - 999; j < i - 500; ++j) model.erase(key("k", j));
    }
  }

  std::atomic<int> written{0};
  std::atomic<bool> done{false};
  std::string writer_error;
  std::thread writer([&] {
    try {
      for (int i = 0; i < 10000; ++i) {
        Batch b;
        b.put(key("k", i), "new");
        if (i % 1000 == 999) b.del_range(key("k", i - 999), key("k", i - 500));
        engine_->write(b, false);
        written.fetch_add(1);
      }
    } catch (const std::exception& e) {
      writer_error = e.what();
      written.fetch_add(1);
    }
    done = true;
  });
  while (written.load() == 0) std::this_thread::yield();

  KVs seen;
  int steps = 0;
  for (; early->valid(); early->next()) {
    seen.emplace_back(std::string(early->key()), std::string(early->value()));
    if (++steps % 50 == 0) std::this_thread::yield();
  }
  EXPECT_EQ(seen, want);
  int passes = 0;
  while (!done.load()) {
    const bool reverse = passes % 2 == 1;
    KVs got = scan(*snap, "k", "l", reverse);
    EXPECT_EQ(got, reverse ? reversed(want) : want) << "pass " << passes;
    EXPECT_EQ(get(*snap, key("k", 2)), "old1");
    EXPECT_EQ(get(*snap, key("k", 1)), std::nullopt);
    ++passes;
    if (HasFailure()) break;  // join before leaving
  }
  writer.join();
  ASSERT_EQ(writer_error, "");
  EXPECT_EQ(scan(*snap, "k", "l"), want);
  EXPECT_EQ(scan_now("k", "l"), KVs(model.begin(), model.end()));
  std::printf("  [%s] full passes while writing: %d\n", GetParam().c_str(),
              passes);
}

TEST_P(EngineTest, ConcurrentWritersAllLand) {
  constexpr int kThreads = 4, kPerThread = 1000;
  std::vector<std::thread> threads;
  std::vector<std::string> errors(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t, &errors] {
      const std::string prefix = "t" + std::to_string(t) + "-";
      try {
        for (int i = 0; i < kPerThread; ++i) {
          Batch b;
          b.put(key(prefix.c_str(), i), std::to_string(t * kPerThread + i));
          engine_->write(b, false);
        }
      } catch (const std::exception& e) {
        errors[t] = e.what();
      }
    });
  }
  for (auto& th : threads) th.join();
  for (const std::string& e : errors) ASSERT_EQ(e, "");

  auto s = engine_->snapshot();
  EXPECT_EQ(scan(*s, "", kAll).size(), size_t{kThreads * kPerThread});
  for (int t = 0; t < kThreads; ++t) {
    const std::string prefix = "t" + std::to_string(t) + "-";
    KVs got = scan(*s, prefix, "t" + std::to_string(t) + ".");
    ASSERT_EQ(got.size(), size_t{kPerThread}) << prefix;
    for (int i = 0; i < kPerThread; ++i) {
      EXPECT_EQ(got[i].first, key(prefix.c_str(), i));
      EXPECT_EQ(got[i].second, std::to_string(t * kPerThread + i));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, EngineTest,
                         ::testing::Values("memory", "rocksdb"),
                         [](const auto& info) { return info.param; });

// --- RocksDB only ------------------------------------------------------------

TEST(RocksEngineTest, SyncedWritesSurviveReopen) {
  TempDir dir;
  const std::string path = (fs::path(dir.path()) / "nested" / "db").string();
  {
    auto e = open_engine("rocksdb", path);  // creates the directories
    Batch b;
    for (int i = 0; i < 100; ++i) b.put(key("p", i), std::to_string(i));
    b.put(std::string("bin\0key", 7), std::string("v\0al", 4));
    e->write(b, true);
    Batch d;
    d.del(key("p", 0));
    d.del_range(key("p", 10), key("p", 20));
    e->write(d, true);
  }  // closed here
  auto e = open_engine("rocksdb", path);
  auto s = e->snapshot();
  EXPECT_EQ(get(*s, key("p", 0)), std::nullopt);
  EXPECT_EQ(get(*s, key("p", 9)), "9");
  EXPECT_EQ(get(*s, key("p", 15)), std::nullopt);
  EXPECT_EQ(get(*s, key("p", 20)), "20");
  EXPECT_EQ(get(*s, std::string("bin\0key", 7)), std::string("v\0al", 4));
  EXPECT_EQ(scan(*s, "p", "q").size(), 100u - 1 - 10);
}

TEST(RocksEngineTest, SecondOpenOfSameDirectoryFails) {
  TempDir dir;
  const std::string path = (fs::path(dir.path()) / "db").string();
  auto first = open_engine("rocksdb", path);
  try {
    open_engine("rocksdb", path);
    FAIL() << "second open succeeded";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

TEST(OpenEngineTest, UnknownBackendThrows) {
  try {
    open_engine("leveldb", "/nonexistent");
    FAIL() << "no exception";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown storage_backend"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace ratchet

// The actor write path with real actors and a real store: one writer per
// list assigns distinct increasing timestamps under concurrency, evaluates
// preconditions atomically, and commits queued writes as one batch.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "actors/node.h"
#include "ratchet/json.h"
#include "store/engine.h"
#include "tests/forwarding_engine.h"
#include "tests/node_ops.h"
#include "tests/test_server.h"

namespace ratchet {
namespace {

using testing::node_op;
using testing::TempDir;
using testing::with_data;

// An engine that records batch sizes and can hold writes at a gate.
class GatedEngine : public testing::ForwardingEngine {
 public:
  using ForwardingEngine::ForwardingEngine;
  void write(const Batch& batch, bool sync) override {
    {
      std::unique_lock<std::mutex> lock(mu_);
      ++waiting_;
      cv_.notify_all();
      cv_.wait(lock, [&] { return open_; });
      --waiting_;
      batches_.push_back(batch.size());
    }
    ForwardingEngine::write(batch, sync);
  }
  void close_gate() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = false;
  }
  void open_gate() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  void wait_for_a_held_write() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return waiting_ > 0; });
  }
  size_t batch_count() {
    std::lock_guard<std::mutex> lock(mu_);
    return batches_.size();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = true;
  int waiting_ = 0;
  std::vector<size_t> batches_;
};

class WritePath : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    add_kinto_resources(registry_);
    settings_.storage_backend = GetParam();
    settings_.storage_fsync = true;
    auto gated = std::make_unique<GatedEngine>(open_engine(GetParam(), dir_.path()));
    engine_ = gated.get();
    node_ = std::make_unique<Node>(registry_, settings_, std::move(gated));
    ASSERT_EQ(node_->execute(node_op(kPut, "bucket", "", "b")).status, 201);
    ASSERT_EQ(node_->execute(node_op(kPut, "collection", "/buckets/b", "c")).status, 201);
  }
  void TearDown() override { node_.reset(); }

  Result create_record(const std::string& data = "{}") {
    return node_->execute(with_data(node_op(kPost, "record", kRecords, ""), data));
  }

  static constexpr const char* kRecords = "/buckets/b/collections/c";
  TempDir dir_;
  Registry registry_;
  Settings settings_;
  GatedEngine* engine_ = nullptr;
  std::unique_ptr<Node> node_;
};

TEST_P(WritePath, ConcurrentWritersGetDistinctIncreasingTimestampsAndNoneIsLost) {
  constexpr int kThreads = 8, kWrites = 500;
  std::vector<std::vector<int64_t>> seen(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kWrites; ++i) {
        Result r = create_record("{\"t\":" + std::to_string(t) + "}");
        ASSERT_EQ(r.status, 201) << r.body;
        seen[t].push_back(Json::parse(r.body)["data"]["last_modified"].get<int64_t>());
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<int64_t> all;
  for (const auto& per_thread : seen) {
    ASSERT_EQ(per_thread.size(), static_cast<size_t>(kWrites));
    for (size_t i = 1; i < per_thread.size(); ++i) EXPECT_LT(per_thread[i - 1], per_thread[i]);
    all.insert(per_thread.begin(), per_thread.end());
  }
  EXPECT_EQ(all.size(), static_cast<size_t>(kThreads * kWrites));

  // Every acknowledged write is in the list, and the list timestamp is the newest.
  Op list = node_op(kGet, "record", kRecords, "");
  Result page = node_->execute(list);
  ASSERT_EQ(page.status, 200);
  Json items = Json::parse(page.body)["data"];
  ASSERT_EQ(items.size(), all.size());
  std::set<int64_t> listed;
  for (const Json& item : items) listed.insert(item["last_modified"].get<int64_t>());
  EXPECT_EQ(listed, all);
  EXPECT_EQ(page.timestamp, *all.rbegin());
  Op head = node_op(kHead, "record", kRecords, "");
  EXPECT_EQ(node_->execute(head).total, kThreads * kWrites);
}

TEST_P(WritePath, OnlyOneOfManyWritersWithTheSameIfMatchSucceeds) {
  Result created = node_->execute(with_data(node_op(kPut, "record", kRecords, "r"), "{\"v\":0}"));
  ASSERT_EQ(created.status, 201);
  constexpr int kWriters = 16;
  std::atomic<int> ready{0};
  std::vector<int> statuses(kWriters);
  std::vector<std::thread> threads;
  for (int i = 0; i < kWriters; ++i) {
    threads.emplace_back([&, i] {
      Op op = with_data(node_op(kPut, "record", kRecords, "r"), "{\"v\":" + std::to_string(i) + "}");
      op.if_match = {Precondition::kValue, created.timestamp};
      ready++;
      while (ready < kWriters) std::this_thread::yield();
      statuses[i] = node_->execute(op).status;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 200), 1);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 412), kWriters - 1);
}

TEST_P(WritePath, WritesWaitingDuringACommitGoOutAsOneBatch) {
  constexpr int kWaiting = 20;
  engine_->close_gate();
  std::thread first([&] { EXPECT_EQ(create_record().status, 201); });
  engine_->wait_for_a_held_write();  // the list actor is now inside a commit
  size_t batches_before = engine_->batch_count();
  uint64_t routed_before = node_->stats().ops_routed;
  std::vector<std::thread> writers;
  for (int i = 0; i < kWaiting; ++i) {
    writers.emplace_back([&] { EXPECT_EQ(create_record().status, 201); });
  }
  // Every write has reached the list actor's mailbox before the commit ends.
  while (node_->stats().ops_routed < routed_before + kWaiting) std::this_thread::yield();
  engine_->open_gate();
  first.join();
  for (auto& w : writers) w.join();
  EXPECT_EQ(engine_->batch_count(), batches_before + 2);  // the held one, then all the rest
  Op head = node_op(kHead, "record", kRecords, "");
  EXPECT_EQ(node_->execute(head).total, kWaiting + 1);
}

TEST_P(WritePath, NoWriteLandsUnderACollectionBeingDeletedAndItComesBackEmpty) {
  std::atomic<bool> stop{false};
  std::atomic<bool> deleting{false};
  std::mutex mu;
  std::set<std::string> acked_before;  // ids acknowledged before the deletion began
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&] {
      while (!stop) {
        Result r = create_record();
        if (r.status != 201 || deleting) continue;
        std::lock_guard<std::mutex> lock(mu);
        acked_before.insert(Json::parse(r.body)["data"]["id"].get<std::string>());
      }
    });
  }
  for (;; std::this_thread::yield()) {
    std::lock_guard<std::mutex> lock(mu);
    if (acked_before.size() >= 200) break;
  }
  deleting = true;
  Result gone = node_->execute(node_op(kDelete, "collection", "/buckets/b", "c"));
  ASSERT_EQ(gone.status, 200) << gone.body;
  // Writes after the deletion find no collection...
  Result refused = create_record();
  EXPECT_EQ(refused.status, 404) << refused.body;
  // ...and the re-created collection (with a fresh records list timestamp,
  // PROTOCOL.md 2.6) holds only what was written after it.
  Result again = node_->execute(node_op(kPut, "collection", "/buckets/b", "c"));
  ASSERT_EQ(again.status, 201);
  stop = true;
  for (auto& w : writers) w.join();
  Op list = node_op(kGet, "record", kRecords, "");
  list.params = {{"_since", "0"}};
  Result page = node_->execute(list);
  ASSERT_EQ(page.status, 200);
  Json listed = Json::parse(page.body);
  for (const Json& item : listed["data"]) {
    EXPECT_EQ(acked_before.count(item["id"].get<std::string>()), 0u) << item;
    EXPECT_FALSE(item.contains("deleted")) << "tombstones do not survive a cascade: " << item;
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, WritePath, ::testing::Values("memory", "rocksdb"));

}  // namespace
}  // namespace ratchet

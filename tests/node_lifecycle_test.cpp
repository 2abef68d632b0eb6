// A node's list actors stop when idle and come back with their state; a
// failing store shows in the heartbeat and as 503s, never as lost writes.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "actors/node.h"
#include "core/blocking.h"
#include "ratchet/json.h"
#include "http/frontend.h"
#include "store/engine.h"
#include "tests/forwarding_engine.h"
#include "tests/node_ops.h"
#include "tests/test_server.h"

namespace ratchet {
namespace {

using testing::node_op;
using testing::with_data;

// An engine whose writes can be made to fail.
class BrokenEngine : public testing::ForwardingEngine {
 public:
  using ForwardingEngine::ForwardingEngine;
  void write(const Batch& batch, bool sync) override {
    if (broken) throw StoreError("disk on fire");
    ForwardingEngine::write(batch, sync);
  }
  std::atomic<bool> broken{false};
};

class NodeLifecycle : public ::testing::Test {
 protected:
  NodeLifecycle() {
    add_kinto_resources(registry_);
    settings_.list_idle_seconds = 1;
    auto engine = std::make_unique<BrokenEngine>(open_engine("memory", ""));
    engine_ = engine.get();
    node_ = std::make_unique<Node>(registry_, settings_, std::move(engine));
  }
  Registry registry_;
  Settings settings_;
  BrokenEngine* engine_;
  std::unique_ptr<Node> node_;
};

TEST_F(NodeLifecycle, AnIdleListActorStopsAndItsSuccessorContinuesItsTimestamps) {
  ASSERT_EQ(node_->execute(node_op(kPut, "bucket", "", "b")).status, 201);
  Result first = node_->execute(node_op(kPut, "collection", "/buckets/b", "c1"));
  ASSERT_EQ(first.status, 201);
  uint64_t started = node_->stats().lists_started;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (node_->stats().lists_stopped < started && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(node_->stats().lists_stopped, started) << "idle list actors did not stop";
  Result second = node_->execute(node_op(kPut, "collection", "/buckets/b", "c2"));
  ASSERT_EQ(second.status, 201);
  EXPECT_GT(second.timestamp, first.timestamp);
  EXPECT_GT(node_->stats().lists_started, started);
  Result list = node_->execute(node_op(kHead, "collection", "/buckets/b", ""));
  EXPECT_EQ(list.total, 2);
  EXPECT_EQ(list.timestamp, second.timestamp);
}

TEST_F(NodeLifecycle, AFailingStoreAnswers503AndTheHeartbeatSaysSo) {
  Frontend frontend(*node_);
  HttpRequest beat;
  beat.method = "GET";
  beat.path = "/v1/__heartbeat__";
  EXPECT_EQ(frontend.handle(beat).status, 200);

  ASSERT_EQ(node_->execute(node_op(kPut, "bucket", "", "b")).status, 201);
  engine_->broken = true;
  HttpResponse down = frontend.handle(beat);
  EXPECT_EQ(down.status, 503);
  EXPECT_EQ(Json::parse(down.body)["storage"], false);
  Result refused = node_->execute(with_data(node_op(kPut, "bucket", "", "b2"), "{}"));
  EXPECT_EQ(refused.status, 503);
  EXPECT_EQ(refused.errno_, 201);

  engine_->broken = false;
  EXPECT_EQ(frontend.handle(beat).status, 200);
  // The refused write did not happen; the list goes on from its last commit.
  Result list = node_->execute(node_op(kGet, "bucket", "", ""));
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(Json::parse(list.body)["data"].size(), 1u);
  EXPECT_EQ(node_->execute(with_data(node_op(kPut, "bucket", "", "b2"), "{}")).status, 201);
}

// An engine whose snapshots tell the node to stop at a given point read.
class StoppingEngine : public testing::ForwardingEngine {
 public:
  using ForwardingEngine::ForwardingEngine;
  std::unique_ptr<Snapshot> snapshot() override {
    return std::make_unique<Watched>(ForwardingEngine::snapshot(), *this);
  }
  Node* node = nullptr;
  std::atomic<int> reads{0};
  std::atomic<int> stop_at{-1};  // the read (counted from 1) that calls begin_shutdown

 private:
  class Watched : public Snapshot {
   public:
    Watched(std::unique_ptr<Snapshot> inner, StoppingEngine& engine)
        : inner_(std::move(inner)), engine_(engine) {}
    bool get(std::string_view key, std::string* value) const override {
      if (++engine_.reads == engine_.stop_at) engine_.node->begin_shutdown();
      return inner_->get(key, value);
    }
    std::unique_ptr<Cursor> scan(std::string_view begin, std::string_view end,
                                 bool reverse) const override {
      return inner_->scan(begin, end, reverse);
    }

   private:
    std::unique_ptr<Snapshot> inner_;
    StoppingEngine& engine_;
  };
};

TEST(NodeShutdown, ListScansInProgressEndWith503) {
  Registry registry;
  add_kinto_resources(registry);
  Settings settings;
  auto owned = std::make_unique<StoppingEngine>(open_engine("memory", ""));
  StoppingEngine& engine = *owned;
  Node node(registry, settings, std::move(owned));
  engine.node = &node;
  const std::string c = "/buckets/b/collections/c";
  ASSERT_EQ(node.execute(node_op(kPut, "bucket", "", "b")).status, 201);
  ASSERT_EQ(node.execute(node_op(kPut, "collection", "/buckets/b", "c")).status, 201);
  constexpr int kRecords = 1000;
  for (int i = 0; i < kRecords; ++i) {
    Op put = with_data(node_op(kPut, "record", c, "r" + std::to_string(i)),
                       "{\"n\":" + std::to_string(i) + "}");
    ASSERT_EQ(node.execute(put).status, 201);
  }
  Op sorted = node_op(kGet, "record", c, "");
  sorted.params = {{"_sort", "n"}, {"_limit", "5"}};
  ASSERT_EQ(node.execute(sorted).status, 200);  // reads every record

  engine.reads = 0;
  engine.stop_at = 100;
  Result stopped = node.execute(sorted);
  EXPECT_EQ(stopped.status, 503);
  EXPECT_EQ(stopped.errno_, 201);
  EXPECT_LT(engine.reads, 200) << "the scan went on after the node began stopping";

  // Later scans end at once: counts, plural deletes; other requests go on.
  Op count = node_op(kHead, "record", c, "");
  count.params = {{"has_n", "true"}};
  EXPECT_EQ(node.execute(count).status, 503);
  Op remove = node_op(kDelete, "record", c, "");
  EXPECT_EQ(node.execute(remove).status, 503);
  EXPECT_EQ(node.execute(node_op(kGet, "record", c, "r1")).status, 200);
  EXPECT_EQ(node.execute(with_data(node_op(kPut, "record", c, "late"), "{}")).status, 201);
}

// A hook that counts the long waits its thread announces (core/blocking.h).
struct CountingHook : BlockingHook {
  void enter() override { ++entered; }
  int entered = 0;
};

// Writes wait for their commit, long scans give up their turn; a page read
// in index order, or a single object, does neither: they keep the HTTP loop's
// turn, which costs nothing.
TEST(NodeBlocking, WritesAndLongScansAnnounceTheirWait) {
  Registry registry;
  add_kinto_resources(registry);
  Settings settings;
  Node node(registry, settings, open_engine("memory", ""));
  const std::string c = "/buckets/b/collections/c";
  ASSERT_EQ(node.execute(node_op(kPut, "bucket", "", "b")).status, 201);
  ASSERT_EQ(node.execute(node_op(kPut, "collection", "/buckets/b", "c")).status, 201);
  for (int i = 0; i < 1000; ++i) {
    Op put = with_data(node_op(kPut, "record", c, "r" + std::to_string(i)), "{\"n\":1}");
    ASSERT_EQ(node.execute(put).status, 201);
  }
  CountingHook hook;
  set_blocking_hook(&hook);
  Op page = node_op(kGet, "record", c, "");
  page.params = {{"_limit", "100"}};
  EXPECT_EQ(node.execute(page).status, 200);
  EXPECT_EQ(node.execute(node_op(kGet, "record", c, "r1")).status, 200);
  EXPECT_EQ(hook.entered, 0);
  Op filtered = node_op(kGet, "record", c, "");
  filtered.params = {{"n", "2"}};  // reads all 1000 records
  EXPECT_EQ(node.execute(filtered).status, 200);
  EXPECT_EQ(hook.entered, 1);
  EXPECT_EQ(node.execute(with_data(node_op(kPut, "record", c, "new"), "{}")).status, 201);
  EXPECT_EQ(hook.entered, 2);
  set_blocking_hook(nullptr);
}

}  // namespace
}  // namespace ratchet

// A node's list actors stop when idle and come back with their state; a
// failing store shows in the heartbeat and as 503s, never as lost writes.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "actors/node.h"
#include "core/json.h"
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

}  // namespace
}  // namespace ratchet

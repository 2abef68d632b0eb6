// The router through its typed interface, without HTTP or Node: one list
// actor per list, close_atom stopping only the lists below an object and
// parking their Ops until reopen_atom, stop_atom, and idle list actors.
#include <gtest/gtest.h>

#include <caf/all.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "actors/commit_pool.h"
#include "actors/list_actors.h"
#include "actors/messages.h"
#include "ratchet/registry.h"
#include "ratchet/settings.h"
#include "resource/context.h"
#include "store/engine.h"
#include "tests/node_ops.h"

namespace ratchet {
namespace {

using testing::node_op;
using testing::with_data;

constexpr std::chrono::seconds kDeadline{10};

// Waits up to kDeadline for `done()`; whether it came true.
template <class Condition>
bool Eventually(Condition done) {
  auto deadline = std::chrono::steady_clock::now() + kDeadline;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

// A router over a memory store. Members are declared so that they go in
// the right order: the router is stopped, ~actor_system waits for every
// actor, then the pool, the context and the engine go.
class RouterTest : public ::testing::Test {
 protected:
  ~RouterTest() override {
    if (system_) caf::anon_send(router_, stop_atom::value);
  }

  void Start(int idle_seconds = 60) {
    settings_.list_idle_seconds = idle_seconds;
    add_kinto_resources(registry_);
    engine_ = open_engine("memory", "");
    ctx_.reset(new Context{registry_, settings_, *engine_});
    pool_ = std::make_unique<CommitPool>(*engine_, false, 1);
    add_message_types(cfg_);
    cfg_.set("scheduler.max-threads", 2);
    system_ = std::make_unique<caf::actor_system>(cfg_);
    router_ = spawn_router(*system_, *ctx_, *pool_);
  }

  // Sends `op` to the router and waits for its answer (status -1: an error).
  Result Ask(const Op& op) {
    caf::scoped_actor self{*system_};
    Result out;
    out.status = -1;
    self->request(router_, caf::infinite, op)
        .receive([&](Result& r) { out = std::move(r); },
                 [&](caf::error& err) { ADD_FAILURE() << system_->render(err); });
    return out;
  }

  // Closes the subtrees below `uris` on behalf of `self`; the router's answer.
  bool Close(caf::scoped_actor& self, std::vector<std::string> uris) {
    bool answer = false;
    self->request(router_, caf::infinite, close_atom::value, std::move(uris))
        .receive([&](bool ok) { answer = ok; },
                 [&](caf::error& err) { ADD_FAILURE() << system_->render(err); });
    return answer;
  }

  // Buckets b, b2 and b-x, collection c in each, a record in b's: 5 lists.
  void Populate() {
    for (const char* bucket : {"b", "b2", "b-x"}) {
      ASSERT_EQ(Ask(node_op(kPut, "bucket", "", bucket)).status, 201);
      ASSERT_EQ(Ask(node_op(kPut, "collection", std::string("/buckets/") + bucket, "c")).status, 201);
    }
    ASSERT_EQ(Ask(node_op(kPut, "record", kRecords, "r")).status, 201);
    ASSERT_EQ(started(), 5u);
  }

  uint64_t started() const { return ctx_->stats.lists_started; }
  uint64_t stopped() const { return ctx_->stats.lists_stopped; }
  uint64_t routed() const { return ctx_->stats.ops_routed; }

  static constexpr const char* kRecords = "/buckets/b/collections/c";
  Registry registry_;
  Settings settings_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<Context> ctx_;
  std::unique_ptr<CommitPool> pool_;
  caf::actor_system_config cfg_;
  std::unique_ptr<caf::actor_system> system_;
  router_actor router_;
};

TEST_F(RouterTest, OpsForOneListShareOneActorAndTheWriterAnswers) {
  Start();
  Result created = Ask(node_op(kPut, "bucket", "", "b"));
  Result replaced = Ask(with_data(node_op(kPut, "bucket", "", "b"), R"({"x":1})"));
  EXPECT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(replaced.status, 200) << replaced.body;
  EXPECT_LT(created.timestamp, replaced.timestamp);
  EXPECT_GE(created.timestamp, 0);
  EXPECT_EQ(started(), 1u);

  // A second list, the collections of b, gets a second actor.
  Result c = Ask(node_op(kPut, "collection", "/buckets/b", "c"));
  Result d = Ask(node_op(kPut, "collection", "/buckets/b", "d"));
  EXPECT_EQ(c.status, 201) << c.body;
  EXPECT_EQ(d.status, 201) << d.body;
  EXPECT_LT(c.timestamp, d.timestamp);
  EXPECT_EQ(started(), 2u);
  EXPECT_EQ(routed(), 4u);
  EXPECT_EQ(stopped(), 0u);
}

TEST_F(RouterTest, UnknownResourceIsAnsweredWithoutAListActor) {
  Start();
  EXPECT_EQ(Ask(node_op(kPut, "widget", "", "w")).status, 404);
  EXPECT_EQ(started(), 0u);
  EXPECT_EQ(routed(), 0u);
}

TEST_F(RouterTest, CloseStopsOnlyTheListsBelowTheObject) {
  Start();
  Populate();
  caf::scoped_actor self{*system_};
  // Below /buckets/b: its collections and the records of b/c.
  EXPECT_TRUE(Close(self, {"/buckets/b"}));
  EXPECT_TRUE(Eventually([&] { return stopped() >= 2; }));

  // b2's and b-x's collections, and the buckets, keep their actors.
  EXPECT_EQ(Ask(node_op(kPut, "collection", "/buckets/b2", "d")).status, 201);
  EXPECT_EQ(Ask(node_op(kPut, "collection", "/buckets/b-x", "d")).status, 201);
  EXPECT_EQ(Ask(node_op(kPut, "bucket", "", "b3")).status, 201);
  EXPECT_EQ(started(), 5u);
  EXPECT_EQ(stopped(), 2u);
  self->send(router_, reopen_atom::value, std::vector<std::string>{"/buckets/b"});
}

TEST_F(RouterTest, OpsBelowAClosedObjectWaitForReopen) {
  Start();
  Populate();
  caf::scoped_actor self{*system_};
  ASSERT_TRUE(Close(self, {"/buckets/b"}));

  // Sent, not requested: the answer comes back as a message, if at all.
  caf::scoped_actor waiter{*system_};
  waiter->send(router_, with_data(node_op(kPut, "record", kRecords, "r2"), "{}"));
  waiter->send(router_, node_op(kPut, "collection", "/buckets/b", "e"));
  int answered_while_closed = 0;
  waiter->receive([&](Result&) { ++answered_while_closed; },
                  caf::after(std::chrono::milliseconds(300)) >> [] {});
  EXPECT_EQ(answered_while_closed, 0) << "an Op below a closed object ran before reopen";
  EXPECT_EQ(Ask(node_op(kPut, "collection", "/buckets/b2", "d")).status, 201);

  self->send(router_, reopen_atom::value, std::vector<std::string>{"/buckets/b"});
  std::vector<int> statuses;
  for (int i = 0; i < 2; ++i) {
    waiter->receive([&](Result& r) { statuses.push_back(r.status); },
                    caf::after(kDeadline) >> [] { ADD_FAILURE() << "parked Op not answered"; });
  }
  EXPECT_EQ(statuses, (std::vector<int>{201, 201}));
  EXPECT_EQ(started(), 7u);  // new actors for the two reopened lists
  EXPECT_EQ(Ask(node_op(kPut, "record", kRecords, "r2")).status, 200);  // it was written
}

TEST_F(RouterTest, ANestedCloseKeepsOpsParkedUntilTheOuterReopens) {
  Start();
  Populate();
  caf::scoped_actor outer{*system_};
  caf::scoped_actor inner{*system_};
  ASSERT_TRUE(Close(outer, {"/buckets/b"}));
  ASSERT_TRUE(Close(inner, {kRecords}));
  caf::scoped_actor waiter{*system_};
  waiter->send(router_, node_op(kPut, "record", kRecords, "r2"));
  inner->send(router_, reopen_atom::value, std::vector<std::string>{kRecords});
  bool answered = false;
  waiter->receive([&](Result&) { answered = true; },
                  caf::after(std::chrono::milliseconds(300)) >> [] {});
  EXPECT_FALSE(answered) << "the outer close still holds the records";
  outer->send(router_, reopen_atom::value, std::vector<std::string>{"/buckets/b"});
  waiter->receive([&](Result& r) { answered = r.status == 201; },
                  caf::after(kDeadline) >> [] { ADD_FAILURE() << "parked Op not answered"; });
  EXPECT_TRUE(answered);
}

TEST_F(RouterTest, StopEndsTheRouterAndEveryListActor) {
  Start();
  Populate();
  caf::scoped_actor self{*system_};
  self->monitor(router_);
  self->send(router_, stop_atom::value);
  bool down = false;
  self->receive([&](caf::down_msg&) { down = true; },
                caf::after(kDeadline) >> [] {});
  EXPECT_TRUE(down);
  EXPECT_TRUE(Eventually([&] { return stopped() == started(); }))
      << stopped() << " of " << started() << " stopped";
  // A later Op is refused with an error, not left waiting.
  bool refused = false;
  self->request(router_, caf::infinite, node_op(kPut, "bucket", "", "z"))
      .receive([&](Result&) {}, [&](caf::error&) { refused = true; });
  EXPECT_TRUE(refused);
}

TEST_F(RouterTest, StopAnswersTheParkedOps) {
  Start();
  Populate();
  caf::scoped_actor self{*system_};
  ASSERT_TRUE(Close(self, {"/buckets/b"}));
  caf::scoped_actor waiter{*system_};
  waiter->send(router_, node_op(kPut, "record", kRecords, "r2"));
  self->send(router_, stop_atom::value);
  int status = 0;
  waiter->receive([&](Result& r) { status = r.status; },
                  caf::after(kDeadline) >> [] { ADD_FAILURE() << "parked Op not answered"; });
  EXPECT_EQ(status, 503);
}

TEST_F(RouterTest, IdleListActorStopsAndANewOneServesTheNextOp) {
  Start(/*idle_seconds=*/1);
  Result first = Ask(node_op(kPut, "bucket", "", "b"));
  ASSERT_EQ(first.status, 201);
  ASSERT_EQ(started(), 1u);
  EXPECT_TRUE(Eventually([&] { return stopped() == 1; }));

  Result second = Ask(with_data(node_op(kPut, "bucket", "", "b"), R"({"x":1})"));
  EXPECT_EQ(second.status, 200) << second.body;
  EXPECT_LT(first.timestamp, second.timestamp);  // the new writer reads the list's timestamp
  EXPECT_EQ(started(), 2u);
  EXPECT_EQ(routed(), 2u);
}

}  // namespace
}  // namespace ratchet

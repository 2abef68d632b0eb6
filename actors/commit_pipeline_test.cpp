// CommitPipeline driven by a fake Port, without actors: answers wait for
// the commit that holds their writes, one commit in flight while the next
// batch is built, a failed commit answers 503 and forgets its writes, a
// plural DELETE waits for a durable list, a cascade closes subtrees first.
#include "actors/commit_pipeline.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>

#include "resource/context.h"
#include "store/engine.h"
#include "store/list_reader.h"
#include "tests/node_ops.h"

namespace ratchet {
namespace {

using testing::node_op;

// Records what the pipeline asks; commits are written when the test says.
class FakePort : public CommitPipeline::Port {
 public:
  explicit FakePort(Engine& engine) : engine_(engine) {}
  void flush_later() override { ++flushes; }
  void close(const std::vector<std::string>& uris) override { closed = uris; }
  void reopen(std::vector<std::string> uris) override {
    reopened.insert(reopened.end(), uris.begin(), uris.end());
  }
  void consume_outbox(const ListId&, std::vector<std::string>) override {}
  std::shared_future<bool> commit(Commit commit, uint64_t seq) override {
    pending[seq] = {std::move(commit), std::promise<bool>()};
    return pending[seq].second.get_future().share();
  }
  // Makes commit `seq` durable (or fails it), as the pool would.
  void finish(uint64_t seq, bool ok) {
    auto& [commit, done] = pending.at(seq);
    if (ok) engine_.write(encode(commit), true);
    done.set_value(ok);
  }

  int flushes = 0;
  std::vector<std::string> closed, reopened;
  std::map<uint64_t, std::pair<Commit, std::promise<bool>>> pending;

 private:
  Engine& engine_;
};

class CommitPipelineTest : public ::testing::Test {
 protected:
  CommitPipelineTest() { add_kinto_resources(registry_); }

  // A pipeline for the list of `resource` objects under `parent`.
  CommitPipeline& pipeline(const std::string& resource, const std::string& parent) {
    auto& p = pipelines_[resource + parent];
    if (!p) p = std::make_unique<CommitPipeline>(ctx_, *registry_.find(resource), parent, port_);
    return *p;
  }
  // An Op whose answer lands in answers_[name].
  void push(CommitPipeline& p, const std::string& name, Op op) {
    p.push([this, name](Result r) { answers_[name] = r.status; }, std::move(op));
  }
  bool stored(const std::string& resource, const std::string& parent, const std::string& id) {
    auto snapshot = engine_->snapshot();
    return ListView(*snapshot, ListId{parent, resource}).get(id).exists;
  }

  Registry registry_;
  Settings settings_;
  std::unique_ptr<Engine> engine_ = open_engine("memory", "");
  Context ctx_{registry_, settings_, *engine_};
  FakePort port_{*engine_};
  std::map<std::string, std::unique_ptr<CommitPipeline>> pipelines_;
  std::map<std::string, int> answers_;
};

TEST_F(CommitPipelineTest, AnswersWaitForTheirCommitAndTheNextBatchBuildsMeanwhile) {
  CommitPipeline& buckets = pipeline("bucket", "");
  push(buckets, "a", node_op(kPut, "bucket", "", "a"));
  push(buckets, "b", node_op(kPut, "bucket", "", "b"));
  EXPECT_TRUE(answers_.empty());
  EXPECT_EQ(port_.flushes, 1);  // one flush for the whole batch
  buckets.flush(0);
  ASSERT_EQ(port_.pending.size(), 1u);  // both writes in commit 1
  push(buckets, "c", node_op(kPut, "bucket", "", "c"));
  buckets.flush(0);  // commit 1 in flight: c waits in the next batch
  EXPECT_EQ(port_.pending.size(), 1u);
  EXPECT_TRUE(answers_.empty());

  port_.finish(1, true);
  buckets.flush(1);
  EXPECT_EQ(answers_, (std::map<std::string, int>{{"a", 201}, {"b", 201}}));
  EXPECT_TRUE(stored("bucket", "", "a"));
  ASSERT_EQ(port_.pending.size(), 2u);  // c's batch went at once
  port_.finish(2, true);
  buckets.flush(2);
  EXPECT_EQ(answers_["c"], 201);
  EXPECT_TRUE(buckets.idle());
}

TEST_F(CommitPipelineTest, AFailedCommitAnswers503AndForgetsItsWrites) {
  CommitPipeline& buckets = pipeline("bucket", "");
  push(buckets, "a", node_op(kPut, "bucket", "", "a"));
  buckets.flush(0);
  push(buckets, "b", node_op(kPut, "bucket", "", "b"));  // built on top of a
  port_.finish(1, false);
  buckets.flush(1);
  EXPECT_EQ(answers_, (std::map<std::string, int>{{"a", 503}, {"b", 503}}));
  EXPECT_FALSE(stored("bucket", "", "a"));
  push(buckets, "again", node_op(kPut, "bucket", "", "a"));  // a is new again
  buckets.flush(0);
  port_.finish(2, true);
  buckets.flush(2);
  EXPECT_EQ(answers_["again"], 201);
}

TEST_F(CommitPipelineTest, APluralDeleteRunsOnADurableList) {
  CommitPipeline& buckets = pipeline("bucket", "");
  push(buckets, "a", node_op(kPut, "bucket", "", "a"));
  push(buckets, "all", node_op(kDelete, "bucket", "", ""));
  buckets.flush(0);
  ASSERT_EQ(port_.pending.size(), 1u);
  EXPECT_TRUE(port_.closed.empty());  // the delete has not been planned yet
  port_.finish(1, true);
  buckets.flush(1);  // a is durable: the delete is planned now
  EXPECT_EQ(port_.closed, std::vector<std::string>{"/buckets/a"});
  buckets.closed();
  buckets.flush(0);
  port_.finish(2, true);
  buckets.flush(2);
  EXPECT_EQ(answers_["all"], 200);
  EXPECT_FALSE(stored("bucket", "", "a"));
}

TEST_F(CommitPipelineTest, ADeleteClosesTheSubtreesBelowAndReopensThemOnceDurable) {
  CommitPipeline& buckets = pipeline("bucket", "");
  push(buckets, "a", node_op(kPut, "bucket", "", "a"));
  buckets.flush(0);
  port_.finish(1, true);
  buckets.flush(1);
  push(buckets, "delete", node_op(kDelete, "bucket", "", "a"));
  EXPECT_EQ(port_.closed, std::vector<std::string>{"/buckets/a"});
  push(buckets, "after", node_op(kPut, "bucket", "", "z"));  // waits behind it
  EXPECT_TRUE(port_.pending.size() == 1u && answers_.count("after") == 0);
  buckets.closed();
  buckets.flush(0);
  EXPECT_TRUE(port_.reopened.empty());  // not before the delete is durable
  port_.finish(2, true);
  buckets.flush(2);
  EXPECT_EQ(answers_["delete"], 200);
  EXPECT_EQ(answers_["after"], 201);
  EXPECT_EQ(port_.reopened, std::vector<std::string>{"/buckets/a"});
}

TEST_F(CommitPipelineTest, RefusingTheQueueAnswersWhatNeverRanAndReopens) {
  CommitPipeline& buckets = pipeline("bucket", "");
  push(buckets, "a", node_op(kPut, "bucket", "", "a"));
  buckets.flush(0);
  port_.finish(1, true);
  buckets.flush(1);
  push(buckets, "delete", node_op(kDelete, "bucket", "", "a"));  // waits for the close
  push(buckets, "queued", node_op(kPut, "bucket", "", "q"));
  buckets.refuse_queued(errors::backend_unavailable());
  EXPECT_EQ(answers_["delete"], 503);
  EXPECT_EQ(answers_["queued"], 503);
  EXPECT_EQ(port_.reopened, std::vector<std::string>{"/buckets/a"});
  EXPECT_TRUE(stored("bucket", "", "a"));
}

}  // namespace
}  // namespace ratchet

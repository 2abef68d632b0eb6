// The write pipeline of one list actor (DESIGN.md decision 7): Ops run in
// arrival order against the list's ListWriter; each answer waits in the
// stage of the batch holding its writes and is given once that batch is
// durable; one batch commits on the CommitPool while the next is built
// (group commit). An Op that deletes objects with children first has the
// router close their subtrees, the Ops after it waiting meanwhile; a
// plural DELETE runs on a durable list.
//
// A plain class, without CAF: its actor feeds it what arrives and carries
// out what it asks through a Port (commit_pipeline_test.cpp drives it with a
// fake one). Not thread-safe: one list actor owns it.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "resource/context.h"
#include "resource/list_writer.h"
#include "store/commit.h"

namespace ratchet {

class CommitPipeline {
 public:
  // Gives an Op's answer to whoever sent it; called exactly once.
  using Reply = std::function<void(Result)>;

  // What the pipeline asks of its actor.
  class Port {
   public:
    virtual ~Port() = default;
    // flush(0) once the messages already in the mailbox are handled.
    virtual void flush_later() = 0;
    // Has the router close the subtrees below `uris`; then closed(), or
    // fail() if the router cannot.
    virtual void close(const std::vector<std::string>& uris) = 0;
    // The subtrees below `uris` may take writes again.
    virtual void reopen(std::vector<std::string> uris) = 0;
    // Makes `commit` durable; flush(seq) once it is, whatever the outcome
    // the future holds (false: nothing was written).
    virtual std::shared_future<bool> commit(Commit commit, uint64_t seq) = 0;
    // Has the writer of `list` consume the records `keys` of its outbox
    // (ListWriter::outbox_op), after what it was asked before.
    virtual void consume_outbox(const ListId& list, std::vector<std::string> keys) = 0;
  };

  CommitPipeline(Context& ctx, const ResourceType& type, std::string parent, Port& port);

  // An Op arrived: it runs now, or once those before it have.
  void push(Reply rp, Op op);
  // seq 0: the batch being built may go; seq n: batch n is durable.
  void flush(uint64_t seq);
  // The router closed the subtrees the waiting Op deletes.
  void closed();
  // Commits everything pending, blocking on the pool: only when the actor
  // closes or stops, never for an Op.
  void drain();
  // Answers the Ops that never ran with `error`; reopens what they closed.
  void refuse_queued(const Error& error);
  // Answers everything held with `error`; reopens what was closed.
  void fail(const Error& error);
  // Nothing held, queued or being committed.
  bool idle() const;

 private:
  // Answers that wait for one batch to be durable, and the subtrees that
  // batch deletes (they reopen once it is committed).
  struct Stage {
    std::vector<std::pair<Reply, Result>> answers;
    std::vector<std::string> reopen;
  };
  struct Queued {
    Reply rp;
    Op op;
  };

  void run();
  void handle(Queued q);
  Result apply(const Op& op);
  void answer_later(Reply rp, Result result);
  void request_flush();
  void deliver(Stage& stage);
  // Answers both stages with `error` (their writes will not be durable).
  void answer_staged(const Error& error);
  // Seals the batch being built and commits it; answers that need no write
  // are given at once. Requires no commit in flight.
  void start_commit();
  // The commit in flight has finished (its future is ready): answers it,
  // after asking for the records it posted to outboxes to be consumed (a
  // read of such a list, asked after the answer, sees them).
  void finish_commit();
  static std::map<ListId, std::vector<std::string>> posted_outboxes(const Commit& commit);

  Context& ctx_;
  Port& port_;
  ListWriter writer_;
  Stage building_;  // the batch being built
  Stage sealed_;    // the batch being committed, if committing_
  bool committing_ = false;
  uint64_t commit_seq_ = 0;  // number of the batch being committed
  std::shared_future<bool> commit_done_;
  // Records the commit in flight posts, by outbox.
  std::map<ListId, std::vector<std::string>> sealed_outboxes_;
  bool flush_queued_ = false;
  std::deque<Queued> queue_;
  std::optional<Queued> closing_;  // the Op whose subtrees are being closed
  std::vector<std::string> closing_uris_;
};

}  // namespace ratchet

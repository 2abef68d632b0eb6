#include "actors/list_actors.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <deque>
#include <optional>
#include <map>
#include <set>
#include <memory>
#include <vector>

#include "actors/commit_pool.h"
#include "resource/context.h"
#include "resource/failure.h"
#include "resource/list_writer.h"
#include "actors/messages.h"
#include "core/list_id.h"

namespace ratchet {
namespace {

// ---------------------------------------------------------------- list actor

// Answers that wait for one batch to be durable, and the subtrees that batch
// deletes (their lists reopen once it is committed).
struct Stage {
  std::vector<std::pair<caf::typed_response_promise<Result>, Result>> answers;
  std::vector<std::string> reopen;
};

struct QueuedOp {  // an Op waiting for its turn
  caf::typed_response_promise<Result> rp;
  Op op;
};

struct ListState {
  std::unique_ptr<ListWriter> writer;
  Stage building;   // the batch being built
  Stage sealed;     // the batch being committed, if `committing`
  bool committing = false;
  uint64_t commit_seq = 0;  // number of the batch being committed
  std::shared_future<bool> commit_done;
  bool flush_queued = false;
  // Ops run in arrival order; one at a time may wait for the router to close
  // the subtrees it deletes, and a plural DELETE waits for a durable list.
  std::deque<QueuedOp> queue;
  std::optional<QueuedOp> closing;  // the Op whose subtrees are being closed
  std::vector<std::string> closing_uris;
  uint64_t received = 0;
  static constexpr const char* name = "list";
};

using ListActor = caf::stateful_actor<ListState, list_actor::base>;

void deliver(ListActor* self, const router_actor& router, Stage& stage) {
  for (auto& [rp, result] : stage.answers) rp.deliver(std::move(result));
  if (!stage.reopen.empty()) self->send(router, reopen_atom::value, std::move(stage.reopen));
  stage = Stage{};
}

// Answers everything still held with `error`, reopens what was closed, stops.
void fail_and_quit(ListActor* self, const router_actor& router, const Error& error) {
  auto& st = self->state;
  for (Stage* stage : {&st.sealed, &st.building}) {
    for (auto& [rp, result] : stage->answers) result = Result::of(error);
    deliver(self, router, *stage);
  }
  if (st.closing) st.closing->rp.deliver(Result::of(error));
  if (!st.closing_uris.empty()) self->send(router, reopen_atom::value, st.closing_uris);
  for (auto& p : st.queue) p.rp.deliver(Result::of(error));
  st.queue.clear();
  st.closing.reset();
  st.closing_uris.clear();
  self->quit();
}

void request_flush(ListActor* self) {
  auto& st = self->state;
  if (!st.flush_queued) {
    st.flush_queued = true;
    self->send(self, flush_atom::value, uint64_t{0});
  }
}

void answer_later(ListActor* self, caf::typed_response_promise<Result> rp, Result result) {
  self->state.building.answers.emplace_back(std::move(rp), std::move(result));
  request_flush(self);
}

// Seals the batch being built and commits it on the pool; answers that need
// no write are given at once. Requires no commit in flight.
void start_commit(ListActor* self, CommitPool& pool, const router_actor& router) {
  auto& st = self->state;
  if (!st.writer->dirty()) {
    deliver(self, router, st.building);
    return;
  }
  st.sealed = std::move(st.building);
  st.building = Stage{};
  st.committing = true;
  uint64_t seq = ++st.commit_seq;
  auto me = caf::actor_cast<list_actor>(self);
  st.commit_done = pool.submit(st.writer->seal(), [me, seq] {
    caf::anon_send(me, flush_atom::value, seq);
  });
}

// The commit in flight has finished (its future is ready): answers it.
void finish_commit(ListActor* self, Context& ctx, const router_actor& router) {
  auto& st = self->state;
  st.committing = false;
  if (st.commit_done.get()) {
    st.writer->committed();
    ctx.stats.batches_committed++;
    ctx.stats.ops_committed += st.sealed.answers.size();
    deliver(self, router, st.sealed);
    return;
  }
  // What is being built was evaluated on top of the failed batch.
  for (Stage* stage : {&st.sealed, &st.building}) {
    for (auto& [rp, result] : stage->answers) result = Result::of(errors::backend_unavailable());
    deliver(self, router, *stage);
  }
  st.writer->abandon();  // may throw: the caller stops the actor then
}

// Commits everything pending before returning, blocking on the pool. Only
// when the actor closes or stops: an Op never waits this way.
void drain(ListActor* self, Context& ctx, CommitPool& pool, const router_actor& router) {
  auto& st = self->state;
  while (st.committing || st.writer->dirty() || !st.building.answers.empty()) {
    if (!st.committing) start_commit(self, pool, router);
    if (st.committing) {
      st.commit_done.wait();
      finish_commit(self, ctx, router);
    }
  }
}

Result guarded_apply(ListWriter& writer, const Op& op) {
  try {
    return writer.apply(op);
  } catch (...) {
    return failure_result("write");
  }
}

void run_queue(ListActor* self, Context& ctx, const router_actor& router);

// Applies one Op, first closing the subtrees it deletes (the Ops after it
// wait in the queue meanwhile; commits go on).
void handle(ListActor* self, Context& ctx, const router_actor& router, QueuedOp p) {
  auto& st = self->state;
  std::vector<std::string> uris;
  try {
    uris = st.writer->subtrees_to_close(p.op);
  } catch (...) {
    p.rp.deliver(failure_result("delete planning"));
    return;
  }
  if (uris.empty()) {
    answer_later(self, p.rp, guarded_apply(*st.writer, p.op));
    return;
  }
  st.closing = std::move(p);
  st.closing_uris = uris;
  self->request(router, caf::infinite, close_atom::value, uris)
      .then(
          [self, &ctx, router](bool) {
            auto& s = self->state;
            QueuedOp closed = std::move(*s.closing);
            s.closing.reset();
            auto& reopen = s.building.reopen;
            reopen.insert(reopen.end(), s.closing_uris.begin(), s.closing_uris.end());
            s.closing_uris.clear();
            answer_later(self, closed.rp, guarded_apply(*s.writer, closed.op));
            run_queue(self, ctx, router);
          },
          [self, &ctx, router](caf::error&) {
            fail_and_quit(self, router, errors::backend_unavailable());
          });
}

void run_queue(ListActor* self, Context& ctx, const router_actor& router) {
  auto& st = self->state;
  while (!st.closing && !st.queue.empty()) {
    const Op& next = st.queue.front().op;
    if (ListWriter::needs_committed_state(next) && (st.committing || st.writer->dirty())) {
      request_flush(self);  // it runs once what precedes it is durable
      return;
    }
    QueuedOp p = std::move(st.queue.front());
    st.queue.pop_front();
    handle(self, ctx, router, std::move(p));
  }
}

// Answers what never ran with `error` and reopens what it had closed.
void refuse_queued(ListActor* self, const router_actor& router, const Error& error) {
  auto& st = self->state;
  if (st.closing) st.closing->rp.deliver(Result::of(error));
  if (!st.closing_uris.empty()) self->send(router, reopen_atom::value, st.closing_uris);
  st.closing.reset();
  st.closing_uris.clear();
  for (auto& p : st.queue) p.rp.deliver(Result::of(error));
  st.queue.clear();
}

list_actor::behavior_type list_behavior(ListActor* self, Context* ctx, CommitPool* pool,
                                        router_actor router, ListId key,
                                        const ResourceType* type) {
  self->state.writer = std::make_unique<ListWriter>(*ctx, *type, key.parent);
  self->attach_functor([ctx] { ctx->stats.lists_stopped++; });
  auto idle = std::chrono::seconds(ctx->settings.list_idle_seconds);
  // Ops that never ran when the parent goes: they find it gone (§2.6).
  Error parent_gone =
      errors::parent_missing(std::string(split_uri(key.parent).second), type->parent);
  auto guarded = [self, router](auto&& body) {
    try {
      body();
    } catch (const std::exception& e) {
      spdlog::error("list actor failed: {}", e.what());
      fail_and_quit(self, router, errors::backend_unavailable());
    }
  };
  return {
      [=](Op& op) -> caf::result<Result> {
        ++self->state.received;
        auto rp = self->make_response_promise<Result>();
        self->state.queue.push_back({rp, std::move(op)});
        guarded([&] { run_queue(self, *ctx, router); });
        return rp;
      },
      // From the actor itself (seq 0: a batch is ready to go) or from the
      // commit pool (seq: that batch is durable).
      [=](flush_atom, uint64_t seq) {
        guarded([&] {
          auto& st = self->state;
          if (seq == 0) {
            st.flush_queued = false;
          } else if (st.committing && seq == st.commit_seq) {
            finish_commit(self, *ctx, router);
          } else {
            return;  // already finished by drain()
          }
          if (!st.committing) start_commit(self, *pool, router);
          run_queue(self, *ctx, router);
        });
      },
      [=](close_atom) -> bool {
        guarded([&] {
          drain(self, *ctx, *pool, router);
          refuse_queued(self, router, parent_gone);
        });
        self->quit();
        return true;
      },
      [=](stop_atom) {
        guarded([&] {
          drain(self, *ctx, *pool, router);
          refuse_queued(self, router, errors::backend_unavailable());
        });
        self->quit();
      },
      caf::after(idle) >>
          [=] {
            auto& st = self->state;
            if (!st.committing && !st.writer->dirty() && st.building.answers.empty() &&
                st.queue.empty() && !st.closing) {
              self->send(router, idle_atom::value, key, st.received);
            }
          },
  };
}

// -------------------------------------------------------------------- router

struct Parked {
  caf::typed_response_promise<Result> rp;
  Op op;
};

struct RouterState {
  struct Entry {
    list_actor actor;
    uint64_t forwarded = 0;
  };
  std::map<ListId, Entry> lists;
  std::map<caf::actor_addr, ListId> keys;         // the list of each live list actor
  std::multiset<std::string> closing;             // URIs of objects whose subtrees are closed
  std::map<caf::actor_addr, std::multiset<std::string>> closers;  // who closed them
  std::vector<Parked> parked;
  static constexpr const char* name = "router";
};

using Router = caf::stateful_actor<RouterState, router_actor::base>;

// True when lists with this parent id lie in a closed subtree: the parent or
// one of its ancestors is being deleted.
bool closed(const RouterState& st, const std::string& parent) {
  if (st.closing.empty()) return false;
  for (size_t slash = parent.find('/', 1); slash != std::string::npos;
       slash = parent.find('/', slash + 1)) {
    if (st.closing.count(parent.substr(0, slash))) return true;
  }
  return st.closing.count(parent) > 0;
}

void dispatch(Router* self, Context& ctx, CommitPool& pool,
              caf::typed_response_promise<Result>& rp, Op& op) {
  auto& st = self->state;
  ListId key{op.parent, op.resource};
  auto it = st.lists.find(key);
  if (it == st.lists.end()) {
    const ResourceType* type = ctx.registry.find(op.resource);
    if (!type) {
      rp.deliver(Result::of(errors::unknown_url()));
      return;
    }
    auto actor = self->spawn(list_behavior, &ctx, &pool, caf::actor_cast<router_actor>(self),
                             key, type);
    self->monitor(actor);
    ctx.stats.lists_started++;
    st.keys[actor.address()] = key;
    it = st.lists.emplace(key, RouterState::Entry{actor, 0}).first;
  }
  ++it->second.forwarded;
  ctx.stats.ops_routed++;
  rp.delegate(it->second.actor, std::move(op));
}

void forget(RouterState& st, std::map<ListId, RouterState::Entry>::iterator it) {
  st.keys.erase(it->second.actor.address());
  st.lists.erase(it);
}

// Subtrees may take writes again: parked Ops go to (new) list actors.
void reopen(Router* self, Context& ctx, CommitPool& pool, const caf::actor_addr& closer,
            const std::vector<std::string>& uris) {
  auto& st = self->state;
  auto& mine = st.closers[closer];
  for (const auto& uri : uris) {
    auto it = st.closing.find(uri);
    if (it != st.closing.end()) st.closing.erase(it);
    auto m = mine.find(uri);
    if (m != mine.end()) mine.erase(m);
  }
  if (mine.empty()) st.closers.erase(closer);
  std::vector<Parked> parked;
  parked.swap(st.parked);
  for (auto& p : parked) {
    if (closed(st, p.op.parent)) {
      st.parked.push_back(std::move(p));
    } else {
      dispatch(self, ctx, pool, p.rp, p.op);
    }
  }
}

router_actor::behavior_type router(Router* self, Context* ctx, CommitPool* pool) {
  self->set_down_handler([=](caf::down_msg& down) {
    auto& st = self->state;
    auto key = st.keys.find(down.source);
    if (key != st.keys.end()) {
      auto it = st.lists.find(key->second);
      if (it != st.lists.end() && it->second.actor.address() == down.source) st.lists.erase(it);
      st.keys.erase(key);
    }
    // A list actor that stopped while deleting cannot reopen what it closed.
    auto closer = st.closers.find(down.source);
    if (closer != st.closers.end()) {
      std::vector<std::string> uris(closer->second.begin(), closer->second.end());
      reopen(self, *ctx, *pool, down.source, uris);
    }
  });
  return {
      [=](Op& op) -> caf::result<Result> {
        auto rp = self->make_response_promise<Result>();
        if (closed(self->state, op.parent)) {
          self->state.parked.push_back({rp, std::move(op)});
        } else {
          dispatch(self, *ctx, *pool, rp, op);
        }
        return rp;
      },
      [=](close_atom, std::vector<std::string> uris) -> caf::result<bool> {
        auto& st = self->state;
        auto closer = caf::actor_cast<caf::actor_addr>(self->current_sender());
        std::vector<list_actor> victims;
        for (const auto& uri : uris) {
          st.closing.insert(uri);
          st.closers[closer].insert(uri);
          // Lists below the object have parents from `uri` to `uri/...`
          // ('0' follows '/'); other parents in that range are passed over.
          auto it = st.lists.lower_bound(ListId{uri, ""});
          auto end = st.lists.lower_bound(ListId{uri + '0', ""});
          while (it != end) {
            if (below(it->first, uri)) {
              victims.push_back(it->second.actor);
              forget(st, it++);
            } else {
              ++it;
            }
          }
        }
        if (victims.empty()) return true;
        auto rp = self->make_response_promise<bool>();
        auto remaining = std::make_shared<size_t>(victims.size());
        auto one_done = [rp, remaining]() mutable {
          if (--*remaining == 0) rp.deliver(true);
        };
        for (const auto& actor : victims) {
          // An error means it is already gone: nothing of it can still be written.
          self->request(actor, caf::infinite, close_atom::value)
              .then([one_done](bool) mutable { one_done(); },
                    [one_done](caf::error&) mutable { one_done(); });
        }
        return rp;
      },
      [=](reopen_atom, const std::vector<std::string>& uris) {
        reopen(self, *ctx, *pool, caf::actor_cast<caf::actor_addr>(self->current_sender()), uris);
      },
      [=](stop_atom) {
        for (auto& [key, entry] : self->state.lists) self->send(entry.actor, stop_atom::value);
        self->state.lists.clear();
        self->state.keys.clear();
        self->quit();
      },
      [=](idle_atom, const ListId& key, uint64_t received) {
        auto& st = self->state;
        auto it = st.lists.find(key);
        // Only when nothing is in flight to it; otherwise it will ask again.
        if (it == st.lists.end() || it->second.forwarded != received) return;
        if (self->current_sender() != it->second.actor.address()) return;
        self->send(it->second.actor, stop_atom::value);
        forget(st, it);
      },
  };
}

}  // namespace

router_actor spawn_router(caf::actor_system& system, Context& ctx, CommitPool& pool) {
  return system.spawn(router, &ctx, &pool);
}

}  // namespace ratchet

#include "actors/list_actors.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <map>
#include <set>
#include <memory>
#include <vector>

#include "actors/commit_pool.h"
#include "actors/context.h"
#include "actors/list_writer.h"
#include "actors/messages.h"
#include "store/keys.h"

namespace ratchet {
namespace {

// ---------------------------------------------------------------- list actor

// Answers that wait for one batch to be durable, and the subtrees that batch
// deletes (their lists reopen once it is committed).
struct Stage {
  std::vector<std::pair<caf::response_promise, Result>> answers;
  std::vector<std::string> reopen;
};

struct ListState {
  std::unique_ptr<ListWriter> writer;
  Stage building;   // the batch being built
  Stage sealed;     // the batch being committed, if `committing`
  bool committing = false;
  uint64_t commit_seq = 0;  // number of the batch being committed
  std::shared_future<bool> commit_done;
  bool flush_queued = false;
  uint64_t received = 0;
  static constexpr const char* name = "list";
};

using ListActor = caf::stateful_actor<ListState>;

void deliver(ListActor* self, const caf::actor& router, Stage& stage) {
  for (auto& [rp, result] : stage.answers) rp.deliver(std::move(result));
  if (!stage.reopen.empty()) self->send(router, reopen_atom::value, std::move(stage.reopen));
  stage = Stage{};
}

// Seals the batch being built and commits it on the pool; answers that need
// no write are given at once. Requires no commit in flight.
void start_commit(ListActor* self, CommitPool& pool, const caf::actor& router) {
  auto& st = self->state;
  if (!st.writer->dirty()) {
    deliver(self, router, st.building);
    return;
  }
  st.sealed = std::move(st.building);
  st.building = Stage{};
  st.committing = true;
  uint64_t seq = ++st.commit_seq;
  caf::actor me = caf::actor_cast<caf::actor>(self);
  st.commit_done = pool.submit(st.writer->seal(), [me, seq] {
    caf::anon_send(me, flush_atom::value, seq);
  });
}

// The commit in flight has finished (its future is ready): answers it.
void finish_commit(ListActor* self, Context& ctx, const caf::actor& router) {
  auto& st = self->state;
  st.committing = false;
  if (st.commit_done.get()) {
    st.writer->committed();
    ctx.stats.batches_committed++;
    ctx.stats.ops_committed += st.sealed.answers.size();
  } else {
    // What is being built was evaluated on top of the failed batch.
    st.writer->abandon();
    for (Stage* stage : {&st.sealed, &st.building}) {
      for (auto& [rp, result] : stage->answers) result = Result::of(errors::backend_unavailable());
    }
    deliver(self, router, st.building);
  }
  deliver(self, router, st.sealed);
}

// Commits everything pending before returning (blocking on the pool): for
// Ops that read the committed list, and before the actor stops.
void drain(ListActor* self, Context& ctx, CommitPool& pool, const caf::actor& router) {
  auto& st = self->state;
  while (st.committing || st.writer->dirty() || !st.building.answers.empty()) {
    if (!st.committing) start_commit(self, pool, router);
    if (st.committing) {
      st.commit_done.wait();
      finish_commit(self, ctx, router);
    }
  }
}

void answer_later(ListActor* self, caf::response_promise rp, Result result) {
  auto& st = self->state;
  st.building.answers.emplace_back(std::move(rp), std::move(result));
  if (!st.flush_queued) {
    st.flush_queued = true;
    self->send(self, flush_atom::value, uint64_t{0});
  }
}

Result guarded_apply(ListWriter& writer, const Op& op) {
  try {
    return writer.apply(op);
  } catch (const StoreError& e) {
    spdlog::error("store read failed: {}", e.what());
    return Result::of(errors::backend_unavailable());
  } catch (const std::exception& e) {
    spdlog::error("write failed: {}", e.what());
    return Result::of(errors::internal());
  }
}

caf::behavior list_actor(ListActor* self, Context* ctx, CommitPool* pool, caf::actor router,
                         std::string key, const ResourceType* type, std::string parent) {
  self->state.writer = std::make_unique<ListWriter>(*ctx, *type, std::move(parent));
  self->attach_functor([ctx] { ctx->stats.lists_stopped++; });
  auto idle = std::chrono::seconds(ctx->settings.list_idle_seconds);
  return {
      [=](Op& op) {
        auto& st = self->state;
        ++st.received;
        auto rp = self->make_response_promise();
        if (ListWriter::needs_committed_state(op)) drain(self, *ctx, *pool, router);
        std::vector<std::string> doomed = st.writer->doomed(op);
        if (doomed.empty()) {
          answer_later(self, rp, guarded_apply(*st.writer, op));
          return;
        }
        // Close everything below the objects first; nothing else runs here
        // until the router confirms (await).
        self->request(router, caf::infinite, close_atom::value, doomed)
            .await([=](bool) mutable {
              auto& s = self->state;
              answer_later(self, rp, guarded_apply(*s.writer, op));
              s.building.reopen.insert(s.building.reopen.end(), doomed.begin(), doomed.end());
            });
      },
      // From the actor itself (seq 0: a batch is ready to go) or from the
      // commit pool (seq: that batch is durable).
      [=](flush_atom, uint64_t seq) {
        auto& st = self->state;
        if (seq == 0) {
          st.flush_queued = false;
        } else if (st.committing && seq == st.commit_seq) {
          finish_commit(self, *ctx, router);
        } else {
          return;  // already finished by drain()
        }
        if (!st.committing) start_commit(self, *pool, router);
      },
      [=](close_atom) {
        drain(self, *ctx, *pool, router);
        self->quit();
        return true;
      },
      [=](stop_atom) {
        drain(self, *ctx, *pool, router);
        self->quit();
      },
      caf::after(idle) >>
          [=] {
            auto& st = self->state;
            if (!st.committing && !st.writer->dirty() && st.building.answers.empty()) {
              self->send(router, idle_atom::value, key, st.received);
            }
          },
  };
}

// -------------------------------------------------------------------- router

struct Parked {
  caf::response_promise rp;
  Op op;
};

struct RouterState {
  struct Entry {
    caf::actor actor;
    uint64_t forwarded = 0;
  };
  std::map<std::string, Entry> lists;  // by list prefix
  std::multiset<std::string> closing;  // URIs of objects whose subtrees are closed
  std::vector<Parked> parked;
  static constexpr const char* name = "router";
};

using Router = caf::stateful_actor<RouterState>;

// True when the list with this parent id lies below the object `uri`.
bool below(const std::string& parent, const std::string& uri) {
  return parent.compare(0, uri.size(), uri) == 0 &&
         (parent.size() == uri.size() || parent[uri.size()] == '/');
}

bool closed(const RouterState& st, const std::string& parent) {
  for (const auto& uri : st.closing) {
    if (below(parent, uri)) return true;
  }
  return false;
}

void dispatch(Router* self, Context& ctx, CommitPool& pool, caf::response_promise& rp, Op& op) {
  auto& st = self->state;
  std::string key = keys::list_prefix(op.parent, op.resource);
  auto it = st.lists.find(key);
  if (it == st.lists.end()) {
    const ResourceType* type = ctx.registry.find(op.resource);
    if (!type) {
      rp.deliver(Result::of(errors::unknown_url()));
      return;
    }
    auto actor = self->spawn(list_actor, &ctx, &pool, caf::actor_cast<caf::actor>(self), key,
                             type, op.parent);
    self->monitor(actor);
    ctx.stats.lists_started++;
    it = st.lists.emplace(key, RouterState::Entry{actor, 0}).first;
  }
  ++it->second.forwarded;
  ctx.stats.ops_routed++;
  rp.delegate(it->second.actor, std::move(op));
}

// Parent id of the list a key names (the key is "<parent>\0<resource>\0").
std::string parent_of_key(const std::string& key) { return key.substr(0, key.find('\0')); }

caf::behavior router(Router* self, Context* ctx, CommitPool* pool) {
  self->set_down_handler([=](caf::down_msg& down) {
    auto& lists = self->state.lists;
    for (auto it = lists.begin(); it != lists.end(); ++it) {
      if (it->second.actor.address() == down.source) {
        lists.erase(it);
        return;
      }
    }
  });
  return {
      [=](Op& op) {
        auto rp = self->make_response_promise();
        if (closed(self->state, op.parent)) {
          self->state.parked.push_back({rp, std::move(op)});
          return;
        }
        dispatch(self, *ctx, *pool, rp, op);
      },
      [=](close_atom, std::vector<std::string> uris) -> caf::result<bool> {
        auto& st = self->state;
        std::vector<std::string> victims;
        for (const auto& uri : uris) {
          st.closing.insert(uri);
          for (const auto& [key, entry] : st.lists) {
            if (below(parent_of_key(key), uri)) victims.push_back(key);
          }
        }
        if (victims.empty()) return true;
        auto rp = self->make_response_promise<bool>();
        auto remaining = std::make_shared<size_t>(victims.size());
        for (const auto& key : victims) {
          caf::actor actor = st.lists[key].actor;
          st.lists.erase(key);
          self->request(actor, caf::infinite, close_atom::value)
              .then([=](bool) mutable {
                if (--*remaining == 0) rp.deliver(true);
              },
              [=](caf::error&) mutable {
                // Already gone: nothing of it can still be written.
                if (--*remaining == 0) rp.deliver(true);
              });
        }
        return rp;
      },
      [=](reopen_atom, std::vector<std::string> uris) {
        auto& st = self->state;
        for (const auto& uri : uris) {
          auto it = st.closing.find(uri);
          if (it != st.closing.end()) st.closing.erase(it);
        }
        std::vector<Parked> parked;
        parked.swap(st.parked);
        for (auto& p : parked) {
          if (closed(st, p.op.parent)) {
            st.parked.push_back(std::move(p));
          } else {
            dispatch(self, *ctx, *pool, p.rp, p.op);
          }
        }
      },
      [=](stop_atom) {
        for (auto& [key, entry] : self->state.lists) self->send(entry.actor, stop_atom::value);
        self->state.lists.clear();
        self->quit();
      },
      [=](idle_atom, const std::string& key, uint64_t received) {
        auto& lists = self->state.lists;
        auto it = lists.find(key);
        // Only when nothing is in flight to it; otherwise it will ask again.
        if (it == lists.end() || it->second.forwarded != received) return;
        if (caf::actor_cast<caf::actor>(self->current_sender()) != it->second.actor) return;
        self->send(it->second.actor, stop_atom::value);
        lists.erase(it);
      },
  };
}

}  // namespace

caf::actor spawn_router(caf::actor_system& system, Context& ctx, CommitPool& pool) {
  return system.spawn(router, &ctx, &pool);
}

}  // namespace ratchet

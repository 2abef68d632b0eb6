#include "actors/list_actors.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <optional>
#include <map>
#include <set>
#include <memory>
#include <vector>

#include "actors/commit_pipeline.h"
#include "store/committer.h"
#include "actors/messages.h"
#include "core/list_id.h"
#include "resource/context.h"
#include "store/catalog.h"

namespace ratchet {
namespace {

// ---------------------------------------------------------------- list actor

struct ListState;
using ListActor = caf::stateful_actor<ListState, list_actor::base>;

// What the pipeline asks, done by the actor.
class ActorPort : public CommitPipeline::Port {
 public:
  ActorPort(ListActor* self, router_actor router, Committer& committer)
      : self_(self), router_(std::move(router)), committer_(committer) {}
  void flush_later() override;
  void close(const std::vector<std::string>& uris) override;
  void reopen(std::vector<std::string> uris) override;
  std::shared_future<bool> commit(Commit commit, uint64_t seq) override;
  void consume_outbox(const ListId& list, std::vector<std::string> keys) override;

 private:
  ListActor* self_;
  router_actor router_;
  Committer& committer_;
};

struct ListState {
  std::unique_ptr<ActorPort> port;
  std::unique_ptr<CommitPipeline> pipeline;
  uint64_t received = 0;  // Ops handed to it by the router
  static constexpr const char* name = "list";
};

void ActorPort::flush_later() { self_->send(self_, flush_atom::value, uint64_t{0}); }

void ActorPort::reopen(std::vector<std::string> uris) {
  self_->send(router_, reopen_atom::value, std::move(uris));
}

std::shared_future<bool> ActorPort::commit(Commit commit, uint64_t seq) {
  auto me = caf::actor_cast<list_actor>(self_);
  return committer_.submit(std::move(commit), [me, seq] { caf::anon_send(me, flush_atom::value, seq); });
}

// Sent before the write is answered, through the router as every Op: the
// list's writer gets it before any read the client asks next. Its answer
// is not awaited (a consumer that fails leaves the records for the next
// start-up).
void ActorPort::consume_outbox(const ListId& list, std::vector<std::string> keys) {
  caf::anon_send(router_, ListWriter::outbox_op(list, keys));
}

// Answers everything the pipeline holds with `error` and stops.
void fail_and_quit(ListActor* self, const Error& error) {
  self->state.pipeline->fail(error);
  self->quit();
}

void ActorPort::close(const std::vector<std::string>& uris) {
  ListActor* self = self_;
  self->request(router_, caf::infinite, close_atom::value, uris)
      .then([self](bool) { self->state.pipeline->closed(); },
            [self](caf::error&) { fail_and_quit(self, errors::backend_unavailable()); });
}

list_actor::behavior_type list_behavior(ListActor* self, Context* ctx, Committer* committer,
                                        router_actor router, ListId key,
                                        const ResourceType* type) {
  auto& st = self->state;
  st.port = std::make_unique<ActorPort>(self, router, *committer);
  st.pipeline = std::make_unique<CommitPipeline>(*ctx, *type, key.parent, *st.port);
  self->attach_functor([ctx] { ctx->stats.lists_stopped++; });
  auto idle = std::chrono::seconds(ctx->settings.list_idle_seconds);
  // Ops that never ran when the parent goes: they find it gone (§2.6).
  Error parent_gone =
      errors::parent_missing(std::string(split_uri(key.parent).second), type->parent);
  auto guarded = [self](auto&& body) {
    try {
      body();
    } catch (const std::exception& e) {
      spdlog::error("list actor failed: {}", e.what());
      fail_and_quit(self, errors::backend_unavailable());
    }
  };
  return {
      [=](Op& op) -> caf::result<Result> {
        ++self->state.received;
        auto rp = self->make_response_promise<Result>();
        guarded([&] {
          self->state.pipeline->push([rp](Result r) mutable { rp.deliver(std::move(r)); },
                                     std::move(op));
        });
        return rp;
      },
      // From the actor itself (seq 0: a batch is ready to go) or from the
      // committer (seq: that batch is durable).
      [=](flush_atom, uint64_t seq) {
        guarded([&] { self->state.pipeline->flush(seq); });
      },
      [=](close_atom) -> bool {
        guarded([&] {
          self->state.pipeline->drain();
          self->state.pipeline->refuse_queued(parent_gone);
        });
        self->quit();
        return true;
      },
      [=](stop_atom) {
        guarded([&] {
          self->state.pipeline->drain();
          self->state.pipeline->refuse_queued(errors::backend_unavailable());
        });
        self->quit();
      },
      caf::after(idle) >>
          [=] {
            auto& st = self->state;
            if (st.pipeline->idle()) self->send(router, idle_atom::value, key, st.received);
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

void dispatch(Router* self, Context& ctx, Committer& committer,
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
    auto actor = self->spawn(list_behavior, &ctx, &committer, caf::actor_cast<router_actor>(self),
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
void reopen(Router* self, Context& ctx, Committer& committer, const caf::actor_addr& closer,
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
      dispatch(self, ctx, committer, p.rp, p.op);
    }
  }
}

router_actor::behavior_type router(Router* self, Context* ctx, Committer* committer) {
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
      reopen(self, *ctx, *committer, down.source, uris);
    }
  });
  return {
      [=](Op& op) -> caf::result<Result> {
        auto rp = self->make_response_promise<Result>();
        if (closed(self->state, op.parent)) {
          self->state.parked.push_back({rp, std::move(op)});
        } else {
          dispatch(self, *ctx, *committer, rp, op);
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
        reopen(self, *ctx, *committer, caf::actor_cast<caf::actor_addr>(self->current_sender()), uris);
      },
      [=](stop_atom) {
        // Parked Ops would wait for a reopen that cannot come.
        for (auto& p : self->state.parked) p.rp.deliver(Result::of(errors::backend_unavailable()));
        self->state.parked.clear();
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

router_actor spawn_router(caf::actor_system& system, Context& ctx, Committer& committer) {
  router_actor r = system.spawn(router, &ctx, &committer);
  // Outbox records a crash left unconsumed.
  for (const ListId& list : catalog::lists_with_outbox(*ctx.engine.snapshot())) {
    caf::anon_send(r, ListWriter::outbox_op(list, {}));
  }
  return r;
}

}  // namespace ratchet

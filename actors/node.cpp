#include "actors/node.h"

#include <caf/io/all.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <shared_mutex>
#include <unordered_map>

#include "actors/cluster_peer.h"
#include "actors/commit_pool.h"
#include "cluster/etcd_client.h"
#include "cluster/member.h"
#include "resource/context.h"
#include "actors/list_actors.h"
#include "resource/failure.h"
#include "resource/permission_entries.h"
#include "actors/messages.h"
#include "resource/read_path.h"
#include "core/blocking.h"
#include "core/timestamp.h"
#include "store/engine.h"
#include "store/format.h"
#include "store/list_reader.h"
#include "store/probe.h"

namespace ratchet {
namespace {

constexpr int kForwardedReaders = 16;  // threads that answer reads forwarded to a primary

caf::actor_system_config& configure(caf::actor_system_config& cfg, const Settings& settings) {
  add_message_types(cfg);
  if (settings.clustered()) {
    cfg.load<caf::io::middleman>();
    // Without heartbeats a paused peer is never noticed (notes/CLUSTER.md §2).
    cfg.set("middleman.heartbeat-interval", caf::timespan{std::chrono::milliseconds(100)});
    cfg.set("middleman.connection-timeout", caf::timespan{std::chrono::seconds(1)});
  }
  // The HTTP threads do most of the work; on a 2-core machine one scheduler
  // thread measured faster than two (fewer cross-thread wake-ups).
  int threads = settings.actor_threads > 0
                    ? settings.actor_threads
                    : std::max(1, static_cast<int>(std::thread::hardware_concurrency()) / 2);
  cfg.set("scheduler.max-threads", threads);
  // An idle scheduler thread sleeps on its condition variable at once
  // instead of polling every 50 us for 25 ms: the polls took CPU from the
  // HTTP threads and, on a shared machine, from the other nodes.
  cfg.set("work-stealing.moderate-poll-attempts", 0);
  return cfg;
}

}  // namespace

struct Node::Impl {
  Impl(const Registry& registry, const Settings& settings, std::unique_ptr<Engine> engine_)
      : engine(std::move(engine_)),
        ctx{registry, settings, *engine},
        commits(*engine, settings.storage_fsync, settings.commit_threads),
        system(configure(cfg, settings)) {
    if (settings.clustered()) {
      join_cluster();
    } else {
      router = spawn_router(system, ctx, commits);
    }
  }

  ~Impl() {
    spdlog::debug("write path: {} ops routed, {} committed in {} batches",
                 ctx.stats.ops_routed.load(), ctx.stats.ops_committed.load(),
                 ctx.stats.batches_committed.load());
    if (member) member->stop();
    stop_router();
    for (auto& reader : readers) caf::anon_send_exit(reader, caf::exit_reason::user_shutdown);
    if (peer) peer->stop();
    std::lock_guard<std::mutex> lock(pool_mutex);
    bridges.clear();
  }

  // The node takes its part in the cluster: list actors run only while it
  // is the shard's primary; Ops that reach it as primary from other nodes
  // are served by `serve`.
  void join_cluster() {
    const Settings& s = ctx.settings;
    etcd = std::make_unique<EtcdClient>(s.cluster_etcd);
    peer = std::make_unique<ClusterPeer>(system, s.cluster_node_id, s.cluster_advertise);
    member = std::make_unique<Member>(
        s, *etcd, *engine, *peer,
        Member::Hooks{[this] { start_router(); }, [this] { stop_router(); },
                      [this] { ctx.membership_version++; }});
    for (int i = 0; i < kForwardedReaders; ++i) {
      readers.push_back(system.spawn<caf::detached>([this](caf::event_based_actor*) {
        return caf::behavior{[this](Op& op) { return execute_here(op); }};
      }));
    }
    peer->start(*member, [this](caf::typed_response_promise<Result> rp, Op op) {
      serve(std::move(rp), std::move(op));
    });
    member->start();
  }

  void start_router() {
    ctx.membership_version++;  // replicated writes may have changed groups
    std::lock_guard<std::mutex> lock(router_mutex);
    router = spawn_router(system, ctx, *member);
  }

  void stop_router() {
    router_actor r;
    {
      std::lock_guard<std::mutex> lock(router_mutex);
      std::swap(r, router);
    }
    if (r) caf::anon_send(r, stop_atom::value);
  }

  router_actor current_router() {
    std::lock_guard<std::mutex> lock(router_mutex);
    return router;
  }

  // An Op forwarded by another node to this one as the shard's primary.
  void serve(caf::typed_response_promise<Result> rp, Op op) {
    router_actor r = current_router();
    if (!r) {
      rp.deliver(Result::of(errors::backend_unavailable()));
    } else if (op.verb == kGet || op.verb == kHead) {
      rp.delegate(readers[next_reader++ % readers.size()], std::move(op));
    } else {
      rp.delegate(r, std::move(op));
    }
  }

  // Ops for the shard's primary, wherever it is: reads are answered here
  // unless they must see what only the primary knows.
  Result execute(const Op& op) {
    bool read = op.verb == kGet || op.verb == kHead;
    if (member && !(read && ctx.settings.cluster_read == "local") && !current_router()) {
      return forward(op);
    }
    return execute_here(op);
  }

  Result forward(const Op& op) {
    auto route = member->route();
    if (route.kind != Member::Route::Kind::kRemote) return Result::of(errors::backend_unavailable());
    auto timeout = std::chrono::seconds(ctx.settings.cluster_lease_seconds + 1);
    BlockingWait waiting;  // for the primary's answer
    return peer->forward(route.node, op, timeout);
  }

  Result execute_here(const Op& op) {
    if (op.verb != kGet && op.verb != kHead) return ask(op);
    // A list fed by an outbox (history) is read once its writer has made
    // objects of the records posted before this read, and committed them.
    const ResourceType* type = ctx.registry.find(op.resource);
    if (type && type->fed_by_outbox && op.plural) ask(op);
    try {
      for (int attempt = 0; attempt < 2; ++attempt) {
        auto snapshot = engine->snapshot();
        if (auto result = read(ctx, *snapshot, op)) return std::move(*result);
        // The list has no timestamp yet: its writer assigns and persists one.
        Result touched = ask(op);
        if (touched.status >= 400) return touched;
      }
    } catch (...) {
      return failure_result("read");
    }
    return Result::of(errors::internal());
  }

  // Blocking actors that wait for replies on behalf of calling threads. They
  // are reused with infinite timeouts only (DEPENDENCIES.md §2a).
  std::unique_ptr<caf::scoped_actor> acquire() {
    {
      std::lock_guard<std::mutex> lock(pool_mutex);
      if (!bridges.empty()) {
        auto bridge = std::move(bridges.back());
        bridges.pop_back();
        return bridge;
      }
    }
    return std::make_unique<caf::scoped_actor>(system, true);
  }

  void release(std::unique_ptr<caf::scoped_actor> bridge) {
    std::lock_guard<std::mutex> lock(pool_mutex);
    bridges.push_back(std::move(bridge));
  }

  // A write, by this node's list actors (or the primary's, in a cluster).
  Result ask(const Op& op) {
    router_actor r = current_router();
    if (!r) return member ? forward(op) : Result::of(errors::backend_unavailable());
    BlockingWait waiting;  // for the commit
    auto bridge = acquire();
    Result out;
    (*bridge)->request(r, caf::infinite, op)
        .receive([&](Result& r) { out = std::move(r); },
                 [&](caf::error& err) {
                   spdlog::error("list actor failed: {}", system.render(err));
                   out = Result::of(errors::backend_unavailable());
                 });
    release(std::move(bridge));
    return out;
  }

  std::unique_ptr<Engine> engine;
  Context ctx;
  CommitPool commits;  // outlives the actors that use it
  // In a cluster (declared before the actor system, which waits for the
  // actors that use them when it is destroyed).
  std::unique_ptr<EtcdClient> etcd;
  std::unique_ptr<ClusterPeer> peer;
  std::unique_ptr<Member> member;
  caf::actor_system_config cfg;
  caf::actor_system system;
  std::mutex router_mutex;
  router_actor router;  // none while a cluster node is not the primary
  std::vector<caf::actor> readers;  // answer reads forwarded to this primary
  std::atomic<size_t> next_reader{0};
  std::mutex pool_mutex;
  std::vector<std::unique_ptr<caf::scoped_actor>> bridges;
  std::shared_mutex principals_mutex;
  // user id -> (membership version, principals)
  std::unordered_map<std::string, std::pair<uint64_t, std::vector<std::string>>> principals;
};

Node::Node(const Registry& registry, const Settings& settings)
    : Node(registry, settings, open_store(settings.storage_backend, settings.storage_path)) {}

Node::Node(const Registry& registry, const Settings& settings, std::unique_ptr<Engine> engine)
    : impl_(std::make_unique<Impl>(registry, settings, std::move(engine))) {}

Node::~Node() = default;

Result Node::execute(const Op& op) { return impl_->execute(op); }

Result Node::list_permissions(const Op& op) {
  try {
    return ratchet::list_permissions(impl_->ctx, *impl_->engine->snapshot(), op);
  } catch (...) {
    return failure_result("permissions listing");
  }
}

std::optional<std::string> Node::stored(const std::string& resource, const std::string& parent,
                                        const std::string& id) {
  auto snapshot = impl_->engine->snapshot();
  std::string text;
  if (!ListView(*snapshot, ListId{parent, resource}).text(id, &text)) return std::nullopt;
  return text;
}

std::vector<std::string> Node::principals(const std::string& user_id) {
  // Membership rarely changes: principals are cached until a commit changes it.
  uint64_t version = impl_->ctx.membership_version;
  {
    std::shared_lock<std::shared_mutex> lock(impl_->principals_mutex);
    auto it = impl_->principals.find(user_id);
    if (it != impl_->principals.end() && it->second.first == version) return it->second.second;
  }
  auto snapshot = impl_->engine->snapshot();
  std::vector<std::string> out = principals_of(*snapshot, user_id);
  std::unique_lock<std::shared_mutex> lock(impl_->principals_mutex);
  if (impl_->principals.size() > 100000) impl_->principals.clear();
  impl_->principals[user_id] = {version, out};
  return out;
}

bool Node::store_healthy() {
  BlockingWait waiting;  // for the fsync
  try {
    return probe_store(*impl_->engine, impl_->ctx.settings.storage_fsync);
  } catch (const std::exception& e) {
    spdlog::error("heartbeat: store check failed: {}", e.what());
    return false;
  }
}

void Node::begin_shutdown() { impl_->ctx.stopping = true; }

bool Node::clustered() const { return impl_->member != nullptr; }

bool Node::cluster_healthy() const { return !impl_->member || impl_->member->healthy(); }

std::string Node::cluster_status() const {
  return impl_->member ? impl_->member->status().dump() : std::string();
}

const WriteStats& Node::stats() const { return impl_->ctx.stats; }
const Registry& Node::registry() const { return impl_->ctx.registry; }
const Settings& Node::settings() const { return impl_->ctx.settings; }

}  // namespace ratchet

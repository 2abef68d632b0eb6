#include "actors/node.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <mutex>
#include <thread>
#include <shared_mutex>
#include <unordered_map>

#include "actors/commit_pool.h"
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

caf::actor_system_config& configure(caf::actor_system_config& cfg, const Settings& settings) {
  add_message_types(cfg);
  // The HTTP threads do most of the work; on a 2-core machine one scheduler
  // thread measured faster than two (fewer cross-thread wake-ups).
  int threads = settings.actor_threads > 0
                    ? settings.actor_threads
                    : std::max(1, static_cast<int>(std::thread::hardware_concurrency()) / 2);
  cfg.set("scheduler.max-threads", threads);
  return cfg;
}

}  // namespace

struct Node::Impl {
  Impl(const Registry& registry, const Settings& settings, std::unique_ptr<Engine> engine_)
      : engine(std::move(engine_)),
        ctx{registry, settings, *engine},
        commits(*engine, settings.storage_fsync, settings.commit_threads),
        system(configure(cfg, settings)),
        router(spawn_router(system, ctx, commits)) {}

  ~Impl() {
    spdlog::debug("write path: {} ops routed, {} committed in {} batches",
                 ctx.stats.ops_routed.load(), ctx.stats.ops_committed.load(),
                 ctx.stats.batches_committed.load());
    caf::anon_send(router, stop_atom::value);
    std::lock_guard<std::mutex> lock(pool_mutex);
    bridges.clear();
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

  Result ask(const Op& op) {
    BlockingWait waiting;  // for the commit
    auto bridge = acquire();
    Result out;
    (*bridge)->request(router, caf::infinite, op)
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
  caf::actor_system_config cfg;
  caf::actor_system system;
  router_actor router;
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

Result Node::execute(const Op& op) {
  if (op.verb != kGet && op.verb != kHead) return impl_->ask(op);
  try {
    for (int attempt = 0; attempt < 2; ++attempt) {
      auto snapshot = impl_->engine->snapshot();
      if (auto result = read(impl_->ctx, *snapshot, op)) return std::move(*result);
      // The list has no timestamp yet: its writer assigns and persists one.
      Result touched = impl_->ask(op);
      if (touched.status >= 400) return touched;
    }
  } catch (...) {
    return failure_result("read");
  }
  return Result::of(errors::internal());
}

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

const WriteStats& Node::stats() const { return impl_->ctx.stats; }
const Registry& Node::registry() const { return impl_->ctx.registry; }
const Settings& Node::settings() const { return impl_->ctx.settings; }

}  // namespace ratchet

// What every reader and writer of the object tree shares, built once at
// start-up. Any thread may use it: the references are read-only, the
// counters, nonces and flags below are thread-safe.
#pragma once

#include <atomic>
#include <cstdint>

#include "resource/token_nonces.h"
#include "resource/write_stats.h"
#include "core/permissions.h"
#include "ratchet/registry.h"
#include "ratchet/settings.h"
#include "store/engine.h"

namespace ratchet {

struct Context {
  const Registry& registry;
  const Settings& settings;
  Engine& engine;
  Permissions permissions{registry, settings};
  WriteStats stats{};
  TokenNonces delete_tokens{};
  // Bumped after every commit that changed group membership, so that cached
  // principals are recomputed (read it before taking a snapshot).
  std::atomic<uint64_t> membership_version{0};
  // Set once the node is stopping: list scans end (see Node::begin_shutdown).
  std::atomic<bool> stopping{false};
};

}  // namespace ratchet

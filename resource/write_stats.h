// Counters of the write path, for monitoring (and tests). Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>

namespace ratchet {

struct WriteStats {
  std::atomic<uint64_t> ops_routed{0};      // Ops the router handed to list actors
  std::atomic<uint64_t> batches_committed{0};
  std::atomic<uint64_t> ops_committed{0};   // Ops answered after a committed batch
  std::atomic<uint64_t> lists_started{0};   // list actors spawned
  std::atomic<uint64_t> lists_stopped{0};   // list actors stopped (idle, closed, shutdown)
};

}  // namespace ratchet

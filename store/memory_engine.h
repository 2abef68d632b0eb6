// MemoryEngine: an in-memory Engine with MVCC snapshots, for tests and for
// running without a disk.
//
// Invariants: every committed batch gets the next sequence number; each key
// maps to its versions (seq, value or tombstone) in ascending seq order; a
// snapshot at seq S sees, for each key, the newest version with seq <= S.
// Versions that no live snapshot (and no future one) can see are pruned when
// their key is written, and by a small incremental sweep on every write.
//
// Thread-safety: as Engine. One shared_mutex guards the data; write() holds
// it exclusively for the whole batch, readers hold it shared for one get or
// one cursor step. Cursors re-seek by key, so no map iterator is kept across
// steps. Snapshots and cursors keep the store alive, so they may outlive the
// engine object.
#pragma once

#include <memory>

#include "store/engine.h"

namespace ratchet {

class MemoryEngine : public Engine {
 public:
  MemoryEngine();
  ~MemoryEngine() override;
  MemoryEngine(const MemoryEngine&) = delete;
  MemoryEngine& operator=(const MemoryEngine&) = delete;

  std::unique_ptr<Snapshot> snapshot() override;
  void write(const Batch& batch, bool sync) override;  // sync is ignored

  struct State;  // defined in memory_engine.cpp

 private:
  std::shared_ptr<State> state_;
};

}  // namespace ratchet

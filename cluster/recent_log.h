// The most recent log entries this node applied or assigned, up to a byte
// budget, so that a replica that fell behind catches up without a copy of
// the whole store.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <vector>

#include "cluster/log_entry.h"

namespace ratchet {

class RecentLog {
 public:
  explicit RecentLog(int64_t max_bytes) : max_bytes_(max_bytes) {}

  // Forgets every entry: the store now stands at `seq` (opened, or copied).
  void reset(int64_t seq);
  // The entry after the last one; another seq resets the log to just before it.
  void append(const LogEntry& entry);
  // The entries after `seq` up to the last; nullopt when some were forgotten
  // or `seq` lies beyond the last.
  std::optional<std::vector<LogEntry>> after(int64_t seq) const;

 private:
  const int64_t max_bytes_;
  mutable std::mutex mu_;
  std::deque<LogEntry> entries_;
  int64_t bytes_ = 0;
  int64_t last_ = 0;
};

}  // namespace ratchet

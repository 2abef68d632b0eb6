// A replica's side of replication: applies the primary's entries strictly
// in seq order through the LogWriter, acknowledges them once durable, joins
// again when it sees a gap, and replaces its whole store by a copy of the
// primary's when told it is not a prefix of the log.
//
// Invariants: it applies entries only from the primary of the newest epoch
// it knows, never one of an older epoch (a paused old primary's late
// messages are dropped), each seq once; after freeze(e) nothing of epoch e
// or older is applied.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "cluster/log_writer.h"
#include "cluster/recent_log.h"
#include "cluster/transport.h"

namespace ratchet {

class Replica {
 public:
  using Clock = std::chrono::steady_clock;

  // `position`: where the store stands (an epoch below 0: unknown content).
  Replica(std::string self, LogWriter& writer, RecentLog& log, Transport& transport,
          LogPosition position, std::function<void()> membership_changed);

  // `primary` serves `epoch` (from the shard record): joins it if it is new.
  void follow(const std::string& primary, int64_t epoch);
  // Stops applying what epochs up to `epoch` send (an election is under way).
  void freeze(int64_t epoch);
  // The store stands at `position` with nothing queued (set up as the
  // shard's first primary, or stopped being primary with its entries written).
  void reset(LogPosition position);
  // Joins again if it is outside the in-sync set and nothing came for a while,
  // or restarts a copy that stalled.
  void tick(Clock::time_point now, bool in_sync);

  void on_entries(const std::string& from, int64_t epoch, std::vector<LogEntry> entries);
  void on_durable(LogPosition position);
  void on_copy_needed(const std::string& from, int64_t epoch);
  void on_copy_chunk(const std::string& from, int64_t epoch, std::vector<std::string> pairs,
                     bool last, LogPosition position);

  LogPosition durable() const;
  // Durable and nothing queued behind it.
  bool settled() const;

 private:
  bool current(const std::string& from, int64_t epoch);
  void join_locked(Clock::time_point now);
  void start_copy_locked();

  const std::string self_;
  LogWriter& writer_;
  RecentLog& log_;
  Transport& transport_;
  const std::function<void()> membership_changed_;

  mutable std::mutex mu_;
  std::string primary_;
  int64_t epoch_ = 0;
  int64_t frozen_ = 0;  // epochs up to this one are not applied
  LogPosition queued_;
  LogPosition durable_;
  bool copying_ = false;
  uint64_t copy_generation_ = 0;  // a restarted copy ignores the old one's answers
  Clock::time_point last_heard_{};
  Clock::time_point last_join_{};
};

}  // namespace ratchet

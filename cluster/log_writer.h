// Applies log entries to this node's store strictly in seq order, durably;
// each store batch records the position of its last entry (log_position.h),
// and the entries queued together go in one batch (one fsync). Also runs
// whole-store copy batches in the same order. One thread of its own.
//
// Thread-safety: append() and write() from any thread. The hooks run on the
// writer's thread, in order. After a failed write the writer applies
// nothing more (broken() is true): entries must not be applied with a gap.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <variant>

#include "cluster/log_entry.h"
#include "store/engine.h"

namespace ratchet {

class LogWriter {
 public:
  struct Hooks {
    std::function<void(LogPosition)> durable;  // entries up to here are durable
    std::function<void()> membership_changed;  // principals must be recomputed
  };

  LogWriter(Engine& engine, bool sync, Hooks hooks);
  ~LogWriter();  // writes what is queued, then stops

  void append(LogEntry entry);
  // Writes `batch` after what is queued; then done(true), or done(false) if
  // it failed or the writer is broken.
  void write(Batch batch, std::function<void(bool)> done);
  bool broken() const { return broken_; }

 private:
  struct Raw {
    Batch batch;
    std::function<void(bool)> done;
  };
  using Job = std::variant<LogEntry, Raw>;

  void run();
  void write_entries(std::deque<Job>& jobs);
  void write_raw(Raw& raw);

  Engine& engine_;
  const bool sync_;
  Hooks hooks_;
  std::atomic<bool> broken_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> jobs_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ratchet

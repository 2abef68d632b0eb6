// The primary's side of replication for one epoch (DESIGN.md decision 9):
// numbers each commit with the next seq, sends it to every replica it
// streams to and to the local LogWriter, and answers it once it is durable
// here and acknowledged by every in-sync replica -- with at least
// min_insync copies and the lease still held. Otherwise it holds the answer;
// the control loop removes replicas that do not ack (remove_laggards) and
// adds those that caught up (caught_up), by compare-and-swap in the
// configuration manager, before telling it here (set_in_sync).
//
// Invariants: entries are sent and written in seq order; an answer is true
// only under the rule above; an answer is given only once the entry is
// durable here (or the writer broke), so that a caller that reads the store
// again sees all of the commit or none of it.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "cluster/log_writer.h"
#include "cluster/recent_log.h"
#include "cluster/shard_record.h"
#include "cluster/transport.h"
#include "store/committer.h"

namespace ratchet {

class Primary : public Committer {
 public:
  using Clock = std::chrono::steady_clock;
  struct Config {
    std::string self;
    ShardRecord record;  // the epoch this primary serves, as taken
    int min_insync = 2;
    std::chrono::milliseconds replica_timeout{1000};
    std::chrono::milliseconds answer_timeout{5000};  // then an answer is false
  };

  // `last_seq`: the seq of the last entry in the local store. `lease_held`
  // tells whether this node may still acknowledge (its own deadline).
  Primary(Config config, int64_t last_seq, LogWriter& writer, RecentLog& log,
          Transport& transport, std::function<bool()> lease_held);

  std::shared_future<bool> submit(Commit commit, std::function<void()> done) override;

  void on_ack(const std::string& from, int64_t seq);
  void on_local_durable(LogPosition position);
  // A replica at `position` asks for what follows.
  void on_join(const std::string& from, LogPosition position);

  // In-sync replicas that have not acknowledged an entry sent more than
  // replica_timeout ago.
  std::vector<std::string> laggards(Clock::time_point now) const;
  // Replicas streamed to, outside in_sync, that hold every entry assigned.
  std::vector<std::string> caught_up() const;
  // The in-sync set as now recorded (the primary first).
  void set_in_sync(const std::vector<std::string>& in_sync);
  // Gives the answers held longer than answer_timeout, or all once the lease
  // is not held: false.
  void expire(Clock::time_point now);
  // Refuses new commits; every held answer is false once durable here.
  void stop();

  int64_t epoch() const { return config_.record.epoch; }
  std::vector<std::string> in_sync() const;
  // Per replica streamed to: the last seq it acknowledged.
  std::map<std::string, int64_t> acked() const;
  // Per replica streamed to: how long the oldest entry it has not
  // acknowledged has waited (0: none waits).
  std::map<std::string, std::chrono::milliseconds> waiting(Clock::time_point now) const;
  int64_t last_seq() const;

 private:
  struct Held {
    int64_t seq;
    Clock::time_point sent;
    std::promise<bool> result;
    std::function<void()> done;
    bool answered = false;
  };

  bool accepting_locked() const;
  bool acknowledged_everywhere(int64_t seq) const;
  void settle();  // answers what can be answered, in seq order
  void answer(Held& h, bool ok);
  std::vector<std::string> streamed_locked() const;

  const Config config_;
  LogWriter& writer_;
  RecentLog& log_;
  Transport& transport_;
  const std::function<bool()> lease_held_;

  mutable std::mutex mu_;
  int64_t last_seq_;            // assigned
  int64_t durable_seq_;         // durable here
  std::vector<std::string> in_sync_;
  std::set<std::string> catching_up_;  // streamed to, not in in_sync
  std::map<std::string, int64_t> acked_;
  std::deque<Held> held_;
  bool stopped_ = false;
};

}  // namespace ratchet

// This node's part in the cluster (DESIGN.md decision 9, cluster/README.md).
// It holds a lease in the configuration manager (renewed every third of its
// TTL; this node acts as primary only until its own deadline, the last
// renewal sent + TTL - a margin, which comes before etcd can expire it),
// reads the shard record on every change, and plays the role the record
// gives it: primary (a Primary numbers and answers commits), replica (a
// Replica applies the primary's entries), or candidate (when the primary's
// lease is gone, the in-sync replica with the highest position takes the
// shard at epoch + 1 by compare-and-swap).
//
// Thread-safety: start() once; then every method may be called from any
// thread. One thread of its own runs the control loop, another the watch.
#pragma once

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "cluster/config_store.h"
#include "cluster/copier.h"
#include "cluster/log_writer.h"
#include "cluster/primary.h"
#include "cluster/recent_log.h"
#include "cluster/replica.h"
#include "cluster/shard_record.h"
#include "cluster/transport.h"
#include "ratchet/settings.h"
#include "store/committer.h"
#include "store/engine.h"

namespace ratchet {

// The version of the messages between nodes; a peer of another is refused.
constexpr int kClusterProtocol = 1;

class Member : public Inbox, public Committer {
 public:
  using Clock = std::chrono::steady_clock;
  struct Hooks {
    std::function<void()> promoted;  // this node takes writes: start the list actors
    std::function<void()> demoted;   // it no longer does: stop them before returning
    std::function<void()> membership_changed;  // replicated writes changed groups
  };
  // Where an Op goes: to this node's list actors, to the primary `node` at
  // `address`, or nowhere (no primary is known to be alive).
  struct Route {
    enum class Kind { kLocal, kRemote, kNone } kind = Kind::kNone;
    std::string node;
    std::string address;
  };

  Member(const Settings& settings, ConfigStore& config, Engine& engine, Transport& transport,
         Hooks hooks);
  ~Member();  // stop(), then writes what is queued

  // Stops taking part: refuses commits (those held are answered false once
  // durable here) and stops its threads; the lease then expires. Idempotent.
  void stop();

  // Joins: checks that the settings that must match do (throws ConfigError
  // naming those that differ), takes a lease, registers, starts the loop.
  // Throws ConfigStoreUnavailable when no configuration manager answers.
  void start();

  // Commits go to this node's Primary; refused (false) when it is not one.
  std::shared_future<bool> submit(Commit commit, std::function<void()> done) override;

  Route route() const;
  // The lease is held and, if primary, at least min_insync copies are in sync.
  bool healthy() const;
  // For GET /__cluster__: members, the shard's record, positions and lags.
  nlohmann::json status() const;

  void on_entries(const std::string& from, int64_t epoch, std::vector<LogEntry> e) override;
  void on_ack(const std::string& from, int64_t epoch, int64_t seq) override;
  void on_join(const std::string& from, int64_t epoch, LogPosition position) override;
  void on_copy_needed(const std::string& from, int64_t epoch) override;
  void on_copy_request(const std::string& from, int64_t epoch, std::string after) override;
  void on_copy_chunk(const std::string& from, int64_t epoch, std::vector<std::string> pairs,
                     bool last, LogPosition position) override;

 private:
  struct MemberInfo {
    std::string address;
    int64_t lease = 0;
    int protocol = 0;
  };

  void check_fingerprint();
  void register_self();
  void loop();
  void watch();
  void step();
  void renew();
  bool lease_held() const;
  void bootstrap();
  void elect(const ShardRecord& record, int64_t revision);
  void promote(const ShardRecord& record);
  void demote(const std::string& why);
  void maintain(const ShardRecord& record, int64_t revision);
  bool alive(const std::string& node) const;  // requires mu_
  void on_durable(LogPosition position);
  std::shared_ptr<Primary> primary() const;

  const Settings& settings_;
  const std::string self_;
  ConfigStore& config_;
  Engine& engine_;
  Transport& transport_;
  const Hooks hooks_;
  const std::chrono::milliseconds ttl_;

  RecentLog log_;
  std::unique_ptr<LogWriter> writer_;
  std::unique_ptr<Replica> replica_;
  Copier copier_;

  std::atomic<int64_t> lease_{0};
  std::atomic<Clock::rep> deadline_{0};  // steady clock ticks
  Clock::time_point next_renew_{};
  std::optional<Clock::time_point> election_since_;
  std::set<std::string> refused_;  // peers of another protocol, logged once

  mutable std::mutex mu_;
  std::shared_ptr<Primary> primary_;
  std::optional<ShardRecord> record_;
  std::map<std::string, MemberInfo> members_;
  LogPosition store_position_;

  std::mutex wake_mu_;
  std::condition_variable wake_;
  bool changed_ = false;
  std::atomic<bool> stopping_{false};
  std::thread loop_thread_;
  std::thread watch_thread_;
};

}  // namespace ratchet

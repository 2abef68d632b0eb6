// An in-memory ConfigStore for tests, with etcd's revisions: each write takes the next
// global revision and becomes its key's mod_revision. Leases never expire by themselves:
// a test ends one with expire(). set_unavailable() makes every call fail as an unreachable
// etcd would.
//
// Thread-safety: any method from any thread; `changed` and `stop` are called without the
// store's lock held, so they may call the store.
#pragma once

#include <chrono>
#include <condition_variable>
#include <list>
#include <map>
#include <mutex>
#include <set>

#include "cluster/config_store.h"

namespace ratchet {

class MemoryConfigStore : public ConfigStore {
 public:
  int64_t grant_lease(int ttl_seconds) override;
  bool keep_alive(int64_t lease) override;
  std::optional<KeyValue> get(const std::string& key) override;
  std::vector<KeyValue> list(const std::string& prefix) override;
  // False, as etcd, when `lease` has expired.
  bool compare_and_put(const std::string& key, const std::string& value, int64_t expected,
                       int64_t lease = 0) override;
  bool compare_and_delete(const std::string& key, int64_t expected) override;
  // Checks `stop` at least every kStopPoll.
  void watch(const std::string& prefix, const std::function<void()>& changed,
             const std::function<bool()>& stop) override;

  // Ends `lease` as if its TTL ran out: deletes its keys (one revision) and wakes watchers.
  void expire(int64_t lease);
  // While true, every call throws ConfigStoreUnavailable; a running watch() throws too.
  void set_unavailable(bool unavailable);

  static constexpr std::chrono::milliseconds kStopPoll{50};

 private:
  struct Watcher {
    std::string prefix;
    bool changed = false;
  };
  struct Registration;

  void check_available() const;          // requires mu_
  void touched(const std::string& key);  // requires mu_; marks the key's watchers

  std::mutex mu_;
  std::condition_variable cv_;            // a watcher was marked, or the store went down
  std::map<std::string, KeyValue> keys_;  // guarded by mu_
  std::set<int64_t> leases_;              // live leases; guarded by mu_
  std::list<Watcher> watchers_;           // guarded by mu_
  int64_t revision_ = 1;                  // the last write's; guarded by mu_
  int64_t last_lease_ = 0;                // guarded by mu_
  bool unavailable_ = false;              // guarded by mu_
};

}  // namespace ratchet

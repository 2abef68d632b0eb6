#include "cluster/memory_config_store.h"

#include <utility>

namespace ratchet {

// A watcher's place in watchers_, given up when the watch ends (however it ends).
struct MemoryConfigStore::Registration {
  std::unique_lock<std::mutex>& lock;  // on mu_
  std::list<Watcher>& watchers;
  std::list<Watcher>::iterator watcher;

  ~Registration() {
    if (!lock.owns_lock()) lock.lock();
    watchers.erase(watcher);
  }
};

void MemoryConfigStore::check_available() const {
  if (unavailable_) throw ConfigStoreUnavailable("memory config store: set unavailable");
}

void MemoryConfigStore::touched(const std::string& key) {
  for (Watcher& w : watchers_) {
    if (key.starts_with(w.prefix)) w.changed = true;
  }
  cv_.notify_all();
}

int64_t MemoryConfigStore::grant_lease(int /*ttl_seconds*/) {
  std::lock_guard<std::mutex> lock(mu_);
  check_available();
  leases_.insert(++last_lease_);
  return last_lease_;
}

bool MemoryConfigStore::keep_alive(int64_t lease) {
  std::lock_guard<std::mutex> lock(mu_);
  check_available();
  return leases_.count(lease) > 0;
}

std::optional<KeyValue> MemoryConfigStore::get(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  check_available();
  auto it = keys_.find(key);
  if (it == keys_.end()) return std::nullopt;
  return it->second;
}

std::vector<KeyValue> MemoryConfigStore::list(const std::string& prefix) {
  std::lock_guard<std::mutex> lock(mu_);
  check_available();
  std::vector<KeyValue> out;
  for (auto it = keys_.lower_bound(prefix); it != keys_.end() && it->first.starts_with(prefix);
       ++it) {
    out.push_back(it->second);
  }
  return out;
}

bool MemoryConfigStore::compare_and_put(const std::string& key, const std::string& value,
                                        int64_t expected, int64_t lease) {
  std::lock_guard<std::mutex> lock(mu_);
  check_available();
  if (lease != 0 && leases_.count(lease) == 0) return false;
  auto it = keys_.find(key);
  if ((it == keys_.end() ? 0 : it->second.mod_revision) != expected) return false;
  keys_[key] = KeyValue{key, value, ++revision_, lease};
  touched(key);
  return true;
}

bool MemoryConfigStore::compare_and_delete(const std::string& key, int64_t expected) {
  std::lock_guard<std::mutex> lock(mu_);
  check_available();
  auto it = keys_.find(key);
  if ((it == keys_.end() ? 0 : it->second.mod_revision) != expected) return false;
  if (it == keys_.end()) return true;  // as etcd: an absent key's mod_revision is 0
  keys_.erase(it);
  ++revision_;
  touched(key);
  return true;
}

void MemoryConfigStore::watch(const std::string& prefix, const std::function<void()>& changed,
                              const std::function<bool()>& stop) {
  std::unique_lock<std::mutex> lock(mu_);
  Registration registration{lock, watchers_, watchers_.insert(watchers_.end(), Watcher{prefix})};
  Watcher& self = *registration.watcher;
  while (true) {
    check_available();
    const bool fire = std::exchange(self.changed, false);
    lock.unlock();
    if (fire) changed();
    if (stop()) return;
    lock.lock();
    cv_.wait_for(lock, kStopPoll, [&] { return self.changed || unavailable_; });
  }
}

void MemoryConfigStore::expire(int64_t lease) {
  std::lock_guard<std::mutex> lock(mu_);
  if (leases_.erase(lease) == 0) return;
  bool deleted = false;
  for (auto it = keys_.begin(); it != keys_.end();) {
    if (it->second.lease != lease) {
      ++it;
      continue;
    }
    touched(it->first);
    it = keys_.erase(it);
    deleted = true;
  }
  if (deleted) ++revision_;
}

void MemoryConfigStore::set_unavailable(bool unavailable) {
  std::lock_guard<std::mutex> lock(mu_);
  unavailable_ = unavailable;
  cv_.notify_all();
}

}  // namespace ratchet

// The configuration manager as the cluster sees it: a small linearizable
// key-value store with leases and compare-and-swap (etcd in production,
// etcd_client.h; an in-memory one in tests, memory_config_store.h). It holds
// configuration only (members, shard records), never data.
//
// Thread-safety: every method may be called from any thread. A call that
// cannot reach the store within its timeout throws ConfigStoreUnavailable;
// the caller cannot tell whether a write it made then took effect, so every
// write is a compare-and-swap, safe to retry.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ratchet {

class ConfigStoreUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct KeyValue {
  std::string key;
  std::string value;
  int64_t mod_revision = 0;  // the store's revision of the key's last write
  int64_t lease = 0;         // 0: not bound to a lease
};

class ConfigStore {
 public:
  virtual ~ConfigStore() = default;

  // A new lease of `ttl_seconds`; keys written with it vanish when it expires.
  virtual int64_t grant_lease(int ttl_seconds) = 0;
  // Renews the lease; false when it has already expired (not an error).
  virtual bool keep_alive(int64_t lease) = 0;

  virtual std::optional<KeyValue> get(const std::string& key) = 0;
  // Every key that starts with `prefix`, in key order.
  virtual std::vector<KeyValue> list(const std::string& prefix) = 0;

  // Writes `value` (bound to `lease` unless 0) only if the key's
  // mod_revision is `expected` (0: only if the key is absent). True when written;
  // false also when `lease` has expired (then keep_alive says so too).
  virtual bool compare_and_put(const std::string& key, const std::string& value,
                               int64_t expected, int64_t lease = 0) = 0;
  // Deletes the key only if its mod_revision is `expected` (an absent key's is 0).
  virtual bool compare_and_delete(const std::string& key, int64_t expected) = 0;

  // Calls `changed` after any key under `prefix` changes (written, deleted,
  // or expired with its lease), until `stop` returns true. One call may stand
  // for several changes; changes made before the watch got going are not
  // reported. Blocks; run it on its own thread. Returns when stopped; throws
  // ConfigStoreUnavailable when the store cannot be reached (the caller retries).
  virtual void watch(const std::string& prefix, const std::function<void()>& changed,
                     const std::function<bool()>& stop) = 0;
};

}  // namespace ratchet

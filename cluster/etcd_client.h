// ConfigStore over etcd 3.4's v3 JSON gateway (POST /v3/...). A call that fails on one
// member (transport error, timeout, or etcd answering 5xx, e.g. "no leader") is tried on the
// next; every call is a read or a txn, so a retry is safe. A request etcd refuses as invalid
// (e.g. over 1.5 MB) throws std::runtime_error: it would fail on every member.
//
// Thread-safety: any method from any thread. Each endpoint keeps a pool of keep-alive
// connections (one per concurrent caller); each watch has a connection of its own.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "cluster/config_store.h"

namespace ratchet {

class EtcdClient : public ConfigStore {
 public:
  // `endpoints`: the members' client URLs, e.g. "http://127.0.0.21:2379" (at least one).
  // `timeout_ms` bounds connecting, and each read and write, of one try on one member.
  // `source_address`: the local IP address to send from (empty: the kernel picks).
  explicit EtcdClient(std::vector<std::string> endpoints, int timeout_ms = 500,
                      std::string source_address = "");
  ~EtcdClient() override;

  int64_t grant_lease(int ttl_seconds) override;
  bool keep_alive(int64_t lease) override;
  std::optional<KeyValue> get(const std::string& key) override;
  std::vector<KeyValue> list(const std::string& prefix) override;
  bool compare_and_put(const std::string& key, const std::string& value, int64_t expected,
                       int64_t lease = 0) override;
  bool compare_and_delete(const std::string& key, int64_t expected) override;
  // Reconnects every kWatchPoll while idle (from the revision it has seen), so that `stop`
  // is polled at least that often.
  void watch(const std::string& prefix, const std::function<void()>& changed,
             const std::function<bool()>& stop) override;

  static constexpr std::chrono::milliseconds kWatchPoll{500};

 private:
  struct Endpoint;
  struct WatchState;

  // etcd's answer, or its refusal ({"error": ..., "code": <gRPC code>}); tries every member.
  nlohmann::json request(const std::string& path, const nlohmann::json& body);
  // etcd's answer; a refusal throws std::runtime_error.
  nlohmann::json call(const std::string& path, const nlohmann::json& body);
  // Whether the watch got going on `endpoint` (it ends on idle or stop); else false with
  // the reason in `error`.
  bool watch_on(const Endpoint& endpoint, WatchState& state,
                const std::function<void()>& changed, const std::function<bool()>& stop,
                std::string* error);

  std::vector<std::unique_ptr<Endpoint>> endpoints_;
  const std::chrono::milliseconds timeout_;
  const std::string source_address_;
  std::atomic<size_t> preferred_{0};  // the member that answered last
};

}  // namespace ratchet

// This node's endpoint for its peers, over CAF's middleman: it carries the
// replication messages (cluster/transport.h) and the Ops other nodes forward
// to this one when it is the shard's primary. One connection per peer, kept
// by a thread per peer that reconnects (after probing the address with a
// short timeout, so an isolated peer never blocks the others).
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "actors/messages.h"
#include "cluster/transport.h"

namespace ratchet {

class ClusterPeer : public Transport {
 public:
  // Answers an Op forwarded to this node (never forwards it again).
  using Serve = std::function<void(caf::typed_response_promise<Result>, Op)>;

  // `advertise`: host:port where peers reach this node.
  ClusterPeer(caf::actor_system& system, std::string self, std::string advertise);
  ~ClusterPeer() override;  // stop()

  // Closes the endpoint and stops reconnecting. Idempotent.
  void stop();

  // Publishes the endpoint, which delivers replication messages to `inbox`
  // and Ops to `serve`; throws ConfigError when it cannot listen there.
  void start(Inbox& inbox, Serve serve);

  // Sends `op` to node `to` and waits for its Result, at most `timeout`;
  // 503 when the node cannot be reached or does not answer in time.
  Result forward(const std::string& to, const Op& op, std::chrono::milliseconds timeout);

  void peers(const std::map<std::string, std::string>& addresses) override;
  void entries(const std::string& to, int64_t epoch, std::vector<LogEntry> entries) override;
  void ack(const std::string& to, int64_t epoch, int64_t seq) override;
  void join(const std::string& to, int64_t epoch, LogPosition position) override;
  void copy_needed(const std::string& to, int64_t epoch) override;
  void copy_request(const std::string& to, int64_t epoch, std::string after) override;
  void copy_chunk(const std::string& to, int64_t epoch, std::vector<std::string> pairs, bool last,
                  LogPosition position) override;

  struct Impl;  // public: the endpoint actor (cluster_peer.cpp) uses it too

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace ratchet

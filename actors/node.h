// A ratchet node: the object tree behind one interface. Reads are answered
// from a store snapshot on the calling thread; writes go to the actor that
// owns the target list (through the router) and return once committed. In a
// cluster, Ops go to the shard's primary (this node or another); reads too,
// unless cluster_read = local.
// CAF stays inside node.cpp.
//
// Thread-safety: every method may be called from any number of threads.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "resource/write_stats.h"
#include "ratchet/op.h"
#include "ratchet/plugin.h"
#include "ratchet/registry.h"
#include "ratchet/settings.h"

namespace ratchet {

class Engine;

class Node : public Objects {
 public:
  // `registry` and `settings` must outlive the node. The first form opens
  // the engine the settings name (storage_backend, storage_path) and throws
  // StoreError when it cannot.
  Node(const Registry& registry, const Settings& settings);
  Node(const Registry& registry, const Settings& settings, std::unique_ptr<Engine> engine);
  ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // Executes one Op and blocks until its Result (writes: until durable).
  Result execute(const Op& op) override;

  // The stored text of an object, read without permission checks (for
  // authentication policies and plugins).
  std::optional<std::string> stored(const std::string& resource, const std::string& parent,
                                    const std::string& id) override;

  // GET /v1/permissions for the Op's principals (see permission_entries.h).
  Result list_permissions(const Op& op);

  // Every principal of a user (see principals_of in read_path.h).
  std::vector<std::string> principals(const std::string& user_id) override;

  // Writes and reads back a probe key; false when the store fails.
  bool store_healthy();

  // Called once the node is about to stop (e.g. on SIGTERM, before the HTTP
  // server waits for the requests in progress): list reads, counts and
  // plural deletes in progress end at the next object they read, answering
  // 503 errno 201, as do those that start afterwards. Other reads and writes
  // are not affected.
  void begin_shutdown();

  // In a cluster (settings.clustered()): whether this node holds its lease
  // and, as primary, has enough copies in sync; and its view of the cluster
  // as a JSON object (cluster/member.h). Single node: true and "".
  bool clustered() const;
  bool cluster_healthy() const;
  std::string cluster_status() const;

  const WriteStats& stats() const;
  const Registry& registry() const;
  const Settings& settings() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ratchet

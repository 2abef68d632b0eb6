// The messages of replication between nodes (cluster/README.md), one way
// and best effort: a message may be lost or arrive late, never out of order
// between two nodes. Whoever sends one recovers from a loss: a replica that
// sees a gap joins again; a primary removes a replica that does not ack.
// Every message names the sender's view of the shard's epoch; receivers
// drop messages of an older epoch.
//
// Transport sends (actors/cluster_peer.cpp, over CAF); Inbox receives.
// Thread-safety: both may be used from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "cluster/log_entry.h"

namespace ratchet {

class Transport {
 public:
  virtual ~Transport() = default;
  // The nodes to stay connected to: node id -> host:port of its endpoint.
  virtual void peers(const std::map<std::string, std::string>& addresses) = 0;
  // Primary -> replica: the next entries of the log, in seq order.
  virtual void entries(const std::string& to, int64_t epoch, std::vector<LogEntry> entries) = 0;
  // Replica -> primary: every entry up to `seq` is durable here.
  virtual void ack(const std::string& to, int64_t epoch, int64_t seq) = 0;
  // Replica -> primary: my store stands at `position`; send what follows.
  virtual void join(const std::string& to, int64_t epoch, LogPosition position) = 0;
  // Primary -> replica: your store is not a prefix of the log (or the log
  // no longer reaches back to it): copy mine.
  virtual void copy_needed(const std::string& to, int64_t epoch) = 0;
  // Replica -> primary: the keys of your copy after `after` ("": a new copy).
  virtual void copy_request(const std::string& to, int64_t epoch, std::string after) = 0;
  // Primary -> replica: keys and values, alternating; `last`: the copy is
  // complete and stands at `position`.
  virtual void copy_chunk(const std::string& to, int64_t epoch, std::vector<std::string> pairs,
                          bool last, LogPosition position) = 0;
};

class Inbox {
 public:
  virtual ~Inbox() = default;
  virtual void on_entries(const std::string& from, int64_t epoch, std::vector<LogEntry> e) = 0;
  virtual void on_ack(const std::string& from, int64_t epoch, int64_t seq) = 0;
  virtual void on_join(const std::string& from, int64_t epoch, LogPosition position) = 0;
  virtual void on_copy_needed(const std::string& from, int64_t epoch) = 0;
  virtual void on_copy_request(const std::string& from, int64_t epoch, std::string after) = 0;
  virtual void on_copy_chunk(const std::string& from, int64_t epoch,
                             std::vector<std::string> pairs, bool last, LogPosition position) = 0;
};

}  // namespace ratchet

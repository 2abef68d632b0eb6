// The workload of the fault tests: writer threads that race on a few shared
// records of one bucket through any of the nodes, with If-Match /
// If-None-Match preconditions, recording every write in a History; and the
// reading of every node's final state for check_history. It does not know how
// the nodes are started. FaultWorkload's methods are called from one thread;
// history() may be read while it runs.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "tests/history.h"
#include "tests/history_checker.h"

namespace ratchet::testing {

struct WorkloadOptions {
  std::vector<std::string> nodes;  // base URLs, e.g. http://127.0.0.1:8888/v1
  int writers = 6;
  std::string bucket = "b";
  std::vector<std::string> collections = {"c"};
  int records = 20;  // ids r00, r01, ... shared by every writer, in each collection
  std::string user = "fault";  // Basic auth
  std::string password = "pw";
  int timeout_ms = 5000;      // per request: connect, read and write
  double delete_ratio = 0.1;  // of the writes to a record that exists
  // The node (index into `nodes`) for the read (`write` false) or the write
  // of operation `op` of `writer`. Unset: round-robin, op k reads from node
  // r = (writer + k) % N and writes to node (r + 1 + k / N) % N, so that every
  // (read node, write node) pair comes up in turn.
  std::function<size_t(int writer, uint64_t op, bool write)> pick_node;
  int page_size = 100;  // _limit when reading the final state
  uint64_t seed = 1;
};

class FaultWorkload {
 public:
  explicit FaultWorkload(WorkloadOptions options);
  ~FaultWorkload();  // stop()
  FaultWorkload(const FaultWorkload&) = delete;
  FaultWorkload& operator=(const FaultWorkload&) = delete;

  // Creates the bucket and the collections (If-None-Match: *, so an existing
  // one is kept) through the nodes in turn until each is there or `timeout`
  // passes; returns "" or what failed last.
  std::string prepare(std::chrono::milliseconds timeout = std::chrono::seconds(30));

  // Starts the writers; each loops until stop(). A write that ends in a
  // timeout, connection error or 5xx is recorded as unknown and the writer
  // pauses (Retry-After, at most 1 s) and goes on.
  void start();
  void stop();  // the writers finish the request they have in flight

  const History& history() const { return history_; }
  size_t acknowledged() const { return acknowledged_.load(); }

 private:
  struct Writer;
  void run_writer(int id);
  void step(Writer& w);
  void write(Writer& w, uint64_t k, OpKind kind, const std::string& collection,
             const std::string& record, int64_t etag);
  void pause(int ms) const;

  const WorkloadOptions options_;
  History history_;
  std::atomic<bool> stopping_{false};
  std::atomic<size_t> acknowledged_{0};
  std::vector<std::thread> threads_;
};

// What `node` holds of the workload's collections: each collection's list
// timestamp and live records (every page, following Next-Page). A node that
// cannot be read gets `error`; a collection answering 404 is left out.
NodeState read_node_state(const std::string& node, const WorkloadOptions& options);

// read_node_state of every URL, in order: the input of check_history.
std::vector<NodeState> final_state(const std::vector<std::string>& urls,
                                   const WorkloadOptions& options);

}  // namespace ratchet::testing

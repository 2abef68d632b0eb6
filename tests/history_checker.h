// Checks the history of a fault run against the final state read from every
// node after healing: durability of acknowledged writes, no lost update,
// timestamps, convergence of the nodes and the origin of every final value.
// Pure functions of their inputs; safe to call from any thread.
//
// Assumes what the fault workload guarantees: every value is written once,
// and the records of the checked collections are written only by the history.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tests/history.h"

namespace ratchet::testing {

// A live record as one node holds it.
struct RecordState {
  int64_t last_modified = 0;
  std::string value;  // data.v (what a write of the history put there)
};

struct CollectionState {
  int64_t timestamp = 0;                       // the ETag of GET .../records
  std::map<std::string, RecordState> records;  // live records by id (tombstones absent)
};

// What one node holds after healing.
struct NodeState {
  std::string node;   // base URL, e.g. http://127.0.0.1:8888/v1
  std::string error;  // non-empty: the node could not be read (a violation)
  std::map<std::string, CollectionState> collections;  // by collection_key(bucket, collection)
};

enum class Check {
  kDurability,   // an acknowledged write (or delete) missing from a node
  kLostUpdate,   // acknowledged writes that do not form one chain of versions
  kTimestamps,   // timestamps not increasing in real-time order, or not distinct
  kConvergence,  // nodes that differ (or could not be read)
  kOrigin,       // a final value that no attempted write wrote, or a failed write's value
};
constexpr size_t kCheckCount = 5;

const char* check_name(Check check);

struct Violation {
  Check check;
  std::string description;  // names the operation(s) and the node
};

struct OutcomeCounts {
  size_t ok = 0;
  size_t failed = 0;
  size_t unknown = 0;
};

struct CheckReport {
  std::vector<Violation> violations;
  std::array<OutcomeCounts, 3> counts{};  // indexed by OpKind

  bool clean() const { return violations.empty(); }
  size_t count(Check check) const;
  const OutcomeCounts& of(OpKind kind) const { return counts[static_cast<size_t>(kind)]; }
  // Counts per kind and per check, then the first `max_listed` violations
  // (violations are grouped by check, in the order of Check).
  std::string summary(size_t max_listed = 50) const;
};

CheckReport check_history(const std::vector<Operation>& ops, const std::vector<NodeState>& nodes);

}  // namespace ratchet::testing

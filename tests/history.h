// The recorded history of a fault run: every write a client attempted on a
// record, with its precondition, the value it wrote, when it ran, which node
// served it and what came of it. History is thread-safe (writers append
// concurrently); Operation and the free functions are plain values.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "ratchet/json.h"

namespace ratchet::testing {

enum class OpKind {
  kCreate,  // PUT with If-None-Match: *
  kUpdate,  // PUT with If-Match: "<etag>"
  kDelete,  // DELETE with If-Match: "<etag>"
};

enum class Outcome {
  kOk,       // 2xx: the write happened, at `last_modified`
  kFailed,   // 412, 404, other 4xx: the write did not happen
  kUnknown,  // timeout, connection error, 5xx (503 in failover): it may have happened
};

struct Operation {
  int client = 0;          // writer id
  std::string bucket;      // the target record: bucket / collection / record
  std::string collection;
  std::string record;
  OpKind kind = OpKind::kCreate;
  int64_t if_match = 0;    // the etag of If-Match (update, delete); 0 for a create
  std::string value;       // the unique value written ({"v": value}); empty for a delete
  int64_t invoke_us = 0;   // steady clock, when the request was sent
  int64_t complete_us = 0; // steady clock, when its answer (or failure) came
  std::string node;        // base URL of the node asked, e.g. http://127.0.0.1:8888/v1
  Outcome outcome = Outcome::kUnknown;
  int status = 0;          // HTTP status; 0 when none came
  int64_t last_modified = 0;  // kOk: the ETag of the answer (the new version, or tombstone)
  std::string error;       // kFailed / kUnknown: what happened, for reports
};

// Microseconds of the steady clock (the clock of invoke_us and complete_us).
int64_t now_us();

const char* kind_name(OpKind kind);
const char* outcome_name(Outcome outcome);

// "b/c": the key of a collection in NodeState and in reports.
std::string collection_key(const std::string& bucket, const std::string& collection);

// "b/c/r": a record's key in reports.
std::string record_key(const Operation& op);

// One line naming an operation for reports, e.g.
// `#12 client 3 update b/c/r07 If-Match "17" value "c3-5" via http://... -> ok ts 21`.
std::string describe(const Operation& op, size_t index);

Json to_json(const Operation& op);

// Appended to by concurrent writers; read once the run is over (or while it
// runs, as a snapshot).
class History {
 public:
  void add(Operation op);
  std::vector<Operation> operations() const;  // a copy, in order of completion
  size_t size() const;

 private:
  mutable std::mutex mu_;
  std::vector<Operation> ops_;
};

}  // namespace ratchet::testing

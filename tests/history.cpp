#include "tests/history.h"

#include <chrono>
#include <utility>

namespace ratchet::testing {

int64_t now_us() {
  auto since = std::chrono::steady_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::microseconds>(since).count();
}

const char* kind_name(OpKind kind) {
  switch (kind) {
    case OpKind::kCreate: return "create";
    case OpKind::kUpdate: return "update";
    case OpKind::kDelete: return "delete";
  }
  return "?";
}

const char* outcome_name(Outcome outcome) {
  switch (outcome) {
    case Outcome::kOk: return "ok";
    case Outcome::kFailed: return "failed";
    case Outcome::kUnknown: return "unknown";
  }
  return "?";
}

std::string collection_key(const std::string& bucket, const std::string& collection) {
  return bucket + "/" + collection;
}

std::string record_key(const Operation& op) {
  return collection_key(op.bucket, op.collection) + "/" + op.record;
}

std::string describe(const Operation& op, size_t index) {
  std::string s = "#" + std::to_string(index) + " client " + std::to_string(op.client) + " " +
                  kind_name(op.kind) + " " + record_key(op);
  if (op.kind == OpKind::kCreate) {
    s += " If-None-Match *";
  } else {
    s += " If-Match \"" + std::to_string(op.if_match) + "\"";
  }
  if (!op.value.empty()) s += " value \"" + op.value + "\"";
  s += " via " + op.node + " -> " + outcome_name(op.outcome);
  if (op.outcome == Outcome::kOk) s += " ts " + std::to_string(op.last_modified);
  if (op.status != 0) s += " (" + std::to_string(op.status) + ")";
  if (!op.error.empty()) s += " " + op.error;
  return s;
}

Json to_json(const Operation& op) {
  return Json{{"client", op.client},
              {"bucket", op.bucket},
              {"collection", op.collection},
              {"record", op.record},
              {"kind", kind_name(op.kind)},
              {"if_match", op.if_match},
              {"value", op.value},
              {"invoke_us", op.invoke_us},
              {"complete_us", op.complete_us},
              {"node", op.node},
              {"outcome", outcome_name(op.outcome)},
              {"status", op.status},
              {"last_modified", op.last_modified},
              {"error", op.error}};
}

void History::add(Operation op) {
  std::lock_guard<std::mutex> lock(mu_);
  ops_.push_back(std::move(op));
}

std::vector<Operation> History::operations() const {
  std::lock_guard<std::mutex> lock(mu_);
  return ops_;
}

size_t History::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return ops_.size();
}

}  // namespace ratchet::testing

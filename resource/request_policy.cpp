#include "resource/request_policy.h"

#include "core/timestamp.h"

namespace ratchet {

Result denied(const Op& op) { return Result::of(errors::not_allowed(op.user_id)); }

Result parent_missing(const ResourceType& type, std::string_view parent) {
  return Result::of(errors::parent_missing(std::string(split_uri(parent).second), type.parent));
}

Refusal missing_object(const Op& op, const ResourceType& type, bool exists) {
  if (exists) return pass();
  return Result::of(errors::object_missing(op.id, type.name));
}

Refusal check_preconditions(const Op& op, bool read, const PreconditionTarget& target) {
  if (read && op.if_none_match.kind == Precondition::kValue &&
      op.if_none_match.value == target.timestamp) {
    Result r;
    r.status = 304;
    r.timestamp = target.timestamp;
    return r;
  }
  bool failed = target.exists ? op.if_none_match.kind == Precondition::kAny ||
                                    (op.if_match.kind == Precondition::kValue &&
                                     op.if_match.value != target.timestamp)
                              : op.if_match.kind != Precondition::kNone;
  if (!failed) return std::nullopt;
  Result r = Result::of(errors::precondition_failed(std::string(target.shown)));
  r.timestamp = target.timestamp;
  return r;
}

std::optional<int64_t> kept_client_timestamp(std::optional<int64_t> client, bool exists,
                                             int64_t current) {
  if (!client || !acceptable_client_timestamp(*client, now_ms())) return std::nullopt;
  if (exists && *client <= current) return std::nullopt;
  return client;
}

}  // namespace ratchet

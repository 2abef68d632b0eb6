// The request policy shared by every verb on a list, read or write: the
// order in which a request is refused, the refusals themselves, the
// preconditions of PROTOCOL.md §5.2 and the client-timestamp rule of §2.4.
//
// Order (Kinto's): the first step that refuses answers.
//   1. permission     401/403
//   2. parent         404 when the parent object is missing
//   3. request        the frontend's 400 on the id, body or querystring
//   4. target         404 when the object is missing (for those who may
//                     know it), 400 when a create names no id or a
//                     _token no longer names a page
//   5. preconditions  304 (reads) or 412
//   6. hook           the type's before_write (writes)
// Stateless; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ratchet/op.h"
#include "ratchet/registry.h"

namespace ratchet {

using Refusal = std::optional<Result>;

// Runs the steps in the policy's order; each is a callable returning a
// Refusal and is called only when every earlier step let the request pass.
template <class Permission, class Parent, class Target, class Preconditions, class Hook>
Refusal first_refusal(const Op& op, Permission permission, Parent parent, Target target,
                      Preconditions preconditions, Hook hook) {
  if (Refusal r = permission()) return r;
  if (Refusal r = parent()) return r;
  if (op.has_error) return Result::of(op.error);
  if (Refusal r = target()) return r;
  if (Refusal r = preconditions()) return r;
  return hook();
}

// A step that lets every request pass.
inline Refusal pass() { return std::nullopt; }

// 401 for an anonymous caller, 403 otherwise.
Result denied(const Op& op);
// The permission step: nothing when `allowed`, else denied(op).
inline Refusal permission(bool allowed, const Op& op) {
  return allowed ? pass() : Refusal(denied(op));
}
// 404 of a missing parent object (a records list whose collection is gone).
Result parent_missing(const ResourceType& type, std::string_view parent);
// The target step on an object: 404 unless it `exists`.
Refusal missing_object(const Op& op, const ResourceType& type, bool exists);

// What preconditions are checked against: an object, or a list (whose
// timestamp stands for it). A missing object has the list's timestamp.
struct PreconditionTarget {
  bool exists = true;
  int64_t timestamp = 0;
  std::string_view shown;  // the object shown in a 412 ("" for a list or a missing object)
};

// §5.2: on reads, 304 when If-None-Match names the current timestamp; then
// 412 when If-Match names another timestamp, If-None-Match: * finds the
// target, or If-Match finds no object.
Refusal check_preconditions(const Op& op, bool read, const PreconditionTarget& target);

// §2.4: the client's last_modified (`client`, when it sent one) is kept when
// it is acceptable and the object is new or the value is newer than `current`.
std::optional<int64_t> kept_client_timestamp(std::optional<int64_t> client, bool exists,
                                             int64_t current);

}  // namespace ratchet

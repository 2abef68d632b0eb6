// The three PATCH variants of PROTOCOL.md §6, applied to an object's data
// (with id and last_modified) and its ACL (permission -> principals).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ratchet/error.h"
#include "ratchet/json.h"
#include "ratchet/op.h"

namespace ratchet {

// What the copy and move operations of one JSON Patch may duplicate, in
// all (bytes of JSON, as json_size counts them).
constexpr size_t kMaxPatchCopyBytes = 8 * 1024 * 1024;

// Applies `op`'s patch to `data` and `acl`. `valid_permissions` are the
// permission names of the object's type. Returns a 400 when the patch does
// not apply (failed JSON Patch operation, changed id, unknown permission,
// copies over kMaxPatchCopyBytes); `data` and `acl` may then be partly
// patched, and are to be discarded.
std::optional<Error> apply_patch(const Op& op, const std::vector<std::string>& valid_permissions,
                                 Json& data, Json& acl);

// Checks the shape of an RFC 6902 operation list; appends problems.
void check_json_patch(const Json& ops, std::vector<ErrorDetail>& problems);

}  // namespace ratchet

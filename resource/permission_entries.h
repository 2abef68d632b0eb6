// GET /v1/permissions (PROTOCOL.md §7.9): one entry per object on which the
// caller's principals hold a permission -- from the permission index, checked
// against each ACL -- plus the grants of settings (<type>_<perm>_principals).
// Each entry lists the permissions held, expanded to those they imply on the
// same object. Filters, _sort (default -uri), _limit, _token and _fields
// apply as on other lists, on the entries' fields only.
#pragma once

#include "resource/context.h"
#include "ratchet/op.h"
#include "store/engine.h"

namespace ratchet {

Result list_permissions(Context& ctx, const Snapshot& snapshot, const Op& op);

}  // namespace ratchet

// Who a request acts for (PROTOCOL.md §7.1).
#pragma once

#include <string>
#include <vector>

#include "core/acl.h"

namespace ratchet {

// The principal recorded as writer of what a request creates or changes:
// the user id, or system.Everyone for an anonymous request (§7.6).
inline std::string acting_principal(const std::string& user_id) {
  return user_id.empty() ? std::string(kEveryone) : user_id;
}

}  // namespace ratchet

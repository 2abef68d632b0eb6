// Access control lists as stored: a minified JSON object mapping permission
// names to arrays of principals, e.g. {"read":["system.Everyone"],"write":["basicauth:..."]}.
// The same text is spliced into responses as "permissions".
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ratchet/json.h"

namespace ratchet {

inline constexpr std::string_view kEveryone = "system.Everyone";
inline constexpr std::string_view kAuthenticated = "system.Authenticated";

// True when `principal` may be named in an ACL or a group: not empty, and
// without NUL (the separator of the store's principal keys).
bool valid_principal(std::string_view principal);

// True when one of `principals` is listed under one of `perms` (every
// permission when `perms` is empty).
bool acl_grants(std::string_view acl, const std::vector<std::string_view>& perms,
                const std::vector<std::string>& principals);

// Every principal named in an ACL.
std::set<std::string> acl_principals(std::string_view acl);

// Normal form of an ACL document: permissions sorted, principals sorted and
// unique, empty permissions dropped.
std::string acl_text(const Json& acl);

}  // namespace ratchet

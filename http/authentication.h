// Authentication (PROTOCOL.md §7.1). The basicauth policy: any
// "Authorization: Basic base64(user:password)" with a non-empty user name
// authenticates as basicauth:<hex HMAC-SHA256 of "user:password" keyed by
// userid_hmac_secret>. Invalid credentials leave the request anonymous.
#pragma once

#include <string>

namespace ratchet {

// The prefixed user id, or "" when the header does not authenticate.
// Thread-safe; results are cached per thread.
std::string authenticate(const std::string& authorization, const std::string& hmac_secret);

}  // namespace ratchet

// The credentials of an "Authorization: Basic base64(user:password)" header
// (RFC 7617): the scheme case-insensitively, padded base64, and a user name
// before the first colon. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace ratchet {

// (user, password), or nullopt when the header is not Basic, is not valid
// base64, or names no user ("" or no colon).
std::optional<std::pair<std::string, std::string>> basic_credentials(const std::string& header);

}  // namespace ratchet

// Authentication (PROTOCOL.md §7.1, §12.3): the policies named in
// multiauth.policies, tried in order; the first that accepts the
// credentials gives the user id "<policy>:<identifier>". Credentials no
// policy accepts leave the request anonymous (never a 401 by themselves).
//   basicauth: any "Basic base64(user:password)" with a user name;
//              identifier = hex HMAC-SHA256 of "user:password" keyed by
//              userid_hmac_secret.
//   account:   the password matches the bcrypt hash of account <user>;
//              identifier = the user name. Checks (failed ones too: bcrypt
//              is slow on purpose) are remembered for
//              account_cache_ttl_seconds, keyed by a hash of the
//              credentials, and forgotten as soon as the account changes.
// Thread-safe.
#pragma once

#include <mutex>
#include <string>
#include <unordered_map>

#include "actors/node.h"

namespace ratchet {

class Authenticator {
 public:
  explicit Authenticator(Node& node) : node_(node) {}

  // The prefixed user id, or "" when no policy accepts the header.
  std::string user_id(const std::string& authorization);

 private:
  std::string account(const std::string& user, const std::string& password,
                      const std::string& authorization);

  struct Checked {
    std::string account_text;  // the account as it was when checked
    bool matched;
    int64_t expires_ms;
  };
  Node& node_;
  std::mutex mu_;
  std::unordered_map<std::string, Checked> accounts_;  // by SHA-256 of the Authorization header
};

}  // namespace ratchet

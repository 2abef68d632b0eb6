// Authentication (PROTOCOL.md §7.1, §12.3): the policies named in
// multiauth.policies, tried in order; the first that accepts the
// credentials gives the user id "<policy>:<identifier>". Credentials no
// policy accepts leave the request anonymous (never a 401 by themselves).
//   basicauth: any "Basic base64(user:password)" with a user name;
//              identifier = hex HMAC-SHA256 of "user:password" keyed by
//              userid_hmac_secret.
//   others:    the AuthPolicy an included plugin registered under that name.
// Thread-safe.
#pragma once

#include <string>

#include "actors/node.h"

namespace ratchet {

class Authenticator {
 public:
  explicit Authenticator(Node& node) : node_(node) {}

  // The prefixed user id, or "" when no policy accepts the header.
  std::string user_id(const std::string& authorization);

 private:
  Node& node_;
};

}  // namespace ratchet

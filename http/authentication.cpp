#include "http/authentication.h"

#include "core/crypto.h"
#include "http/basic_credentials.h"

namespace ratchet {

std::string Authenticator::user_id(const std::string& authorization) {
  if (authorization.empty()) return "";
  auto credentials = basic_credentials(authorization);
  if (!credentials) return "";
  const auto& [user, password] = *credentials;
  const Settings& settings = node_.settings();
  for (const auto& policy : settings.multiauth_policies) {
    if (policy == "basicauth") {
      return "basicauth:" + hmac_sha256_hex(settings.userid_hmac_secret, user + ":" + password);
    }
    const AuthPolicy* plugin = node_.registry().auth_policy(policy);
    if (!plugin) continue;
    if (auto id = (*plugin)(node_, user, password, authorization)) return policy + ":" + *id;
  }
  return "";
}

}  // namespace ratchet

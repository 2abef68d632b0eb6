#include "http/authentication.h"

#include "core/accounts.h"
#include "core/crypto.h"
#include "core/json.h"
#include "core/password.h"
#include "core/timestamp.h"
#include "http/basic_credentials.h"

namespace ratchet {
namespace {

std::string basicauth(const std::string& user, const std::string& password,
                      const std::string& secret) {
  return "basicauth:" + hmac_sha256_hex(secret, user + ":" + password);
}

}  // namespace

std::string Authenticator::user_id(const std::string& authorization) {
  if (authorization.empty()) return "";
  auto credentials = basic_credentials(authorization);
  if (!credentials) return "";
  const Settings& settings = node_.settings();
  for (const auto& policy : settings.multiauth_policies) {
    if (policy == "basicauth") {
      return basicauth(credentials->first, credentials->second, settings.userid_hmac_secret);
    }
    std::string id = account(credentials->first, credentials->second, authorization);
    if (!id.empty()) return id;
  }
  return "";
}

std::string Authenticator::account(const std::string& user, const std::string& password,
                                   const std::string& authorization) {
  auto text = node_.stored("account", "", user);
  if (!text) return "";
  std::string key = sha256_hex(authorization);
  int64_t now = now_ms();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = accounts_.find(key);
    if (it != accounts_.end() && it->second.account_text == *text && it->second.expires_ms > now) {
      return it->second.matched ? kAccountPrefix + user : "";
    }
  }
  Json account = try_parse_json(*text).value_or(Json());
  bool matched = account.is_object() && account.contains("password") &&
                 account["password"].is_string() &&
                 verify_password(password, account["password"].get<std::string>());
  std::lock_guard<std::mutex> lock(mu_);
  if (accounts_.size() > 10000) accounts_.clear();
  accounts_[key] = {*text, matched, now + node_.settings().account_cache_ttl_seconds * 1000LL};
  return matched ? kAccountPrefix + user : "";
}

}  // namespace ratchet

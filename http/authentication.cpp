#include "http/authentication.h"

#include <strings.h>

#include <unordered_map>

#include "core/crypto.h"

namespace ratchet {
namespace {

std::string basicauth(const std::string& authorization, const std::string& secret) {
  static const std::string scheme = "Basic ";
  if (authorization.size() <= scheme.size() ||
      strncasecmp(authorization.c_str(), scheme.c_str(), scheme.size()) != 0) {
    return "";
  }
  size_t start = authorization.find_first_not_of(' ', scheme.size());
  if (start == std::string::npos) return "";
  auto credentials = base64_decode(authorization.substr(start));
  if (!credentials) return "";
  size_t colon = credentials->find(':');
  if (colon == 0 || colon == std::string::npos) return "";
  return "basicauth:" + hmac_sha256_hex(secret, *credentials);
}

}  // namespace

std::string authenticate(const std::string& authorization, const std::string& hmac_secret) {
  if (authorization.empty()) return "";
  // HMAC costs more than a lookup; clients repeat the same header.
  thread_local std::unordered_map<std::string, std::string> cache;
  thread_local std::string cached_secret;
  if (cached_secret != hmac_secret || cache.size() > 4096) {
    cache.clear();
    cached_secret = hmac_secret;
  }
  auto it = cache.find(authorization);
  if (it != cache.end()) return it->second;
  std::string user = basicauth(authorization, hmac_secret);
  cache.emplace(authorization, user);
  return user;
}

}  // namespace ratchet

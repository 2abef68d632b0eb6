#include "resource/token_nonces.h"

namespace ratchet {

void TokenNonces::purge(int64_t now_ms) {
  while (!by_expiry_.empty() && by_expiry_.begin()->first <= now_ms) {
    expiry_.erase(by_expiry_.begin()->second);
    by_expiry_.erase(by_expiry_.begin());
  }
}

void TokenNonces::issue(const std::string& nonce, int64_t now_ms, int64_t validity_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  purge(now_ms);
  expiry_[nonce] = now_ms + validity_ms;
  by_expiry_.emplace(now_ms + validity_ms, nonce);
}

bool TokenNonces::valid(const std::string& nonce, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  purge(now_ms);
  return expiry_.count(nonce) > 0;
}

bool TokenNonces::redeem(const std::string& nonce, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  purge(now_ms);
  return expiry_.erase(nonce) > 0;  // its by_expiry_ entry goes at its expiry
}

}  // namespace ratchet

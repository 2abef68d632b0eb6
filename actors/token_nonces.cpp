#include "actors/token_nonces.h"

namespace ratchet {

void TokenNonces::issue(const std::string& nonce, int64_t expires_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  expiry_[nonce] = expires_ms;
}

bool TokenNonces::redeem(const std::string& nonce, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = expiry_.begin(); it != expiry_.end();) {  // drop the expired
    it = it->second <= now_ms ? expiry_.erase(it) : std::next(it);
  }
  return expiry_.erase(nonce) > 0;
}

}  // namespace ratchet

// Nonces of plural DELETE continuation tokens: each token may be used once,
// within pagination_token_validity_seconds (PROTOCOL.md §3.4).
// Thread-safe. Kept in memory: a restart invalidates outstanding tokens.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace ratchet {

class TokenNonces {
 public:
  void issue(const std::string& nonce, int64_t expires_ms);
  // True (and forgotten) when the nonce was issued and has not expired.
  bool redeem(const std::string& nonce, int64_t now_ms);

 private:
  std::mutex mu_;
  std::map<std::string, int64_t> expiry_;
};

}  // namespace ratchet

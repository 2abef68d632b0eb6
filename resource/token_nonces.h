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
  void issue(const std::string& nonce, int64_t now_ms, int64_t validity_ms);
  // True when the nonce was issued and has not expired (it stays usable).
  bool valid(const std::string& nonce, int64_t now_ms);
  // True (and forgotten) when the nonce was issued and has not expired.
  bool redeem(const std::string& nonce, int64_t now_ms);

 private:
  void purge(int64_t now_ms);  // requires mu_

  std::mutex mu_;
  std::map<std::string, int64_t> expiry_;
  std::multimap<int64_t, std::string> by_expiry_;
};

}  // namespace ratchet

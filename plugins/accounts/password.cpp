#include "plugins/accounts/password.h"

#include <crypt.h>

#include <cstring>
#include <memory>
#include <stdexcept>

#include "core/blocking.h"

namespace ratchet {

bool password_fits(std::string_view password) {
  return password.size() <= kMaxPasswordBytes && password.find('\0') == std::string_view::npos;
}

std::string hash_password(const std::string& password, int rounds) {
  BlockingWait hashing;  // a quarter of a second of CPU at the default cost
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  if (!crypt_gensalt_rn("$2b$", static_cast<unsigned long>(rounds), nullptr, 0, salt,
                        sizeof salt)) {
    throw std::runtime_error("crypt_gensalt_rn failed");
  }
  auto data = std::make_unique<crypt_data>();  // large: keep it off the stack
  std::memset(data.get(), 0, sizeof(crypt_data));
  const char* hash = crypt_r(password.c_str(), salt, data.get());
  if (!hash || hash[0] == '*') throw std::runtime_error("crypt_r failed");
  return hash;
}

bool verify_password(const std::string& password, const std::string& hash) {
  if (!password_fits(password) || hash.rfind("$2", 0) != 0) return false;
  BlockingWait hashing;
  auto data = std::make_unique<crypt_data>();
  std::memset(data.get(), 0, sizeof(crypt_data));
  const char* computed = crypt_r(password.c_str(), hash.c_str(), data.get());
  return computed && computed[0] != '*' && hash == computed;
}

}  // namespace ratchet

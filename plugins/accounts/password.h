// Password hashing for accounts: bcrypt ("$2b$"), the form Kinto stores, so
// accounts exported from a Kinto server keep working. Through libxcrypt.
// Thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ratchet {

// bcrypt reads a password up to its first NUL and at most 72 bytes of it.
inline constexpr size_t kMaxPasswordBytes = 72;

// True when bcrypt would read all of `password`: at most kMaxPasswordBytes,
// no NUL. Other passwords are refused, never silently cut short.
bool password_fits(std::string_view password);

// A new bcrypt hash of `password` (which fits) with 2^rounds iterations.
std::string hash_password(const std::string& password, int rounds);

// True when `password` fits and matches the bcrypt `hash`.
bool verify_password(const std::string& password, const std::string& hash);

}  // namespace ratchet

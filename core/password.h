// Password hashing for accounts: bcrypt ("$2b$"), the form Kinto stores, so
// accounts exported from a Kinto server keep working. Through libxcrypt.
// Thread-safe.
#pragma once

#include <string>

namespace ratchet {

// A new bcrypt hash of `password` with 2^rounds iterations.
std::string hash_password(const std::string& password, int rounds);

// True when `password` matches the bcrypt `hash`.
bool verify_password(const std::string& password, const std::string& hash);

}  // namespace ratchet

// Hashing, HMAC, base64 and randomness, through OpenSSL.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ratchet {

// Lower-case hex HMAC-SHA256 of `message` keyed by `key`.
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

// Lower-case hex SHA-256.
std::string sha256_hex(std::string_view data);

// Standard alphabet, padded.
std::string base64_encode(std::string_view data);
// nullopt when `text` is not valid padded base64.
std::optional<std::string> base64_decode(std::string_view text);

// `n` bytes from a cryptographically seeded generator. Thread-safe.
std::string random_bytes(size_t n);

}  // namespace ratchet

#include "ratchet/ids.h"

#include "core/crypto.h"

namespace ratchet {
namespace {

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

std::string random_name() {
  static const char first[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  static const char rest[] =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";
  std::string bytes = random_bytes(8);
  std::string id(8, ' ');
  id[0] = first[static_cast<unsigned char>(bytes[0]) % 62];
  for (int i = 1; i < 8; ++i) id[i] = rest[static_cast<unsigned char>(bytes[i]) % 64];
  return id;
}

}  // namespace

bool is_name_id(std::string_view id) {
  if (id.empty() || !is_alnum(id[0])) return false;
  for (char c : id) {
    if (!is_alnum(c) && c != '_' && c != '-') return false;
  }
  return true;
}

std::string uuid4() {
  std::string b = random_bytes(16);
  b[6] = static_cast<char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<char>((b[8] & 0x3f) | 0x80);
  static const char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += digits[static_cast<unsigned char>(b[i]) >> 4];
    out += digits[static_cast<unsigned char>(b[i]) & 15];
  }
  return out;
}

IdRule name_ids() { return {is_name_id, random_name}; }

IdRule uuid_ids() { return {is_name_id, uuid4, true}; }

}  // namespace ratchet

#include "store/keys.h"

#include <algorithm>
#include <cstdio>

namespace ratchet::keys {

std::string list_prefix(std::string_view parent, std::string_view resource) {
  std::string lp;
  lp.reserve(parent.size() + resource.size() + 2);
  lp.append(parent);
  lp += '\0';
  lp.append(resource);
  lp += '\0';
  return lp;
}

std::string change(const std::string& lp, int64_t ts, std::string_view id) {
  std::string key = lp;
  key += 'm';
  // Offset so that negative client timestamps still sort before positive ones.
  uint64_t v = static_cast<uint64_t>(ts) ^ (UINT64_C(1) << 63);
  for (int shift = 56; shift >= 0; shift -= 8) key += static_cast<char>((v >> shift) & 0xff);
  key.append(id);
  return key;
}

std::string outbox_end(const std::string& lp) {
  std::string end = outbox_begin(lp);
  end.back() = '\x01';  // lp ends with '\0'
  return end;
}

std::string outbox_record(int64_t ts, std::string_view uri) {
  char digits[24];
  std::snprintf(digits, sizeof digits, "%020lld", static_cast<long long>(std::max<int64_t>(ts, 0)));
  return digits + std::string(uri);
}

std::pair<int64_t, std::string_view> parse_change(std::string_view key, size_t lp_size) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) {
    v = (v << 8) | static_cast<unsigned char>(key[lp_size + 1 + i]);
  }
  return {static_cast<int64_t>(v ^ (UINT64_C(1) << 63)), key.substr(lp_size + 9)};
}

std::vector<std::pair<std::string, std::string>> subtree(std::string_view uri) {
  std::string u(uri);
  // Lists whose parent is the object itself, then lists deeper below it.
  return {{u + '\0', u + '\x01'},
          {u + '/', u + '0'},
          {kOutboxPrefix + u + '\0', kOutboxPrefix + u + '\x01'},
          {kOutboxPrefix + u + '/', kOutboxPrefix + u + '0'}};
}

std::string member(std::string_view member, std::string_view group_uri) {
  std::string key = members_begin(member);
  key.append(group_uri);
  return key;
}

std::string members_begin(std::string_view member) {
  std::string key = kMembersPrefix;
  key.append(member);
  key += '\0';
  return key;
}

std::string members_end(std::string_view member) {
  std::string key = kMembersPrefix;
  key.append(member);
  key += '\x01';
  return key;
}


std::string grant(std::string_view principal, std::string_view uri) {
  return grants_begin(principal, uri);
}

std::string grants_begin(std::string_view principal, std::string_view uri_prefix) {
  std::string key = kGrantsPrefix;
  key.append(principal);
  key += '\0';
  key.append(uri_prefix);
  return key;
}

std::string grants_end(std::string_view principal, std::string_view uri_prefix) {
  std::string key = grants_begin(principal, uri_prefix);
  if (uri_prefix.empty()) {
    key.back() = '\x01';
  } else {
    key += '\xff';  // URIs are printable: nothing sorts after this byte
  }
  return key;
}

}  // namespace ratchet::keys

// What the fuzz targets share: the input as text, cut into the parts a
// target's format names, and the check that makes a broken invariant a
// crash libFuzzer reports (and saves the input of).
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "plugins/accounts/accounts.h"
#include "ratchet/json.h"
#include "ratchet/registry.h"
#include "ratchet/settings.h"

namespace ratchet::fuzz {

inline std::string_view text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// The first byte of `in` (0 when empty), removed from it.
inline uint8_t take_byte(std::string_view& in) {
  if (in.empty()) return 0;
  uint8_t b = static_cast<uint8_t>(in.front());
  in.remove_prefix(1);
  return b;
}

// `in` up to its first newline (all of it when there is none); the line
// and the newline are removed from `in`.
inline std::string_view take_line(std::string_view& in) {
  size_t nl = in.find('\n');
  std::string_view line = in.substr(0, nl);
  in.remove_prefix(nl == std::string_view::npos ? in.size() : nl + 1);
  return line;
}

// "Now" for every target, in ms: inputs replay the same way on any day.
constexpr int64_t kNow = 1700000000000;

// Kinto's resources and the accounts plugin, as a node registers them.
inline const Registry& kinto_registry() {
  static const Registry registry = [] {
    static const Settings settings = [] {
      Settings s;
      s.includes = {"accounts"};
      return s;
    }();
    Registry r;
    add_kinto_resources(r);
    r.offer(accounts_plugin());
    r.include_plugins(settings);
    return r;
  }();
  return registry;
}

// An object as the store gives it back: `text` when it is a JSON object the
// node's parser accepts (within kMaxJsonDepth), with the string id and
// integer last_modified every stored object has; nullopt otherwise.
inline std::optional<Json> stored_object(std::string_view text, const std::string& id,
                                         int64_t last_modified) {
  std::optional<Json> object = try_parse_json(text);
  if (!object || !object->is_object()) return std::nullopt;
  (*object)["id"] = id;
  (*object)["last_modified"] = last_modified;
  return object;
}

// Unlike assert(), kept in every build.
#define FUZZ_CHECK(condition)                                                        \
  do {                                                                               \
    if (!(condition)) {                                                              \
      std::fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                  \
    }                                                                                \
  } while (0)

}  // namespace ratchet::fuzz

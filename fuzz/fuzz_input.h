// What the fuzz targets share: the input as text, cut into the parts a
// target's format names, and the check that makes a broken invariant a
// crash libFuzzer reports (and saves the input of).
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

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

// Unlike assert(), kept in every build.
#define FUZZ_CHECK(condition)                                                        \
  do {                                                                               \
    if (!(condition)) {                                                              \
      std::fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                  \
    }                                                                                \
  } while (0)

}  // namespace ratchet::fuzz

// Kinto's like_ patterns: '*' is the only wildcard, letters match in either
// case (ASCII). A pattern is compiled once per query; matching a text costs
// O(text + pattern) and allocates nothing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ratchet {

class Glob {
 public:
  Glob() = default;  // matches only the empty text
  explicit Glob(std::string_view pattern);

  bool matches(std::string_view text) const;

 private:
  // A run of literal characters, lower-cased, with its Knuth-Morris-Pratt
  // failure table.
  struct Literal {
    std::string chars;
    std::vector<size_t> fallback;  // fallback[i]: longest proper border of chars[0..i]
  };
  // The first position at or after `from` where `literal` occurs in text,
  // or npos.
  static size_t find(const Literal& literal, std::string_view text, size_t from);

  // The pattern split at '*': the first literal is anchored at the start of
  // the text, the last at its end (a pattern without '*' is one literal
  // anchored at both).
  std::vector<Literal> literals_{Literal{}};
};

}  // namespace ratchet

#include "core/glob.h"

#include <cctype>

namespace ratchet {
namespace {

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

}  // namespace

Glob::Glob(std::string_view pattern) {
  literals_.clear();
  size_t start = 0;
  while (true) {
    size_t star = pattern.find('*', start);
    Literal literal;
    for (char c : pattern.substr(start, star == std::string_view::npos ? star : star - start)) {
      literal.chars += lower(c);
    }
    const std::string& s = literal.chars;
    literal.fallback.assign(s.size(), 0);
    for (size_t i = 1, k = 0; i < s.size(); ++i) {
      while (k > 0 && s[i] != s[k]) k = literal.fallback[k - 1];
      if (s[i] == s[k]) ++k;
      literal.fallback[i] = k;
    }
    literals_.push_back(std::move(literal));
    if (star == std::string_view::npos) return;
    start = star + 1;
  }
}

size_t Glob::find(const Literal& literal, std::string_view text, size_t from) {
  const std::string& s = literal.chars;
  if (s.empty()) return from;
  for (size_t i = from, k = 0; i < text.size(); ++i) {
    char c = lower(text[i]);
    while (k > 0 && c != s[k]) k = literal.fallback[k - 1];
    if (c == s[k]) ++k;
    if (k == s.size()) return i + 1 - k;
  }
  return std::string_view::npos;
}

bool Glob::matches(std::string_view text) const {
  auto equal = [](std::string_view literal, std::string_view part) {
    if (literal.size() != part.size()) return false;
    for (size_t i = 0; i < part.size(); ++i) {
      if (literal[i] != lower(part[i])) return false;
    }
    return true;
  };
  const std::string& first = literals_.front().chars;
  if (literals_.size() == 1) return equal(first, text);
  const std::string& last = literals_.back().chars;
  if (first.size() + last.size() > text.size() || !equal(first, text.substr(0, first.size())) ||
      !equal(last, text.substr(text.size() - last.size()))) {
    return false;
  }
  // Each middle literal at its leftmost place after the previous one: if
  // any placement fits before the last literal, the leftmost ones do.
  std::string_view middle = text.substr(0, text.size() - last.size());
  size_t pos = first.size();
  for (size_t i = 1; i + 1 < literals_.size(); ++i) {
    pos = find(literals_[i], middle, pos);
    if (pos == std::string_view::npos) return false;
    pos += literals_[i].chars.size();
  }
  return true;
}

}  // namespace ratchet

// core/glob: Kinto's like_ patterns, checked against a plain dynamic
// programming matcher on every small pattern and text, and on inputs that
// make backtracking matchers quadratic.
#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <vector>

#include "core/glob.h"

namespace ratchet {
namespace {

// The reference: '*' matches any run, other characters one character in
// either case.
bool reference(const std::string& text, const std::string& pattern) {
  std::vector<std::vector<bool>> m(pattern.size() + 1, std::vector<bool>(text.size() + 1));
  m[0][0] = true;
  for (size_t p = 1; p <= pattern.size(); ++p) {
    for (size_t t = 0; t <= text.size(); ++t) {
      if (pattern[p - 1] == '*') {
        m[p][t] = m[p - 1][t] || (t > 0 && m[p][t - 1]);
      } else {
        m[p][t] = t > 0 && m[p - 1][t - 1] &&
                  std::tolower(pattern[p - 1]) == std::tolower(text[t - 1]);
      }
    }
  }
  return m[pattern.size()][text.size()];
}

// Every string of up to `length` characters over `alphabet`.
std::vector<std::string> strings(const std::string& alphabet, size_t length) {
  std::vector<std::string> out{""};
  for (size_t begin = 0, n = 0; n < length; ++n) {
    size_t end = out.size();
    for (size_t i = begin; i < end; ++i) {
      for (char c : alphabet) out.push_back(out[i] + c);
    }
    begin = end;
  }
  return out;
}

TEST(Glob, AgreesWithTheReference) {
  std::vector<std::string> texts = strings("abA", 6);
  for (const std::string& pattern : strings("aB*", 5)) {
    Glob glob(pattern);
    for (const std::string& text : texts) {
      ASSERT_EQ(glob.matches(text), reference(text, pattern))
          << "'" << text << "' like '" << pattern << "'";
    }
  }
}

TEST(Glob, LiteralsWithBordersAreFoundAfterAFalseStart) {
  EXPECT_TRUE(Glob("*aab*").matches("aaab"));
  EXPECT_TRUE(Glob("*abab*c").matches("xabaababc"));
  EXPECT_FALSE(Glob("*abab*c").matches("xabaabac"));
  EXPECT_TRUE(Glob("a*a").matches("aa"));
  EXPECT_FALSE(Glob("a*a").matches("a"));
}

TEST(Glob, CostIsLinearOnPathologicalInputs) {
  std::string text(1000000, 'a');
  std::string stars;
  for (int i = 0; i < 2000; ++i) stars += "*a";
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(Glob("*" + std::string(5000, 'a') + "b*").matches(text));
  EXPECT_FALSE(Glob(stars + "*b").matches(text));
  EXPECT_FALSE(Glob(stars + "b*").matches(text));
  EXPECT_TRUE(Glob(stars + "*").matches(text));
  // Generous: a quadratic matcher needs minutes here.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

}  // namespace
}  // namespace ratchet

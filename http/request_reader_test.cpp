// RequestReader alone (http/request_reader.h): its limits hold however the
// bytes of a request arrive.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "http/request_reader.h"

namespace ratchet {
namespace {

// Feeds `pieces` one after the other as a connection would (unconsumed
// bytes are given again with the next piece); the reader's refusal, or 0
// once a request is complete, or -1 when it still waits for more.
int outcome(const RequestLimits& limits, const std::vector<std::string>& pieces) {
  RequestReader reader(limits);
  std::string buffer;
  for (const std::string& piece : pieces) {
    buffer += piece;
    while (size_t n = reader.feed(buffer)) buffer.erase(0, n);
    if (reader.refusal()) return reader.refusal();
    if (reader.done()) return 0;
  }
  return -1;
}

TEST(RequestReader, HeadOverTheLimitIs431EvenWhenLineAndFieldsAreEachUnder) {
  RequestLimits limits;
  limits.max_header_bytes = 200;
  std::string line = "GET /v1/" + std::string(120, 'a') + " HTTP/1.1\r\n";
  std::string fields = "Host: a\r\nX-Field: " + std::string(120, 'b') + "\r\n\r\n";
  ASSERT_LT(line.size(), limits.max_header_bytes);
  ASSERT_LT(fields.size(), limits.max_header_bytes);
  EXPECT_EQ(outcome(limits, {line + fields}), 431);
  EXPECT_EQ(outcome(limits, {line, fields}), 431);
  EXPECT_EQ(outcome(limits, {line.substr(0, 10), line.substr(10) + fields}), 431);
  limits.max_header_bytes = line.size() + fields.size();
  EXPECT_EQ(outcome(limits, {line + fields}), 0);
  EXPECT_EQ(outcome(limits, {line, fields}), 0);
}

}  // namespace
}  // namespace ratchet

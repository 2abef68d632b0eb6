// The list-timestamp rules of PROTOCOL.md §2.4, case by case.
#include <gtest/gtest.h>

#include "core/timestamp.h"

namespace ratchet {
namespace {

TEST(NextTimestamp, WithoutClientValueTakesTheClockWhenAhead) {
  EXPECT_EQ(next_timestamp(100, std::nullopt, 500), 500);
}

TEST(NextTimestamp, WithoutClientValueNeverRepeatsOrGoesBack) {
  EXPECT_EQ(next_timestamp(500, std::nullopt, 500), 501);  // same millisecond
  EXPECT_EQ(next_timestamp(500, std::nullopt, 400), 501);  // clock went backwards
}

TEST(NextTimestamp, ClientValueEqualToListTimestampIsBumped) {
  EXPECT_EQ(next_timestamp(500, 500, 900), 501);
}

TEST(NextTimestamp, ClientValueInTheFutureIsKept) {
  EXPECT_EQ(next_timestamp(500, 2000, 900), 2000);
}

TEST(NextTimestamp, ClientValueInThePastIsKept) {
  EXPECT_EQ(next_timestamp(500, 42, 900), 42);
}

TEST(HttpForms, EtagIsQuotedDecimal) { EXPECT_EQ(etag(1432208041618), "\"1432208041618\""); }

TEST(HttpForms, LastModifiedIsTruncatedToTheSecond) {
  EXPECT_EQ(http_date(1434641119999), "Thu, 18 Jun 2015 15:25:19 GMT");
}

}  // namespace
}  // namespace ratchet

#include "bench/open_loop.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace bench {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;

TEST(OpenLoop, IntendedTimesFollowTheRateWithoutDrift) {
  Clock::time_point start{};
  OpenLoopSchedule s(1000, start);
  EXPECT_EQ(s.intended(0), start);
  EXPECT_EQ(s.intended(1), start + milliseconds(1));
  EXPECT_EQ(s.intended(1000), start + std::chrono::seconds(1));
  // 3 per second: 333.33 ms apart, computed from k, not accumulated.
  OpenLoopSchedule third(3, start);
  EXPECT_EQ(third.intended(3'000'000), start + std::chrono::seconds(1'000'000));
}

TEST(OpenLoop, NextDueReturnsEveryDueRequestOnce) {
  Clock::time_point start{};
  OpenLoopSchedule s(100, start);  // every 10 ms
  std::vector<Clock::time_point> due;
  while (auto t = s.next_due(start + milliseconds(25))) due.push_back(*t);
  ASSERT_EQ(due.size(), 3u);  // 0, 10, 20 ms
  EXPECT_EQ(due[2], start + milliseconds(20));
  EXPECT_FALSE(s.next_due(start + milliseconds(29)));
  EXPECT_EQ(s.next_time(), start + milliseconds(30));
  EXPECT_EQ(s.issued(), 3u);
}

TEST(OpenLoop, AStallKeepsTheIntendedTimesOfWhatQueuedBehindIt) {
  // The sender was stalled for a whole second: the requests it owes keep
  // their original intended times, and their latency counts from them.
  Clock::time_point start{};
  OpenLoopSchedule s(10, start);  // every 100 ms
  Clock::time_point resumed = start + std::chrono::seconds(1);
  std::vector<Clock::time_point> owed;
  while (auto t = s.next_due(resumed)) owed.push_back(*t);
  ASSERT_EQ(owed.size(), 11u);
  EXPECT_EQ(owed.front(), start);
  Clock::time_point answered = resumed + milliseconds(1);
  EXPECT_EQ(latency_from(owed.front(), answered), milliseconds(1001));
  EXPECT_EQ(latency_from(owed.back(), answered), milliseconds(1));
}

TEST(OpenLoop, LatencyIsNeverNegative) {
  Clock::time_point t{};
  EXPECT_EQ(latency_from(t + milliseconds(5), t), nanoseconds(0));
}

TEST(OpenLoop, SharedSchedulesTogetherSendEvenlyAtTheTotalRate) {
  Clock::time_point start{};
  std::vector<Clock::time_point> all;
  for (int w = 0; w < 3; ++w) {
    OpenLoopSchedule s = OpenLoopSchedule::share(300, 3, w, start);
    for (uint64_t k = 0; k < 100; ++k) all.push_back(s.intended(k));
  }
  std::sort(all.begin(), all.end());
  OpenLoopSchedule whole(300, start);
  for (uint64_t k = 0; k < all.size(); ++k) {
    auto diff = all[k] - whole.intended(k);
    EXPECT_LE(std::abs(std::chrono::duration_cast<nanoseconds>(diff).count()), 2) << k;
  }
}

TEST(OpenLoop, RejectsBadRates) {
  EXPECT_THROW(OpenLoopSchedule(0, Clock::time_point{}), std::invalid_argument);
  EXPECT_THROW(OpenLoopSchedule(-5, Clock::time_point{}), std::invalid_argument);
  EXPECT_THROW(OpenLoopSchedule::share(100, 2, 2, Clock::time_point{}), std::invalid_argument);
}

}  // namespace
}  // namespace bench

#include "bench/histogram.h"

#include <gtest/gtest.h>

#include <random>

namespace bench {
namespace {

TEST(Histogram, EmptyReportsZero) {
  Histogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.percentile(50), 0u);
  EXPECT_EQ(h.max(), 0u);
  EXPECT_EQ(h.min(), 0u);
}

TEST(Histogram, SmallValuesAreExact) {
  // With 3 digits every value below 2048 has a bucket of its own.
  Histogram h(3);
  for (uint64_t v = 1; v <= 1000; ++v) h.record(v);
  EXPECT_EQ(h.count(), 1000u);
  EXPECT_EQ(h.percentile(50), 500u);
  EXPECT_EQ(h.percentile(90), 900u);
  EXPECT_EQ(h.percentile(99), 990u);
  EXPECT_EQ(h.percentile(99.9), 999u);
  EXPECT_EQ(h.percentile(100), 1000u);
  EXPECT_EQ(h.percentile(0), 1u);
  EXPECT_EQ(h.min(), 1u);
  EXPECT_EQ(h.max(), 1000u);
  EXPECT_DOUBLE_EQ(h.mean(), 500.5);
}

TEST(Histogram, LargeValuesWithinStatedPrecision) {
  // 1..1e6 microseconds expressed in nanoseconds: up to a thousand seconds.
  Histogram h(3);
  for (uint64_t v = 1; v <= 1000000; ++v) h.record(v * 1000);
  for (double p : {50.0, 90.0, 99.0, 99.9}) {
    double exact = p / 100.0 * 1e6 * 1000;
    double got = static_cast<double>(h.percentile(p));
    EXPECT_GE(got, exact) << p;  // never understates
    EXPECT_LE(got, exact * 1.001) << p;
  }
  EXPECT_EQ(h.max(), 1000000000u);
}

TEST(Histogram, EveryValueLandsInABucketNarrowerThanItsPrecision) {
  std::mt19937_64 rng(42);
  for (int digits : {1, 2, 3, 4}) {
    Histogram h(digits);
    double tolerance = std::pow(10.0, -digits);
    for (int i = 0; i < 20000; ++i) {
      uint64_t v = rng() % 100'000'000'000ULL;
      uint64_t top = h.highest_equivalent(v);
      ASSERT_GE(top, v);
      ASSERT_LE(static_cast<double>(top - v), tolerance * static_cast<double>(v) + 1) << v << " digits " << digits;
    }
  }
}

TEST(Histogram, OutliersShowInTheTail) {
  Histogram h;
  for (int i = 0; i < 999; ++i) h.record(1'000'000);  // 1 ms
  h.record(2'000'000'000);                             // one 2 s stall
  EXPECT_LE(h.percentile(99), 1'001'000u);
  EXPECT_GE(h.percentile(99.99), 2'000'000'000u);
  EXPECT_EQ(h.max(), 2'000'000'000u);
}

TEST(Histogram, RecordManyTimesEqualsRecordingEach) {
  Histogram a, b;
  a.record(12345, 10);
  for (int i = 0; i < 10; ++i) b.record(12345);
  EXPECT_EQ(a.count(), b.count());
  EXPECT_EQ(a.percentile(50), b.percentile(50));
  EXPECT_DOUBLE_EQ(a.mean(), b.mean());
}

TEST(Histogram, MergeOfPerThreadHistogramsEqualsOneHistogram) {
  std::mt19937_64 rng(7);
  Histogram all;
  std::vector<Histogram> parts(4);
  for (int i = 0; i < 40000; ++i) {
    uint64_t v = 1000 + rng() % 50'000'000;
    all.record(v);
    parts[i % 4].record(v);
  }
  Histogram merged;
  for (const auto& p : parts) merged.merge(p);
  EXPECT_EQ(merged.count(), all.count());
  EXPECT_EQ(merged.min(), all.min());
  EXPECT_EQ(merged.max(), all.max());
  EXPECT_DOUBLE_EQ(merged.mean(), all.mean());
  for (double p : {0.0, 10.0, 50.0, 90.0, 99.0, 99.9, 100.0}) EXPECT_EQ(merged.percentile(p), all.percentile(p)) << p;
}

TEST(Histogram, MergeWithAnEmptyOneChangesNothing) {
  Histogram a, empty;
  a.record(5);
  a.record(500000);
  a.merge(empty);
  EXPECT_EQ(a.count(), 2u);
  EXPECT_EQ(a.min(), 5u);
  Histogram b;
  b.merge(a);
  EXPECT_EQ(b.min(), 5u);
  EXPECT_EQ(b.max(), 500000u);
}

TEST(Histogram, MergeRefusesDifferentLayouts) {
  Histogram a(3), b(2);
  EXPECT_THROW(a.merge(b), std::invalid_argument);
}

TEST(Histogram, ValuesAboveTheRangeAreClampedButMaxIsTrue) {
  Histogram h(3, 1'000'000);
  h.record(10);
  h.record(5'000'000);
  EXPECT_EQ(h.clamped(), 1u);
  EXPECT_EQ(h.max(), 5'000'000u);
  EXPECT_EQ(h.percentile(100), 5'000'000u);
  EXPECT_GE(h.percentile(99), 1'000'000u);
}

TEST(Histogram, RejectsBadConfiguration) {
  EXPECT_THROW(Histogram(0), std::invalid_argument);
  EXPECT_THROW(Histogram(6), std::invalid_argument);
  EXPECT_THROW(Histogram(3, 1), std::invalid_argument);
}

TEST(Histogram, ResetEmptiesIt) {
  Histogram h;
  h.record(77);
  h.reset();
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.max(), 0u);
  h.record(3);
  EXPECT_EQ(h.min(), 3u);
}

}  // namespace
}  // namespace bench

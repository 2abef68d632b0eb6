// A high-dynamic-range histogram of non-negative integer values (latencies in
// nanoseconds here), in the log-linear layout of Gil Tene's HdrHistogram.
//
// Precision: with `significant_digits` d (1..5), every value is counted in a
// bucket whose width is at most 1 part in 10^d of the value (values below
// 2 * 10^d are exact). percentile(p) takes the value of rank p% of count(),
// rounded to the nearest (as HdrHistogram does), and returns the upper bound
// of its bucket, clamped to the exact recorded maximum: it never understates
// and overstates by less than 10^-d. min(), max(), mean()
// and count() are exact. Values above `highest` are counted as `highest`
// (max() still reports the true value); clamped() says how many.
//
// Thread-safety: none; use one histogram per thread and merge() them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace bench {

class Histogram {
 public:
  // Throws std::invalid_argument unless 1 <= significant_digits <= 5 and
  // highest >= 2.
  explicit Histogram(int significant_digits = 3, uint64_t highest = 3'600'000'000'000ULL);

  void record(uint64_t value, uint64_t times = 1);
  // Adds every value of `other`; both must have the same layout
  // (std::invalid_argument otherwise).
  void merge(const Histogram& other);
  void reset();

  // `p` in [0, 100]. 0 for an empty histogram.
  uint64_t percentile(double p) const;
  uint64_t count() const { return total_; }
  uint64_t min() const { return total_ ? min_ : 0; }
  uint64_t max() const { return max_; }
  double mean() const { return total_ ? static_cast<double>(sum_) / static_cast<double>(total_) : 0.0; }
  uint64_t clamped() const { return clamped_; }
  int significant_digits() const { return digits_; }

  // The largest value counted in the same bucket as `value`.
  uint64_t highest_equivalent(uint64_t value) const;

 private:
  size_t index_of(uint64_t value) const;
  uint64_t value_at(size_t index) const;
  int bucket_of(uint64_t value) const;

  int digits_;
  uint64_t highest_;
  int sub_bucket_half_magnitude_ = 0;  // log2(sub_bucket_count) - 1
  uint64_t sub_bucket_count_ = 0;      // power of two >= 2 * 10^digits
  uint64_t sub_bucket_mask_ = 0;
  std::vector<uint64_t> counts_;
  uint64_t total_ = 0;
  uint64_t sum_ = 0;
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
  uint64_t clamped_ = 0;
};

}  // namespace bench

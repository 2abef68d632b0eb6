#include "bench/histogram.h"

#include <bit>
#include <cmath>
#include <stdexcept>

namespace bench {

// Layout: bucket 0 holds [0, sub_bucket_count) one unit apart; bucket b >= 1
// holds [sub_bucket_count/2 << b, sub_bucket_count << b) in steps of 2^b.
// Each bucket after the first stores only its upper half, since its lower
// half is covered by the bucket before it.
Histogram::Histogram(int significant_digits, uint64_t highest)
    : digits_(significant_digits), highest_(highest) {
  if (significant_digits < 1 || significant_digits > 5)
    throw std::invalid_argument("significant digits must be between 1 and 5");
  if (highest < 2) throw std::invalid_argument("highest trackable value must be at least 2");
  uint64_t largest_exact = 2 * static_cast<uint64_t>(std::pow(10, significant_digits));
  sub_bucket_count_ = std::bit_ceil(largest_exact);
  sub_bucket_half_magnitude_ = std::countr_zero(sub_bucket_count_) - 1;
  sub_bucket_mask_ = sub_bucket_count_ - 1;
  counts_.assign(index_of(highest_) + 1, 0);
}

int Histogram::bucket_of(uint64_t value) const {
  int bits = 64 - std::countl_zero(value | sub_bucket_mask_);
  return bits - (sub_bucket_half_magnitude_ + 1);
}

size_t Histogram::index_of(uint64_t value) const {
  int bucket = bucket_of(value);
  uint64_t sub = value >> bucket;
  uint64_t half = sub_bucket_count_ / 2;
  return (static_cast<size_t>(bucket + 1) << sub_bucket_half_magnitude_) + (sub - half);
}

uint64_t Histogram::value_at(size_t index) const {
  uint64_t half = sub_bucket_count_ / 2;
  int bucket = static_cast<int>(index >> sub_bucket_half_magnitude_) - 1;
  uint64_t sub = (index & (half - 1)) + half;
  if (bucket < 0) {
    sub -= half;
    bucket = 0;
  }
  return sub << bucket;
}

uint64_t Histogram::highest_equivalent(uint64_t value) const {
  int bucket = bucket_of(value);
  uint64_t lowest = (value >> bucket) << bucket;
  return lowest + (uint64_t{1} << bucket) - 1;
}

void Histogram::record(uint64_t value, uint64_t times) {
  if (times == 0) return;
  uint64_t counted = value;
  if (value > highest_) {
    counted = highest_;
    clamped_ += times;
  }
  counts_[index_of(counted)] += times;
  total_ += times;
  sum_ += value * times;
  if (value < min_) min_ = value;
  if (value > max_) max_ = value;
}

void Histogram::merge(const Histogram& other) {
  if (other.digits_ != digits_ || other.highest_ != highest_)
    throw std::invalid_argument("cannot merge histograms of different layouts");
  for (size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  total_ += other.total_;
  sum_ += other.sum_;
  clamped_ += other.clamped_;
  if (other.total_ && other.min_ < min_) min_ = other.min_;
  if (other.max_ > max_) max_ = other.max_;
}

void Histogram::reset() {
  std::fill(counts_.begin(), counts_.end(), 0);
  total_ = sum_ = max_ = clamped_ = 0;
  min_ = UINT64_MAX;
}

uint64_t Histogram::percentile(double p) const {
  if (total_ == 0) return 0;
  if (p >= 100.0) return max_;
  if (p < 0.0) p = 0.0;
  // The rank of the requested value, 1-based, rounded to the nearest as
  // HdrHistogram does (so 99.9 % of 1000 values is the 999th, not the 1000th).
  auto rank = static_cast<uint64_t>(std::llround(p / 100.0 * static_cast<double>(total_)));
  if (rank == 0) rank = 1;
  uint64_t seen = 0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      uint64_t value = highest_equivalent(value_at(i));
      if (value > max_) value = max_;
      if (value < min_) value = min_;
      return value;
    }
  }
  return max_;
}

}  // namespace bench

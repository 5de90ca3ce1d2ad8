#include "sim/metrics/histogram.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace ratesim {

LogHistogram::LogHistogram(int sub_bucket_bits) : sub_bucket_bits_(sub_bucket_bits) {
  assert(sub_bucket_bits >= kMinSubBucketBits && sub_bucket_bits <= kMaxSubBucketBits);
}

void LogHistogram::Merge(const LogHistogram& other) {
  assert(other.sub_bucket_bits_ >= sub_bucket_bits_);
  if (other.count_ == 0) return;  // Nothing to add (its min_/max_ sentinels are neutral anyway).
  if (other.sub_bucket_bits_ == sub_bucket_bits_) {
    if (other.counts_.size() > counts_.size()) counts_.resize(other.counts_.size(), 0);
    for (size_t i = 0; i < other.counts_.size(); ++i) counts_[i] += other.counts_[i];
  } else {
    for (size_t i = 0; i < other.counts_.size(); ++i) {
      if (other.counts_[i] == 0) continue;
      const size_t index = BucketIndex(other.BucketLower(i));
      if (index >= counts_.size()) counts_.resize(index + 1, 0);
      counts_[index] += other.counts_[i];
    }
  }
  count_ += other.count_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

double LogHistogram::Mean() const {
  if (count_ == 0) return 0.0;
  // Divide in integers first, so only the conversions of quotient and remainder round.
  const Uint128 quotient = sum_ / count_;
  const uint64_t remainder = static_cast<uint64_t>(sum_ % count_);
  return static_cast<double>(quotient) +
         static_cast<double>(remainder) / static_cast<double>(count_);
}

uint64_t LogHistogram::BucketWidth(size_t index) const {
  // Inverse of BucketIndex: index = shift * S + mantissa with mantissa in [S, 2S) once shift > 0.
  const size_t magnitude = index >> sub_bucket_bits_;
  const int shift = magnitude > 1 ? static_cast<int>(magnitude - 1) : 0;
  return uint64_t{1} << shift;
}

uint64_t LogHistogram::BucketLower(size_t index) const {
  const size_t magnitude = index >> sub_bucket_bits_;
  const int shift = magnitude > 1 ? static_cast<int>(magnitude - 1) : 0;
  const uint64_t mantissa = index - (static_cast<uint64_t>(shift) << sub_bucket_bits_);
  return mantissa << shift;
}

int64_t LogHistogram::BucketMidpoint(size_t index) const {
  return static_cast<int64_t>(BucketLower(index) + (BucketWidth(index) - 1) / 2);
}

int64_t LogHistogram::Quantile(double q) const {
  if (count_ == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  // Clamp in double before converting: q * count_ can round up to 2^64, which does not fit.
  const double exact_rank = std::ceil(q * static_cast<double>(count_));
  uint64_t rank =
      exact_rank >= static_cast<double>(count_) ? count_ : static_cast<uint64_t>(exact_rank);
  // The extreme ranks are known exactly, so report them exactly rather than as bucket midpoints.
  if (rank <= 1) return min_;
  if (rank == count_) return max_;

  uint64_t seen = 0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::clamp(BucketMidpoint(i), min_, max_);
  }
  return max_;  // Unreachable: the counts sum to count_ >= rank.
}

}  // namespace ratesim

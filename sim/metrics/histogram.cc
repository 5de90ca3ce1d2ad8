#include "sim/metrics/histogram.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <utility>

namespace ratesim {

LogHistogram::LogHistogram(int sub_bucket_bits, Storage storage)
    : sub_bucket_bits_(sub_bucket_bits), sparse_(storage == Storage::kCompact) {
  assert(sub_bucket_bits >= kMinSubBucketBits && sub_bucket_bits <= kMaxSubBucketBits);
}

void LogHistogram::RecordSparse(size_t index) {
  const uint64_t key = static_cast<uint64_t>(index) << kCountBits;
  const auto it = std::lower_bound(counts_.begin(), counts_.end(), key);
  if (it != counts_.end() && (*it >> kCountBits) == index) {
    if ((*it & kCountMask) == kCountMask) {
      MakeDense();
      ++counts_[index];
      return;
    }
    ++*it;
    return;
  }
  counts_.insert(it, key | 1);
  // Dense would cost one word per bucket up to the highest: once the list holds a quarter of
  // that, the list saves little and costs a search per record.
  const size_t dense_size = (counts_.back() >> kCountBits) + 1;
  if (counts_.size() * 4 >= dense_size) MakeDense();
}

void LogHistogram::MakeDense() {
  if (!sparse_) return;
  std::vector<uint64_t> dense(counts_.empty() ? 0 : (counts_.back() >> kCountBits) + 1, 0);
  for (const uint64_t entry : counts_) dense[entry >> kCountBits] = entry & kCountMask;
  counts_ = std::move(dense);
  sparse_ = false;
}

void LogHistogram::Merge(const LogHistogram& other) {
  assert(other.sub_bucket_bits_ >= sub_bucket_bits_);
  if (other.count_ == 0) return;  // Nothing to add (its min_/max_ sentinels are neutral anyway).
  MakeDense();  // merges happen once per run, after the recording
  const bool same_bits = other.sub_bucket_bits_ == sub_bucket_bits_;
  other.ForEachBucket([&](size_t i, uint64_t count) {
    if (count == 0) return;
    const size_t index = same_bits ? i : BucketIndex(other.BucketLower(i));
    if (index >= counts_.size()) counts_.resize(index + 1, 0);
    counts_[index] += count;
  });
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
  size_t found = SIZE_MAX;
  ForEachBucket([&](size_t i, uint64_t count) {
    if (found != SIZE_MAX) return;
    seen += count;
    if (seen >= rank) found = i;
  });
  if (found != SIZE_MAX) return std::clamp(BucketMidpoint(found), min_, max_);
  return max_;  // Unreachable: the counts sum to count_ >= rank.
}

}  // namespace ratesim

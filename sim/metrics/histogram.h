// A latency histogram: records non-negative int64 values (nanoseconds) in log-linear buckets, in
// the style of HdrHistogram, and answers quantiles with a bounded relative error in small memory.
//
// Layout, with b = sub_bucket_bits and S = 2^b:
//   - values in [0, 2S) get one bucket each, so they are recorded exactly;
//   - a value v >= 2S with highest set bit h goes to a bucket of width 2^(h-b), which starts at v
//     with its low h-b bits cleared. The width is at most 2^-b of the bucket's lower bound.
// Bucket index = shift * S + (v >> shift) with shift = max(0, h - b): contiguous and monotone in v.
//
// Storage: dense by default, one count per bucket from bucket 0 to the highest seen. A kCompact
// histogram starts sparse instead, a sorted list of its non-empty buckets, and turns dense once
// that list would hold a quarter of the dense array: a per-org histogram of a few hundred
// latencies then takes about a kilobyte rather than eight. Every answer (counts, quantiles, merges)
// is the same for both storages; only memory and recording cost differ.
//
// Thread-safety: none; merge per-thread histograms with Merge.
#ifndef RATESIM_SIM_METRICS_HISTOGRAM_H_
#define RATESIM_SIM_METRICS_HISTOGRAM_H_

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace ratesim {

class LogHistogram {
 public:
  static constexpr int kDefaultSubBucketBits = 7;
  static constexpr int kMinSubBucketBits = 1;
  // At 16 bits a histogram that sees values near 2^63 holds ~3.1M buckets (25 MB); more is waste.
  static constexpr int kMaxSubBucketBits = 16;

  enum class Storage : uint8_t { kDense, kCompact };

  // REQUIRES: kMinSubBucketBits <= sub_bucket_bits <= kMaxSubBucketBits.
  explicit LogHistogram(int sub_bucket_bits = kDefaultSubBucketBits,
                        Storage storage = Storage::kDense);

  // Adds one observation. Grows the bucket array only when `value` lands past every bucket seen so
  // far, so a histogram of small values stays small.
  // REQUIRES: value >= 0.
  void Record(int64_t value) {
    const size_t index = BucketIndex(static_cast<uint64_t>(value));
    if (sparse_) {
      RecordSparse(index);
    } else {
      if (index >= counts_.size()) counts_.resize(index + 1, 0);
      ++counts_[index];
    }
    ++count_;
    sum_ += static_cast<uint64_t>(value);
    if (value < min_) min_ = value;
    if (value > max_) max_ = value;
  }

  // Adds every observation of `other`, as if each had been recorded here. `other` may have finer
  // buckets: each of its buckets lies wholly inside one of ours (both start at a multiple of their
  // width within the same power of two), so the result is exactly what recording `other`'s values
  // here would give, for counts, sum, min and max alike.
  // REQUIRES: other.SubBucketBits() >= SubBucketBits().
  void Merge(const LogHistogram& other);

  int SubBucketBits() const { return sub_bucket_bits_; }
  // Whether the buckets are (still) held as a sparse list; see Storage.
  bool IsSparse() const { return sparse_; }
  uint64_t Count() const { return count_; }
  // Exact smallest and largest values recorded; 0 when empty.
  int64_t Min() const { return count_ == 0 ? 0 : min_; }
  int64_t Max() const { return count_ == 0 ? 0 : max_; }
  // Arithmetic mean; 0 when empty. The sum is kept exactly in 128 bits, so it neither overflows nor
  // loses small values beside large ones; the result is within a couple of ulps of the true mean.
  double Mean() const;

  // The nearest-rank q-quantile: the value of rank max(1, ceil(q * Count())) in sorted order. Ranks
  // 1 and Count() return Min and Max exactly; others return the midpoint of the value's bucket,
  // clamped to [Min, Max]: exact below 2^(b+1), otherwise within 2^-(b+1) relative of the true
  // value (half a bucket), and so within the advertised 2^-b. Returns 0 when empty. Cost is linear
  // in buckets.
  // REQUIRES: 0 <= q <= 1 (values outside are clamped).
  int64_t Quantile(double q) const;

 private:
  __extension__ typedef unsigned __int128 Uint128;

  size_t BucketIndex(uint64_t value) const {
    // Position of the highest set bit; value | 1 keeps it defined for 0 (which lands in bucket 0).
    const int highest_bit = 63 - __builtin_clzll(value | 1);
    const int shift = highest_bit > sub_bucket_bits_ ? highest_bit - sub_bucket_bits_ : 0;
    return (static_cast<size_t>(shift) << sub_bucket_bits_) + static_cast<size_t>(value >> shift);
  }
  // Sparse storage: each entry is (bucket index << kCountBits) | count, sorted by index. Indices
  // stay below 2^23 (63 << 16 at most) and a count that would reach 2^41 turns the list dense.
  static constexpr int kCountBits = 41;
  static constexpr uint64_t kCountMask = (uint64_t{1} << kCountBits) - 1;
  void RecordSparse(size_t index);
  // Sparse to dense, in place of counts_.
  void MakeDense();
  // Calls visit(index, count) for every non-empty bucket (and, dense, the empty ones), in index
  // order.
  template <typename Visit>
  void ForEachBucket(Visit visit) const {
    if (sparse_) {
      for (const uint64_t entry : counts_) visit(entry >> kCountBits, entry & kCountMask);
    } else {
      for (size_t i = 0; i < counts_.size(); ++i) visit(i, counts_[i]);
    }
  }

  // The smallest value of bucket `index`, and its width.
  uint64_t BucketLower(size_t index) const;
  uint64_t BucketWidth(size_t index) const;
  // The midpoint of bucket `index`, rounded down.
  int64_t BucketMidpoint(size_t index) const;

  int sub_bucket_bits_;
  bool sparse_;
  std::vector<uint64_t> counts_;  // dense: by bucket index; sparse: the sorted entries
  uint64_t count_ = 0;
  Uint128 sum_ = 0;
  int64_t min_ = std::numeric_limits<int64_t>::max();
  int64_t max_ = std::numeric_limits<int64_t>::min();
};

}  // namespace ratesim

#endif  // RATESIM_SIM_METRICS_HISTOGRAM_H_

// Tests for LogHistogram: every quantile checked against a sorted-vector oracle on several
// distributions and bucket resolutions, Merge against recording into one histogram, and the exact
// summary statistics (Count, Min, Max, Mean) on values chosen to break naive implementations.
#include "sim/metrics/histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "sim/des/random.h"

namespace ratesim {
namespace {

constexpr int64_t kMaxValue = std::numeric_limits<int64_t>::max();

// The nearest-rank quantile, computed with the same rank formula the histogram promises.
int64_t OracleQuantile(const std::vector<int64_t>& sorted, double q) {
  const double rank = std::ceil(q * static_cast<double>(sorted.size()));
  const size_t index = rank < 1 ? 0 : std::min(sorted.size(), static_cast<size_t>(rank)) - 1;
  return sorted[index];
}

// The promised error: half a bucket, at most want * 2^-(bits+1), which is 0 below 2^(bits+1).
// Both are integers, so floor(want / 2^(bits+1)) is the exact allowance.
void ExpectQuantileClose(const LogHistogram& histogram, const std::vector<int64_t>& sorted,
                         double q) {
  const int64_t want = OracleQuantile(sorted, q);
  const int64_t got = histogram.Quantile(q);
  EXPECT_GE(got, histogram.Min());
  EXPECT_LE(got, histogram.Max());
  const int64_t error = got > want ? got - want : want - got;
  EXPECT_LE(error, want >> (histogram.SubBucketBits() + 1))
      << "q=" << q << " want=" << want << " got=" << got;
}

// Exact mean by long double (64-bit mantissa on x86, so sums below 2^64 of few values are exact
// enough); the tolerance of 4 double ulps is far below what a lossy double sum would miss by.
void ExpectMeanClose(double got, long double want) {
  EXPECT_NEAR(got, static_cast<double>(want),
              4 * std::numeric_limits<double>::epsilon() * std::fabs(static_cast<double>(want)));
}

enum class Shape { kSmall, kExponential, kLognormal, kHuge, kLogUniform, kMixture };

std::string ShapeName(Shape shape) {
  switch (shape) {
    case Shape::kSmall:
      return "Small";
    case Shape::kExponential:
      return "Exponential";
    case Shape::kLognormal:
      return "Lognormal";
    case Shape::kHuge:
      return "Huge";
    case Shape::kLogUniform:
      return "LogUniform";
    case Shape::kMixture:
      return "Mixture";
  }
  return "Unknown";
}

int64_t Draw(Shape shape, int bits, Rng& rng) {
  switch (shape) {
    case Shape::kSmall:  // Mostly below 2^bits, some zeros, a few in the first inexact buckets.
      if (rng.UniformInt(10) == 0) return 0;
      return static_cast<int64_t>(rng.UniformInt(uint64_t{3} << bits));
    case Shape::kExponential:  // Latency-like, mean 1 ms.
      return static_cast<int64_t>(rng.Exponential(1e6));
    case Shape::kLognormal:  // Heavy tail: mean 5 ms, cv 3.
      return static_cast<int64_t>(rng.Lognormal(5e6, 3.0));
    case Shape::kHuge:  // [2^62, 2^63 - 1], and the maximum itself now and then.
      if (rng.UniformInt(100) == 0) return kMaxValue;
      return static_cast<int64_t>((rng.NextU64() >> 1) | (uint64_t{1} << 62));
    case Shape::kLogUniform:  // Every magnitude from 0 to 2^63 - 1 equally often.
      return static_cast<int64_t>((rng.NextU64() >> 1) >> rng.UniformInt(64));
    case Shape::kMixture: {
      const Shape shapes[] = {Shape::kSmall, Shape::kExponential, Shape::kLognormal, Shape::kHuge,
                              Shape::kLogUniform};
      return Draw(shapes[rng.UniformInt(5)], bits, rng);
    }
  }
  return 0;
}

class LogHistogramOracleTest : public ::testing::TestWithParam<std::tuple<int, Shape>> {};

TEST_P(LogHistogramOracleTest, MatchesSortedOracle) {
  const auto [bits, shape] = GetParam();
  Rng rng = Rng::ForStream(static_cast<uint64_t>(bits), static_cast<uint64_t>(shape));
  LogHistogram histogram(bits);
  std::vector<int64_t> values;
  long double sum = 0;
  for (int i = 0; i < 50'000; ++i) {
    const int64_t value = Draw(shape, bits, rng);
    histogram.Record(value);
    values.push_back(value);
    sum += static_cast<long double>(value);
  }
  std::sort(values.begin(), values.end());

  EXPECT_EQ(histogram.Count(), values.size());
  EXPECT_EQ(histogram.Min(), values.front());
  EXPECT_EQ(histogram.Max(), values.back());
  ExpectMeanClose(histogram.Mean(), sum / values.size());
  EXPECT_EQ(histogram.Quantile(0.0), values.front());
  EXPECT_EQ(histogram.Quantile(1.0), values.back());
  for (int i = 0; i <= 1000; ++i) ExpectQuantileClose(histogram, values, i / 1000.0);
  for (double q : {0.999, 0.9999, 0.99999, 1e-5, 1e-4}) ExpectQuantileClose(histogram, values, q);
  for (int i = 0; i < 200; ++i) ExpectQuantileClose(histogram, values, rng.Uniform01());
}

INSTANTIATE_TEST_SUITE_P(
    LogHistogram, LogHistogramOracleTest,
    ::testing::Combine(::testing::Values(1, 3, 7, 10),
                       ::testing::Values(Shape::kSmall, Shape::kExponential, Shape::kLognormal,
                                         Shape::kHuge, Shape::kLogUniform, Shape::kMixture)),
    [](const ::testing::TestParamInfo<LogHistogramOracleTest::ParamType>& info) {
      return "Bits" + std::to_string(std::get<0>(info.param)) + ShapeName(std::get<1>(info.param));
    });

TEST(LogHistogram, BucketEdgesAroundEveryPowerOfTwo) {
  // For v = 2^k - 1, 2^k, 2^k + 1, record {0, v, max}: the median is v, and its bucket's midpoint
  // is not rescued by clamping to Min or Max.
  for (int bits : {1, 2, 7, 12}) {
    for (int k = 0; k < 63; ++k) {
      for (int64_t delta : {-1, 0, 1}) {
        const int64_t v = (int64_t{1} << k) + delta;
        if (v < 0) continue;
        LogHistogram histogram(bits);
        histogram.Record(0);
        histogram.Record(v);
        histogram.Record(kMaxValue);
        const std::vector<int64_t> sorted = {0, v, kMaxValue};
        SCOPED_TRACE(testing::Message() << "bits=" << bits << " v=" << v);
        ExpectQuantileClose(histogram, sorted, 0.5);
      }
    }
  }
}

TEST(LogHistogram, QuantilesStayWithinMinAndMax) {
  // With 1 sub-bucket bit, 1000..1002 share the bucket [768, 1023] whose midpoint, 895, is below
  // Min; the reported median must be clamped into the observed range.
  LogHistogram histogram(1);
  for (int64_t v : {1000, 1001, 1002}) histogram.Record(v);
  EXPECT_EQ(histogram.Quantile(0.5), 1000);
  LogHistogram high(1);
  for (int64_t v : {520, 521, 522}) high.Record(v);  // Bucket [512, 767], midpoint 639 > Max.
  EXPECT_EQ(high.Quantile(0.5), 522);
}

TEST(LogHistogram, SmallValuesAreExact) {
  LogHistogram histogram(7);
  std::vector<int64_t> values;
  for (int64_t v = 255; v >= 0; --v) {
    for (int64_t copies = 0; copies <= v % 3; ++copies) {
      histogram.Record(v);
      values.push_back(v);
    }
  }
  std::sort(values.begin(), values.end());
  for (int i = 0; i <= 100; ++i) {
    EXPECT_EQ(histogram.Quantile(i / 100.0), OracleQuantile(values, i / 100.0)) << i;
  }
}

TEST(LogHistogram, EmptyReportsZeros) {
  const LogHistogram histogram;
  EXPECT_EQ(histogram.SubBucketBits(), LogHistogram::kDefaultSubBucketBits);
  EXPECT_EQ(histogram.Count(), 0u);
  EXPECT_EQ(histogram.Min(), 0);
  EXPECT_EQ(histogram.Max(), 0);
  EXPECT_EQ(histogram.Mean(), 0.0);
  EXPECT_EQ(histogram.Quantile(0.5), 0);
}

TEST(LogHistogram, MeanDoesNotOverflow) {
  // The sum is 2^65 - 4, past both int64 and uint64; the mean must be INT64_MAX (as double, 2^63).
  LogHistogram histogram;
  for (int i = 0; i < 4; ++i) histogram.Record(kMaxValue);
  EXPECT_EQ(histogram.Mean(), static_cast<double>(kMaxValue));
}

TEST(LogHistogram, MeanKeepsSmallValuesBesideLargeOnes) {
  // A double sum stays at 2^53 while adding ones (each +1 rounds away), missing the mean by ~1.
  LogHistogram histogram;
  const int64_t big = int64_t{1} << 53;
  histogram.Record(big);
  for (int i = 0; i < 1000; ++i) histogram.Record(1);
  ExpectMeanClose(histogram.Mean(), static_cast<long double>(big + 1000) / 1001);
  EXPECT_NE(histogram.Mean(), static_cast<double>(big) / 1001);
}

TEST(LogHistogram, MeanOfSmallValuesIsExact) {
  LogHistogram histogram;
  for (int64_t v : {1, 2, 2, 7}) histogram.Record(v);
  EXPECT_EQ(histogram.Mean(), 3.0);
}

void ExpectSameHistogram(const LogHistogram& got, const LogHistogram& want) {
  EXPECT_EQ(got.Count(), want.Count());
  EXPECT_EQ(got.Min(), want.Min());
  EXPECT_EQ(got.Max(), want.Max());
  EXPECT_EQ(got.Mean(), want.Mean());
  for (int i = 0; i <= 1000; ++i) {
    EXPECT_EQ(got.Quantile(i / 1000.0), want.Quantile(i / 1000.0)) << i;
  }
}

TEST(LogHistogram, MergeEqualsRecordingIntoOne) {
  Rng rng = Rng::ForStream(77, 0);
  LogHistogram all(5);
  LogHistogram parts[3] = {LogHistogram(5), LogHistogram(5), LogHistogram(5)};
  for (int i = 0; i < 30'000; ++i) {
    // Give each part a different range so their bucket arrays have different lengths.
    const size_t part = rng.UniformInt(3);
    const int64_t value = part == 0   ? static_cast<int64_t>(rng.UniformInt(100))
                          : part == 1 ? static_cast<int64_t>(rng.Exponential(1e6))
                                      : static_cast<int64_t>(rng.Lognormal(1e9, 2.0));
    all.Record(value);
    parts[part].Record(value);
  }
  LogHistogram merged(5);
  merged.Merge(parts[0]);
  merged.Merge(parts[2]);  // Longest bucket array second, so merging must grow.
  merged.Merge(parts[1]);
  ExpectSameHistogram(merged, all);
}

// The recorder keeps only the fine per-model histograms of a one-org run and derives the coarse
// per-org one at the end: merging a finer histogram must equal recording its values directly.
TEST(LogHistogram, MergeOfFinerBucketsEqualsRecordingIntoCoarse) {
  for (const auto& [fine_bits, coarse_bits] : std::vector<std::pair<int, int>>{
           {7, 5}, {7, 7}, {16, 1}, {6, 5}, {10, 3}, {2, 1}}) {
    Rng rng = Rng::ForStream(78, static_cast<uint64_t>(fine_bits * 100 + coarse_bits));
    LogHistogram fine(fine_bits);
    LogHistogram direct(coarse_bits);
    auto record = [&](int64_t value) {
      fine.Record(value);
      direct.Record(value);
    };
    for (int64_t v : {int64_t{0}, int64_t{1}, int64_t{63}, int64_t{64}, int64_t{255}, int64_t{256},
                      kMaxValue, kMaxValue - 1, int64_t{1} << 40, (int64_t{1} << 40) - 1}) {
      record(v);
    }
    for (int i = 0; i < 20'000; ++i) {
      switch (rng.UniformInt(3)) {
        case 0: record(static_cast<int64_t>(rng.UniformInt(1000))); break;
        case 1: record(static_cast<int64_t>(rng.Exponential(1e6))); break;
        default: record(static_cast<int64_t>(rng.NextU64() >> (1 + rng.UniformInt(62)))); break;
      }
    }
    LogHistogram merged(coarse_bits);
    merged.Merge(fine);
    SCOPED_TRACE(testing::Message() << "fine " << fine_bits << " coarse " << coarse_bits);
    EXPECT_EQ(merged.Count(), direct.Count());
    ExpectSameHistogram(merged, direct);
  }
}

TEST(LogHistogram, MergingAnEmptyHistogramChangesNothing) {
  LogHistogram histogram;
  for (int64_t v : {500, 900, 100000}) histogram.Record(v);
  LogHistogram copy = histogram;
  histogram.Merge(LogHistogram());
  ExpectSameHistogram(histogram, copy);
  EXPECT_EQ(histogram.Min(), 500);  // Not the empty histogram's sentinel, nor 0.
}

TEST(LogHistogram, MergeIntoEmptyCopies) {
  LogHistogram source;
  for (int64_t v : {3, 0, 1 << 20, 77}) source.Record(v);
  LogHistogram target;
  target.Merge(source);
  ExpectSameHistogram(target, source);
  EXPECT_EQ(target.Min(), 0);
  EXPECT_EQ(target.Max(), 1 << 20);
}

}  // namespace
}  // namespace ratesim

namespace ratesim {
namespace {

// A compact histogram answers exactly as a dense one fed the same values, while it is sparse and
// after it turned dense: every quantile, the moments, and merges either way.
class CompactHistogramTest : public ::testing::TestWithParam<std::tuple<int, Shape, int>> {};

TEST_P(CompactHistogramTest, AnswersExactlyAsDense) {
  const auto [bits, shape, n] = GetParam();
  Rng rng = Rng::ForStream(static_cast<uint64_t>(bits) + 100, static_cast<uint64_t>(shape));
  LogHistogram dense(bits);
  LogHistogram compact(bits, LogHistogram::Storage::kCompact);
  EXPECT_TRUE(compact.IsSparse());
  for (int i = 0; i < n; ++i) {
    const int64_t value = Draw(shape, bits, rng);
    dense.Record(value);
    compact.Record(value);
  }
  auto expect_same = [&](const LogHistogram& a, const LogHistogram& b) {
    EXPECT_EQ(a.Count(), b.Count());
    EXPECT_EQ(a.Min(), b.Min());
    EXPECT_EQ(a.Max(), b.Max());
    EXPECT_EQ(a.Mean(), b.Mean());
    for (int i = 0; i <= 1000; ++i) EXPECT_EQ(a.Quantile(i / 1000.0), b.Quantile(i / 1000.0)) << i;
  };
  expect_same(dense, compact);
  // Merging a compact one into a coarser dense one, and a dense one into a compact one.
  LogHistogram coarse_from_dense(1);
  coarse_from_dense.Merge(dense);
  LogHistogram coarse_from_compact(1);
  coarse_from_compact.Merge(compact);
  expect_same(coarse_from_dense, coarse_from_compact);
  LogHistogram compact_sum(bits, LogHistogram::Storage::kCompact);
  compact_sum.Merge(dense);
  expect_same(dense, compact_sum);
}

INSTANTIATE_TEST_SUITE_P(
    LogHistogram, CompactHistogramTest,
    ::testing::Combine(::testing::Values(1, 5, 7),
                       ::testing::Values(Shape::kSmall, Shape::kExponential, Shape::kLognormal,
                                         Shape::kHuge, Shape::kLogUniform, Shape::kMixture),
                       ::testing::Values(20, 300, 20'000)),
    [](const ::testing::TestParamInfo<CompactHistogramTest::ParamType>& info) {
      return "Bits" + std::to_string(std::get<0>(info.param)) +
             ShapeName(std::get<1>(info.param)) + std::to_string(std::get<2>(info.param));
    });

TEST(LogHistogram, CompactStaysSparseForAFewLatenciesAndTurnsDenseForMany) {
  Rng rng = Rng::ForStream(3, 4);
  LogHistogram histogram(5, LogHistogram::Storage::kCompact);
  // 300 latencies of 1.5 s and more: at most ~100 distinct buckets out of ~1000 below the highest.
  for (int i = 0; i < 300; ++i) {
    histogram.Record(static_cast<int64_t>(1.5e9 + rng.Exponential(1e9)));
  }
  EXPECT_TRUE(histogram.IsSparse());
  // Every value below 4096: 256 more buckets, over a quarter of the dense array.
  for (int64_t v = 0; v < 4096; ++v) histogram.Record(v);
  EXPECT_FALSE(histogram.IsSparse());
}

}  // namespace
}  // namespace ratesim

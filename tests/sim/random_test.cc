// Tests for Rng: known answers from the reference xoshiro256** and SplitMix64, reproducibility and
// stream independence, edge values of Uniform01, and moments of each distribution.
//
// Statistical checks use a fixed seed, so they are deterministic; their tolerances are 5 standard
// errors of the estimate (computed below from the distribution's own moments), so a correct
// generator would fail one with probability below 1e-6 for a fresh seed, while a wrong mean,
// variance or parametrisation is off by many standard errors at these sample sizes.
#include "sim/des/random.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <functional>
#include <set>
#include <vector>

namespace ratesim {
namespace {

constexpr int kSamples = 1'000'000;
constexpr double kSigmas = 5.0;

struct Moments {
  double mean;
  double variance;  // Unbiased sample variance.
};

// Welford's online algorithm: stable for a million samples of any scale.
Moments SampleMoments(int n, const std::function<double()>& draw) {
  double mean = 0.0;
  double m2 = 0.0;
  for (int i = 1; i <= n; ++i) {
    const double x = draw();
    const double delta = x - mean;
    mean += delta / i;
    m2 += delta * (x - mean);
  }
  return {mean, m2 / (n - 1)};
}

// Asserts that the sample mean and variance match a distribution with the given mean, variance and
// fourth central moment mu4. Standard errors: mean sqrt(var / n); sample variance
// sqrt((mu4 - var^2) / n) (large-sample formula).
void ExpectMoments(const Moments& got, double mean, double variance, double mu4, int n) {
  const double mean_se = std::sqrt(variance / n);
  const double variance_se = std::sqrt((mu4 - variance * variance) / n);
  EXPECT_NEAR(got.mean, mean, kSigmas * mean_se);
  EXPECT_NEAR(got.variance, variance, kSigmas * variance_se);
}

// The inverse of odd `a` modulo 2^64, by Newton's iteration (each step doubles the correct bits).
uint64_t InverseMod2To64(uint64_t a) {
  uint64_t inverse = a;  // Correct to 3 bits for any odd a.
  for (int i = 0; i < 5; ++i) inverse *= 2 - a * inverse;
  return inverse;
}

TEST(Rng, MatchesReferenceXoshiro256StarStar) {
  // Outputs of Vigna's xoshiro256starstar.c from state {1, 2, 3, 4}.
  const uint64_t expected[] = {11520u,
                               0u,
                               1509978240u,
                               1215971899390074240u,
                               1216172134540287360u,
                               607988272756665600u,
                               16172922978634559625u,
                               8476171486693032832u,
                               10595114339597558777u,
                               2904607092377533576u};
  Rng rng = Rng::FromState({1, 2, 3, 4});
  for (uint64_t want : expected) EXPECT_EQ(rng.NextU64(), want);
}

TEST(Rng, SeedsStateFromSplitMix64) {
  // The first four outputs of Vigna's splitmix64.c with state 0.
  Rng seeded(0);
  Rng reference = Rng::FromState(
      {0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4, 0x06c45d188009454f, 0xf88bb8a8724c81ec});
  for (int i = 0; i < 100; ++i) ASSERT_EQ(seeded.NextU64(), reference.NextU64()) << "draw " << i;
}

TEST(Rng, SameSeedAndStreamReproduceEveryDistribution) {
  Rng first = Rng::ForStream(42, 7);
  Rng second = Rng::ForStream(42, 7);
  for (int i = 0; i < 10'000; ++i) {
    ASSERT_EQ(first.NextU64(), second.NextU64());
    ASSERT_EQ(first.Uniform01(), second.Uniform01());
    ASSERT_EQ(first.Exponential(3.0), second.Exponential(3.0));
    ASSERT_EQ(first.Normal(), second.Normal());
    ASSERT_EQ(first.Lognormal(5.0, 1.5), second.Lognormal(5.0, 1.5));
    ASSERT_EQ(first.UniformInt(1000), second.UniformInt(1000));
  }
}

TEST(Rng, StreamsAndSeedsShareNoOutputs) {
  // 64-bit outputs of unrelated generators collide with probability ~n^2 / 2^65, i.e. never here; a
  // stream that were a shifted or lightly perturbed copy of another would collide at once.
  std::set<uint64_t> seen;
  int drawn = 0;
  for (uint64_t seed : {0u, 1u, 42u}) {
    for (uint64_t stream = 0; stream < 8; ++stream) {
      Rng rng = Rng::ForStream(seed, stream);
      for (int i = 0; i < 1000; ++i, ++drawn) seen.insert(rng.NextU64());
    }
  }
  EXPECT_EQ(seen.size(), static_cast<size_t>(drawn));
}

TEST(Rng, Uniform01NeverReturnsZeroOrOne) {
  Rng rng = Rng::ForStream(1, 0);
  double lowest = 1.0;
  double highest = 0.0;
  for (int i = 0; i < 10'000'000; ++i) {
    const double u = rng.Uniform01();
    lowest = std::min(lowest, u);
    highest = std::max(highest, u);
  }
  EXPECT_GT(lowest, 0.0);
  EXPECT_LT(highest, 1.0);
}

TEST(Rng, Uniform01SkipsAZeroDraw) {
  // With state[1] == 0, xoshiro256**'s first output is exactly 0.
  const std::array<uint64_t, 4> state = {0x1234, 0, 0x5678, 0x9abc};
  Rng probe = Rng::FromState(state);
  ASSERT_EQ(probe.NextU64(), 0u);
  const double want = static_cast<double>(probe.NextU64() >> 11) * 0x1.0p-53;

  Rng rng = Rng::FromState(state);
  const double u = rng.Uniform01();
  EXPECT_GT(u, 0.0);
  EXPECT_EQ(u, want);  // The zero was redrawn, not nudged.
}

TEST(Rng, Uniform01MapsTheLargestDrawBelowOne) {
  // Solve rotl(s1 * 5, 7) * 9 == 2^64 - 1 for s1, so the first output is all ones.
  const uint64_t rotated = ~uint64_t{0} * InverseMod2To64(9);
  const uint64_t times5 = (rotated >> 7) | (rotated << 57);
  const std::array<uint64_t, 4> state = {1, times5 * InverseMod2To64(5), 2, 3};
  Rng probe = Rng::FromState(state);
  ASSERT_EQ(probe.NextU64(), ~uint64_t{0});

  Rng rng = Rng::FromState(state);
  const double u = rng.Uniform01();
  EXPECT_LT(u, 1.0);
  EXPECT_EQ(u, 1.0 - 0x1.0p-53);  // All 53 bits are used.
}

TEST(Rng, Uniform01HasUniformMoments) {
  Rng rng = Rng::ForStream(2, 0);
  // Uniform(0,1): variance 1/12, fourth central moment 1/80.
  ExpectMoments(SampleMoments(kSamples, [&] { return rng.Uniform01(); }), 0.5, 1.0 / 12, 1.0 / 80,
                kSamples);
}

TEST(Rng, ExponentialHasRequestedMeanAndVariance) {
  Rng rng = Rng::ForStream(3, 0);
  const double mean = 2.5;
  // Exponential: variance m^2, fourth central moment 9 m^4.
  ExpectMoments(SampleMoments(kSamples, [&] { return rng.Exponential(mean); }), mean, mean * mean,
                9 * std::pow(mean, 4), kSamples);
}

TEST(Rng, NormalIsStandard) {
  Rng rng = Rng::ForStream(4, 0);
  // Standard normal: variance 1, fourth central moment 3.
  ExpectMoments(SampleMoments(kSamples, [&] { return rng.Normal(); }), 0.0, 1.0, 3.0, kSamples);
}

TEST(Rng, NormalIsSymmetricAroundZero) {
  // Box-Muller with only the cosine branch is still symmetric; a sign or angle bug would not be.
  Rng rng = Rng::ForStream(5, 0);
  int positive = 0;
  for (int i = 0; i < kSamples; ++i) positive += rng.Normal() > 0.0;
  // Binomial(n, 1/2): standard error sqrt(n) / 2.
  EXPECT_NEAR(positive, kSamples / 2.0, kSigmas * std::sqrt(kSamples) / 2);
}

TEST(Rng, LognormalHasRequestedMeanAndCv) {
  for (double cv : {0.5, 1.5}) {
    SCOPED_TRACE(cv);
    Rng rng = Rng::ForStream(6, static_cast<uint64_t>(cv * 10));
    const double mean = 3.0;
    const double variance = (cv * mean) * (cv * mean);
    // Lognormal excess kurtosis: e^{4s} + 2e^{3s} + 3e^{2s} - 6 with s = sigma^2 = ln(1 + cv^2).
    const double s = std::log1p(cv * cv);
    const double excess = std::exp(4 * s) + 2 * std::exp(3 * s) + 3 * std::exp(2 * s) - 6;
    const double mu4 = (excess + 3) * variance * variance;
    ExpectMoments(SampleMoments(kSamples, [&] { return rng.Lognormal(mean, cv); }), mean, variance,
                  mu4, kSamples);
  }
}

TEST(Rng, LognormalWithZeroCvReturnsTheMean) {
  Rng rng(9);
  EXPECT_EQ(rng.Lognormal(7.25, 0.0), 7.25);
}

TEST(Rng, UniformIntStaysInRangeAndIsUniform) {
  Rng rng = Rng::ForStream(7, 0);
  constexpr uint64_t kBins = 10;
  std::vector<int> counts(kBins, 0);
  for (int i = 0; i < kSamples; ++i) {
    const uint64_t x = rng.UniformInt(kBins);
    ASSERT_LT(x, kBins);
    ++counts[x];
  }
  const double expected = static_cast<double>(kSamples) / kBins;
  double chi_square = 0.0;
  for (int count : counts) chi_square += (count - expected) * (count - expected) / expected;
  // Upper 1e-6 tail of chi-square with 9 degrees of freedom is ~46 (Wilson-Hilferty).
  EXPECT_LT(chi_square, 46.0);
}

TEST(Rng, UniformIntOfOneIsZero) {
  Rng rng(10);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(rng.UniformInt(1), 0u);
}

TEST(Rng, UniformIntIsUnbiasedForHugeN) {
  // n = 3 * 2^62 makes both classic shortcuts visibly wrong. With x % n, values below 2^62 have two
  // preimages and the rest one, so P(r < n/3) would be 1/2. With Lemire's multiply but no
  // rejection, r = floor(3x / 4) and multiples of 3 get two preimages, so P(r % 3 == 0) would be
  // 1/2. Both are 1/3 for a uniform draw.
  const uint64_t n = uint64_t{3} << 62;
  Rng rng = Rng::ForStream(8, 0);
  int low_third = 0;
  int multiple_of_three = 0;
  for (int i = 0; i < kSamples; ++i) {
    const uint64_t r = rng.UniformInt(n);
    ASSERT_LT(r, n);
    low_third += r < n / 3;
    multiple_of_three += r % 3 == 0;
  }
  const double p = 1.0 / 3;
  const double tolerance = kSigmas * std::sqrt(p * (1 - p) / kSamples);
  EXPECT_NEAR(low_third / static_cast<double>(kSamples), p, tolerance);
  EXPECT_NEAR(multiple_of_three / static_cast<double>(kSamples), p, tolerance);
}

}  // namespace
}  // namespace ratesim

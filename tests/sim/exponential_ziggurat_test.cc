// Tests for Rng::Exponential's ziggurat: the layers' geometry, then the draws against the
// exponential distribution itself (its CDF at a thousand quantiles, its tail beyond r), so that an
// error in any one part (the wholly-under test, the ragged-end test, the tail) shows.
//
// Fixed seeds make the checks deterministic; thresholds sit at a 1e-6 false-alarm level for a
// correct sampler, while a wrong ragged end or tail moves ~1% of the mass, tens of standard errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "sim/des/exponential_layers.h"
#include "sim/des/random.h"

namespace ratesim {
namespace {

constexpr size_t kLayers = ExponentialLayers::kCount;
constexpr double kTailStart = ExponentialLayers::kTailStart;

double LayerArea() { return (kTailStart + 1.0) * std::exp(-kTailStart); }

TEST(ExponentialLayers, EveryLayerHasTheSameArea) {
  const ExponentialLayers& layers = ExponentialLayers::Get();
  const double area = LayerArea();
  // Layer 0: its virtual rectangle holds the rectangle part and the tail.
  EXPECT_NEAR(layers.edge[0] * layers.density[1], area, 1e-15);
  for (size_t i = 1; i < kLayers; ++i) {
    EXPECT_NEAR(layers.edge[i] * (layers.density[i + 1] - layers.density[i]), area, 1e-9 * area)
        << i;
  }
}

TEST(ExponentialLayers, EdgesFallFromTheTailToZeroAndDensitiesMatchThem) {
  const ExponentialLayers& layers = ExponentialLayers::Get();
  EXPECT_EQ(layers.edge[1], kTailStart);
  EXPECT_EQ(layers.edge[kLayers], 0.0);
  for (size_t i = 0; i < kLayers; ++i) EXPECT_GT(layers.edge[i], layers.edge[i + 1]) << i;
  for (size_t i = 0; i <= kLayers; ++i) EXPECT_EQ(layers.density[i], std::exp(-layers.edge[i])) << i;
  // r is what makes the last real layer reach the top of the curve: its computed upper bound,
  // e^-x_255 + v / x_255, is 1 (the top layer's density[256] is set to exactly 1). It closes to
  // about 1e-14; an r wrong in its tenth significant digit leaves it open by about 1e-8.
  const double top = layers.density[kLayers - 1] + LayerArea() / layers.edge[kLayers - 1];
  EXPECT_NEAR(top, 1.0, 1e-12);
}

std::vector<double> Draws(uint64_t seed, int n) {
  Rng rng = Rng::ForStream(seed, 0);
  std::vector<double> draws(n);
  for (double& x : draws) x = rng.Exponential(1.0);
  return draws;
}

TEST(ExponentialZiggurat, MatchesTheExponentialCdfAtAThousandQuantiles) {
  constexpr int kDraws = 4'000'000;
  constexpr int kBins = 1000;
  std::vector<int> counts(kBins, 0);
  for (const double x : Draws(11, kDraws)) {
    ASSERT_TRUE(std::isfinite(x));
    ASSERT_GT(x, 0.0);
    // Bin k holds the k-th thousandth of the probability: F(x) = 1 - e^-x in [k, k + 1) / 1000.
    const int bin = static_cast<int>(-std::expm1(-x) * kBins);
    ++counts[std::min(bin, kBins - 1)];
  }
  const double expected = static_cast<double>(kDraws) / kBins;
  double chi_square = 0.0;
  double cumulative = 0.0;
  double largest_gap = 0.0;  // Kolmogorov-Smirnov distance at the bin edges
  for (int k = 0; k < kBins; ++k) {
    chi_square += (counts[k] - expected) * (counts[k] - expected) / expected;
    cumulative += counts[k];
    largest_gap = std::max(largest_gap, std::abs(cumulative / kDraws - (k + 1.0) / kBins));
  }
  // Chi-square with 999 degrees of freedom: mean 999, sd 44.7; its 1e-6 upper tail is ~1230.
  EXPECT_LT(chi_square, 1230.0);
  // KS: P(D > c / sqrt(n)) ~ 2 e^(-2 c^2), 1e-6 at c = 2.7.
  EXPECT_LT(largest_gap, 2.7 / std::sqrt(kDraws));
}

TEST(ExponentialZiggurat, DrawsTheTailBeyondRWithItsProbabilityAndShape) {
  constexpr int kDraws = 8'000'000;
  int beyond = 0;
  double excess = 0.0;
  for (const double x : Draws(12, kDraws)) {
    if (x <= kTailStart) continue;
    ++beyond;
    excess += x - kTailStart;
  }
  // Binomial count with p = e^-r (about 3,630 expected here).
  const double p = std::exp(-kTailStart);
  EXPECT_NEAR(beyond, kDraws * p, 5.0 * std::sqrt(kDraws * p * (1 - p)));
  // Memoryless: the excess over r is exponential with mean 1 (sd of the mean 1 / sqrt(count)).
  ASSERT_GT(beyond, 0);
  EXPECT_NEAR(excess / beyond, 1.0, 5.0 / std::sqrt(beyond));
}

TEST(ExponentialZiggurat, ScalesByTheMean) {
  Rng unit = Rng::ForStream(13, 0);
  Rng scaled = Rng::ForStream(13, 0);
  for (int i = 0; i < 10'000; ++i) ASSERT_EQ(scaled.Exponential(2.5), 2.5 * unit.Exponential(1.0));
}

}  // namespace
}  // namespace ratesim

// Jain's index against hand computations, and the fairness of a run's orgs: only orgs with a
// finished request count.
#include "sim/metrics/fairness.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

namespace ratesim {
namespace {

TEST(JainIndex, IsOneForEqualValuesWhateverTheirScale) {
  EXPECT_DOUBLE_EQ(*JainIndex({0.7, 0.7, 0.7}), 1.0);
  EXPECT_DOUBLE_EQ(*JainIndex({1.0}), 1.0);
  EXPECT_DOUBLE_EQ(*JainIndex({5.0, 5.0}), 1.0);
}

TEST(JainIndex, IsOneOverNWhenOneOfNGetsEverything) {
  EXPECT_DOUBLE_EQ(*JainIndex({1.0, 0.0, 0.0, 0.0}), 0.25);
  EXPECT_DOUBLE_EQ(*JainIndex({0.0, 0.3}), 0.5);
}

TEST(JainIndex, MatchesHandComputedValues) {
  // (1 + 2 + 3)² / (3 × (1 + 4 + 9)) = 36 / 42.
  EXPECT_DOUBLE_EQ(*JainIndex({1.0, 2.0, 3.0}), 36.0 / 42.0);
  // (0.9 + 0.5)² / (2 × (0.81 + 0.25)) = 1.96 / 2.12.
  EXPECT_DOUBLE_EQ(*JainIndex({0.9, 0.5}), 1.96 / 2.12);
}

TEST(JainIndex, IsUndefinedForNoValuesOrAllZero) {
  EXPECT_FALSE(JainIndex({}).has_value());
  EXPECT_FALSE(JainIndex({0.0, 0.0}).has_value());
}

// Per org: served, 503s and 429s.
RunMetrics OrgsWith(const std::vector<std::array<int64_t, 3>>& orgs) {
  RunMetrics metrics(orgs.size(), 1);
  for (size_t i = 0; i < orgs.size(); ++i) {
    OutcomeCounts& counts = metrics.per_org[i].counts;
    counts.ok = orgs[i][0];
    counts.r503 = orgs[i][1];
    counts.r429_request = orgs[i][2];
    counts.offered = counts.finished();
  }
  return metrics;
}

TEST(OrgFairness, IsJainsIndexOfTheOrgsSuccessShares) {
  // 90 of 100, 30 of 60 (10 503s, 20 429s), 0 of 5: shares 0.9, 0.5, 0.
  const RunMetrics metrics = OrgsWith({{90, 0, 10}, {30, 10, 20}, {0, 5, 0}});
  EXPECT_DOUBLE_EQ(*OrgFairness(metrics), 1.4 * 1.4 / (3 * (0.81 + 0.25)));
}

TEST(OrgFairness, LeavesOutOrgsWithNothingFinished) {
  // The third org sent nothing that ended: it is not an org served 0%.
  EXPECT_DOUBLE_EQ(*OrgFairness(OrgsWith({{9, 1, 0}, {5, 5, 0}, {0, 0, 0}})),
                   *JainIndex({0.9, 0.5}));
  EXPECT_FALSE(OrgFairness(OrgsWith({{0, 0, 0}})).has_value());
  EXPECT_FALSE(OrgFairness(OrgsWith({{0, 3, 0}, {0, 0, 4}})).has_value()) << "all shares zero";
}

}  // namespace
}  // namespace ratesim

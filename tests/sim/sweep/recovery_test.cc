// Tests for outage detection in a schedule and for recovery / spiral judgement on a series.
#include "sim/sweep/recovery.h"

#include <gtest/gtest.h>

#include <cmath>

namespace ratesim {
namespace {

constexpr Nanos kS = kNanosPerSecond;

ModelSpec Model(std::string name, int64_t replicas, std::vector<std::pair<int64_t, int64_t>> at) {
  ModelSpec model;
  model.name = std::move(name);
  model.replicas = replicas;
  for (const auto& [seconds, count] : at) model.schedule.push_back({seconds * kS, count, {}});
  return model;
}

TEST(LastRestoredOutage, FindsADropAndItsRestore) {
  const std::optional<Outage> outage = LastRestoredOutage({Model("m", 4, {{1200, 0}, {1320, 4}})});
  ASSERT_TRUE(outage.has_value());
  EXPECT_EQ(outage->model, "m");
  EXPECT_EQ(outage->drop, 1200 * kS);
  EXPECT_EQ(outage->restore, 1320 * kS);
}

TEST(LastRestoredOutage, IgnoresDropsNeverRestoredAndRisesFromAnInitialZero) {
  EXPECT_FALSE(LastRestoredOutage({Model("m", 4, {})}).has_value());
  EXPECT_FALSE(LastRestoredOutage({Model("m", 4, {{600, 2}})}).has_value());
  EXPECT_FALSE(LastRestoredOutage({Model("m", 0, {{5, 4}})}).has_value());
  // Back to 3 of 4 is not restored.
  EXPECT_FALSE(LastRestoredOutage({Model("m", 4, {{10, 0}, {20, 3}})}).has_value());
}

TEST(LastRestoredOutage, APartialRecoveryRestoresOnlyWhenTheLevelIsBack) {
  const std::optional<Outage> outage =
      LastRestoredOutage({Model("m", 4, {{10, 0}, {12, 2}, {15, 4}})});
  ASSERT_TRUE(outage.has_value());
  EXPECT_EQ(outage->drop, 10 * kS);
  EXPECT_EQ(outage->restore, 15 * kS);
}

TEST(LastRestoredOutage, TakesTheLatestRestoreOverOutagesAndModels) {
  std::optional<Outage> outage =
      LastRestoredOutage({Model("m", 4, {{10, 0}, {12, 4}, {30, 1}, {32, 4}})});
  ASSERT_TRUE(outage.has_value());
  EXPECT_EQ(outage->drop, 30 * kS);
  EXPECT_EQ(outage->restore, 32 * kS);
  outage =
      LastRestoredOutage({Model("a", 2, {{40, 0}, {50, 2}}), Model("b", 2, {{20, 0}, {45, 2}})});
  ASSERT_TRUE(outage.has_value());
  EXPECT_EQ(outage->model, "a");
  // A nested drop restored at the same time: the earliest drop, the whole outage.
  outage = LastRestoredOutage({Model("m", 4, {{10, 2}, {12, 0}, {15, 4}})});
  ASSERT_TRUE(outage.has_value());
  EXPECT_EQ(outage->drop, 10 * kS);
}

// Intervals of 10 s from 0 with the given 429 shares of 10 finished requests each, the rest ok
// (negative: nothing finished).
std::vector<IntervalOutcome> Series(const std::vector<double>& shares_429) {
  std::vector<IntervalOutcome> series;
  for (size_t i = 0; i < shares_429.size(); ++i) {
    const Nanos start = static_cast<Nanos>(i) * 10 * kS;
    const bool empty = shares_429[i] < 0;
    const int64_t rejected = empty ? 0 : std::lround(shares_429[i] * 10);
    series.push_back({start, start + 10 * kS, empty ? 0 : 10 - rejected, rejected, empty ? 0 : 10});
  }
  return series;
}

// The outage: intervals ending at 70, 80 and 90 s (here all 503s, which the rule ignores).
std::vector<IntervalOutcome> WithOutage(std::vector<IntervalOutcome> series) {
  for (IntervalOutcome& interval : series) {
    if (interval.start >= 60 * kS && interval.end <= 90 * kS) {
      interval.ok = 0;
      interval.rejected_429 = 0;
    }
  }
  return series;
}

const Outage kOutage{"m", 60 * kS, 90 * kS};

TEST(AssessRecovery, RecoveryIsTheEndOfTheFirstIntervalWhose429ShareIsBackWithinTolerance) {
  // Before the drop 10% 429s; the outage; then 50%, 20% (above 15%), 10%.
  const Recovery r = AssessRecovery(
      WithOutage(Series({0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0, 0, 0, 0.5, 0.2, 0.1})), kOutage);
  ASSERT_TRUE(r.baseline.has_value());
  EXPECT_DOUBLE_EQ(*r.baseline, 0.1);
  ASSERT_TRUE(r.recovery_s.has_value());
  EXPECT_DOUBLE_EQ(*r.recovery_s, 30.0);  // (110 s, 120 s] recovers: 120 - 90
  ASSERT_TRUE(r.spiral.has_value());
  EXPECT_FALSE(*r.spiral);
}

TEST(AssessRecovery, FlatSuccessWithRising429sAfterTheRestoreIsASpiral) {
  // Every interval has 8 ok of 10 finished, before and after the outage: the success rate never
  // moves. Before the drop the other 2 are 503s (no 429s); after the restore they are 429s: the
  // keys' rates have fallen and the org is now blamed. The success-rate rule saw a recovery at the
  // first interval; the 429 share (0.2 against a baseline of 0 + 0.05) never comes back.
  RecoveryRule rule;
  rule.horizon = 50 * kS;
  std::vector<IntervalOutcome> series;
  for (int i = 0; i < 15; ++i) {  // to 150 s = restore + 60 s
    const Nanos start = i * 10 * kS;
    const bool after = start >= kOutage.restore;
    const bool during = start >= kOutage.drop && !after;
    series.push_back({start, start + 10 * kS, during ? 0 : 8, after ? 2 : 0, 10});
  }
  const Recovery r = AssessRecovery(series, kOutage, rule);
  ASSERT_TRUE(r.baseline.has_value());
  EXPECT_DOUBLE_EQ(*r.baseline, 0.0);
  EXPECT_FALSE(r.recovery_s.has_value());
  ASSERT_TRUE(r.spiral.has_value());
  EXPECT_TRUE(*r.spiral);
}

TEST(AssessRecovery, ExactlyTheToleranceAboveCountsAsRecovered) {
  RecoveryRule rule;
  rule.tolerance = 0.1;
  const Recovery r = AssessRecovery(
      WithOutage(Series({0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0, 0, 0, 0.2})), kOutage, rule);
  ASSERT_TRUE(r.recovery_s.has_value());
  EXPECT_DOUBLE_EQ(*r.recovery_s, 10.0);
}

TEST(AssessRecovery, TheBaselineIsOnlyTheWindowBeforeTheDrop) {
  RecoveryRule rule;
  rule.baseline_window = 20 * kS;  // the intervals ending at 50 s and 60 s
  const Recovery r = AssessRecovery(
      WithOutage(Series({0.9, 0.9, 0.9, 0.9, 0.4, 0.0, 0, 0, 0, 0.3, 0.2})), kOutage, rule);
  ASSERT_TRUE(r.baseline.has_value());
  EXPECT_DOUBLE_EQ(*r.baseline, 0.2);
  // 0.3 is above 0.2 + 0.05 (over the whole run the baseline would be 2/3 and 0.3 would count).
  ASSERT_TRUE(r.recovery_s.has_value());
  EXPECT_DOUBLE_EQ(*r.recovery_s, 20.0);
}

TEST(AssessRecovery, NeverBackWithinTheHorizonIsASpiral) {
  RecoveryRule rule;
  rule.horizon = 50 * kS;
  std::vector<double> shares = {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0, 0, 0};
  for (int i = 0; i < 6; ++i) shares.push_back(0.7);  // to 150 s = restore + 60 s
  Recovery r = AssessRecovery(WithOutage(Series(shares)), kOutage, rule);
  EXPECT_FALSE(r.recovery_s.has_value());
  ASSERT_TRUE(r.spiral.has_value());
  EXPECT_TRUE(*r.spiral);
  // Back, but after the horizon: a spiral that ended.
  shares.push_back(0.1);
  r = AssessRecovery(WithOutage(Series(shares)), kOutage, rule);
  ASSERT_TRUE(r.recovery_s.has_value());
  EXPECT_DOUBLE_EQ(*r.recovery_s, 70.0);
  EXPECT_TRUE(*r.spiral);
}

TEST(AssessRecovery, IsUndecidedWhenTheRunEndsBeforeTheHorizonOrHasNothingToJudge) {
  // Not recovered, and the series ends 30 s after the restore, before the 10-minute horizon.
  Recovery r = AssessRecovery(
      WithOutage(Series({0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0, 0, 0, 0.7, 0.7, 0.7})), kOutage);
  EXPECT_TRUE(r.baseline.has_value());
  EXPECT_FALSE(r.recovery_s.has_value());
  EXPECT_FALSE(r.spiral.has_value());
  // Nothing finished before the drop: no baseline, nothing judged.
  r = AssessRecovery(WithOutage(Series({-1, -1, -1, -1, -1, -1, 0, 0, 0, 0.1})), kOutage);
  EXPECT_FALSE(r.baseline.has_value());
  EXPECT_FALSE(r.spiral.has_value());
  // Nothing finished after the restore.
  r = AssessRecovery(WithOutage(Series({0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0, 0, 0, -1, -1})), kOutage);
  EXPECT_FALSE(r.recovery_s.has_value());
  EXPECT_FALSE(r.spiral.has_value());
}

TEST(AssessRecovery, LeavesOutTheDrainAfterTheTrafficEnds) {
  // 429s until the traffic stops at 120 s, then a drain to 125 s that serves what is left.
  std::vector<IntervalOutcome> series =
      WithOutage(Series({0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0, 0, 0, 0.7, 0.7, 0.7}));
  series.push_back({120 * kS, 125 * kS, 10, 0, 10});
  Outage outage = kOutage;
  // Not knowing where the traffic ends, the drain counts: "recovered" at its end.
  ASSERT_TRUE(AssessRecovery(series, outage).recovery_s.has_value());
  outage.traffic_end = 120 * kS;
  Recovery r = AssessRecovery(series, outage);
  EXPECT_FALSE(r.recovery_s.has_value());
  EXPECT_FALSE(r.spiral.has_value());  // stopped 30 s after the restore: not judged
  RecoveryRule rule;
  rule.horizon = 30 * kS;
  r = AssessRecovery(series, outage, rule);
  EXPECT_FALSE(r.recovery_s.has_value());
  ASSERT_TRUE(r.spiral.has_value());
  EXPECT_TRUE(*r.spiral);  // the traffic reached the horizon without recovering
}

// `series` with the model's summed rate at each interval's end set from `rates` (RPM), in order.
std::vector<IntervalOutcome> WithRates(std::vector<IntervalOutcome> series,
                                       const std::vector<double>& rates) {
  for (size_t i = 0; i < series.size() && i < rates.size(); ++i) series[i].rate_rpm = rates[i];
  return series;
}

TEST(AssessRecovery, JudgesTheRateByItsLowestItsReturnAndItsShareAfterTheHorizon) {
  RecoveryRule rule;
  rule.horizon = 40 * kS;  // to 130 s
  // Drop at 60 s, restore at 90 s. The rate before the drop is the one at 60 s: 100. It falls to
  // 40 by 90 s,
  // is at 94 (below 95) at 100 s and 96 at 110 s, dips to 50 at 120 s, is 110 at the horizon's end,
  // 130 s, falls to 20 at 140 s and is back at 100 from 150 s on: back to stay at 150 s only.
  const std::vector<IntervalOutcome> series =
      WithRates(Series({0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0, 0, 0, 0, 0, 0, 0, 0, 0}),
                {120, 110, 100, 100, 100, 100, 70, 55, 40, 94, 96, 50, 110, 20, 100});
  const Recovery r = AssessRecovery(series, kOutage, rule);
  ASSERT_TRUE(r.rate_low_share.has_value());
  EXPECT_DOUBLE_EQ(*r.rate_low_share, 0.4);
  ASSERT_TRUE(r.rate_recovery_s.has_value());
  EXPECT_DOUBLE_EQ(*r.rate_recovery_s, 60.0);  // back for good at 150 s: 150 - 90
  ASSERT_TRUE(r.rate_after_share.has_value());
  EXPECT_DOUBLE_EQ(*r.rate_after_share, 1.1);  // at 130 s, not the 20 after it
  // 20 after the horizon is not the lowest: the low is judged up to restore + horizon.
  rule.horizon = 50 * kS;
  EXPECT_DOUBLE_EQ(*AssessRecovery(series, kOutage, rule).rate_low_share, 0.2);
  EXPECT_DOUBLE_EQ(*AssessRecovery(series, kOutage, rule).rate_after_share, 0.2);
}

TEST(AssessRecovery, ARateThatNeverLeftIsBackAtTheRestoreAndOneThatNeverReturnsHasNoTime) {
  const std::vector<IntervalOutcome> steady =
      WithRates(Series({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}), std::vector<double>(11, 80.0));
  Recovery r = AssessRecovery(steady, kOutage);
  EXPECT_DOUBLE_EQ(*r.rate_low_share, 1.0);
  EXPECT_DOUBLE_EQ(*r.rate_recovery_s, 0.0);  // the interval ending at the restore, 90 s
  EXPECT_FALSE(r.rate_after_share.has_value());  // the series stops before restore + 10 min
  const std::vector<IntervalOutcome> fallen =
      WithRates(Series({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}), {80, 80, 80, 80, 80, 80, 40, 40, 40, 70, 75});
  r = AssessRecovery(fallen, kOutage);
  EXPECT_DOUBLE_EQ(*r.rate_low_share, 0.5);
  EXPECT_FALSE(r.rate_recovery_s.has_value());  // 75 < 0.95 * 80 = 76 at the series' end
  // No rate before the drop to measure against: nothing is judged.
  r = AssessRecovery(WithRates(Series({0, 0, 0, 0, 0, 0, 0, 0, 0, 0}), {0, 0, 0, 0, 0, 0, 5, 5, 5, 5}),
                     kOutage);
  EXPECT_FALSE(r.rate_low_share.has_value());
  EXPECT_FALSE(r.rate_recovery_s.has_value());
}

TEST(LastRestoredOutage, OfAScenarioEndsItsTrafficAtTheDuration) {
  Scenario scenario;
  scenario.models = {Model("m", 4, {{1200, 0}, {1320, 4}})};
  scenario.run.duration = 3600 * kS;
  const std::optional<Outage> outage = LastRestoredOutage(scenario);
  ASSERT_TRUE(outage.has_value());
  EXPECT_EQ(outage->restore, 1320 * kS);
  EXPECT_EQ(outage->traffic_end, 3600 * kS);
  EXPECT_EQ(LastRestoredOutage(scenario.models)->traffic_end, kNever);
}

TEST(AssessRecovery, SkipsIntervalsThatStartBeforeTheRestore) {
  const Outage outage{"m", 60 * kS, 95 * kS};  // restored mid-interval (90 s, 100 s]
  const Recovery r =
      AssessRecovery(WithOutage(Series({0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0, 0, 0, 0.0, 0.1})), outage);
  ASSERT_TRUE(r.recovery_s.has_value());
  EXPECT_DOUBLE_EQ(*r.recovery_s, 15.0);  // (100 s, 110 s]: 110 - 95
}

TEST(ModelOutcomeSeries, SumsTheKeysOfOneModelPerInterval) {
  RunResult run{"p", 1, {"a", "b"}, {"x", "y"}, RunMetrics(2, 2)};
  auto add = [&](Nanos t, SeriesMetric metric, uint32_t org, uint32_t model, double value) {
    run.metrics.series.push_back({t * kS, metric, org, model, value});
  };
  for (Nanos t : {10, 20}) {
    add(t, SeriesMetric::kOffered, 0, 0, 99);  // not an outcome
    add(t, SeriesMetric::kOk, 0, 0, 3);
    add(t, SeriesMetric::kRejected429, 0, 0, 1);
    add(t, SeriesMetric::kOk, 1, 0, 2);
    add(t, SeriesMetric::kRejected503, 1, 0, t == 10 ? 4 : 0);
    add(t, SeriesMetric::kOk, 0, 1, 50);  // model y
    add(t, SeriesMetric::kUtilisation, kNoOrg, 0, 0.5);
    add(t, SeriesMetric::kRateRpm, 0, 0, t == 10 ? 60 : 0);
    add(t, SeriesMetric::kRateRpm, 1, 0, t == 10 ? 90 : 0);
    add(t, SeriesMetric::kRateRpm, 0, 1, 1000);  // model y
    add(t, SeriesMetric::kRateTpm, 0, 0, 5000);  // tokens: not the request rate
  }
  const std::vector<IntervalOutcome> series = ModelOutcomeSeries(run, "x");
  ASSERT_EQ(series.size(), 2u);
  EXPECT_DOUBLE_EQ(series[0].rate_rpm, 150.0);
  EXPECT_DOUBLE_EQ(series[1].rate_rpm, 0.0);
  EXPECT_EQ(series[0].start, 0);
  EXPECT_EQ(series[0].end, 10 * kS);
  EXPECT_EQ(series[0].ok, 5);
  EXPECT_EQ(series[0].rejected_429, 1);
  EXPECT_EQ(series[0].finished, 10);
  EXPECT_EQ(series[1].start, 10 * kS);
  EXPECT_EQ(series[1].ok, 5);
  EXPECT_EQ(series[1].rejected_429, 1);
  EXPECT_EQ(series[1].finished, 6);
  EXPECT_TRUE(ModelOutcomeSeries(run, "z").empty());
}

}  // namespace
}  // namespace ratesim

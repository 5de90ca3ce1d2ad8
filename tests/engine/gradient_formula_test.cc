// The `gradient` formula: short- and long-term latency averages per key; gradient =
// clamp(tolerance × long / short, min_gradient, 1); each within-rate success moves the rate by
// smoothing × (rate × gradient + increase − rate) / rate, within [base, ceiling].
#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <queue>
#include <utility>
#include <vector>

#include "engine/engine.h"
#include "engine/formula_probe.h"
#include "engine/limit_formula.h"
#include "engine/smoothing_policy.h"
#include "engine/time.h"
#include "gtest/gtest.h"

namespace ratesim {
namespace {

// The defaults of GradientFormula::Params(), restated: the tests derive their numbers from these.
constexpr double kBase = 60.0 / 60;            // requests/s
constexpr double kBaseTokens = 180000.0 / 60;  // tokens/s
constexpr double kTolerance = 1.5;
constexpr double kSmoothing = 0.2;
constexpr double kIncrease = 30.0 / 60;  // requests/s
constexpr double kLongSamples = 600;

std::unique_ptr<LimitFormula> Gradient(const ParamValues& params = {}) {
  absl::StatusOr<std::unique_ptr<LimitFormula>> formula = MakeFormula("gradient", params);
  EXPECT_TRUE(formula.ok()) << formula.status();
  return formula.ok() ? std::move(*formula) : nullptr;
}

// A probe at 10 requests/s and 10,000 tokens/s with the latency averages `short_s` and `long_s`.
FormulaProbe At10(const LimitFormula& formula, double short_s, double long_s) {
  FormulaProbe probe(formula, ModelCapacity{1000, 1e9});
  probe.state.request_rate = 10;
  probe.state.token_rate = 10000;
  probe.extra = {short_s, long_s};
  return probe;
}

// The rate after one within-rate success from 10 requests/s at gradient `g`, by the law.
double StepFrom10(double g, double increase = kIncrease) {
  const double target = 10 * g + increase;
  return 10 + kSmoothing * (target - 10) / 10;
}

TEST(GradientFormula, StartsAtBase) {
  const auto formula = Gradient();
  const RateState state = formula->Initial(ModelCapacity{100, 1e6});
  EXPECT_DOUBLE_EQ(state.request_rate, kBase);
  EXPECT_DOUBLE_EQ(state.token_rate, kBaseTokens);
  EXPECT_EQ(formula->ExtraWords(), 2u);
}

TEST(GradientFormula, FirstSampleSetsBothAveragesThenEachMovesByOneOverItsSamples) {
  const auto formula = Gradient({{"short_samples", 4}, {"long_samples", 10}});
  FormulaProbe probe(*formula);
  probe.Succeed(100, true, /*latency_s=*/1.0);
  EXPECT_DOUBLE_EQ(probe.extra[0], 1.0);
  EXPECT_DOUBLE_EQ(probe.extra[1], 1.0);
  probe.Succeed(100, true, 2.0);
  EXPECT_DOUBLE_EQ(probe.extra[0], 1.25);  // 1 + (2 − 1) / 4
  EXPECT_DOUBLE_EQ(probe.extra[1], 1.1);   // 1 + (2 − 1) / 10
  probe.Succeed(100, /*within_rate=*/false, 3.0);  // over-rate successes are samples too
  EXPECT_DOUBLE_EQ(probe.extra[0], 1.25 + 1.75 / 4);
  EXPECT_DOUBLE_EQ(probe.extra[1], 1.1 + 1.9 / 10);
}

TEST(GradientFormula, FlatLatencyGrowsTheRateBySmoothingTimesIncrease) {
  const auto formula = Gradient();
  FormulaProbe probe = At10(*formula, 0.1, 0.1);
  probe.Succeed(100, true, 0.1);  // gradient clamp(1.5 × 1, ., 1) = 1: target 10.5
  EXPECT_DOUBLE_EQ(probe.state.request_rate, 10 + kSmoothing * kIncrease / 10);
  EXPECT_DOUBLE_EQ(probe.state.token_rate, 10000 * probe.state.request_rate / 10);  // in proportion
  // A second at the full rate (10 successes) gains about smoothing × increase = 0.1 requests/s:
  // each success adds 0.1 / r, r rising from 10.01 towards 10.1.
  for (int i = 1; i < 10; ++i) probe.Succeed(100, true, 0.1);
  EXPECT_GT(probe.state.request_rate, 10 + 10 * 0.1 / 10.1);
  EXPECT_LT(probe.state.request_rate, 10 + 10 * 0.1 / 10);
}

TEST(GradientFormula, ASlowKeysSuccessReachesItsTargetAtMostNeverPastIt) {
  // At 0.6 RPM (0.01 requests/s) smoothing / rate = 20: one success used to move the rate 20
  // times the gap, from 0.01 to 10 requests/s. It closes the gap at most: to rate + increase.
  const auto formula = Gradient({{"base_rpm", 0.6}});
  FormulaProbe probe(*formula, ModelCapacity{1000, 1e9});
  ASSERT_DOUBLE_EQ(probe.state.request_rate, 0.01);
  probe.Succeed(100, true, 0.1);  // flat latency: gradient 1, target 0.01 + 0.5
  EXPECT_DOUBLE_EQ(probe.state.request_rate, 0.01 + kIncrease);
  // Once above `smoothing` requests/s, a success closes smoothing / rate of the gap again.
  FormulaProbe fast = At10(*formula, 0.1, 0.1);
  fast.Succeed(100, true, 0.1);
  EXPECT_DOUBLE_EQ(fast.state.request_rate, 10 + kSmoothing * kIncrease / 10);
}

TEST(GradientFormula, RecentLatencyWithinToleranceDoesNotCut) {
  const auto formula = Gradient();
  FormulaProbe probe = At10(*formula, 1.4, 1.0);
  probe.Succeed(100, true, 1.4);  // 1.5 × 1.00067 / 1.4 > 1
  EXPECT_DOUBLE_EQ(probe.state.request_rate, StepFrom10(1.0));
}

TEST(GradientFormula, RecentLatencyAboveToleranceLowersTheRate) {
  const auto formula = Gradient();
  FormulaProbe probe = At10(*formula, 3.0, 1.0);
  probe.Succeed(100, true, 3.0);
  const double long_s = 1.0 + (3.0 - 1.0) / kLongSamples;
  const double g = kTolerance * long_s / 3.0;  // 0.5017
  EXPECT_DOUBLE_EQ(probe.state.request_rate, StepFrom10(g));
  EXPECT_LT(probe.state.request_rate, 10);
  EXPECT_DOUBLE_EQ(probe.state.token_rate, 10000 * StepFrom10(g) / 10);
}

TEST(GradientFormula, TheGradientStopsAtMinGradient) {
  const auto deep = Gradient();
  FormulaProbe probe = At10(*deep, 10.0, 1.0);
  probe.Succeed(100, true, 10.0);  // 1.5 × 1.015 / 10 = 0.15, clamped to 0.5
  EXPECT_DOUBLE_EQ(probe.state.request_rate, StepFrom10(0.5));
  const auto shallow = Gradient({{"min_gradient", 0.8}});
  FormulaProbe shallow_probe = At10(*shallow, 10.0, 1.0);
  shallow_probe.Succeed(100, true, 10.0);
  EXPECT_DOUBLE_EQ(shallow_probe.state.request_rate, StepFrom10(0.8));
}

TEST(GradientFormula, OverRateSuccessesDoNotMoveTheRate) {
  const auto formula = Gradient();
  FormulaProbe probe = At10(*formula, 3.0, 1.0);
  probe.Succeed(100, /*within_rate=*/false, 3.0);
  EXPECT_EQ(probe.state.request_rate, 10);
  EXPECT_EQ(probe.state.token_rate, 10000);
}

TEST(GradientFormula, ZeroLatencyLeavesTheGradientAtOne) {
  const auto formula = Gradient();
  FormulaProbe probe = At10(*formula, 0.0, 0.0);
  probe.Succeed(100, true, 0.0);
  probe.Succeed(100, true, 0.0);
  EXPECT_TRUE(std::isfinite(probe.state.request_rate));
  EXPECT_GT(probe.state.request_rate, 10);
}

TEST(GradientFormula, RateStaysWithinBaseAndCeiling) {
  // At the base with no increase, the smallest gradient would take one step to 0.9: held at 1.
  const auto formula =
      Gradient({{"increase_rpm", 0}, {"capacity_share", 0.5}, {"ceiling_rpm", 6000}});
  FormulaProbe probe(*formula, ModelCapacity{100, 1e6});
  probe.extra = {10.0, 1.0};
  probe.Succeed(100, true, 10.0);
  EXPECT_DOUBLE_EQ(probe.state.request_rate, kBase);
  EXPECT_DOUBLE_EQ(probe.state.token_rate, kBaseTokens);
  // Advance re-applies the ceiling and otherwise changes nothing, however long.
  probe.state.request_rate = 80;
  probe.state.token_rate = 9e5;
  probe.Advance(3600);
  EXPECT_DOUBLE_EQ(probe.state.request_rate, 50);   // 0.5 × 100
  EXPECT_DOUBLE_EQ(probe.state.token_rate, 5e5);    // 0.5 × 1e6
  probe.state.request_rate = 200;
  probe.capacity = ModelCapacity{};  // unknown: ceiling_rpm alone
  probe.Advance(1);
  EXPECT_DOUBLE_EQ(probe.state.request_rate, 100);  // 6000 RPM
  probe.state.request_rate = 42;
  probe.Advance(1e9);
  EXPECT_EQ(probe.state.request_rate, 42);
  EXPECT_EQ(probe.extra[0], 10.0);  // an idle key keeps its averages
}

// --- Through the engine ----------------------------------------------------------------------

TEST(GradientFormula, FlatLatencyGrowsTheRateRisingLatencyBringsItDown) {
  Engine engine;
  absl::StatusOr<std::unique_ptr<SmoothingPolicy>> policy = MakePolicy("none", {});
  ASSERT_TRUE(policy.ok()) << policy.status();
  const ModelId model =
      engine.AddModel("model", 1'000'000, ModelCapacity{1000, 1e9}, std::move(*policy));
  const KeyId key = engine.AddKey("org", model, engine.AddFormula(Gradient()), 0);
  // 20 requests/s offered, more than the rate ever is, so the key always uses its full rate.
  // Latency: 0.1 s for a minute, rising to 3 s over the next 30 s, then flat at 3 s.
  auto latency_s = [](double t_s) {
    if (t_s < 60) return 0.1;
    if (t_s < 90) return 0.1 + 2.9 * (t_s - 60) / 30;
    return 3.0;
  };
  using Pending = std::pair<Nanos, Ticket>;
  auto later = [](const Pending& x, const Pending& y) { return x.first > y.first; };
  std::priority_queue<Pending, std::vector<Pending>, decltype(later)> completions(later);
  Effects effects;
  std::vector<double> rate_at_s(181, 0.0);
  constexpr Nanos kGap = 50 * kNanosPerMillisecond;
  for (int i = 0; i <= 180 * 20; ++i) {
    const Nanos now = i * kGap;
    while (!completions.empty() && completions.top().first <= now) {
      Effects none;
      engine.Complete(completions.top().second, 100, completions.top().first, &none);
      completions.pop();
    }
    if (now % kNanosPerSecond == 0) {
      rate_at_s[now / kNanosPerSecond] = engine.RateAt(key, now).request_rate;
    }
    effects.Clear();
    engine.Arrive(key, i, 100, now, &effects);
    ASSERT_EQ(effects.started.size(), 1u);
    const double t_s = ToSeconds(now);
    completions.emplace(now + FromSeconds(latency_s(t_s)), effects.started[0]);
  }
  // Flat latency: gradient 1, the rate gains smoothing × increase = 0.1 requests/s per second of
  // full use, from the base: about 1 + 6 after a minute.
  EXPECT_NEAR(rate_at_s[60], kBase + kSmoothing * kIncrease * 60, 0.3);
  // Rising latency: the short-term average runs ahead of the long-term one (600 samples = 30 s
  // of traffic) by more than the tolerance, and the rate falls.
  EXPECT_LT(rate_at_s[90], rate_at_s[60] / 2);
  // Flat again, at 3 s: the long-term average catches up, the gradient returns to 1, and the
  // rate grows again.
  EXPECT_GT(rate_at_s[180], rate_at_s[90] + 3);
}

}  // namespace
}  // namespace ratesim

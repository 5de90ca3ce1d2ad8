// The `peak_window` formula: multiple × the peak successful rate of any bucket in a trailing window
// of 4 sub-windows, clamped to [base, ceiling]; buckets and sub-windows aligned to absolute time.
#include <cstdint>
#include <memory>
#include <random>
#include <utility>
#include <vector>

#include "engine/engine.h"
#include "engine/formula_probe.h"
#include "engine/limit_formula.h"
#include "engine/peak_window_formula.h"
#include "engine/smoothing_policy.h"
#include "engine/time.h"
#include "gtest/gtest.h"

namespace ratesim {
namespace {

// The defaults of PeakWindowFormula::Params(), restated: the tests derive their numbers from these.
constexpr double kBase = 60.0 / 60;            // requests/s
constexpr double kBaseTokens = 180000.0 / 60;  // tokens/s
constexpr double kMultiple = 2;

std::unique_ptr<LimitFormula> PeakWindow(const ParamValues& params = {}) {
  absl::StatusOr<std::unique_ptr<LimitFormula>> formula = MakeFormula("peak_window", params);
  EXPECT_TRUE(formula.ok()) << formula.status();
  return formula.ok() ? std::move(*formula) : nullptr;
}

// Moves `probe` to the absolute time `t_s`.
void AdvanceTo(FormulaProbe& probe, double t_s) { probe.Advance(t_s - probe.now_s); }

void SucceedTimes(FormulaProbe& probe, int n, double tokens = 1000, bool within_rate = true) {
  for (int i = 0; i < n; ++i) probe.Succeed(tokens, within_rate);
}

TEST(PeakWindowFormula, StartsAtBaseAndAnIdleKeyStaysThere) {
  const auto formula = PeakWindow();
  FormulaProbe probe(*formula);
  EXPECT_DOUBLE_EQ(probe.state.request_rate, kBase);
  EXPECT_DOUBLE_EQ(probe.state.token_rate, kBaseTokens);
  probe.Advance(3600);
  EXPECT_DOUBLE_EQ(probe.state.request_rate, kBase);
  EXPECT_DOUBLE_EQ(probe.state.token_rate, kBaseTokens);
}

TEST(PeakWindowFormula, RateIsTheMultipleOfTheBusiestBucket) {
  const auto formula = PeakWindow();  // 1-s buckets
  FormulaProbe probe(*formula, ModelCapacity{1000, 1e9});
  AdvanceTo(probe, 0.2);
  SucceedTimes(probe, 5, 2000);  // bucket 0: 5 requests/s, 10,000 tokens/s
  AdvanceTo(probe, 1.5);
  EXPECT_DOUBLE_EQ(probe.state.usage_requests, 5);
  EXPECT_DOUBLE_EQ(probe.state.request_rate, kMultiple * 5);
  EXPECT_DOUBLE_EQ(probe.state.token_rate, kMultiple * 10000);
  SucceedTimes(probe, 3, 2000);  // bucket 1: fewer; the peak stays
  AdvanceTo(probe, 3.1);
  EXPECT_DOUBLE_EQ(probe.state.request_rate, kMultiple * 5);
  // The bucket in progress counts as it fills: 8 so far in bucket 3 is already the peak.
  SucceedTimes(probe, 8, 2000);
  AdvanceTo(probe, 3.2);
  EXPECT_DOUBLE_EQ(probe.state.request_rate, kMultiple * 8);
  EXPECT_DOUBLE_EQ(probe.state.token_rate, kMultiple * 16000);
}

TEST(PeakWindowFormula, OverRateSuccessesCountToo) {
  const auto formula = PeakWindow();
  FormulaProbe probe(*formula, ModelCapacity{1000, 1e9});
  SucceedTimes(probe, 6, 100, /*within_rate=*/false);
  probe.Advance(1.0);
  EXPECT_DOUBLE_EQ(probe.state.request_rate, kMultiple * 6);
}

TEST(PeakWindowFormula, BucketsAreAlignedToAbsoluteTime) {
  // 2-s buckets: [0, 2) and [2, 4). 3 successes at 1.5 s and 3 at 2.5 s are two buckets of
  // 1.5 requests/s, not one bucket of 3 requests/s (which buckets started at the first success,
  // or at the key's creation at 0.5 s, would give).
  const auto formula = PeakWindow({{"bucket", 2.0}});
  FormulaProbe probe(*formula, ModelCapacity{1000, 1e9});
  probe.now_s = 0.5;
  AdvanceTo(probe, 1.5);
  SucceedTimes(probe, 3);
  AdvanceTo(probe, 2.5);
  SucceedTimes(probe, 3);
  AdvanceTo(probe, 4.0);
  EXPECT_DOUBLE_EQ(probe.state.usage_requests, 1.5);
  EXPECT_DOUBLE_EQ(probe.state.request_rate, kMultiple * 1.5);
}

TEST(PeakWindowFormula, APeakLeavesTheWindowInSubWindowSteps) {
  // 60-s window of 1-s buckets: sub-windows of 15 s. A peak in bucket 20 (sub-window [15, 30))
  // counts while now is in that sub-window or one of the next three, so until 75 s.
  const auto formula = PeakWindow();
  FormulaProbe probe(*formula, ModelCapacity{1000, 1e9});
  AdvanceTo(probe, 20.5);
  SucceedTimes(probe, 10);
  for (const double t : {21.0, 45.0, 60.0, 74.9}) {
    AdvanceTo(probe, t);
    EXPECT_DOUBLE_EQ(probe.state.request_rate, kMultiple * 10) << "at " << t << " s";
  }
  AdvanceTo(probe, 75.0);
  EXPECT_DOUBLE_EQ(probe.state.request_rate, kBase);
  EXPECT_DOUBLE_EQ(probe.state.usage_requests, 0);
}

TEST(PeakWindowFormula, WindowIsFourSubWindowsOfWholeBuckets) {
  auto window_of = [](double window_s, double bucket_s) {
    absl::StatusOr<ParamValues> params =
        ResolveParams(PeakWindowFormula::Params(), {{"window", window_s}, {"bucket", bucket_s}});
    EXPECT_TRUE(params.ok()) << params.status();
    return PeakWindowFormula(*params).window_s();
  };
  EXPECT_DOUBLE_EQ(window_of(60, 1), 60);
  EXPECT_DOUBLE_EQ(window_of(10, 3), 12);    // round(10 / 12) = 1 bucket per sub-window
  EXPECT_DOUBLE_EQ(window_of(1, 1), 4);      // never less than 4 buckets
  EXPECT_DOUBLE_EQ(window_of(100, 2), 104);  // round(12.5) = 13 buckets per sub-window
  // A window of one bucket (no shorter: the bucket must fit in it) still holds a peak for 4
  // buckets: one bucket per sub-window, so a peak in bucket 0 counts until 4 s.
  const auto formula = PeakWindow({{"window", 1.0}});
  FormulaProbe probe(*formula, ModelCapacity{1000, 1e9});
  SucceedTimes(probe, 3);
  AdvanceTo(probe, 3.99);
  EXPECT_DOUBLE_EQ(probe.state.request_rate, kMultiple * 3);
  AdvanceTo(probe, 4.0);
  EXPECT_DOUBLE_EQ(probe.state.request_rate, kBase);
}

TEST(PeakWindowFormula, RateStaysWithinTheCapacityShareAndTheAbsoluteCeiling) {
  const auto formula = PeakWindow({{"capacity_share", 0.25}, {"ceiling_rpm", 6000}});
  FormulaProbe probe(*formula, ModelCapacity{40, 1e6});
  SucceedTimes(probe, 500, 10000);  // 500 requests/s, 5e6 tokens/s
  probe.Advance(1.0);
  EXPECT_DOUBLE_EQ(probe.state.request_rate, 10.0);    // 0.25 × 40
  EXPECT_DOUBLE_EQ(probe.state.token_rate, 250000.0);  // 0.25 × 1e6
  probe.capacity = ModelCapacity{};  // capacity unknown: the absolute ceilings alone
  probe.Advance(1.0);
  EXPECT_DOUBLE_EQ(probe.state.request_rate, 100.0);  // 6000 RPM
  EXPECT_DOUBLE_EQ(probe.state.token_rate, kMultiple * 5e6);  // under ceiling_tpm's 1.7e10
  // A ceiling below the base leaves the base.
  probe.capacity = ModelCapacity{1, 1};
  probe.Advance(1.0);
  EXPECT_DOUBLE_EQ(probe.state.request_rate, kBase);
  EXPECT_DOUBLE_EQ(probe.state.token_rate, kBaseTokens);
}

TEST(PeakWindowFormula, LazyUpdateEqualsSteppingAcrossBucketAndSubWindowBoundaries) {
  // Buckets of 0.7 s (not a divisor of anything the steps use), sub-windows of 2 buckets (window
  // 5 s: round(5 / 2.8) = 2). One probe is advanced only when a success happens; the other also at
  // many random times in between. Both must agree after every step, in the rate and the words.
  const auto formula = PeakWindow({{"bucket", 0.7}, {"window", 5.0}});
  const ModelCapacity capacity{1000, 1e9};
  FormulaProbe lazy(*formula, capacity);
  FormulaProbe stepped(*formula, capacity);
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> gap_s(0.0, 1.5);
  std::uniform_int_distribution<int> successes(0, 12);
  std::uniform_int_distribution<int> steps(0, 6);
  double t = 0;
  bool rose = false;
  for (int event = 0; event < 2000; ++event) {
    // Now and then an idle stretch longer than the window.
    const double next = t + (event % 97 == 0 ? 9.0 : gap_s(rng));
    const int n_steps = steps(rng);
    for (int i = 1; i <= n_steps; ++i) {
      AdvanceTo(stepped, t + (next - t) * i / (n_steps + 1));
      const RateBounds bounds = stepped.Bounds();
      ASSERT_GE(stepped.state.request_rate, bounds.min_requests);
      ASSERT_LE(stepped.state.request_rate, bounds.max_requests);
    }
    AdvanceTo(stepped, next);
    AdvanceTo(lazy, next);
    t = next;
    ASSERT_DOUBLE_EQ(lazy.state.request_rate, stepped.state.request_rate) << "at " << t << " s";
    ASSERT_DOUBLE_EQ(lazy.state.token_rate, stepped.state.token_rate) << "at " << t << " s";
    for (size_t w = 0; w < lazy.extra.size(); ++w) {
      ASSERT_DOUBLE_EQ(lazy.extra[w], stepped.extra[w]) << "word " << w << " at " << t << " s";
    }
    rose = rose || lazy.state.request_rate > kBase;
    const int n = successes(rng);
    SucceedTimes(lazy, n, 300);
    SucceedTimes(stepped, n, 300);
  }
  EXPECT_TRUE(rose) << "the successes never raised the rate: the comparison proved nothing";
}

// --- Through the engine ----------------------------------------------------------------------

TEST(PeakWindowFormula, AfterABurstTheRateHoldsUntilTheWindowPassesThenFalls) {
  Engine engine;
  absl::StatusOr<std::unique_ptr<SmoothingPolicy>> policy = MakePolicy("none", {});
  ASSERT_TRUE(policy.ok()) << policy.status();
  const ModelId model =
      engine.AddModel("model", 1'000'000, ModelCapacity{1000, 1e9}, std::move(*policy));
  const KeyId key = engine.AddKey("org", model, engine.AddFormula(PeakWindow()), 0);
  // A 30-s burst of 10 requests/s of 1000 tokens, every one served (over rate too) at once.
  Effects effects;
  for (int i = 0; i < 300; ++i) {
    const Nanos now = i * 100 * kNanosPerMillisecond;
    effects.Clear();
    engine.Arrive(key, i, 1000, now, &effects);
    ASSERT_EQ(effects.started.size(), 1u);
    Effects none;
    engine.Complete(effects.started[0], 1000, now, &none);
  }
  auto rate_at = [&](double t_s) { return engine.RateAt(key, FromSeconds(t_s)); };
  // The burst lifts the rate to 2 × 10 requests/s and 2 × 10,000 tokens/s as it goes...
  EXPECT_DOUBLE_EQ(rate_at(10).request_rate, kMultiple * 10);
  EXPECT_DOUBLE_EQ(rate_at(30).token_rate, kMultiple * 10000);
  // ...and it holds while a sub-window of the burst is in the window: buckets of [15, 30) count
  // until 75 s, those of [0, 15) until 60 s.
  EXPECT_DOUBLE_EQ(rate_at(59.9).request_rate, kMultiple * 10);
  EXPECT_DOUBLE_EQ(rate_at(74.9).request_rate, kMultiple * 10);
  const RateState after = rate_at(75);
  EXPECT_DOUBLE_EQ(after.request_rate, kBase);
  EXPECT_DOUBLE_EQ(after.token_rate, kBaseTokens);
}

}  // namespace
}  // namespace ratesim

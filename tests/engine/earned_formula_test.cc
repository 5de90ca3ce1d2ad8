// The `earned` formula (DESIGN.md 1.2): headroom × trailing within-rate usage, clamped to
// [base, ceiling], rising at most ×growth_per_minute per minute, falling with the target at once.
// Sustained traffic raises the rate; a spike does not; an idle org returns to base; and the lazy
// closed-form update equals stepping (for every built-in formula).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "engine/earned_formula.h"
#include "engine/engine.h"
#include "engine/limit_formula.h"
#include "engine/param_spec.h"
#include "engine/smoothing_policy.h"
#include "engine/time.h"
#include "gtest/gtest.h"
#include "tests/support/formula_calls.h"

namespace ratesim {
namespace {

// The defaults of EarnedFormula::Params(), restated: the tests derive their numbers from these.
constexpr double kBaseRpm = 60;
constexpr double kBaseTpm = 180000;
constexpr double kBase = kBaseRpm / 60;        // requests/s
constexpr double kBaseTokens = kBaseTpm / 60;  // tokens/s
constexpr double kHeadroom = 2;
constexpr double kWindowS = 600;
constexpr double kGrowthPerMinute = 1.5;

const ModelCapacity kRoomyModel{1000, 1e9};  // ceilings far above anything a test reaches

EarnedFormula Earned(const ParamValues& overrides = {}) {
  absl::StatusOr<ParamValues> resolved = ResolveParams(EarnedFormula::Params(), overrides);
  EXPECT_TRUE(resolved.ok()) << resolved.status();
  return EarnedFormula(*resolved);
}

std::unique_ptr<LimitFormula> Make(const std::string& name, const ParamValues& params = {}) {
  absl::StatusOr<std::unique_ptr<LimitFormula>> formula = MakeFormula(name, params);
  EXPECT_TRUE(formula.ok()) << formula.status();
  return formula.ok() ? std::move(*formula) : nullptr;
}

// Usage after n periods of (one success, then `period_s` of decay), from zero:
// (1/W) Σ_{j=1..n} e^{-j·period/W}.
double SteadyUsage(double per_period, double period_s, int n) {
  const double q = std::exp(-period_s / kWindowS);
  return per_period / kWindowS * q * (1 - std::pow(q, n)) / (1 - q);
}

TEST(EarnedFormula, NewKeyStartsAtBase) {
  const EarnedFormula formula = Earned({{"base_rpm", 90}, {"base_tpm", 120000}});
  const RateState state = formula.Initial(kRoomyModel);
  EXPECT_DOUBLE_EQ(state.request_rate, 90.0 / 60);
  EXPECT_DOUBLE_EQ(state.token_rate, 120000.0 / 60);
  EXPECT_EQ(state.usage_requests, 0.0);
  EXPECT_EQ(state.usage_tokens, 0.0);
  // The registry builds the same formula, with the documented defaults.
  const RateState by_name = Make("earned")->Initial(kRoomyModel);
  EXPECT_DOUBLE_EQ(by_name.request_rate, kBase);
  EXPECT_DOUBLE_EQ(by_name.token_rate, kBaseTokens);
}

TEST(EarnedFormula, SteadyLoadAtTheRateRaisesItToHeadroomTimesUsage) {
  const EarnedFormula formula = Earned();
  RateState state = formula.Initial(kRoomyModel);
  constexpr int kSeconds = 5 * static_cast<int>(kWindowS);
  constexpr double kTokens = 100;
  for (int s = 0; s < kSeconds; ++s) {  // one within-rate request per second: the base rate
    Succeed(formula, state, kTokens, /*within_rate=*/true);
    Advance(formula, state, 1.0, kRoomyModel);
  }
  const double usage = SteadyUsage(1, 1, kSeconds);
  EXPECT_NEAR(state.usage_requests, usage, 1e-9 * usage);
  EXPECT_NEAR(state.usage_tokens, kTokens * usage, 1e-9 * kTokens * usage);
  // Growth (×1.5 a minute) outpaces the trailing average, so the rate sits at the target.
  EXPECT_NEAR(state.request_rate, kHeadroom * usage, 1e-9);
  EXPECT_GT(state.request_rate, 1.9 * kBase);
  // 200 tokens/s of usage is below the token base: that dimension stays at base.
  EXPECT_DOUBLE_EQ(state.token_rate, kBaseTokens);
}

TEST(EarnedFormula, BelowHalfTheRateUsageDoesNotRaiseIt) {
  // A key using less than rate / headroom has a target below its rate: no growth.
  const EarnedFormula formula = Earned();
  RateState state = formula.Initial(kRoomyModel);
  for (int s = 0; s < 10 * static_cast<int>(kWindowS); s += 3) {  // 1/3 request/s
    Succeed(formula, state, 10, true);
    Advance(formula, state, 3.0, kRoomyModel);
    ASSERT_DOUBLE_EQ(state.request_rate, kBase) << "at " << s << " s";
  }
}

// A key that always sends more than its rate, served, on a roomy-slotted model whose nominal
// capacity caps the rate; returns the final rate and checks it never passed `ceiling`.
double RateAfterSustainedPressure(const ParamValues& params, ModelCapacity capacity, double ceiling) {
  Engine engine;
  absl::StatusOr<std::unique_ptr<SmoothingPolicy>> policy = MakePolicy("none", {});
  const ModelId model = engine.AddModel("model", 1'000'000, capacity, std::move(*policy));
  const KeyId key = engine.AddKey("org", model, engine.AddFormula(Make("earned", params)), 0);
  Effects effects;
  uint64_t request = 0;
  constexpr Nanos kGap = 50 * kNanosPerMillisecond;  // 20 requests/s offered
  const Nanos end = 2 * 3600 * kNanosPerSecond;
  for (Nanos t = 0; t < end; t += kGap) {
    engine.Arrive(key, request++, 100, t, &effects);
    for (const Ticket& ticket : effects.started) {
      Effects none;
      engine.Complete(ticket, 100, t, &none);
    }
    effects.Clear();
    if (t % kNanosPerSecond == 0) {
      const double rate = engine.RateAt(key, t).request_rate;
      EXPECT_LE(rate, ceiling * (1 + 1e-12)) << "at " << ToSeconds(t) << " s";
      if (rate > ceiling * (1 + 1e-12)) break;
    }
  }
  return engine.RateAt(key, end).request_rate;
}

TEST(EarnedFormula, SustainedLoadRisesToTheCapacityShareCeilingAndNoFurther) {
  // capacity_share × capacity = 0.5 × 8 = 4 requests/s, well below the 20/s offered.
  const double ceiling = 0.5 * 8;
  EXPECT_DOUBLE_EQ(
      RateAfterSustainedPressure({{"capacity_share", 0.5}}, ModelCapacity{8, 1e9}, ceiling),
      ceiling);
}

TEST(EarnedFormula, SustainedLoadRisesToTheCeilingRpmAndNoFurther) {
  // ceiling_rpm 180 = 3 requests/s, below capacity_share × capacity = 50.
  const double ceiling = 180.0 / 60;
  EXPECT_DOUBLE_EQ(
      RateAfterSustainedPressure({{"ceiling_rpm", 180}}, ModelCapacity{100, 1e9}, ceiling),
      ceiling);
}

TEST(EarnedFormula, CeilingBelowBaseLeavesTheRateAtBase) {
  const EarnedFormula formula = Earned();
  const ModelCapacity tiny{0.5, 1e9};  // 0.5 × 0.5 = 0.25 requests/s < base
  RateState state = formula.Initial(tiny);
  state.usage_requests = 50;
  Advance(formula, state, 3600, tiny);
  EXPECT_DOUBLE_EQ(state.request_rate, kBase);
}

TEST(EarnedFormula, OverRateSpikeServedDoesNotRaiseTheRate) {
  const EarnedFormula formula = Earned();
  RateState state = formula.Initial(kRoomyModel);
  // At 1 request/s one request of a 300-request spike is within rate; 299 are over and served.
  Succeed(formula, state, 100, /*within_rate=*/true);
  for (int i = 0; i < 299; ++i) Succeed(formula, state, 100, /*within_rate=*/false);
  EXPECT_DOUBLE_EQ(state.usage_requests, 1 / kWindowS);
  for (const double later_s : {1.0, 60.0, 600.0}) {
    RateState after = state;
    Advance(formula, after, later_s, kRoomyModel);
    EXPECT_DOUBLE_EQ(after.request_rate, kBase) << later_s << " s after";
  }
}

TEST(EarnedFormula, RateRisesAtMostGrowthPerMinute) {
  const EarnedFormula formula = Earned();
  RateState state = formula.Initial(kRoomyModel);
  state.usage_requests = 100;  // target 200 requests/s, far above base
  RateState one_minute = state;
  Advance(formula, one_minute, 60, kRoomyModel);
  EXPECT_NEAR(one_minute.request_rate, kBase * kGrowthPerMinute, 1e-12);
  RateState half_minute = state;
  Advance(formula, half_minute, 30, kRoomyModel);
  EXPECT_NEAR(half_minute.request_rate, kBase * std::sqrt(kGrowthPerMinute), 1e-12);
}

TEST(EarnedFormula, GrowthOverAnyMinuteOfBusyTrafficIsBounded) {
  const EarnedFormula formula = Earned({{"window", 60.0}});
  RateState state = formula.Initial(kRoomyModel);
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> step_s(0.0, 2.0);
  std::poisson_distribution<int> successes(20);
  std::vector<std::pair<double, double>> history;  // (time, rate)
  double t = 0;
  history.emplace_back(t, state.request_rate);
  for (int i = 0; i < 5000; ++i) {
    const int n = successes(rng);
    for (int k = 0; k < n; ++k) Succeed(formula, state, 50, true);
    const double dt = step_s(rng);
    Advance(formula, state, dt, kRoomyModel);
    t += dt;
    history.emplace_back(t, state.request_rate);
  }
  EXPECT_GT(history.back().second, 10 * kBase);  // the load did drive growth
  size_t start = 0;
  for (size_t end = 0; end < history.size(); ++end) {
    while (history[end].first - history[start].first > 60) ++start;
    for (size_t i = start; i < end; ++i) {
      const double allowed =
          history[i].second * std::pow(kGrowthPerMinute, (history[end].first - history[i].first) / 60);
      ASSERT_LE(history[end].second, allowed * (1 + 1e-12)) << "from t=" << history[i].first;
    }
  }
}

TEST(EarnedFormula, RateNeverDropsBelowBase) {
  const EarnedFormula formula = Earned();
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> step_s(0.0, 300.0);
  std::uniform_real_distribution<double> capacity(0.0, 20.0);
  std::uniform_int_distribution<int> successes(0, 40);
  RateState state = formula.Initial(kRoomyModel);
  for (int i = 0; i < 20000; ++i) {
    const int n = successes(rng);
    for (int k = 0; k < n; ++k) Succeed(formula, state, 500, k % 3 != 0);
    const ModelCapacity live{capacity(rng), 1000 * capacity(rng)};
    Advance(formula, state, step_s(rng), live);
    ASSERT_GE(state.request_rate, kBase) << "step " << i;
    ASSERT_GE(state.token_rate, kBaseTokens) << "step " << i;
  }
}

TEST(EarnedFormula, IdleOrgDecaysBackToBase) {
  const EarnedFormula formula = Earned();
  RateState state = formula.Initial(kRoomyModel);
  for (int s = 0; s < 3600; ++s) {
    for (int k = 0; k < 2; ++k) Succeed(formula, state, 100, true);
    Advance(formula, state, 1.0, kRoomyModel);
  }
  const double usage = state.usage_requests;
  ASSERT_GT(kHeadroom * usage, 2 * kBase);
  ASSERT_NEAR(state.request_rate, kHeadroom * usage, 1e-9);
  // Idle, the target headroom × usage × e^{-t/W} reaches base at t = W ln(headroom × usage / base),
  // and the rate follows the target down at once.
  const double t_base = kWindowS * std::log(kHeadroom * usage / kBase);
  RateState halfway = state;
  Advance(formula, halfway, t_base / 2, kRoomyModel);
  EXPECT_NEAR(halfway.request_rate, kHeadroom * usage * std::exp(-t_base / 2 / kWindowS), 1e-9);
  EXPECT_GT(halfway.request_rate, kBase);
  RateState past = state;
  Advance(formula, past, t_base * 1.01, kRoomyModel);
  EXPECT_DOUBLE_EQ(past.request_rate, kBase);
  EXPECT_DOUBLE_EQ(past.token_rate, kBaseTokens);
}

// --- Lazy update, for every built-in formula -----------------------------------------------------

void ExpectClose(double lazy, double stepped, const char* field) {
  EXPECT_NEAR(lazy, stepped, 1e-9 * std::max(std::abs(lazy), 1e-300)) << field;
}

class EarnedLazyUpdate : public ::testing::TestWithParam<std::string> {};

TEST_P(EarnedLazyUpdate, OneAdvanceEqualsAThousandRandomSteps) {
  const std::unique_ptr<LimitFormula> formula = Make(GetParam());
  ASSERT_NE(formula, nullptr);
  const ModelCapacity capacity{100, 1e6};  // earned ceilings: 50 requests/s, 5e5 tokens/s
  struct Start {
    const char* name;
    RateState state;
  };
  // Default earned targets are headroom × usage: 6 requests/s and 12000 tokens/s below.
  const std::vector<Start> starts = {
      {"below target", RateState{kBase, kBaseTokens, 3, 6000}},
      {"at target", RateState{6, 12000, 3, 6000}},
      {"above target", RateState{20, 40000, 1, 2000}},
      {"at ceiling", RateState{50, 5e5, 40, 4e5}},
  };
  std::mt19937_64 rng(99);
  std::uniform_real_distribution<double> weight(0.0, 1.0);
  for (const Start& start : starts) {
    for (const double total_s : {30.0, 120.0, 900.0, 7200.0}) {
      SCOPED_TRACE(::testing::Message() << start.name << ", " << total_s << " s");
      std::vector<double> steps(1000);
      double sum = 0;
      for (double& step : steps) sum += (step = weight(rng));
      RateState lazy = start.state;
      Advance(*formula, lazy, total_s, capacity);
      RateState stepped = start.state;
      for (const double step : steps) Advance(*formula, stepped, step / sum * total_s, capacity);
      ExpectClose(lazy.request_rate, stepped.request_rate, "request_rate");
      ExpectClose(lazy.token_rate, stepped.token_rate, "token_rate");
      ExpectClose(lazy.usage_requests, stepped.usage_requests, "usage_requests");
      ExpectClose(lazy.usage_tokens, stepped.usage_tokens, "usage_tokens");
    }
  }
}

// The formulas built in C++. A written formula (`expr`) composes only if its expressions do:
// expr_formula_test checks that for its restatement of `earned`.
std::vector<std::string> FormulaNames() {
  std::vector<std::string> names;
  for (const FormulaInfo& info : Formulas()) {
    if (info.make_written == nullptr) names.push_back(info.name);
  }
  return names;
}

INSTANTIATE_TEST_SUITE_P(EarnedAndEveryFormula, EarnedLazyUpdate, ::testing::ValuesIn(FormulaNames()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

TEST(EarnedFormula, LazyUpdateChangesTheStateItAdvances) {
  // Guards the lazy-update test against comparing two untouched states: earned does move.
  const std::unique_ptr<LimitFormula> formula = Make("earned");
  RateState state{20, 40000, 1, 2000};
  Advance(*formula, state, 900, ModelCapacity{100, 1e6});
  EXPECT_LT(state.request_rate, 20);
  EXPECT_LT(state.usage_requests, 1);
}

TEST(EarnedFormula, ValuesStayFiniteOverExtremeElapsedTimes) {
  const EarnedFormula formula = Earned();
  const std::vector<RateState> starts = {
      formula.Initial(kRoomyModel),
      RateState{kBase, kBaseTokens, 1e12, 1e15},
      RateState{400, 4e8, 0, 0},
  };
  for (const RateState& start : starts) {
    for (const double elapsed_s : {0.0, 1e-9, 1.0, 1e6, 1e9, 1e15}) {
      RateState state = start;
      Advance(formula, state, elapsed_s, kRoomyModel);
      EXPECT_TRUE(std::isfinite(state.request_rate)) << elapsed_s;
      EXPECT_TRUE(std::isfinite(state.token_rate)) << elapsed_s;
      EXPECT_TRUE(std::isfinite(state.usage_requests)) << elapsed_s;
      EXPECT_TRUE(std::isfinite(state.usage_tokens)) << elapsed_s;
      EXPECT_GE(state.request_rate, kBase);
    }
  }
}

TEST(EarnedFormula, ZeroBaseIsRefused) {
  // A zero base would be a zero-depth window (which admits everything) and a rate that growth
  // can never lift (0 × growth), turning NaN once growth overflows after a long idle.
  EXPECT_FALSE(MakeFormula("earned", {{"base_rpm", 0.0}}).ok());
  EXPECT_FALSE(MakeFormula("earned", {{"base_tpm", 0.0}}).ok());
  EXPECT_TRUE(MakeFormula("earned", {{"base_rpm", 1.0}, {"base_tpm", 1.0}}).ok());
}

// --- Through the engine: a ramp earns, a spike does not --------------------------------------------

// One org on a roomy model under the default earned formula; every request is served and
// completes at once.
class EarnedKey {
 public:
  EarnedKey() {
    absl::StatusOr<std::unique_ptr<SmoothingPolicy>> policy = MakePolicy("none", {});
    model_ = engine_.AddModel("model", 1'000'000, kRoomyModel, std::move(*policy));
    key_ = engine_.AddKey("org", model_, engine_.AddFormula(Make("earned")), 0);
  }
  void Send(Nanos now) {
    effects_.Clear();
    engine_.Arrive(key_, request_++, 100, now, &effects_);
    EXPECT_EQ(effects_.started.size(), 1u);
    for (const Ticket& ticket : effects_.started) {
      Effects none;
      engine_.Complete(ticket, 100, now, &none);
    }
  }
  double RateAt(Nanos now) const { return engine_.RateAt(key_, now).request_rate; }
  uint64_t sent() const { return request_; }

 private:
  Engine engine_;
  ModelId model_ = 0;
  KeyId key_ = 0;
  Effects effects_;
  uint64_t request_ = 0;
};

TEST(EarnedFormula, SteadyRampThroughTheEngineEndsHigherThanTheSameRequestsAsASpike) {
  constexpr double kHourS = 3600;
  const Nanos end = FromSeconds(kHourS);
  // The ramp: base rate rising linearly to 4 × base over the hour.
  EarnedKey ramp;
  for (double t = 0; t < kHourS; t += 1 / (kBase * (1 + 3 * t / kHourS))) ramp.Send(FromSeconds(t));
  const uint64_t n = ramp.sent();
  // The same number of requests at once at the start, and as a jump in the last minute.
  EarnedKey spike;
  for (uint64_t i = 0; i < n; ++i) spike.Send(0);
  EarnedKey jump;
  for (uint64_t i = 0; i < n; ++i) jump.Send(end - FromSeconds(60) + FromSeconds(60.0 * i / n));

  EXPECT_DOUBLE_EQ(spike.RateAt(end), kBase);
  EXPECT_DOUBLE_EQ(jump.RateAt(end), kBase);
  EXPECT_GT(ramp.RateAt(end), 2 * kBase);
}

}  // namespace
}  // namespace ratesim

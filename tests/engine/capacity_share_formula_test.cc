// The `capacity_share` formula: share × the model's live capacity split max-min fair by the keys'
// demands (headroom × recent successful usage); every key's rate is the water level, clamped to
// [base, ceiling]; the level is a model summary refreshed at the start of each `refresh` period.
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/capacity_share_formula.h"
#include "engine/engine.h"
#include "engine/formula_probe.h"
#include "engine/limit_formula.h"
#include "engine/smoothing_policy.h"
#include "engine/time.h"
#include "gtest/gtest.h"

namespace ratesim {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kBase = 60.0 / 60;            // requests/s, the default base_rpm
constexpr double kBaseTokens = 180000.0 / 60;  // tokens/s

std::unique_ptr<LimitFormula> CapacityShare(const ParamValues& params = {}) {
  absl::StatusOr<std::unique_ptr<LimitFormula>> formula = MakeFormula("capacity_share", params);
  EXPECT_TRUE(formula.ok()) << formula.status();
  return formula.ok() ? std::move(*formula) : nullptr;
}

double Level(std::vector<double> demands, double budget) {
  return CapacityShareFormula::WaterLevel(absl::MakeSpan(demands), budget);
}

TEST(CapacityShareFormula, WaterLevelFillsTheSmallDemandsAndSplitsTheRestEqually) {
  // 10 + 20 fit; the 70 left is split between the two large demands.
  EXPECT_DOUBLE_EQ(Level({10, 20, 200, 300}, 100), 35);
  EXPECT_DOUBLE_EQ(Level({300, 10, 200, 20}, 100), 35);  // in any order
  EXPECT_DOUBLE_EQ(Level({10, 20, 200, 300}, 50), 40.0 / 3);  // 10 fits; 40 over three
  EXPECT_DOUBLE_EQ(Level({40, 40}, 60), 30);
  EXPECT_DOUBLE_EQ(Level({500}, 100), 100);
  EXPECT_DOUBLE_EQ(Level({10, 45, 45}, 100), 45);  // an exact fit
  // Idle keys take nothing: the two busy ones split it all.
  EXPECT_DOUBLE_EQ(Level({0, 0, 50, 50}, 60), 30);
  // When everything fits nobody is held back by the others; nor with an unknown (0) budget.
  EXPECT_EQ(Level({10, 20, 30}, 100), kInf);
  EXPECT_EQ(Level({}, 100), kInf);
  EXPECT_EQ(Level({10, 20, 200}, 0), 0.0);  // nothing to split: every key at its floor
}

TEST(CapacityShareFormula, SummaryIsTheLevelOfHeadroomTimesUsageDecayedToThePeriodStart) {
  const auto formula = CapacityShare({{"headroom", 2}, {"window", 60}, {"share", 1}});
  // Usage 5, 10, 100 and 150 requests/s as of the period start give demands 10, 20, 200, 300;
  // the first was last updated 60·ln 2 s before it, with twice the usage then.
  std::vector<RateState> states = {
      {0, 0, 10, 1e5}, {0, 0, 10, 1e5}, {0, 0, 100, 1e5}, {0, 0, 150, 0}};
  std::vector<double> no_words;
  std::vector<KeySample> keys;
  for (const RateState& state : states) keys.push_back({&state, no_words, 0.0});
  keys[0].since_update_s = 60 * std::log(2.0);
  states[0].usage_tokens = 2e5;
  std::vector<double> summary(formula->SummaryWords());
  ASSERT_EQ(summary.size(), 2u);
  formula->Summarise(keys, ModelCapacity{100, 1e6}, absl::MakeSpan(summary));
  // Requests: 10 + 20 fit, 70 left for two. Tokens: 1e5 + 2e5 + 2e5 = 5e5 demanded fits 1e6.
  EXPECT_NEAR(summary[0], 35, 1e-12);
  EXPECT_EQ(summary[1], kInf);

  // share 0.5: 10 fits, 40 over three.
  const auto half = CapacityShare({{"share", 0.5}, {"window", 60}});
  half->Summarise(keys, ModelCapacity{100, 1e6}, absl::MakeSpan(summary));
  EXPECT_NEAR(summary[0], 40.0 / 3, 1e-12);
  // An unknown capacity (0) splits nothing.
  half->Summarise(keys, ModelCapacity{}, absl::MakeSpan(summary));
  EXPECT_EQ(summary[0], kInf);
  EXPECT_EQ(summary[1], kInf);
}

TEST(CapacityShareFormula, RateIsTheLevelWithinBaseAndCeiling) {
  const auto formula = CapacityShare({{"capacity_share", 0.5}, {"ceiling_rpm", 6000}});
  FormulaProbe probe(*formula, ModelCapacity{100, 1e6});  // ceilings 50 requests/s, 5e5 tokens/s
  EXPECT_DOUBLE_EQ(probe.state.request_rate, kBase);      // a new key, before any summary
  probe.summary = {35, 4000};
  probe.Advance(0.5);
  EXPECT_DOUBLE_EQ(probe.state.request_rate, 35);
  EXPECT_DOUBLE_EQ(probe.state.token_rate, 4000);
  probe.summary = {80, kInf};  // above the capacity share
  probe.Advance(0.5);
  EXPECT_DOUBLE_EQ(probe.state.request_rate, 50);
  EXPECT_DOUBLE_EQ(probe.state.token_rate, 5e5);
  probe.summary = {0.2, 100};  // below the base
  probe.Advance(0.5);
  EXPECT_DOUBLE_EQ(probe.state.request_rate, kBase);
  EXPECT_DOUBLE_EQ(probe.state.token_rate, kBaseTokens);
  // A model of unknown capacity: the summary says unlimited and the ceiling is ceiling_rpm.
  probe.capacity = ModelCapacity{};
  probe.summary = {kInf, kInf};
  probe.Advance(0.5);
  EXPECT_DOUBLE_EQ(probe.state.request_rate, 100);  // 6000 RPM
  EXPECT_DOUBLE_EQ(probe.state.token_rate, 1e12 / 60);
}

TEST(CapacityShareFormula, UsageIsAnAverageOfEverySuccessDecayingWithTheWindow) {
  const auto formula = CapacityShare({{"window", 60}});
  FormulaProbe probe(*formula);
  probe.Succeed(100, /*within_rate=*/true);
  probe.Succeed(100, /*within_rate=*/false);  // over-rate successes are usage too
  probe.Succeed(400, /*within_rate=*/true);
  EXPECT_DOUBLE_EQ(probe.state.usage_requests, 3.0 / 60);
  EXPECT_DOUBLE_EQ(probe.state.usage_tokens, 600.0 / 60);
  probe.Advance(30);
  probe.Advance(30);
  EXPECT_NEAR(probe.state.usage_requests, 3.0 / 60 * std::exp(-1.0), 1e-15);
  EXPECT_NEAR(probe.state.usage_tokens, 10.0 * std::exp(-1.0), 1e-13);
}

// --- Through the engine --------------------------------------------------------------------------

// Keys on one roomy-slotted model under a capacity_share formula (or more: AddFormula); every
// request is served and completes at once.
class SharedModel {
 public:
  SharedModel(ModelCapacity capacity, const ParamValues& params) {
    absl::StatusOr<std::unique_ptr<SmoothingPolicy>> policy = MakePolicy("none", {});
    EXPECT_TRUE(policy.ok()) << policy.status();
    model_ = engine_.AddModel("model", 1'000'000, capacity, std::move(*policy));
    formula_ = AddFormula(params);
  }
  // Another instance, as the simulator makes for an org with its own limits.
  FormulaId AddFormula(const ParamValues& params) {
    return engine_.AddFormula(CapacityShare(params));
  }
  KeyId AddKey(const std::string& org) { return AddKey(org, formula_); }
  KeyId AddKey(const std::string& org, FormulaId formula) {
    return engine_.AddKey(org, model_, formula, 0);
  }
  void Send(KeyId key, int n, Nanos now) {
    for (int i = 0; i < n; ++i) {
      effects_.Clear();
      engine_.Arrive(key, request_++, 100, now, &effects_);
      ASSERT_EQ(effects_.started.size(), 1u);
      Effects none;
      engine_.Complete(effects_.started[0], 100, now, &none);
    }
  }
  double RateAt(KeyId key, double t_s) const {
    return engine_.RateAt(key, FromSeconds(t_s)).request_rate;
  }
  Engine& engine() { return engine_; }

 private:
  Engine engine_;
  ModelId model_ = 0;
  FormulaId formula_ = 0;
  Effects effects_;
  uint64_t request_ = 0;
};

TEST(CapacityShareFormula, AHeavyAndALightKeyReachTheMaxMinFairSplit) {
  // 100 requests/s to split. The light key sends 10/s (demand 2 × 10 = 20), the heavy one 200/s
  // (demand 400): the light one is not held back and the heavy one gets the 80 left; the level,
  // and so both rates, is 80.
  SharedModel shared(ModelCapacity{100, 1e9},
                     {{"capacity_share", 1.0}, {"window", 10.0}, {"refresh", 1.0}});
  const KeyId light = shared.AddKey("light");
  const KeyId heavy = shared.AddKey("heavy");
  constexpr Nanos kStep = 5 * kNanosPerMillisecond;
  const Nanos end = 100 * kNanosPerSecond;  // ten windows
  for (Nanos t = 0; t < end; t += kStep) {
    shared.Send(heavy, 1, t);
    if (t % (20 * kStep) == 0) shared.Send(light, 1, t);
  }
  // Usage is an average of impulses of 1/window = 0.1: it wobbles by about that around 10.
  EXPECT_NEAR(shared.RateAt(heavy, 100), 80, 0.25);
  EXPECT_NEAR(shared.RateAt(light, 100), 80, 0.25);
}

TEST(CapacityShareFormula, SummaryGroupNamesWhatEntersTheSplitAndNotTheRange) {
  const ParamValues common = {{"share", 0.8}, {"headroom", 2}, {"window", 30}, {"refresh", 2}};
  auto with = [&](const std::string& name, double value) {
    ParamValues params = common;
    params[name] = value;
    return CapacityShare(params)->SummaryGroup();
  };
  const std::string group = CapacityShare(common)->SummaryGroup();
  EXPECT_FALSE(group.empty());
  // What only clamps a key's own rate: the same split. (Ceilings go up: below its base a ceiling
  // is refused.)
  const std::pair<const char*, double> range[] = {{"base_rpm", 0.25},
                                                  {"base_tpm", 0.25},
                                                  {"ceiling_rpm", 2e9},
                                                  {"ceiling_tpm", 2e12},
                                                  {"capacity_share", 0.25}};
  for (const auto& [name, value] : range) {
    EXPECT_EQ(with(name, value), group) << name;
  }
  // What sets the level or its period: another split. (A share is at most 1.)
  const std::pair<const char*, double> split[] = {
      {"share", 0.9}, {"headroom", 1.5}, {"window", 1.5}, {"refresh", 1.5}};
  for (const auto& [name, value] : split) {
    EXPECT_NE(with(name, value), group) << name;
  }
  // Values that differ only far below the default printing precision are told apart.
  EXPECT_NE(with("share", 0.8 + 1e-12), group);
}

// Two heavy keys, each sending 200 requests/s for 100 s, one under each of `first` and `second`,
// on a model of 100 requests/s; returns their request rates at the end.
std::pair<double, double> HeavyRatesUnderTwoInstances(const ParamValues& first,
                                                      const ParamValues& second) {
  SharedModel shared(ModelCapacity{100, 1e9}, first);
  const KeyId a = shared.AddKey("a");
  const KeyId b = shared.AddKey("b", shared.AddFormula(second));
  constexpr Nanos kStep = 5 * kNanosPerMillisecond;
  const Nanos end = 100 * kNanosPerSecond;  // ten windows
  for (Nanos t = 0; t < end; t += kStep) {
    shared.Send(a, 1, t);
    shared.Send(b, 1, t);
  }
  return {shared.RateAt(a, 100), shared.RateAt(b, 100)};
}

TEST(CapacityShareFormula, InstancesDifferingOnlyInTheirRangeSplitTheModelAsOne) {
  // As for an org with its own `limits = { base_rpm = 120 }`: its key and the others' share one
  // level. Demands 400 and 400 over 100 requests/s: 50 each. (Split per instance, each would get
  // the whole model: 100 each, twice the capacity.)
  const ParamValues params = {{"capacity_share", 1.0}, {"window", 10.0}, {"refresh", 1.0}};
  ParamValues own_base = params;
  own_base["base_rpm"] = 120;
  own_base["ceiling_tpm"] = 1e11;
  const auto [a, b] = HeavyRatesUnderTwoInstances(params, own_base);
  EXPECT_NEAR(a, 50, 0.25);
  EXPECT_NEAR(b, 50, 0.25);
  EXPECT_NEAR(a + b, 100, 0.5);
}

TEST(CapacityShareFormula, InstancesDifferingInShareSplitApart) {
  // Each splits its own share of the model among its own keys: the first key alone has all of
  // share 1 (its level 100, within the ceiling), the second alone half.
  const ParamValues params = {{"capacity_share", 1.0}, {"window", 10.0}, {"refresh", 1.0}};
  ParamValues half = params;
  half["share"] = 0.5;
  const auto [a, b] = HeavyRatesUnderTwoInstances(params, half);
  EXPECT_NEAR(a, 100, 0.25);
  EXPECT_NEAR(b, 50, 0.25);
  // In either order of creation: which instance is asked first makes no difference.
  const auto [c, d] = HeavyRatesUnderTwoInstances(half, params);
  EXPECT_NEAR(c, 50, 0.25);
  EXPECT_NEAR(d, 100, 0.25);
}

TEST(CapacityShareFormula, TheLevelChangesOnlyAtPeriodStartsAndObservingChangesNothing) {
  // 50 requests/s to split, refreshed every 10 s; usage time constant 10 s.
  const ParamValues params = {{"capacity_share", 1.0}, {"window", 10.0}, {"refresh", 10.0}};
  SharedModel watched(ModelCapacity{50, 1e9}, params);
  SharedModel unwatched(ModelCapacity{50, 1e9}, params);
  for (SharedModel* shared : {&watched, &unwatched}) {
    const KeyId a = shared->AddKey("a");
    const KeyId b = shared->AddKey("b");
    shared->Send(a, 1000, 1 * kNanosPerSecond);  // usage 1000 / 10 = 100 requests/s at 1 s
    shared->Send(b, 100, 1 * kNanosPerSecond);   // usage 10
  }
  const KeyId a = 0;
  const KeyId b = 1;
  // The summary of [0, 10) saw no usage: no level, both keys at the ceiling, despite the traffic.
  EXPECT_DOUBLE_EQ(watched.RateAt(a, 5), 50);
  EXPECT_DOUBLE_EQ(watched.RateAt(b, 9.9), 50);
  // At 10 s the usages have decayed for 9 s: demands 200·e^-0.9 and 20·e^-0.9; b's fits, a gets
  // the rest. The observer is the first to touch the model in this period.
  const double level_10 = 50 - 20 * std::exp(-0.9);
  EXPECT_NEAR(watched.RateAt(b, 10), level_10, 1e-9);
  EXPECT_NEAR(watched.RateAt(a, 10), level_10, 1e-9);
  // b's burst at 12 s changes nothing before the next period...
  watched.Send(b, 200, 12 * kNanosPerSecond);
  unwatched.Send(b, 200, 12 * kNanosPerSecond);
  EXPECT_NEAR(watched.RateAt(a, 19.9), level_10, 1e-9);
  // ...and at 20 s b's demand is 2 × (10·e^-1.1 + 200 / 10) × e^-0.8, a's 200·e^-1.9.
  const double demand_b = 2 * (10 * std::exp(-1.1) + 20) * std::exp(-0.8);
  ASSERT_LT(2 * demand_b, 50);
  ASSERT_GT(200 * std::exp(-1.9), 50 - demand_b);
  const double level_20 = 50 - demand_b;
  EXPECT_NEAR(watched.RateAt(a, 20), level_20, 1e-9);
  // The unwatched engine, first touched in each period by real traffic, agrees exactly.
  unwatched.Send(a, 1, FromSeconds(20.5));
  watched.Send(a, 1, FromSeconds(20.5));
  for (const double t : {20.5, 25.0, 31.0}) {
    EXPECT_EQ(watched.RateAt(a, t), unwatched.RateAt(a, t)) << t;
    EXPECT_EQ(watched.RateAt(b, t), unwatched.RateAt(b, t)) << t;
  }
  EXPECT_NEAR(unwatched.RateAt(a, 20.5), level_20, 1e-9);
}

TEST(CapacityShareFormula, LookingAheadIntoALaterPeriodChangesNoLaterDecision) {
  // A gateway may ask for the headers at a later time than its last decision. That must not
  // disturb the summary the decisions of the current period use.
  const ParamValues params = {{"capacity_share", 1.0}, {"window", 10.0}, {"refresh", 10.0}};
  SharedModel peeked(ModelCapacity{50, 1e9}, params);
  SharedModel plain(ModelCapacity{50, 1e9}, params);
  for (SharedModel* shared : {&peeked, &plain}) {
    const KeyId a = shared->AddKey("a");
    const KeyId b = shared->AddKey("b");
    shared->Send(a, 1000, FromSeconds(1));
    shared->Send(b, 100, FromSeconds(1));
    shared->Send(a, 1, FromSeconds(11));    // the summary of [10, 20) is made here
    shared->Send(b, 200, FromSeconds(12));  // b's burst counts from the period of [20, 30) on
  }
  const KeyId a = 0;
  const KeyId b = 1;
  peeked.RateAt(a, 25);  // looks into [20, 30)
  for (SharedModel* shared : {&peeked, &plain}) shared->Send(a, 1, FromSeconds(13));
  for (const double t : {13.0, 19.0, 20.0, 25.0, 31.0}) {
    EXPECT_EQ(peeked.RateAt(a, t), plain.RateAt(a, t)) << t;
    EXPECT_EQ(peeked.RateAt(b, t), plain.RateAt(b, t)) << t;
  }
  // The burst matters: it lowers a's level from the next period on.
  EXPECT_LT(plain.RateAt(a, 20), plain.RateAt(a, 19) - 1);
}

}  // namespace
}  // namespace ratesim

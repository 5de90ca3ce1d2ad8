// Every registered limit formula, through the same invariants: rates finite and within the
// formula's own Bounds after every update whatever happens (successes, 429s, 503s, capacity
// changes, long idles); the lazy update equal to stepping through the same time, here and by the
// check `ratesim validate` runs; a new key within its bounds. A formula added to the registry is
// held to these without a line here, unless it cannot be made from its defaults (then it needs an
// entry in ExampleTexts).
#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "engine/composition_check.h"
#include "engine/formula_probe.h"
#include "engine/limit_formula.h"
#include "engine/rate_range.h"
#include "gtest/gtest.h"

namespace ratesim {
namespace {

// Texts for formulas written in the scenario file, which have no default. `expr`'s requests use
// most of its variables (each of which composes under lazy update); its tokens restate earned's
// law, which reads the rate itself and the elapsed time.
ParamTexts ExampleTexts(const std::string& name) {
  if (name != "expr") return {};
  return {{"requests_per_s",
           "2 * max(ok_rps_1m, served_rps_10m) + ok_rps_1h + r503_1m - 0.5 * r429_1m"
           " + utilisation * min(capacity_rps, 1e6) / 10 + min(age_s, 3600) / 600"},
          {"tokens_per_s",
           "min(rate_tps * 1.5^(elapsed_s/60), max(base_tps, min(ceiling_tps, 2*ok_tps_10m)))"}};
}

std::unique_ptr<LimitFormula> Make(const std::string& name, const ParamValues& params = {}) {
  absl::StatusOr<std::unique_ptr<LimitFormula>> formula =
      MakeFormula(name, params, ExampleTexts(name));
  EXPECT_TRUE(formula.ok()) << formula.status();
  return formula.ok() ? *std::move(formula) : nullptr;
}

// Capacities a key's model goes through: none, scarce, ordinary, huge, unknown (infinite).
const std::vector<ModelCapacity> kCapacities = {{0, 0}, {2, 2000}, {100, 1e6}, {1e5, 1e9}, {}};

bool WithinBounds(double rate, double floor, double ceiling) {
  const double slack = 1e-9 * std::max(1.0, std::abs(ceiling));
  return rate >= floor - slack && rate <= ceiling + slack;
}

void ExpectSane(const FormulaProbe& probe, const std::string& where) {
  const RateBounds bounds = probe.Bounds();
  ASSERT_TRUE(std::isfinite(probe.state.request_rate)) << where;
  ASSERT_TRUE(std::isfinite(probe.state.token_rate)) << where;
  ASSERT_TRUE(std::isfinite(probe.state.usage_requests)) << where;
  ASSERT_TRUE(std::isfinite(probe.state.usage_tokens)) << where;
  for (const double word : probe.extra) ASSERT_TRUE(std::isfinite(word)) << where;
  // A rate that fell back to the floor would make every check below vacuous for that update.
  ASSERT_EQ(probe.formula().NonFiniteResults(probe.extra).total(), 0) << where;
  ASSERT_LE(bounds.min_requests, bounds.max_requests) << where;
  ASSERT_LE(bounds.min_tokens, bounds.max_tokens) << where;
  ASSERT_TRUE(WithinBounds(probe.state.request_rate, bounds.min_requests, bounds.max_requests))
      << where << ": request rate " << probe.state.request_rate << " outside ["
      << bounds.min_requests << ", " << bounds.max_requests << "]";
  ASSERT_TRUE(WithinBounds(probe.state.token_rate, bounds.min_tokens, bounds.max_tokens))
      << where << ": token rate " << probe.state.token_rate << " outside [" << bounds.min_tokens
      << ", " << bounds.max_tokens << "]";
}

// Drives `probe` through `events` random happenings: bursts of successes (within and over the rate,
// with latencies that drift), 429s and 503s, idles from a millisecond to a day, capacity changes.
// Checks sanity after every Advance.
void DriveRandomly(FormulaProbe& probe, std::mt19937_64& rng, int events) {
  std::uniform_int_distribution<int> kind(0, 9);
  std::uniform_int_distribution<int> burst(1, 60);
  std::uniform_int_distribution<size_t> capacity(0, kCapacities.size() - 1);
  std::exponential_distribution<double> latency_s(2.0);
  std::uniform_real_distribution<double> log10_idle_s(-3, 5);
  for (int i = 0; i < events; ++i) {
    switch (kind(rng)) {
      case 0:
      case 1:
      case 2: {
        const int n = burst(rng);
        for (int k = 0; k < n; ++k) probe.Succeed(100 + 10 * k, k % 4 != 3, latency_s(rng) * (1 + i % 7));
        break;
      }
      case 3:
        probe.Fail(HttpStatus::kTooManyRequests);
        break;
      case 4:
        probe.Fail(HttpStatus::kServiceUnavailable);
        break;
      case 5:
        probe.capacity = kCapacities[capacity(rng)];
        probe.utilisation = std::uniform_real_distribution<double>(0, 1)(rng);
        break;
      default:
        probe.SummariseAlone();
        probe.Advance(std::pow(10.0, log10_idle_s(rng)));
        ExpectSane(probe, "event " + std::to_string(i));
        if (::testing::Test::HasFatalFailure()) return;
    }
  }
}

class EveryFormula : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryFormula, NewKeyStartsWithinItsBounds) {
  const std::unique_ptr<LimitFormula> formula = Make(GetParam());
  ASSERT_NE(formula, nullptr);
  for (const ModelCapacity& capacity : kCapacities) {
    FormulaProbe probe(*formula, capacity);
    ExpectSane(probe, "capacity " + std::to_string(capacity.requests_per_s));
  }
}

TEST_P(EveryFormula, RatesStayFiniteAndWithinBoundsWhateverHappens) {
  const std::unique_ptr<LimitFormula> formula = Make(GetParam());
  ASSERT_NE(formula, nullptr);
  for (const uint64_t seed : {1, 2, 3}) {
    SCOPED_TRACE(::testing::Message() << "seed " << seed);
    std::mt19937_64 rng(seed);
    FormulaProbe probe(*formula);
    DriveRandomly(probe, rng, 5000);
    // A key left alone for decades, then touched again, is still sane.
    probe.Advance(1e9);
    ExpectSane(probe, "after 1e9 s idle");
  }
}

void ExpectClose(double lazy, double stepped, const std::string& field) {
  EXPECT_NEAR(lazy, stepped, 1e-9 * std::max(1.0, std::abs(lazy))) << field;
}

TEST_P(EveryFormula, OneAdvanceEqualsAThousandRandomSteps) {
  const std::unique_ptr<LimitFormula> formula = Make(GetParam());
  ASSERT_NE(formula, nullptr);
  std::mt19937_64 rng(99);
  FormulaProbe driven(*formula);
  for (int start = 0; start < 6; ++start) {
    // Starting points with history: the formula's own words hold something, and a burst of
    // successes just now leaves usage well above what the rate reflects yet (a formula that
    // limits growth is growth-limited from here).
    DriveRandomly(driven, rng, 200);
    ASSERT_FALSE(::testing::Test::HasFatalFailure());
    for (int k = 0; k < 2000; ++k) driven.Succeed(200, true, 0.2 + k % 5);
    driven.capacity = kCapacities[start % kCapacities.size()];
    driven.SummariseAlone();
    for (const double total_s : {0.7, 30.0, 900.0, 7200.0}) {
      SCOPED_TRACE(::testing::Message() << "start " << start << ", " << total_s << " s");
      // Step ends at sorted random instants in (start, start + total], the last exactly at the end.
      std::vector<double> ends(999);
      for (double& end : ends) end = std::uniform_real_distribution<double>(0, total_s)(rng);
      std::sort(ends.begin(), ends.end());
      ends.push_back(total_s);
      const std::vector<SpanOutcome> outcomes = AdvanceLazyAndStepped(driven, ends);
      ASSERT_EQ(outcomes.size(), 4 + driven.extra.size());
      for (const SpanOutcome& outcome : outcomes) {
        ExpectClose(outcome.lazy, outcome.stepped, QuantityName(outcome.quantity, outcome.word));
      }
    }
  }
}

TEST_P(EveryFormula, PassesTheCompositionCheckOfValidate) {
  // What `ratesim validate` would warn of; the random test above is stricter (1e-9, the formula's
  // own words too), but this one runs the check's own script.
  const std::unique_ptr<LimitFormula> formula = Make(GetParam());
  ASSERT_NE(formula, nullptr);
  const std::optional<CompositionGap> gap = CheckComposition(*formula);
  EXPECT_FALSE(gap.has_value()) << QuantityName(gap->quantity) << " over " << gap->span_s
                                << " s at '" << gap->state << "': lazy " << gap->lazy
                                << ", stepped " << gap->stepped;
}

TEST_P(EveryFormula, AConstantFormulaKeepsItsInitialStateWhateverHappens) {
  // The engine skips a constant formula's calls (LimitFormula::Constant): holding its promise is
  // what makes that invisible. A formula that is not constant promises nothing here.
  const std::unique_ptr<LimitFormula> formula = Make(GetParam());
  ASSERT_NE(formula, nullptr);
  if (!formula->Constant()) GTEST_SKIP() << "not constant: promises nothing here";
  // Nothing else to keep: the engine skips the calls that would update them.
  EXPECT_EQ(formula->ExtraWords(), 0u);
  EXPECT_EQ(formula->SummaryPeriodS(), 0.0);
  for (const ModelCapacity& capacity : kCapacities) {
    FormulaProbe probe(*formula, capacity);
    const RateState initial = probe.state;
    const std::vector<double> initial_extra = probe.extra;
    std::mt19937_64 rng(7);
    for (int round = 0; round < 50; ++round) {
      DriveRandomly(probe, rng, 100);
      ASSERT_FALSE(::testing::Test::HasFatalFailure());
      // Driven through every capacity, a key made on this one must still be as it was made.
      probe.capacity = capacity;
      probe.Advance(1.0);
      EXPECT_EQ(probe.state.request_rate, initial.request_rate);
      EXPECT_EQ(probe.state.token_rate, initial.token_rate);
      EXPECT_EQ(probe.state.usage_requests, initial.usage_requests);
      EXPECT_EQ(probe.state.usage_tokens, initial.usage_tokens);
      EXPECT_EQ(probe.extra, initial_extra);
    }
  }
}

TEST_P(EveryFormula, SummaryGroupLeavesOutTheRange) {
  // The range only clamps a key's own rate: an org with its own base or ceiling (its own instance)
  // must still share its model's summary with the others. A formula without a summary has no group.
  const std::unique_ptr<LimitFormula> formula = Make(GetParam());
  ASSERT_NE(formula, nullptr);
  const std::string group = formula->SummaryGroup();
  if (formula->SummaryPeriodS() == 0) {
    EXPECT_EQ(group, "");
    return;
  }
  for (const ParamSpec& spec : RateRange::Params()) {
    const std::unique_ptr<LimitFormula> own =
        Make(GetParam(), {{spec.name, spec.default_value / 2}});
    ASSERT_NE(own, nullptr);
    EXPECT_EQ(own->SummaryGroup(), group) << spec.name;
  }
}

std::vector<std::string> FormulaNames() {
  std::vector<std::string> names;
  for (const FormulaInfo& info : Formulas()) names.push_back(info.name);
  return names;
}

INSTANTIATE_TEST_SUITE_P(Registered, EveryFormula, ::testing::ValuesIn(FormulaNames()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace ratesim

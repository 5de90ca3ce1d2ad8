// The composition check behind `ratesim validate`'s warning: it finds expressions whose rate
// depends on how often a key is updated, with the numbers of the worst case, and passes
// restatements that catch up in closed form. (Every registered formula passes it: see
// every_formula_test.cc.)
#include "engine/composition_check.h"

#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/formula_probe.h"
#include "engine/limit_formula.h"
#include "gtest/gtest.h"

namespace ratesim {
namespace {

std::unique_ptr<LimitFormula> Expr(const std::string& requests, const std::string& tokens,
                                   const ParamValues& numbers = {}) {
  absl::StatusOr<std::unique_ptr<LimitFormula>> formula =
      MakeFormula("expr", numbers, {{"requests_per_s", requests}, {"tokens_per_s", tokens}});
  EXPECT_TRUE(formula.ok()) << formula.status();
  return formula.ok() ? *std::move(formula) : nullptr;
}

// The expression of scenarios/expr_formula.toml, requests only: earned's law over one minute,
// the rate held while recent 503s exceed 1 if `hold` is 1.
constexpr char kHolding[] =
    "hold * r503_1m > 1 ? rate_rps : min(rate_rps * growth^(elapsed_s/60), max(base_rps, "
    "min(ceiling_rps, headroom * ok_rps_1m)))";

TEST(CompositionCheck, FindsAConstantAddedPerUpdate) {
  // A new key is at the floor, 1 request/s (base_rpm 60): one update over a second adds 0.1 once,
  // a hundred updates add it a hundred times. Nearer the ceiling the gap is smaller, so this is
  // the worst case, and the first span (1 s) of equal ones.
  const std::unique_ptr<LimitFormula> formula = Expr("rate_rps + 0.1", "base_tps");
  ASSERT_NE(formula, nullptr);
  const std::optional<CompositionGap> gap = CheckComposition(*formula);
  ASSERT_TRUE(gap.has_value());
  EXPECT_EQ(gap->quantity, KeyQuantity::kRequestRate);
  EXPECT_EQ(gap->state, "a new key");
  EXPECT_EQ(gap->span_s, 1.0);
  EXPECT_EQ(gap->steps, 100);
  EXPECT_NEAR(gap->lazy, 1.1, 1e-12);
  EXPECT_NEAR(gap->stepped, 11.0, 1e-9);
  EXPECT_NEAR(gap->relative, 9.9 / 11, 1e-12);
}

TEST(CompositionCheck, FindsAConstantFactorPerUpdateInEitherDimension) {
  // x1.01 once against x1.01^100, wherever the stepped rate stays below the ceiling.
  const double relative = 1 - 1.01 / std::pow(1.01, 100);
  const std::unique_ptr<LimitFormula> requests = Expr("rate_rps * 1.01", "base_tps");
  const std::unique_ptr<LimitFormula> tokens = Expr("base_rps", "rate_tps * 1.01");
  ASSERT_NE(requests, nullptr);
  ASSERT_NE(tokens, nullptr);
  const std::optional<CompositionGap> request_gap = CheckComposition(*requests);
  ASSERT_TRUE(request_gap.has_value());
  EXPECT_EQ(request_gap->quantity, KeyQuantity::kRequestRate);
  EXPECT_NEAR(request_gap->relative, relative, 1e-9);
  EXPECT_NEAR(request_gap->stepped / request_gap->lazy, std::pow(1.01, 99), 1e-9);
  const std::optional<CompositionGap> token_gap = CheckComposition(*tokens);
  ASSERT_TRUE(token_gap.has_value());
  EXPECT_EQ(token_gap->quantity, KeyQuantity::kTokenRate);
  EXPECT_NEAR(token_gap->relative, relative, 1e-9);
}

TEST(CompositionCheck, PassesRestatementsThatCatchUpInClosedForm) {
  const std::vector<std::vector<std::string>> composing = {
      // earned's law over each window of the variables
      {"min(rate_rps * 1.5^(elapsed_s/60), max(base_rps, min(ceiling_rps, 2 * ok_rps_1m)))",
       "min(rate_tps * 1.5^(elapsed_s/60), max(base_tps, min(ceiling_tps, 2 * ok_tps_1m)))"},
      {"min(rate_rps * 1.5^(elapsed_s/60), max(base_rps, min(ceiling_rps, 2 * ok_rps_10m)))",
       "min(rate_tps * 1.5^(elapsed_s/60), max(base_tps, min(ceiling_tps, 2 * served_tps_1h)))"},
      // the fix the warning suggests for `rate_rps * 1.01`, and a decay written the same way
      {"rate_rps * 1.01^(elapsed_s/60)", "max(base_tps, rate_tps * 0.5^(elapsed_s/60))"},
      // no rate of its own: whatever the variables say at the update
      {"max(base_rps, 2 * ok_rps_1m) * (r503_1m > 1 ? 0.5 : 1) + r429_1m / 10",
       "base_tps + utilisation * capacity_tps / 100 + min(age_s, 3600)"},
  };
  for (const std::vector<std::string>& texts : composing) {
    const std::unique_ptr<LimitFormula> formula = Expr(texts[0], texts[1]);
    ASSERT_NE(formula, nullptr);
    const std::optional<CompositionGap> gap = CheckComposition(*formula);
    EXPECT_FALSE(gap.has_value()) << texts[0] << "; " << texts[1] << ": "
                                  << QuantityName(gap->quantity) << " over " << gap->span_s
                                  << " s at '" << gap->state << "': lazy " << gap->lazy
                                  << ", stepped " << gap->stepped;
  }
}

TEST(CompositionCheck, FindsAHoldReleasedInsideASpan) {
  // scenarios/expr_formula.toml: the rate is held while r503_1m > 1. When r503_1m decays past 1
  // inside a span, one update over it grows the rate for the whole span, the stepped key only
  // for the part after the release: the rate depends on when the key is touched. Without the
  // hold, the same law composes.
  const ParamValues holding = {{"hold", 1}, {"growth", 1.5}, {"headroom", 2}};
  const std::unique_ptr<LimitFormula> held = Expr(kHolding, "base_tps", holding);
  ASSERT_NE(held, nullptr);
  const std::optional<CompositionGap> gap = CheckComposition(*held);
  ASSERT_TRUE(gap.has_value());
  EXPECT_EQ(gap->quantity, KeyQuantity::kRequestRate);
  EXPECT_GT(gap->lazy, gap->stepped);  // the lazy update grew over the held part too
  EXPECT_LE(gap->lazy / gap->stepped, std::pow(1.5, gap->span_s / 60) * (1 + 1e-12));
  EXPECT_GT(gap->relative, 0.01);
  EXPECT_NE(gap->state.find("its last 503"), std::string::npos) << gap->state;

  ParamValues plain = holding;
  plain["hold"] = 0;
  const std::unique_ptr<LimitFormula> unheld = Expr(kHolding, "base_tps", plain);
  ASSERT_NE(unheld, nullptr);
  EXPECT_FALSE(CheckComposition(*unheld).has_value());
}

TEST(CompositionCheck, ToleranceDecides) {
  // x(1 + 1e-8) per update is 1e-6 apart over 100 updates: a gap just below and above it.
  const std::unique_ptr<LimitFormula> formula = Expr("rate_rps * (1 + 1e-8)", "base_tps");
  ASSERT_NE(formula, nullptr);
  CompositionCheckOptions options;
  options.tolerance = 2e-6;
  EXPECT_FALSE(CheckComposition(*formula, options).has_value());
  options.tolerance = 0.5e-6;
  const std::optional<CompositionGap> gap = CheckComposition(*formula, options);
  ASSERT_TRUE(gap.has_value());
  EXPECT_NEAR(gap->relative, 99e-8, 1e-9);
}

TEST(CompositionCheck, AdvanceLazyAndSteppedCoversTheSpanBothWaysAndLeavesTheKey) {
  // rate_rps + 1 per update: lazy is one update, stepped one per end; the formula's own words
  // (expr's trailing windows) decay alike.
  const std::unique_ptr<LimitFormula> formula = Expr("rate_rps + 1", "base_tps");
  ASSERT_NE(formula, nullptr);
  FormulaProbe key(*formula);
  key.Advance(5);
  for (int i = 0; i < 60; ++i) key.Succeed(100);
  const FormulaProbe before = key;
  const std::vector<double> ends = {0.5, 2, 2, 30};  // a zero-length step counts as an update
  const std::vector<SpanOutcome> outcomes = AdvanceLazyAndStepped(key, ends);
  EXPECT_EQ(key.now_s, before.now_s);
  EXPECT_EQ(key.state.request_rate, before.state.request_rate);
  EXPECT_EQ(key.extra, before.extra);
  ASSERT_EQ(outcomes.size(), 4 + key.extra.size());
  EXPECT_EQ(outcomes[0].quantity, KeyQuantity::kRequestRate);
  EXPECT_DOUBLE_EQ(outcomes[0].lazy, key.state.request_rate + 1);
  EXPECT_DOUBLE_EQ(outcomes[0].stepped, key.state.request_rate + 4);
  EXPECT_EQ(outcomes[2].quantity, KeyQuantity::kUsageRequests);  // ten-minute window, 30 s on
  EXPECT_NEAR(outcomes[2].lazy, 0.1 * std::exp(-30.0 / 600), 1e-12);
  EXPECT_NEAR(outcomes[2].stepped, outcomes[2].lazy, 1e-15);
  EXPECT_EQ(outcomes[4].quantity, KeyQuantity::kExtraWord);
  EXPECT_EQ(QuantityName(outcomes[4].quantity, outcomes[4].word), "extra word 0");
}

TEST(CompositionCheck, RelativeGapIsToTheLargerAndFloorsNegligibleValues) {
  EXPECT_DOUBLE_EQ(RelativeGap(2.0, 1.5, 1e-6), 0.25);
  EXPECT_DOUBLE_EQ(RelativeGap(1.5, 2.0, 1e-6), 0.25);
  EXPECT_EQ(RelativeGap(3.0, 3.0, 1e-6), 0.0);
  EXPECT_DOUBLE_EQ(RelativeGap(1e-9, 2e-9, 1e-6), 1e-3);  // both negligible: 1e-9 of 1e-6
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(RelativeGap(inf, inf, 1e-6), 0.0);
  EXPECT_EQ(RelativeGap(inf, 1.0, 1e-6), inf);
  EXPECT_EQ(RelativeGap(nan, nan, 1e-6), inf);
}

}  // namespace
}  // namespace ratesim

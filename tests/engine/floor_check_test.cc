// The check behind `ratesim validate`'s warning of an expression always clamped to the floor: it
// finds expressions below the floor at every probed state (negative, a floor less one), in either
// dimension, and passes those that reach the floor or rise above it at some state, if only after
// an idle hour.
#include "engine/floor_check.h"

#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/expr_formula.h"
#include "engine/formula_probe.h"
#include "gtest/gtest.h"

namespace ratesim {
namespace {

std::unique_ptr<LimitFormula> Expr(const std::string& requests, const std::string& tokens,
                                   const ParamValues& numbers = {}) {
  absl::StatusOr<std::unique_ptr<LimitFormula>> formula = ExprFormula::Create(
      numbers, {{"requests_per_s", requests}, {"tokens_per_s", tokens}});
  EXPECT_TRUE(formula.ok()) << formula.status();
  return formula.ok() ? *std::move(formula) : nullptr;
}

std::optional<FloorClamp> Check(const std::string& requests, const std::string& tokens,
                                const ParamValues& numbers = {},
                                const std::vector<ModelCapacity>& capacities = {}) {
  const std::unique_ptr<LimitFormula> formula = Expr(requests, tokens, numbers);
  if (formula == nullptr) return std::nullopt;
  return CheckAlwaysAtFloor(static_cast<const ExprFormula&>(*formula), capacities);
}

// An expression that is a number for a new key but not once the key has lived a little (here, ln
// of a count that is 0 until a 429 comes): found, with the first state it happened in, though the
// expression is above the floor elsewhere.
TEST(FloorCheck, FindsAnExpressionThatIsNotAFiniteNumberInSomeStates) {
  const std::optional<FloorClamp> clamp =
      Check("age_s > 0 ? 100 + ln(r429_1m) : base_rps", "max(base_tps, 2 * ok_tps_10m)");
  ASSERT_TRUE(clamp.has_value());
  EXPECT_FALSE(clamp->requests.always);
  EXPECT_GT(clamp->requests.not_finite, 0);
  EXPECT_LT(clamp->requests.not_finite, clamp->probes);
  EXPECT_EQ(clamp->requests.first_not_finite, "a new key");
  EXPECT_EQ(clamp->tokens.not_finite, 0);
  // Guarded, it is found no more.
  EXPECT_FALSE(Check("r429_1m > 0 ? 100 + ln(r429_1m) : base_rps", "max(base_tps, 2 * ok_tps_10m)").has_value());
}

TEST(FloorCheck, FindsANegativeRate) {
  const std::optional<FloorClamp> clamp = Check("-1", "max(base_tps, 2 * ok_tps_10m)");
  ASSERT_TRUE(clamp.has_value());
  EXPECT_TRUE(clamp->requests.always);
  EXPECT_EQ(clamp->requests.highest, -1.0);
  EXPECT_EQ(clamp->requests.floor, 1.0);  // base_rpm 60
  EXPECT_FALSE(clamp->tokens.always);
  // 4 spans at each probe point: a new key, every 10 s of a 1240 s life, the idle hour.
  EXPECT_EQ(clamp->probes, 4 * (1 + 124 + 1));
}

TEST(FloorCheck, FindsAnExpressionBelowTheFloorInTheTokenDimension) {
  // Grows with usage, but never to the floor: a unit mistaken (tokens per minute over 60 twice).
  const std::optional<FloorClamp> clamp =
      Check("max(base_rps, 2 * ok_rps_10m)", "base_tps * 0.5 + ok_tps_10m / 3600");
  ASSERT_TRUE(clamp.has_value());
  EXPECT_FALSE(clamp->requests.always);
  EXPECT_TRUE(clamp->tokens.always);
  EXPECT_EQ(clamp->tokens.floor, 3000.0);  // base_tpm 180000
  EXPECT_GT(clamp->tokens.highest, 1500.0);
  EXPECT_LT(clamp->tokens.highest, 3000.0);
}

TEST(FloorCheck, PassesExpressionsThatReachTheFloorOrMore) {
  // The floor itself, on purpose.
  EXPECT_EQ(Check("base_rps", "base_tps"), std::nullopt);
  // Below it until usage lifts it.
  EXPECT_EQ(Check("2 * ok_rps_1m - 1", "2 * ok_tps_1m - 1"), std::nullopt);
  // Below it but after an idle half hour: a span of the check reaches it.
  EXPECT_EQ(Check("elapsed_s > 1800 ? 2 * base_rps : -1", "base_tps"), std::nullopt);
  // Short of the floor by rounding alone (less than a billionth of it) is at the floor.
  EXPECT_EQ(Check("base_rps * (1 - 1e-12)", "base_tps / 3 * 3"), std::nullopt);
}

TEST(FloorCheck, CountsResultsThatAreNotNumbersAsTheFloor) {
  // NaN at every probed state (capacity 100 or 4 requests/s), though 0 at the one Create tries
  // (capacity 1), which would refuse a NaN there.
  const std::optional<FloorClamp> clamp = Check("sqrt(1 - capacity_rps)", "base_tps");
  ASSERT_TRUE(clamp.has_value());
  EXPECT_TRUE(clamp->requests.always);
  EXPECT_TRUE(std::isnan(clamp->requests.highest));
}

TEST(FloorCheck, CountsAnInfiniteResultAsTheFloor) {
  // +inf once the key has a success, 0 before: Advance sets both to the floor.
  const std::optional<FloorClamp> clamp =
      Check("ok_rps_1m > 0 ? 1 / (rate_rps - rate_rps) : 0", "base_tps");
  ASSERT_TRUE(clamp.has_value());
  EXPECT_TRUE(clamp->requests.always);
  EXPECT_EQ(clamp->requests.highest, 0.0) << "the largest finite result";
}

TEST(FloorCheck, JudgesAnExpressionOnTheModelsItWillRunOn) {
  // A thousandth of the capacity: below the 1 req/s floor on the probe's 100 req/s model, far
  // above it on a model of 10 million requests/s.
  EXPECT_TRUE(Check("capacity_rps / 1000", "base_tps").has_value());
  EXPECT_EQ(Check("capacity_rps / 1000", "base_tps", {}, {{1e7, 1e12}}), std::nullopt);
  // A fiftieth: above the floor on the probe's model, below it on a model of 8 requests/s.
  EXPECT_EQ(Check("capacity_rps / 50", "base_tps"), std::nullopt);
  const std::optional<FloorClamp> small = Check("capacity_rps / 50", "base_tps", {}, {{8, 8e4}});
  ASSERT_TRUE(small.has_value());
  EXPECT_DOUBLE_EQ(small->requests.highest, 8.0 / 50);
  // On two models it is at the floor only if it is on both.
  EXPECT_EQ(Check("capacity_rps / 50", "base_tps", {}, {{8, 8e4}, {1000, 1e7}}), std::nullopt);
}

TEST(FloorCheck, EvaluateGivesWhatAdvanceClampsAndLeavesTheKey) {
  const std::unique_ptr<LimitFormula> formula = Expr("rate_rps * 2 - 5", "-ok_tps_1m");
  ASSERT_NE(formula, nullptr);
  const auto& expr = static_cast<const ExprFormula&>(*formula);
  FormulaProbe key(expr);
  key.Succeed(1000);
  const FormulaProbe before = key;
  const Update update = key.UpdateTo(30);
  const ExprFormula::Results results = expr.Evaluate(key.state, key.extra, update);
  EXPECT_EQ(key.state.request_rate, before.state.request_rate);
  EXPECT_EQ(key.extra, before.extra);
  EXPECT_DOUBLE_EQ(results.requests, 2 * 1.0 - 5);  // at the floor, 1 request/s
  EXPECT_LT(results.tokens, 0.0);
  key.AdvanceTo(30);
  EXPECT_EQ(key.state.request_rate, 1.0);  // clamped up to the floor
  EXPECT_EQ(key.state.token_rate, 3000.0);
}

}  // namespace
}  // namespace ratesim

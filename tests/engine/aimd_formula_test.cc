// The `aimd` formula: additive increase per within-rate success, multiplicative decrease per 503,
// within [base, ceiling].
#include <memory>

#include "engine/limit_formula.h"
#include "gtest/gtest.h"
#include "tests/support/formula_calls.h"

namespace ratesim {
namespace {

std::unique_ptr<LimitFormula> Aimd(const ParamValues& params = {}) {
  absl::StatusOr<std::unique_ptr<LimitFormula>> formula = MakeFormula("aimd", params);
  EXPECT_TRUE(formula.ok()) << formula.status();
  return *std::move(formula);
}

TEST(AimdFormula, StartsAtBase) {
  const RateState state = Aimd({{"base_rpm", 120}, {"base_tpm", 6000}})->Initial({});
  EXPECT_DOUBLE_EQ(state.request_rate, 2.0);
  EXPECT_DOUBLE_EQ(state.token_rate, 100.0);
}

TEST(AimdFormula, EachWithinRateSuccessAddsIncreaseOverTheRate) {
  const auto formula = Aimd({{"increase_rpm", 30}});  // 0.5 requests/s per second of full use
  RateState state = formula->Initial({});
  state.request_rate = 4.0;
  state.token_rate = 1000.0;
  Succeed(*formula, state, 500, true);
  EXPECT_DOUBLE_EQ(state.request_rate, 4.0 + 0.5 / 4.0);
  EXPECT_DOUBLE_EQ(state.token_rate, 1000.0 * (1.0 + 0.125 / 4.0));
  const RateState before = state;
  Succeed(*formula, state, 500, false);  // over-rate successes earn nothing
  EXPECT_EQ(state.request_rate, before.request_rate);

  // A second of traffic at the full rate adds about `increase`: r successes of increase / r each,
  // each step a little smaller than the last as r grows, so the gain lies between 10 × 0.5 / 10.5
  // and 10 × 0.5 / 10.
  RateState full = formula->Initial({});
  full.request_rate = 10.0;
  for (int i = 0; i < 10; ++i) Succeed(*formula, full, 500, true);
  EXPECT_GT(full.request_rate, 10.0 + 5.0 / 10.5);
  EXPECT_LT(full.request_rate, 10.5);
}

TEST(AimdFormula, A503MultipliesTheRateDownToTheBaseAnd429sChangeNothing) {
  const auto formula = Aimd({{"decrease", 0.5}, {"base_rpm", 60}});
  RateState state = formula->Initial({});
  state.request_rate = 8.0;
  state.token_rate = 80000.0;
  Fail(*formula, state, HttpStatus::kTooManyRequests);
  EXPECT_DOUBLE_EQ(state.request_rate, 8.0);
  Fail(*formula, state, HttpStatus::kServiceUnavailable);
  EXPECT_DOUBLE_EQ(state.request_rate, 4.0);
  EXPECT_DOUBLE_EQ(state.token_rate, 40000.0);
  for (int i = 0; i < 10; ++i) Fail(*formula, state, HttpStatus::kServiceUnavailable);
  EXPECT_DOUBLE_EQ(state.request_rate, 1.0);  // the 60 RPM base
  EXPECT_DOUBLE_EQ(state.token_rate, 3000.0);  // the 180,000 TPM default base
}

TEST(AimdFormula, AdvanceKeepsTheRateWithinTheCapacityShareAndOtherwiseChangesNothing) {
  const auto formula = Aimd({{"capacity_share", 0.25}});
  RateState state = formula->Initial({});
  state.request_rate = 30.0;
  state.token_rate = 5000.0;
  Advance(*formula, state, 3600, ModelCapacity{40.0, 1e6});
  EXPECT_DOUBLE_EQ(state.request_rate, 10.0);  // 0.25 × 40
  EXPECT_DOUBLE_EQ(state.token_rate, 5000.0);  // under its ceiling of 250,000
  const RateState settled = state;
  Advance(*formula, state, 7200, ModelCapacity{40.0, 1e6});
  EXPECT_EQ(state.request_rate, settled.request_rate);
  EXPECT_EQ(state.token_rate, settled.token_rate);
}

}  // namespace
}  // namespace ratesim

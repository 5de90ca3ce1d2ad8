// The `expr` formula: two muparser expressions evaluated at each update of a key. Its restatement
// of `earned` follows `earned` exactly (the oracle), every variable reaches the expressions with
// the value its documentation promises, results are clamped to the bounds, and bad expressions are
// refused at creation with the place of the fault.
#include "engine/expr_formula.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "engine/formula_probe.h"
#include "engine/limit_formula.h"
#include "engine/param_spec.h"
#include "fmt/format.h"
#include "gtest/gtest.h"

namespace ratesim {
namespace {

// `earned` with its defaults (headroom 2, window 10 min, growth ×1.5 a minute), restated.
const ParamTexts kRestatedEarned = {
    {"requests_per_s", "min(rate_rps * 1.5^(elapsed_s/60), max(base_rps, min(ceiling_rps, 2*ok_rps_10m)))"},
    {"tokens_per_s", "min(rate_tps * 1.5^(elapsed_s/60), max(base_tps, min(ceiling_tps, 2*ok_tps_10m)))"},
};

std::unique_ptr<LimitFormula> Expr(const std::string& requests, const std::string& tokens = "base_tps",
                                   const ParamValues& numbers = {}) {
  absl::StatusOr<std::unique_ptr<LimitFormula>> formula =
      MakeFormula("expr", numbers, {{"requests_per_s", requests}, {"tokens_per_s", tokens}});
  EXPECT_TRUE(formula.ok()) << formula.status();
  return formula.ok() ? *std::move(formula) : nullptr;
}

std::unique_ptr<LimitFormula> Make(const std::string& name, const ParamValues& numbers,
                                   const ParamTexts& texts = {}) {
  absl::StatusOr<std::unique_ptr<LimitFormula>> formula = MakeFormula(name, numbers, texts);
  EXPECT_TRUE(formula.ok()) << formula.status();
  return formula.ok() ? *std::move(formula) : nullptr;
}

void ExpectRelative(double expected, double actual, const std::string& what) {
  EXPECT_NEAR(actual, expected, 1e-9 * std::max(std::abs(expected), 1e-300)) << what;
}

// --- The oracle: earned, restated ----------------------------------------------------------------

TEST(ExprFormula, RestatedEarnedFollowsEarnedUnderRandomTraffic) {
  for (const ParamValues& bounds :
       {ParamValues{}, ParamValues{{"base_rpm", 30}, {"base_tpm", 6000}, {"capacity_share", 0.2}}}) {
    const std::unique_ptr<LimitFormula> earned = Make("earned", bounds);
    const std::unique_ptr<LimitFormula> expr = Make("expr", bounds, kRestatedEarned);
    ASSERT_NE(expr, nullptr);
    FormulaProbe a(*earned);
    FormulaProbe b(*expr);
    std::mt19937_64 rng(7);
    // About 6 successes a second on average: enough to lift the rate off the floor, up to ceilings
    // that move with the capacity.
    std::uniform_real_distribution<double> step_s(0.0, 20.0);
    std::uniform_real_distribution<double> capacity(0.0, 40.0);
    std::uniform_int_distribution<int> successes(0, 120);
    std::uniform_int_distribution<int> failures(0, 3);
    std::uniform_real_distribution<double> tokens(10.0, 4000.0);
    double highest = 0;
    for (int i = 0; i < 5000; ++i) {
      const int n = successes(rng);
      for (int k = 0; k < n; ++k) {
        const double t = tokens(rng);
        const bool within = k % 4 != 0;
        a.Succeed(t, within);
        b.Succeed(t, within);
      }
      for (int k = failures(rng); k > 0; --k) {  // earned ignores failures; expr counts them
        const HttpStatus status = k % 2 ? HttpStatus::kServiceUnavailable : HttpStatus::kTooManyRequests;
        a.Fail(status);
        b.Fail(status);
      }
      const ModelCapacity live{capacity(rng), 1e4 * capacity(rng)};
      a.capacity = b.capacity = live;
      a.utilisation = b.utilisation = 0.5;
      const double dt = step_s(rng);
      a.Advance(dt);
      b.Advance(dt);
      const std::string at = "step " + std::to_string(i);
      ExpectRelative(a.state.request_rate, b.state.request_rate, at + " request_rate");
      ExpectRelative(a.state.token_rate, b.state.token_rate, at + " token_rate");
      ExpectRelative(a.state.usage_requests, b.state.usage_requests, at + " usage_requests");
      ExpectRelative(a.state.usage_tokens, b.state.usage_tokens, at + " usage_tokens");
      if (::testing::Test::HasFailure()) return;
      highest = std::max(highest, a.state.request_rate / a.Bounds().min_requests);
    }
    // The trajectory left the floor: the comparison covered growth, not just two floors.
    EXPECT_GT(highest, 3.0);
  }
}

TEST(ExprFormula, RestatedEarnedComposesLikeEarned) {
  // Advancing by a then b equals a + b for this expression, as for earned.
  const std::unique_ptr<LimitFormula> expr = Make("expr", {}, kRestatedEarned);
  ASSERT_NE(expr, nullptr);
  FormulaProbe lazy(*expr);
  for (int k = 0; k < 6000; ++k) lazy.Succeed(300);  // usage 10/s: the rate grows for minutes
  lazy.Advance(1);
  FormulaProbe stepped = lazy;
  lazy.Advance(120);
  for (int k = 0; k < 120; ++k) stepped.Advance(1);
  ExpectRelative(lazy.state.request_rate, stepped.state.request_rate, "request_rate");
  ExpectRelative(lazy.state.token_rate, stepped.state.token_rate, "token_rate");
  for (size_t w = 0; w < lazy.extra.size(); ++w) {
    ExpectRelative(lazy.extra[w], stepped.extra[w], "word " + std::to_string(w));
  }
  EXPECT_GT(lazy.state.request_rate, 2 * lazy.Bounds().min_requests);  // not a trivial floor
}

// --- Variables -----------------------------------------------------------------------------------

TEST(ExprFormula, RecentFailuresReachTheExpressionAsDecayedCounts) {
  const std::unique_ptr<LimitFormula> formula = Expr("r503_1m", "base_tps", {{"base_rpm", 0.6}});
  ASSERT_NE(formula, nullptr);
  FormulaProbe probe(*formula);
  for (int k = 0; k < 3; ++k) probe.Fail(HttpStatus::kServiceUnavailable);
  probe.Fail(HttpStatus::kTooManyRequests);  // counted apart
  probe.Advance(30);
  EXPECT_NEAR(probe.state.request_rate, 3 * std::exp(-30.0 / 60), 1e-12);
  probe.Advance(45);
  EXPECT_NEAR(probe.state.request_rate, 3 * std::exp(-75.0 / 60), 1e-12);
}

// After a fixed history, `base_rps + <variable> / scale` gives back each variable's documented
// value (the scale keeps the result within the bounds, the tiny base out of the way).
TEST(ExprFormula, EveryVariableReachesTheExpressionWithItsDocumentedValue) {
  constexpr double kBaseRps = 1e-7;   // base_rpm 6e-6
  constexpr double kBaseTps = 1000;   // base_tpm 60000
  constexpr double kElapsed = 30, kNow = 130;
  const ModelCapacity capacity{100, 1e6};
  auto decayed = [&](double impulse_sum, double window_s) {
    return impulse_sum / window_s * std::exp(-kElapsed / window_s);
  };
  // The history: 3 within-rate successes of 100 tokens, 2 over-rate ones of 200 tokens, two 429s,
  // three 503s, then an update 30 s later.
  const std::vector<std::pair<std::string, double>> expected = {
      {"rate_rps", kBaseRps},  // the rate before the update: a new key's floor
      {"rate_tps", kBaseTps},
      {"ok_rps_1m", decayed(3, 60)},
      {"ok_rps_10m", decayed(3, 600)},
      {"ok_rps_1h", decayed(3, 3600)},
      {"ok_tps_1m", decayed(300, 60)},
      {"ok_tps_10m", decayed(300, 600)},
      {"ok_tps_1h", decayed(300, 3600)},
      {"served_rps_1m", decayed(5, 60)},
      {"served_rps_10m", decayed(5, 600)},
      {"served_rps_1h", decayed(5, 3600)},
      {"served_tps_1m", decayed(700, 60)},
      {"served_tps_10m", decayed(700, 600)},
      {"served_tps_1h", decayed(700, 3600)},
      {"r429_1m", 2 * std::exp(-kElapsed / 60)},
      {"r503_1m", 3 * std::exp(-kElapsed / 60)},
      {"capacity_rps", 100},
      {"capacity_tps", 1e6},
      {"utilisation", 0.25},
      {"now_s", kNow},
      {"elapsed_s", kElapsed},
      {"age_s", kElapsed},  // a key's first update covers the time since its creation
      {"base_rps", kBaseRps},
      {"base_tps", kBaseTps},
      {"ceiling_rps", 0.5 * 100},  // capacity_share × capacity, below the absolute ceiling
      {"ceiling_tps", 0.5 * 1e6},
  };
  ASSERT_EQ(expected.size(), ExprFormula::Variables().size()) << "a variable is not tested";
  for (const auto& [name, value] : expected) {
    SCOPED_TRACE(name);
    const double scale = std::max(1.0, value);
    const std::unique_ptr<LimitFormula> formula =
        Expr(fmt::format("base_rps + {} / {}", name, scale), "base_tps",
             {{"base_rpm", kBaseRps * 60}, {"base_tpm", kBaseTps * 60}});
    ASSERT_NE(formula, nullptr);
    RateState state = formula->Initial(capacity);
    std::vector<double> extra(formula->ExtraWords(), 0.0);
    const absl::Span<double> words = absl::MakeSpan(extra);
    for (int k = 0; k < 3; ++k) formula->RecordSuccess(state, words, {100, 1, true});
    for (int k = 0; k < 2; ++k) formula->RecordSuccess(state, words, {200, 1, false});
    for (int k = 0; k < 2; ++k) formula->RecordFailure(state, words, HttpStatus::kTooManyRequests);
    for (int k = 0; k < 3; ++k) formula->RecordFailure(state, words, HttpStatus::kServiceUnavailable);
    Update update;
    update.now_s = kNow;
    update.elapsed_s = kElapsed;
    update.model.capacity = capacity;
    update.model.utilisation = 0.25;
    formula->Advance(state, words, update);
    ExpectRelative(value, (state.request_rate - kBaseRps) * scale, name);
    EXPECT_DOUBLE_EQ(state.token_rate, kBaseTps);
  }
}

TEST(ExprFormula, AgeRunsFromTheKeysCreationAcrossUpdates) {
  const std::unique_ptr<LimitFormula> formula = Expr("base_rps + age_s", "base_tps");
  ASSERT_NE(formula, nullptr);
  FormulaProbe probe(*formula);  // the key was created at 0
  probe.AdvanceTo(5);
  EXPECT_DOUBLE_EQ(probe.state.request_rate, 1.0 + 5);
  probe.AdvanceTo(12);
  EXPECT_DOUBLE_EQ(probe.state.request_rate, 1.0 + 12);
  probe.AdvanceTo(40);  // below the ceiling of 50 (half the probe's 100 requests/s)
  EXPECT_DOUBLE_EQ(probe.state.request_rate, 1.0 + 40);
}

TEST(ExprFormula, OtherNumbersAreConstantsOfTheExpressions) {
  const std::unique_ptr<LimitFormula> formula =
      Expr("base_rps * growth", "base_tps * growth + offset", {{"growth", 2.5}, {"offset", 7}});
  ASSERT_NE(formula, nullptr);
  FormulaProbe probe(*formula);
  probe.Advance(1);
  EXPECT_DOUBLE_EQ(probe.state.request_rate, 2.5 * 1.0);        // base_rpm 60: 1 request/s
  EXPECT_DOUBLE_EQ(probe.state.token_rate, 2.5 * 3000.0 + 7);  // base_tpm 180000: 3000 tokens/s
}

// --- Bounds and bad values -----------------------------------------------------------------------

TEST(ExprFormula, ResultsAreClampedToTheBounds) {
  const std::unique_ptr<LimitFormula> formula = Expr("1e12", "-5");
  ASSERT_NE(formula, nullptr);
  FormulaProbe probe(*formula, ModelCapacity{40, 2e5});
  probe.Advance(1);
  EXPECT_DOUBLE_EQ(probe.state.request_rate, 20.0);  // ceiling: capacity_share 0.5 × 40
  EXPECT_DOUBLE_EQ(probe.state.token_rate, 3000.0);  // floor: base_tpm 180000 / 60
}

TEST(ExprFormula, ANonFiniteResultGivesTheFloor) {
  // Finite on a new key (utilisation 0), infinite or NaN once the model is half busy.
  const std::unique_ptr<LimitFormula> formula =
      Expr("utilisation > 0.4 ? 1/(utilisation - 0.5) : ceiling_rps",
           "utilisation > 0.4 ? 0/0 : ceiling_tps");
  ASSERT_NE(formula, nullptr);
  FormulaProbe probe(*formula);
  probe.Advance(1);
  EXPECT_DOUBLE_EQ(probe.state.request_rate, probe.Bounds().max_requests);
  EXPECT_EQ(formula->NonFiniteResults(probe.extra).total(), 0);
  probe.utilisation = 0.5;
  probe.Advance(1);
  EXPECT_DOUBLE_EQ(probe.state.request_rate, probe.Bounds().min_requests);
  EXPECT_DOUBLE_EQ(probe.state.token_rate, probe.Bounds().min_tokens);
  // Counted per update and per result, so that a run can say which expression failed.
  EXPECT_EQ(formula->NonFiniteResults(probe.extra).requests, 1);
  EXPECT_EQ(formula->NonFiniteResults(probe.extra).tokens, 1);
  probe.utilisation = 0.45;  // requests 1/(-0.05): finite (and clamped); tokens still NaN
  probe.Advance(1);
  EXPECT_EQ(formula->NonFiniteResults(probe.extra).requests, 1);
  EXPECT_EQ(formula->NonFiniteResults(probe.extra).tokens, 2);
  probe.utilisation = 0.0;
  probe.Advance(1);
  EXPECT_EQ(formula->NonFiniteResults(probe.extra).total(), 3);
}

TEST(ExprFormula, KeepsItsTrailingRatesInExtraWordsAndStartsAtTheFloor) {
  const std::unique_ptr<LimitFormula> formula = Expr("base_rps");
  ASSERT_NE(formula, nullptr);
  EXPECT_EQ(formula->ExtraWords(), 16u);  // 12 trailing values, creation time and flag, 2 faults
  const RateState state = formula->Initial({100, 1e6});
  EXPECT_DOUBLE_EQ(state.request_rate, 1.0);
  EXPECT_DOUBLE_EQ(state.token_rate, 3000.0);
}

// --- Refused at creation -------------------------------------------------------------------------

ExprError CreateError(const std::string& requests, const std::string& tokens = "base_tps",
                      const ParamValues& numbers = {}) {
  ExprError error;
  absl::StatusOr<std::unique_ptr<LimitFormula>> formula = ExprFormula::Create(
      numbers, {{"requests_per_s", requests}, {"tokens_per_s", tokens}}, &error);
  EXPECT_FALSE(formula.ok()) << requests << " | " << tokens;
  if (!formula.ok()) {
    EXPECT_EQ(formula.status().code(), absl::StatusCode::kInvalidArgument);
  }
  return error;
}

TEST(ExprFormula, AnUnknownNameIsRefusedWithItsPosition) {
  const ExprError error = CreateError("base_rps", "max(base_tps, 2 * ok_tsp_10m)");
  EXPECT_EQ(error.param, "tokens_per_s");
  EXPECT_EQ(error.position, 18);
  EXPECT_EQ(error.token, "ok_tsp_10m");
  EXPECT_TRUE(error.unknown_name);
  EXPECT_NE(error.message.find("ok_tsp_10m"), std::string::npos) << error.message;
}

TEST(ExprFormula, ASyntaxErrorIsRefusedWithItsPosition) {
  const ExprError error = CreateError("min(rate_rps, * 2)");
  EXPECT_EQ(error.param, "requests_per_s");
  EXPECT_EQ(error.position, 14);
  EXPECT_FALSE(error.unknown_name);
  EXPECT_FALSE(error.message.empty());
}

TEST(ExprFormula, AnIfThenElseWithoutItsElseIsPlacedAtItsQuestionMark) {
  // muparser names no position for it: the '?' that no ':' answers is found here.
  ExprError error = CreateError("ok_rps_1m > 1 ? rate_rps");
  EXPECT_EQ(error.position, 14);
  EXPECT_EQ(error.fix, "this '?' has no ':' (an if-then-else needs its else): write cond ? a : b");
  // The ':' answers the nearer '?', and one inside parentheses answers none outside them.
  EXPECT_EQ(CreateError("1 ? 2 : 3 ? 4").position, 10);
  EXPECT_EQ(CreateError("1 ? (2 > 1 ? 3 : 4)").position, 2);
  EXPECT_EQ(CreateError("(1 ? 2) + (3 ? 4 : 5)").position, 3);
}

TEST(ExprFormula, AFunctionMuparserLacksGetsItsMuparserForm) {
  const ExprError error = CreateError("clamp(rate_rps, base_rps, ceiling_rps)");
  EXPECT_TRUE(error.unknown_name);
  EXPECT_EQ(error.fix, "muparser has no clamp(): write min(max(x, lo), hi)");
  EXPECT_EQ(CreateError("pow (rate_rps, 2)").fix, "muparser has no pow(): write a^b");
  EXPECT_EQ(CreateError("if(rate_rps > 1, 1, 2)").fix, "muparser has no if(): write cond ? a : b");
  EXPECT_EQ(CreateError("round(rate_rps)").fix, "muparser has no round(): write rint(x)");
  // Not called, it is a misspelt name: the loader suggests one.
  EXPECT_EQ(CreateError("round * rate_rps").fix, "");
  // What is written instead compiles.
  EXPECT_TRUE(ExprFormula::Create({}, {{"requests_per_s", "min(max(rate_rps, base_rps), ceiling_rps) + "
                                                          "rate_rps^2 + (rate_rps > 1 ? 1 : 2) + "
                                                          "rint(rate_rps)"},
                                       {"tokens_per_s", "base_tps"}})
                  .ok());
}

TEST(ExprFormula, ANonFiniteResultOnANewKeyIsRefused) {
  // A new key has no successes yet: 1 / ok_rps_10m is infinite.
  const ExprError error = CreateError("base_rps / ok_rps_10m");
  EXPECT_EQ(error.param, "requests_per_s");
  EXPECT_EQ(error.position, -1);
  EXPECT_NE(error.message.find("inf"), std::string::npos) << error.message;
}

TEST(ExprFormula, BadParametersAreRefused) {
  const ParamTexts both = {{"requests_per_s", "base_rps"}, {"tokens_per_s", "base_tps"}};
  EXPECT_FALSE(MakeFormula("expr", {}, {{"requests_per_s", "base_rps"}}).ok());  // no tokens_per_s
  EXPECT_FALSE(MakeFormula("expr", {}, {}).ok());
  EXPECT_FALSE(MakeFormula("expr", {{"rate_rps", 2}}, both).ok());   // a variable's name
  EXPECT_FALSE(MakeFormula("expr", {{"2fast", 2}}, both).ok());      // not a name
  EXPECT_FALSE(MakeFormula("expr", {{"_pi", 3}}, {{"requests_per_s", "base_rps * _pi"},
                                                 {"tokens_per_s", "base_tps"}}).ok());  // muparser's
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_FALSE(MakeFormula("expr", {{"growth", nan}}, both).ok());   // not finite
  EXPECT_FALSE(MakeFormula("expr", {{"base_rpm", 0}}, both).ok());   // the bounds as earned's
  ParamTexts extra = both;
  extra["burst_per_s"] = "1";
  EXPECT_FALSE(MakeFormula("expr", {}, extra).ok());
  // Texts belong to written formulas only.
  EXPECT_FALSE(MakeFormula("earned", {}, both).ok());
  EXPECT_TRUE(MakeFormula("expr", {{"growth", 2}}, {{"requests_per_s", "base_rps * growth"},
                                                    {"tokens_per_s", "base_tps"}}).ok());
}

TEST(ExprFormula, AConstantNeitherExpressionUsesIsRefused) {
  // A misspelt constant beside the right one: once accepted as a constant nothing read.
  const ExprError error = CreateError("max(base_rps, headroom * ok_rps_10m)", "base_tps",
                                      {{"headroom", 2}, {"headrom", 3}, {"zzz", 1}});
  EXPECT_EQ(error.kind, ExprError::Kind::kUnusedConstant);
  EXPECT_EQ(error.unused_constants, (std::vector<std::string>{"headrom", "zzz"}));
  EXPECT_EQ(error.used_names, (std::vector<std::string>{"base_rps", "base_tps", "headroom", "ok_rps_10m"}));
  EXPECT_NE(error.message.find("'headrom', 'zzz'"), std::string::npos) << error.message;
  // The status says it too.
  absl::StatusOr<std::unique_ptr<LimitFormula>> formula =
      MakeFormula("expr", {{"headrom", 2}}, {{"requests_per_s", "base_rps"}, {"tokens_per_s", "base_tps"}});
  ASSERT_FALSE(formula.ok());
  EXPECT_NE(formula.status().message().find("constant 'headrom' of limit formula 'expr' is not used by "
                                            "requests_per_s or tokens_per_s"),
            std::string::npos)
      << formula.status();
  // A constant one expression uses is used; the bound parameters are parameters, used or not.
  EXPECT_NE(Expr("base_rps", "base_tps * growth", {{"growth", 2}}), nullptr);
  EXPECT_NE(Expr("base_rps", "base_tps",
                 {{"base_rpm", 120}, {"base_tpm", 6000}, {"ceiling_rpm", 1200}, {"ceiling_tpm", 60000},
                  {"capacity_share", 0.3}}),
            nullptr);
}

TEST(ExprFormula, ADecimalCommaIsRefused) {
  // muparser reads "1,5" as two results and keeps the last: rate_rps * 1, then 5.
  const ExprError error = CreateError("rate_rps * 1,5");
  EXPECT_EQ(error.kind, ExprError::Kind::kManyResults);
  EXPECT_EQ(error.param, "requests_per_s");
  EXPECT_EQ(error.position, 12);  // the ','
  EXPECT_NE(error.message.find("2 values"), std::string::npos) << error.message;
  EXPECT_NE(error.fix.find("use a dot for decimals; an expression gives one value"), std::string::npos)
      << error.fix;
  EXPECT_EQ(CreateError("base_rps", "min(base_tps, 2), 3").position, 16);
  // Commas between a function's arguments are not results.
  EXPECT_NE(Expr("max(base_rps, min(rate_rps, 2))", "min(base_tps, 1.5)"), nullptr);
}

TEST(ExprFormula, AnAssignmentIsRefusedWithItsPosition) {
  // Accepted, it would set ok_rps_1m for the tokens' expression too (they share the variables).
  ExprError error = CreateError("(ok_rps_1m = 1000)*0 + rate_rps", "ok_rps_1m * 100 + base_tps");
  EXPECT_EQ(error.kind, ExprError::Kind::kAssignment);
  EXPECT_EQ(error.param, "requests_per_s");
  EXPECT_EQ(error.position, 11);
  EXPECT_EQ(error.token, "=");
  EXPECT_NE(error.message.find("assignment"), std::string::npos) << error.message;
  EXPECT_NE(error.fix.find("=="), std::string::npos) << error.fix;
  error = CreateError("base_rps", "(growth=2) * base_tps", {{"growth", 1.5}});  // a constant
  EXPECT_EQ(error.kind, ExprError::Kind::kAssignment);
  EXPECT_EQ(error.param, "tokens_per_s");
  EXPECT_EQ(error.position, 7);
  for (const std::string op : {"+=", "-=", "*=", "/="}) {
    error = CreateError("(rate_rps " + op + " 1)*0 + base_rps");
    EXPECT_EQ(error.kind, ExprError::Kind::kAssignment) << op;
    EXPECT_EQ(error.position, 10) << op;
    EXPECT_EQ(error.token, op);
  }
  // The comparisons are not assignments.
  EXPECT_NE(Expr("rate_rps == 0 || rate_rps <= 1 || rate_rps >= 2 || rate_rps != 3 ? base_rps : 0"),
            nullptr);
}

TEST(ExprFormula, AnEmptyExpressionIsRefusedAsEmpty) {
  for (const std::string text : {"", "  \t"}) {
    const ExprError error = CreateError("base_rps", text);
    EXPECT_EQ(error.kind, ExprError::Kind::kEmpty);
    EXPECT_EQ(error.param, "tokens_per_s");
    EXPECT_EQ(error.message, "tokens_per_s is empty");
    EXPECT_NE(error.fix.find("write an expression, e.g. \"max(base_tps"), std::string::npos) << error.fix;
  }
}

}  // namespace
}  // namespace ratesim

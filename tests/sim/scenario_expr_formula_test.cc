// The `expr` limit formula in [limits]: its two expressions and constants, org overrides, and
// errors pointed at inside an expression.
#include <string>
#include <vector>

#include "engine/param_spec.h"
#include "gtest/gtest.h"
#include "sim/scenario/scenario_loader.h"
#include "tests/support/minimal_scenario.h"

namespace ratesim {
namespace {

using testing::ErrorLines;
using testing::HasError;
using testing::Joined;
using testing::Minimal;
using testing::Parse;

// [limits] for `expr` replacing line 3 of the minimal scenario: `requests` is on line 5, its
// expression starting at column 19 (after `requests_per_s = "`).
std::string ExprLimits(const std::string& requests, const std::string& extra = "") {
  return "[limits]\nformula = \"expr\"\nrequests_per_s = \"" + requests +
         "\"\ntokens_per_s = \"min(rate_tps * growth^(elapsed_s/60), max(base_tps, 2 * "
         "ok_tps_10m))\"\n" +
         "growth = 1.5" + extra;
}

TEST(ScenarioLoader, ReadsAnExprFormulaWithItsConstantsAndOrgOverrides) {
  absl::StatusOr<Scenario> s = Parse(Minimal(
      {{3, ExprLimits("max(base_rps, 2 * ok_rps_10m) * scale", "\nscale = 1\nbase_rpm = 120")},
       {10, "name = \"acme\"\nlimits = { growth = 2, base_tpm = 6000 }"}}));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->limits.formula, "expr");
  EXPECT_EQ(s->limits.texts.at("requests_per_s"), "max(base_rps, 2 * ok_rps_10m) * scale");
  EXPECT_EQ(s->limits.texts.size(), 2u);
  EXPECT_EQ(s->limits.params.at("growth"), 1.5);
  EXPECT_EQ(s->limits.params.at("scale"), 1.0);
  EXPECT_EQ(s->limits.params.at("base_rpm"), 120.0);
  EXPECT_EQ(s->limits.params.at("base_tpm"), 180000.0);  // earned's default filled in
  EXPECT_EQ(s->limits.params.size(), 7u);                // 5 bounds + 2 constants
  EXPECT_EQ(s->orgs[0].limit_overrides, (ParamValues{{"growth", 2.0}, {"base_tpm", 6000.0}}));
}

TEST(ScenarioLoader, PointsIntoTheExpressionAtAMisspeltVariable) {
  // "max(base_rps, 2 * ok_rsp_10m)": the name starts at offset 18, column 19 + 18 = 37.
  const std::vector<std::string> errors =
      ErrorLines(Minimal({{3, ExprLimits("max(base_rps, 2 * ok_rsp_10m)")}}));
  EXPECT_TRUE(
      HasError(errors,
               "s.toml:5:37: error: 'requests_per_s' in [limits]: column 19 of the expression: "
               "muparser: Unexpected token \"ok_rsp_10m\" found; 'ok_rsp_10m' is "
               "neither a variable nor a function; did you mean 'ok_rps_10m'? expected one of: "
               "rate_rps, rate_tps, ok_rps_1m,",
               {"r503_1m", "ceiling_tps, growth",  // every variable, and the constants
                "the functions are muparser's (min, max, exp, ln, abs, sqrt, ...: `ratesim "
                "formulas`), and a power is written a^b"}));
  EXPECT_EQ(errors.size(), 1u) << Joined(errors);
}

// A key of [limits] that is no constant (formula, a bound in RPM, the other expression) named in an
// expression is the expression's error, at its column: the loader once took it for a constant it
// had reported, said nothing, and the run failed with an unplaced error (run_fuzzer's finding).
TEST(ScenarioLoader, AnExpressionNamingAKeyThatIsNoConstantIsRefusedAtTheName) {
  for (const std::string& name : {std::string("formula"), std::string("requests_per_s")}) {
    const std::vector<std::string> errors =
        ErrorLines(Minimal({{3, ExprLimits("2 * " + name)}}));
    ASSERT_EQ(errors.size(), 1u) << Joined(errors);
    EXPECT_TRUE(HasError(errors, "s.toml:5:23: error: 'requests_per_s' in [limits]: column 5 of the "
                                 "expression: muparser: Unexpected token \"" + name + "\" found"))
        << errors[0];
  }
  const std::vector<std::string> errors =
      ErrorLines(Minimal({{3, ExprLimits("2 * base_rpm", "\nbase_rpm = 60")}}));
  ASSERT_EQ(errors.size(), 1u) << Joined(errors);
  EXPECT_TRUE(HasError(errors, "s.toml:5:23: error: 'requests_per_s' in [limits]: column 5 of the "
                               "expression: muparser: Unexpected token \"base_rpm\" found; "
                               "'base_rpm' is neither a variable nor a function; did you mean "
                               "'base_rps'?"))
      << errors[0];
  // A constant refused for its own value is reported there, once, not again in the expression.
  const std::vector<std::string> refused =
      ErrorLines(Minimal({{3, ExprLimits("2 * scale", "\nscale = \"x\"")}}));
  ASSERT_EQ(refused.size(), 1u) << Joined(refused);
  EXPECT_TRUE(HasError(refused, "s.toml:8:9: error: 'scale' in [limits]: got a string; expected a number"))
      << refused[0];
}

TEST(ScenarioLoader, PointsIntoTheExpressionAtASyntaxError) {
  // "min(rate_rps, * 2)": muparser stops at the '*', offset 14.
  std::vector<std::string> errors = ErrorLines(Minimal({{3, ExprLimits("min(rate_rps, * 2)")}}));
  EXPECT_TRUE(
      HasError(errors,
               "s.toml:5:33: error: 'requests_per_s' in [limits]: column 15 of the expression: "
               "muparser: Unexpected operator \"*\" found; fix the expression"));
  // An unbalanced parenthesis: muparser reports the end of the text, the closing quote's column.
  errors = ErrorLines(Minimal({{3, ExprLimits("min(rate_rps, 2")}}));
  EXPECT_TRUE(HasError(errors, "s.toml:5:", {"'requests_per_s' in [limits]: column", "muparser:"}));
  // A literal string ('...') is exact too, and so is one with an escape: the '*' is 5 characters of
  // the file further than its column in the expression says.
  errors = ErrorLines(Minimal({{3,
                                "[limits]\nformula = \"expr\"\ntokens_per_s = 'base_tps'\n"
                                "requests_per_s = 'base_rps + * 1'"}}));
  EXPECT_TRUE(HasError(errors, "s.toml:6:30: error: 'requests_per_s' in [limits]: column 12 of"));
  errors = ErrorLines(Minimal({{3,
                                "[limits]\nformula = \"expr\"\ntokens_per_s = \"base_tps\"\n"
                                "requests_per_s = \"base_rps\\u0020+ * 1\""}}));
  EXPECT_TRUE(HasError(errors, "s.toml:6:35: error: 'requests_per_s' in [limits]: column 12 of"));
}

// [limits] for `expr` replacing line 3 of the minimal scenario, with `requests` written as it
// stands, quotes and all, after `requests_per_s = ` on line 6: its opening quote at column 18.
std::string ExprLimitsWritten(const std::string& requests) {
  return "[limits]\nformula = \"expr\"\ntokens_per_s = \"base_tps\"\nrequests_per_s = " + requests;
}

// The errors of the minimal scenario with `requests` written as ExprLimitsWritten places it.
std::vector<std::string> ErrorsOfRequests(const std::string& requests) {
  return ErrorLines(Minimal({{3, ExprLimitsWritten(requests)}}));
}

// The error for `ok_rps_10` (ok_rps_10m typed short) in requests_per_s, at `file_place` ("6:21")
// in the file and at `place` ("column 1") inside the expression.
std::string MisspeltOkRps(const std::string& file_place, const std::string& place) {
  return "s.toml:" + file_place + ": error: 'requests_per_s' in [limits]: " + place +
         " of the expression: muparser: Unexpected token \"ok_rps_10\" found; 'ok_rps_10' is "
         "neither a variable nor a function; did you mean 'ok_rps_10m'?";
}

TEST(ScenarioLoader, PointsIntoAMultiLineExpressionAtTheTypo) {
  // On line 1 of a """ string, past its three quotes.
  EXPECT_TRUE(
      HasError(ErrorsOfRequests(R"x("""ok_rps_10 + 1""")x"), MisspeltOkRps("6:21", "column 1")));
  // On line 2.
  EXPECT_TRUE(HasError(ErrorsOfRequests(R"x("""min(rate_rps,
    ok_rps_10)""")x"),
                       MisspeltOkRps("7:5", "line 2, column 5")));
  // On line 3 of the file: the newline right after the opening quotes is not in the value.
  const std::vector<std::string> errors = ErrorsOfRequests(R"x("""
min(rate_rps * 1.5^(elapsed_s/60),
    max(base_rps, 2 * ok_rps_10))""")x");
  EXPECT_TRUE(HasError(errors, MisspeltOkRps("8:23", "line 2, column 23"))) << Joined(errors);
  EXPECT_EQ(errors.size(), 1u) << Joined(errors);
  EXPECT_TRUE(HasError(ErrorsOfRequests(R"x("""
ok_rps_10""")x"),
                       MisspeltOkRps("7:1", "column 1")));
}

TEST(ScenarioLoader, PointsPastALineEndingBackslashAtTheTypo) {
  // The backslash drops the line break and the indent: the value is "min(rate_rps, ok_rps_10)".
  EXPECT_TRUE(HasError(ErrorsOfRequests(R"x("""min(rate_rps, \
      ok_rps_10)""")x"),
                       MisspeltOkRps("7:7", "column 15")));
  // Spaces after the backslash, and an empty line, go too.
  EXPECT_TRUE(HasError(ErrorsOfRequests("\"\"\"min(rate_rps, \\  \n\n   ok_rps_10)\"\"\""),
                       MisspeltOkRps("8:4", "column 15")));
}

TEST(ScenarioLoader, PointsIntoALiteralExpressionAtTheTypo) {
  EXPECT_TRUE(HasError(ErrorsOfRequests(R"x('''
min(rate_rps,
  ok_rps_10)''')x"),
                       MisspeltOkRps("8:3", "line 2, column 3")));
  EXPECT_TRUE(
      HasError(ErrorsOfRequests("'min(rate_rps, ok_rps_10)'"), MisspeltOkRps("6:33", "column 15")));
}

TEST(ScenarioLoader, PointsPastAnEscapeAtTheTypo) {
  // \u0020 (6 characters of the file) is a space, \t (2) a tab.
  EXPECT_TRUE(HasError(ErrorsOfRequests(R"x("min(rate_rps,\u0020\tok_rps_10)")x"),
                       MisspeltOkRps("6:40", "column 16")));
  EXPECT_TRUE(HasError(ErrorsOfRequests(R"x("""\tmin(rate_rps,
\u0020ok_rps_10)""")x"),
                       MisspeltOkRps("7:7", "line 2, column 2")));
}

TEST(ScenarioLoader, PointsIntoAnExpressionOfACrlfFileAtTheTypo) {
  const auto crlf = [](const std::string& text) {
    std::string out;
    for (const char c : text) out += c == '\n' ? std::string("\r\n") : std::string(1, c);
    return out;
  };
  std::vector<std::string> errors = ErrorLines(crlf(Minimal({{3, ExprLimitsWritten(R"x("""
min(rate_rps,
  ok_rps_10)""")x")}})));
  EXPECT_TRUE(HasError(errors, MisspeltOkRps("8:3", "line 2, column 3"))) << Joined(errors);
  errors = ErrorLines(crlf(Minimal({{3, ExprLimitsWritten(R"x('''min(rate_rps,

  ok_rps_10)''')x")}})));
  EXPECT_TRUE(HasError(errors, MisspeltOkRps("8:3", "line 3, column 3"))) << Joined(errors);
  errors = ErrorLines(crlf(Minimal({{3, ExprLimitsWritten(R"x("min(rate_rps, ok_rps_10)")x")}})));
  EXPECT_TRUE(HasError(errors, MisspeltOkRps("6:33", "column 15"))) << Joined(errors);
}

// The one error of a parse that must fail with exactly one.
std::string TheError(const std::vector<std::string>& errors) {
  EXPECT_EQ(errors.size(), 1u) << Joined(errors);
  return errors.empty() ? "" : errors.front();
}

TEST(ScenarioLoader, PointsAtTheQuestionMarkOfAnIfThenElseWithoutItsElse) {
  // "ok_rps_1m > 1 ? rate_rps": the '?' at offset 14, column 19 + 14 = 33. muparser gives none.
  const std::vector<std::string> errors =
      ErrorLines(Minimal({{3, ExprLimits("ok_rps_1m > 1 ? rate_rps")}}));
  EXPECT_EQ(TheError(errors),
            "s.toml:5:33: error: 'requests_per_s' in [limits]: column 15 of the expression: "
            "muparser: If-then-else operator is missing an else clause; this '?' has no ':' (an "
            "if-then-else needs its else): write cond ? a : b");
  // In a multi-line string, at its line and column of the file.
  EXPECT_TRUE(HasError(ErrorsOfRequests("\"\"\"min(rate_rps,\n  ok_rps_1m > 1 ? rate_rps)\"\"\""),
                       "s.toml:7:17: error: 'requests_per_s' in [limits]: line 2, column 17 of the "
                       "expression: muparser: If-then-else operator is missing an else clause;"));
}

TEST(ScenarioLoader, SaysANumberOfAnExpressionIsBeyondADouble) {
  EXPECT_EQ(TheError(ErrorLines(Minimal({{3, ExprLimits("1e400 * rate_rps")}}))),
            "s.toml:5:19: error: 'requests_per_s' in [limits]: column 1 of the expression: 1e400 is "
            "beyond ±1.7976931348623157e+308, the range of a double; write a number closer to 0");
  // muparser reads no capital E: it names "1E" alone, and the message the whole number.
  EXPECT_EQ(TheError(ErrorLines(Minimal({{3, ExprLimits("base_rps")}}),
                              {"limits.requests_per_s=\"2 * 1E+400\""})),
            "<--set limits.requests_per_s=\"2 * 1E+400\">: error: 'requests_per_s' in [limits]: "
            "column 5 of the expression: 1E+400 is beyond ±1.7976931348623157e+308, the range of a "
            "double; write a number closer to 0");
}

TEST(ScenarioLoader, SaysWhatToWriteForAFunctionMuparserLacks) {
  EXPECT_EQ(TheError(ErrorLines(Minimal({{3, ExprLimits("clamp(rate_rps, base_rps, ceiling_rps)")}}))),
            "s.toml:5:19: error: 'requests_per_s' in [limits]: column 1 of the expression: "
            "muparser: Unexpected token \"clamp\" found; muparser has no clamp(): write "
            "min(max(x, lo), hi)");
  EXPECT_EQ(TheError(ErrorLines(Minimal({{3, ExprLimits("2 * pow(rate_rps, 2)")}}))),
            "s.toml:5:23: error: 'requests_per_s' in [limits]: column 5 of the expression: "
            "muparser: Unexpected token \"pow\" found; muparser has no pow(): write a^b");
  // A misspelt variable still gets its "did you mean".
  EXPECT_TRUE(HasError(ErrorLines(Minimal({{3, ExprLimits("rate_rsp * 2")}})),
                       "s.toml:5:19: error: 'requests_per_s' in [limits]: column 1 of the "
                       "expression: muparser: Unexpected token \"rate_rsp\" found; 'rate_rsp' is "
                       "neither a variable nor a function; did you mean 'rate_rps'?"));
}

TEST(ScenarioLoader, RefusesAnExpressionNotFiniteOnANewKey) {
  const std::vector<std::string> errors =
      ErrorLines(Minimal({{3, ExprLimits("base_rps / ok_rps_1m")}}));
  EXPECT_TRUE(
      HasError(errors,
               "s.toml:5:18: error: 'requests_per_s' in [limits]: the expression: gives inf for a "
               "new key",
               {"guard the division"}));
}

TEST(ScenarioLoader, ExprNeedsBothExpressions) {
  std::vector<std::string> errors =
      ErrorLines(Minimal({{3, "[limits]\nformula = \"expr\"\ntokens_per_s = \"base_tps\""}}));
  EXPECT_TRUE(
      HasError(errors,
               "s.toml:3:1: error: missing key 'requests_per_s' in [limits]; limit formula 'expr' "
               "needs it: an expression of the rate in requests/s, such as requests_per_s = "));
  EXPECT_EQ(errors.size(), 1u) << Joined(errors);
  errors = ErrorLines(Minimal({{3, "[limits]\nformula = \"expr\"\nrequests_per_s = 60"}}));
  EXPECT_TRUE(
      HasError(errors,
               "s.toml:5:18: error: 'requests_per_s' in [limits]: got an integer; expected an "
               "expression in a string"));
  EXPECT_TRUE(HasError(errors, "s.toml:3:1: error: missing key 'tokens_per_s' in [limits]"));
}

TEST(ScenarioLoader, ChecksTheConstantsOfAnExprTable) {
  std::vector<std::string> errors = ErrorLines(Minimal(
      {{3, ExprLimits("base_rps", "\nrate_rps = 2\nrequest_per_s = \"base_rps\"\nbase_rpm = 0")}}));
  EXPECT_TRUE(
      HasError(errors,
               "s.toml:8:12: error: 'rate_rps' in [limits]: 'rate_rps' is a variable of the "
               "expressions, set at each update; give the constant another name"));
  EXPECT_TRUE(HasError(
      errors, "s.toml:9:17: error: 'request_per_s' in [limits]: got a string; expected a number",
      {"did you mean 'requests_per_s'?"}));
  EXPECT_TRUE(HasError(
      errors, "s.toml:10:12: error: 'base_rpm' in [limits]: got 0; expected a number > 0"));
  EXPECT_EQ(errors.size(), 3u) << Joined(errors);
}

TEST(ScenarioLoader, AnOrgOverridesTheNumbersOfAnExprFormulaNotItsExpressions) {
  const std::vector<std::string> errors = ErrorLines(Minimal(
      {{3, ExprLimits("base_rps")},
       {10, "name = \"acme\"\nlimits = { requests_per_s = \"1\", grwth = 2, growth = \"x\" }"}}));
  EXPECT_TRUE(HasError(
      errors,
      "s.toml:15:29: error: 'requests_per_s' in 'limits' of [[orgs]]: an org cannot change "
      "the expressions of limit formula 'expr'"));
  EXPECT_TRUE(HasError(errors,
                       "s.toml:15:34: error: unknown key 'grwth' in 'limits' of [[orgs]]; did you "
                       "mean 'growth'?"));
  EXPECT_TRUE(
      HasError(errors, "s.toml:15:54: error: 'growth' in 'limits' of [[orgs]]: got a string"));
  EXPECT_EQ(errors.size(), 3u) << Joined(errors);
}

TEST(ScenarioLoader, AnExpressionSetOnTheCommandLineIsCheckedToo) {
  const std::vector<std::string> errors = ErrorLines(Minimal({{3, ExprLimits("base_rps")}}),
                                                     {"limits.requests_per_s=base_rps * grwth"});
  EXPECT_TRUE(HasError(
      errors,
      "<--set limits.requests_per_s=base_rps * grwth>: error: 'requests_per_s' in [limits]: "
      "column 12 of the expression",
      {"did you mean 'growth'?"}));
}

TEST(ScenarioLoader, RefusesAConstantNeitherExpressionUses) {
  // `headrom` beside `headroom`: a sweep over it would run identical points.
  const std::string limits = ExprLimits("max(base_rps, headroom * ok_rps_10m)", "\nheadroom = 2");
  std::vector<std::string> errors = ErrorLines(Minimal({{3, limits + "\nheadrom = 3\nzzz = 1"}}));
  EXPECT_TRUE(
      HasError(errors,
               "s.toml:9:11: error: 'headrom' in [limits]: constant 'headrom' is not used by "
               "requests_per_s or tokens_per_s, so it changes nothing; did you mean 'headroom'?"));
  EXPECT_TRUE(HasError(errors,
                       "s.toml:10:7: error: 'zzz' in [limits]: constant 'zzz' is not used by",
                       {"use it in an expression or remove it"}));
  EXPECT_EQ(errors.size(), 2u) << Joined(errors);
  // Added on the command line, as a sweep's grid does.
  errors = ErrorLines(Minimal({{3, limits}}), {"limits.headrom=1"});
  EXPECT_TRUE(HasError(errors,
                       "<--set limits.headrom=1>: error: 'headrom' in [limits]: constant 'headrom'",
                       {"did you mean 'headroom'?"}));
  EXPECT_EQ(errors.size(), 1u) << Joined(errors);
  // An org that sets it is not told again, as an unknown key, of the one mistake.
  errors = ErrorLines(
      Minimal({{3, limits + "\nheadrom = 3"}, {10, "name = \"acme\"\nlimits = { headrom = 4 }"}}));
  EXPECT_TRUE(HasError(errors, "s.toml:9:11: error: 'headrom' in [limits]: constant 'headrom'",
                       {"did you mean 'headroom'?"}));
  EXPECT_EQ(errors.size(), 1u) << Joined(errors);
  // The bound parameters are parameters, whether the expressions name them or not.
  EXPECT_TRUE(Parse(Minimal({{3, limits + "\nbase_rpm = 120\nbase_tpm = 6000\nceiling_rpm = 1200\n"
                                          "ceiling_tpm = 60000\ncapacity_share = 0.3"},
                             {10, "name = \"acme\"\nlimits = { headroom = 3, base_rpm = 60 }"}}))
                  .ok());
}

TEST(ScenarioLoader, RefusesADecimalCommaInAnExpression) {
  // "rate_rps * 1,5": muparser reads two results and keeps the last, 5. The ',' is at offset 12.
  const std::vector<std::string> errors = ErrorLines(Minimal({{3, ExprLimits("rate_rps * 1,5")}}));
  EXPECT_TRUE(
      HasError(errors,
               "s.toml:5:31: error: 'requests_per_s' in [limits]: column 13 of the expression: ',' "
               "outside a function's arguments makes 2 values of one expression (muparser would "
               "keep the last); use a dot for decimals; an expression gives one value"));
  EXPECT_EQ(errors.size(), 1u) << Joined(errors);
}

TEST(ScenarioLoader, RefusesAnAssignmentInAnExpression) {
  // It would leak into tokens_per_s, which shares the variables. The '=' is at offset 11.
  std::vector<std::string> errors =
      ErrorLines(Minimal({{3, ExprLimits("(ok_rps_1m = 1000)*0 + rate_rps")}}));
  EXPECT_TRUE(
      HasError(errors,
               "s.toml:5:30: error: 'requests_per_s' in [limits]: column 12 of the expression: '=' "
               "is an assignment: an expression may not change a variable or constant (the two "
               "expressions share them); remove it; to compare, write =="));
  EXPECT_EQ(errors.size(), 1u) << Joined(errors);
  errors = ErrorLines(Minimal({{3, ExprLimits("(ok_rps_1m += 1)*0 + rate_rps")}}));
  EXPECT_TRUE(
      HasError(errors,
               "s.toml:5:30: error: 'requests_per_s' in [limits]: column 12 of the expression: "
               "'+=' is an assignment"));
  // Comparisons are fine.
  EXPECT_TRUE(
      Parse(Minimal({{3, ExprLimits("rate_rps >= 1 && rate_rps != 2 ? rate_rps : base_rps")}}))
          .ok());
}

TEST(ScenarioLoader, SaysAnEmptyExpressionIsEmpty) {
  const std::vector<std::string> errors = ErrorLines(Minimal({{3, ExprLimits("")}}));
  EXPECT_TRUE(HasError(
      errors,
      "s.toml:5:18: error: 'requests_per_s' in [limits]: requests_per_s is empty; write an "
      "expression, e.g. \"max(base_rps, 2 * ok_rps_10m)\""));
  EXPECT_EQ(errors.size(), 1u) << Joined(errors);
}

}  // namespace
}  // namespace ratesim

// The text of the scenario loader's errors as a user reads it: the same from run to run, one
// message per mistake, a hint for what toml++ reports bare, and no "-nan".
#include <cmath>
#include <cstdlib>
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "engine/limit_formula.h"
#include "engine/param_spec.h"
#include "gtest/gtest.h"
#include "sim/scenario/scenario_loader.h"

namespace ratesim {
namespace {

// A valid scenario with an `expr` formula; tests replace a part of it (Replaced). Its line 19 is
// the org's name, so an org's `limits` put after it is line 20.
constexpr char kExprScenario[] = R"([run]
duration = "1m"

[limits]
formula = "expr"
requests_per_s = "headroom * ok_rps_1m"
tokens_per_s = "headroom * ok_tps_1m"
headroom = 2

[[models]]
name = "m"
concurrency = 2
service = { dist = "constant", mean = "1s" }

[[policies]]
type = "fifo"

[[orgs]]
name = "acme"
  [[orgs.traffic]]
  model = "m"
  shape = "poisson"
  rate = "60rpm"
)";

// The message of a parse that must fail.
std::string ErrorOf(const std::string& text, const std::vector<std::string>& overrides = {}) {
  absl::StatusOr<Scenario> scenario = ParseScenario(text, "s.toml", overrides);
  EXPECT_FALSE(scenario.ok()) << "parsed although an error was expected:\n" << text;
  return scenario.ok() ? "" : std::string(scenario.status().message());
}

// `text` with `from` (which must occur in it) replaced by `to`.
std::string Replaced(const std::string& from, const std::string& to,
                     std::string text = kExprScenario) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

// Whether `message()` equals `expected` in each of 8 new processes. Abseil seeds a hash map's order
// with an address, so an order taken from a map changes between runs of the program, not within
// one: the "threadsafe" death-test style executes the test binary again, which ASLR lays out anew.
// A message built in such an order passes all 8 about once in 256 (with two names to order).
template <typename Message>
void ExpectTheSameInEveryRun(const Message& message, const std::string& expected) {
  EXPECT_EQ(message(), expected);
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  for (int run = 0; run < 8; ++run) {
    EXPECT_EXIT(std::exit(message() == expected ? 0 : 1), ::testing::ExitedWithCode(0), "")
        << "run " << run;
  }
}

TEST(ScenarioErrorText, ListsAnOrgsLimitKeysInTheSameOrderEveryRun) {
  // An org's valid limit keys: the expressions (kept in a hash map), the bounds and the constants.
  const std::string text = Replaced("name = \"acme\"", "name = \"acme\"\nlimits = { zzzz = 1 }");
  ExpectTheSameInEveryRun(
      [&] { return ErrorOf(text); },
      "s.toml:20:12: error: unknown key 'zzzz' in 'limits' of [[orgs]]; expected one "
      "of: requests_per_s, tokens_per_s, base_rpm, base_tpm, ceiling_rpm, "
      "ceiling_tpm, capacity_share, headroom");
}

TEST(ScenarioErrorText, NamesTheSameBadParameterEveryRun) {
  // Of two bad names, the first in name order, whatever the map's order.
  ExpectTheSameInEveryRun(
      [] {
        return std::string(MakeFormula("fixed", {{"zz", 1.0}, {"yy", 1.0}}).status().message());
      },
      "unknown parameter 'yy'; expected one of: rpm, tpm");
  const ParamTexts texts = {{"requests_per_s", "base_rps"}, {"tokens_per_s", "base_tps"}};
  ExpectTheSameInEveryRun(
      [&] {
        return std::string(
            MakeFormula("expr", {{"rate_rps", 1.0}, {"age_s", 1.0}}, texts).status().message());
      },
      "constant 'age_s' of limit formula 'expr': 'age_s' is a variable of the expressions, set at "
      "each update; give the constant another name");
  ExpectTheSameInEveryRun(
      [&] { return std::string(MakeFormula("fixed", {}, texts).status().message()); },
      "limit formula 'fixed' takes no text parameters, got 'requests_per_s'");
}

TEST(ScenarioErrorText, SaysToRemoveOneOfAKeySetTwice) {
  EXPECT_EQ(
      ErrorOf(Replaced("concurrency = 2", "concurrency = 2\nconcurrency = 4")),
      "s.toml:13:15: error: 'concurrency' is set twice in the same table; remove one of the two");
}

TEST(ScenarioErrorText, SaysEachOrgIsItsOwnDoubleBracketedTable) {
  // [orgs] above, [[orgs]] below; then the other way round; then a table written twice.
  EXPECT_EQ(
      ErrorOf(Replaced("[[orgs]]", "[orgs]\nname = \"a\"\n[[orgs]]")),
      "s.toml:20:1: error: [[orgs]] here, but [orgs] above; each org is its own [[orgs]] table: "
      "write [[orgs]] above too");
  EXPECT_EQ(
      ErrorOf(std::string(kExprScenario) + "[orgs]\nname = \"b\"\n"),
      "s.toml:24:1: error: [orgs] here, but [[orgs]] above; each org is its own [[orgs]] table: "
      "write [[orgs]] here too");
  EXPECT_EQ(ErrorOf(Replaced("[limits]", "[run]\nseed = 2\n[limits]")),
            "s.toml:4:1: error: [run] appears twice; merge the two into one [run]");
}

TEST(ScenarioErrorText, SaysASeedIsTooLarge) {
  // On the command line the value is kept as text (TOML cannot hold it), yet the user wrote a
  // number.
  EXPECT_EQ(
      ErrorOf(kExprScenario, {"run.seed=18446744073709551615"}),
      "<--set run.seed=18446744073709551615>: error: 'seed' in [run]: got 18446744073709551615, "
      "which is too large: the largest seed is 9223372036854775807");
  // Quoted, it is a string as before.
  EXPECT_EQ(
      ErrorOf(kExprScenario, {"run.seed=\"18446744073709551615\""}),
      "<--set run.seed=\"18446744073709551615\">: error: 'seed' in [run]: got a string; expected "
      "an integer >= 0");
  // In the file, toml++ stops at it.
  const std::string error =
      ErrorOf(Replaced("duration = \"1m\"", "duration = \"1m\"\nseed = 18446744073709551615"));
  EXPECT_EQ(error.substr(0, 9), "s.toml:3:") << error;
  EXPECT_NE(error.find("error: 18446744073709551615 is too large for an integer; the largest is "
                       "9223372036854775807"),
            std::string::npos)
      << error;
}

TEST(ScenarioErrorText, ShowsNaNAsNaN) {
  // 0/0 is a NaN with its sign bit set on x86, which fmt writes "-nan".
  EXPECT_EQ(
      ErrorOf(Replaced("\"headroom * ok_rps_1m\"", "\"ok_rps_1m / ok_rps_1m\"")),
      "s.toml:6:18: error: 'requests_per_s' in [limits]: the expression: gives NaN for a new key "
      "(rate at the floor, every trailing rate and count 0, elapsed_s = age_s = now_s = 0, "
      "utilisation 0); guard the division or logarithm that fails, e.g. with max(x, 1e-9) or x > 0 "
      "? ... : ...");
  EXPECT_EQ(
      ErrorOf(Replaced("headroom = 2", "headroom = -nan")),
      "s.toml:8:12: error: 'headroom' in [limits]: got NaN; a constant must be a finite number");
  EXPECT_EQ(ErrorOf(Replaced("headroom = 2", "headroom = 2\nbase_rpm = -nan")),
            "s.toml:9:12: error: 'base_rpm' in [limits]: got NaN; expected a finite number");
  EXPECT_EQ(std::string(MakeFormula("fixed", {{"rpm", -std::nan("")}}).status().message()),
            "parameter 'rpm' must be greater than 0, got NaN");
}

TEST(ScenarioErrorText, ReportsAnUnusedConstantOnceNotAgainWhereAnOrgSetsIt) {
  // `hold` is in [limits] but no expression reads it: that is the one mistake, and an org's
  // `hold = 0` is not also an unknown key.
  const std::string text = Replaced("name = \"acme\"", "name = \"acme\"\nlimits = { hold = 0 }",
                                    Replaced("headroom = 2", "headroom = 2\nhold = 1"));
  EXPECT_EQ(
      ErrorOf(text),
      "s.toml:9:8: error: 'hold' in [limits]: constant 'hold' is not used by requests_per_s or "
      "tokens_per_s, so it changes nothing; use it in an expression or remove it");
}

TEST(ScenarioErrorText, ReportsABadConstantOnceNotAgainWhereAnOrgOverridesIt) {
  // `hold = "yes"` is the one mistake: the org's `hold = 0` overrides a constant [limits] does
  // declare, so it is not also an unknown key.
  const std::string text = Replaced(
      "name = \"acme\"", "name = \"acme\"\nlimits = { hold = 0 }",
      Replaced("headroom = 2", "headroom = 2\nhold = \"yes\"",
               Replaced("\"headroom * ok_rps_1m\"", "\"hold > 0 ? ok_rps_1m : headroom * ok_rps_1m\"")));
  EXPECT_EQ(ErrorOf(text),
            "s.toml:9:8: error: 'hold' in [limits]: got a string; expected a number: in limit formula "
            "'expr' every key beyond requests_per_s, tokens_per_s and the bounds is a constant of the "
            "expressions");
  // A key [limits] does not have is still unknown in an org's limits.
  EXPECT_EQ(ErrorOf(Replaced("hold = 0", "hodl = 0", text)),
            "s.toml:9:8: error: 'hold' in [limits]: got a string; expected a number: in limit formula "
            "'expr' every key beyond requests_per_s, tokens_per_s and the bounds is a constant of the "
            "expressions\n"
            "s.toml:21:12: error: unknown key 'hodl' in 'limits' of [[orgs]]; did you mean 'hold'?");
}

TEST(ScenarioErrorText, AsksWhetherAConstantOrTheExpressionIsMisspelt) {
  // The expression says `growth`, the constant is declared `growht`: either may be the typo.
  const std::string text =
      Replaced("\"headroom * ok_rps_1m\"", "\"growth * headroom * ok_rps_1m\"",
               Replaced("headroom = 2", "headroom = 2\ngrowht = 1.5"));
  const std::string error = ErrorOf(text);
  EXPECT_EQ(error.substr(0, error.find(" expected one of: ")),
            "s.toml:6:19: error: 'requests_per_s' in [limits]: column 1 of the expression: muparser: "
            "Unexpected token \"growth\" found; 'growth' is neither a variable nor a "
            "function; did you mean 'growht' (declared at line 9), or should that constant be named "
            "'growth'?")
      << error;
  EXPECT_NE(error.find(" expected one of: rate_rps, "), std::string::npos) << error;
  // Near a variable, the suggestion is the variable alone.
  const std::string near_variable =
      ErrorOf(Replaced("\"headroom * ok_rps_1m\"", "\"headroom * ok_rsp_1m\""));
  EXPECT_NE(near_variable.find("'ok_rsp_1m' is neither a variable nor a function; did you mean "
                               "'ok_rps_1m'? expected one of: "),
            std::string::npos)
      << near_variable;
}

TEST(ScenarioErrorText, ReportsAMisspeltSectionAsTheTypoNotAlsoAsMissing) {
  // [[model]] for [[models]]: the unknown key, with its fix, is the one error; "no [[models]]"
  // would come first (at 1:1) and send the user looking for a section they did write.
  EXPECT_EQ(ErrorOf(Replaced("[[models]]", "[[model]]")),
            "s.toml:10:3: error: unknown key 'model' in the top-level table; did you mean 'models'?");
  EXPECT_EQ(ErrorOf(Replaced("[run]", "[runs]")),
            "s.toml:1:2: error: unknown key 'runs' in the top-level table; did you mean 'run'?");
  // A key that is not near the missing section leaves it missing.
  EXPECT_EQ(ErrorOf(Replaced("[[models]]", "[[engines]]")),
            "s.toml:1:1: error: no [[models]]; add at least one, with name, concurrency and service\n"
            "s.toml:10:3: error: unknown key 'engines' in the top-level table; expected one of: title, "
            "run, limits, models, traces, orgs, policies");
}

TEST(ScenarioErrorText, SaysATextValueNeedsQuotes) {
  EXPECT_EQ(ErrorOf("title = 60 RPM quickstart\n" + std::string(kExprScenario)),
            "s.toml:1:12: error: Error while parsing key-value pair: expected a comment or whitespace, "
            "saw 'R'; a text value needs quotes: title = \"60 RPM quickstart\"");
  EXPECT_EQ(ErrorOf("title = quickstart # first\n" + std::string(kExprScenario)),
            "s.toml:1:9: error: Error while parsing value: could not determine value type; a text "
            "value needs quotes: title = \"quickstart\"");
  EXPECT_EQ(ErrorOf(Replaced("dist = \"constant\"", "dist = constant")),
            "s.toml:13:20: error: Error while parsing value: could not determine value type; a text "
            "value needs quotes: dist = \"constant\"");
}

TEST(ScenarioErrorText, SaysAKeyWithNothingAfterItsEqualsNeedsAValue) {
  const std::string hint =
      "; 'seed' has nothing after its '=': write its value (a number, \"text\" in quotes, true or "
      "false), or remove the line";
  EXPECT_EQ(ErrorOf("seed = \n" + std::string(kExprScenario)),
            "s.toml:1:8: error: Error while parsing key-value pair: expected value, saw '\\n'" + hint);
  EXPECT_EQ(ErrorOf("seed = # later\n" + std::string(kExprScenario)),
            "s.toml:1:8: error: Error while parsing key-value pair: expected value, saw '#'" + hint);
  // In an inline table, the key is the one before the last '='.
  EXPECT_NE(ErrorOf(Replaced("dist = \"constant\", mean = \"1s\" }", "dist =\n")).find("'dist' has nothing after its '='"),
            std::string::npos);
  EXPECT_EQ(ErrorOf(std::string(kExprScenario) + "seed ="),
            "s.toml:" + std::to_string(1 + std::count(kExprScenario, kExprScenario + std::strlen(kExprScenario), '\n')) +
                ":7: error: Error while parsing key-value pair: encountered end-of-file" + hint);
}

TEST(ScenarioErrorText, SaysAControlCharacterIsNoTomlText) {
  const std::string error = ErrorOf(std::string(kExprScenario) + "\x7f\x01");
  EXPECT_NE(error.find("saw '\\u007F'; a control character, which no TOML text holds: is this the "
                       "scenario file? It must be UTF-8 text"),
            std::string::npos)
      << error;
}

TEST(ScenarioErrorText, SaysAValueWithAUnitNeedsQuotes) {
  EXPECT_EQ(ErrorOf(Replaced("duration = \"1m\"", "duration = 5m")),
            "s.toml:2:13: error: Error while parsing decimal integer: expected digit, saw 'm'; a value "
            "with a unit is text and needs quotes: duration = \"5m\"");
  EXPECT_EQ(ErrorOf(Replaced("mean = \"1s\"", "mean = 1.5s")),
            "s.toml:13:42: error: Error while parsing floating-point: expected decimal digit, saw 's'; "
            "a value with a unit is text and needs quotes: mean = \"1.5s\"");
  // Apart, in capitals, with '_': as units.h reads a rate.
  EXPECT_EQ(ErrorOf(Replaced("rate = \"60rpm\"", "rate = 1_000 RPM")),
            "s.toml:23:16: error: Error while parsing key-value pair: expected a comment or whitespace, "
            "saw 'R'; a value with a unit is text and needs quotes: rate = \"1000rpm\"");
}

TEST(ScenarioErrorText, SpellsACommonUnitAsUnitsReadsIt) {
  // Quoting "5min" as written would only trade this error for an unknown unit.
  EXPECT_EQ(ErrorOf(Replaced("duration = \"1m\"", "duration = 5min")),
            "s.toml:2:13: error: Error while parsing decimal integer: expected digit, saw 'm'; a value "
            "with a unit is text and needs quotes: duration = \"5m\"");
  EXPECT_EQ(ErrorOf(Replaced("mean = \"1s\"", "mean = 2 Seconds")),
            "s.toml:13:41: error: Error while parsing inline table: expected comma or closing '}', "
            "saw 'S'; a value with a unit is text and needs quotes: mean = \"2s\"");
}

TEST(ScenarioErrorText, OffersANumberOrATextForANumberAndAWord) {
  EXPECT_EQ(ErrorOf(Replaced("headroom = 2", "headroom = 2 times")),
            "s.toml:8:14: error: Error while parsing key-value pair: expected a comment or whitespace, "
            "saw 't'; write headroom = 2 if it is a number, or headroom = \"2 times\" if it is text");
}

TEST(ScenarioErrorText, GivesNoQuotesHintWhereTheCauseIsUnclear) {
  // A number that runs into no unit, a boolean meant as yes, a value with quotes already, a value
  // in an array: toml++'s words alone.
  EXPECT_EQ(ErrorOf(Replaced("headroom = 2", "headroom = 5e3x")),
            "s.toml:8:15: error: Error while parsing floating-point: expected decimal digit, saw 'x'");
  EXPECT_EQ(ErrorOf(Replaced("duration = \"1m\"", "duration = \"1m\"\ndrain = yes")),
            "s.toml:3:9: error: Error while parsing value: could not determine value type");
  EXPECT_EQ(ErrorOf("title = \"a\" b\n" + std::string(kExprScenario)),
            "s.toml:1:13: error: Error while parsing key-value pair: expected a comment or whitespace, "
            "saw 'b'");
  EXPECT_EQ(ErrorOf(Replaced("duration = \"1m\"", "duration = \"1m\"\nx = [ 1m ]")),
            "s.toml:3:8: error: Error while parsing decimal integer: expected digit, saw 'm'");
}

TEST(ScenarioErrorText, SaysANumberHasOneDecimalPoint) {
  EXPECT_EQ(ErrorOf("title = 1.5.0\n" + std::string(kExprScenario)),
            "s.toml:1:12: error: Error while parsing floating-point: expected decimal digit or "
            "exponent, saw '.'; a number has at most one decimal point; if this is text, put it in "
            "quotes: title = \"1.5.0\"");
  // In an array, the number alone.
  EXPECT_EQ(ErrorOf(Replaced("headroom = 2", "headroom = 2\nk = [1.2.3]")),
            "s.toml:9:9: error: Error while parsing floating-point: expected decimal digit or "
            "exponent, saw '.'; a number has at most one decimal point; if this is text, put it in "
            "quotes: \"1.2.3\"");
  EXPECT_EQ(ErrorOf(Replaced("headroom = 2", "headroom = .5")),
            "s.toml:8:12: error: Error while parsing floating-point: expected decimal digit, saw "
            "'.'; a number starts with a digit: write headroom = 0.5");
  EXPECT_EQ(ErrorOf(Replaced("headroom = 2", "headroom = 2.")),
            "s.toml:8:14: error: Error while parsing floating-point: expected decimal digit, saw "
            "'\\n'; a decimal point needs a digit after it: write headroom = 2.0");
}

TEST(ScenarioErrorText, SaysAKeyNeedsItsEquals) {
  EXPECT_EQ(ErrorOf("title \"quickstart\"\n" + std::string(kExprScenario)),
            "s.toml:1:7: error: Error while parsing key-value pair: expected '=', saw '\"'; write "
            "'=' between the key and its value: title = \"quickstart\"");
  // A bare word, dotted or not, alone on its line.
  EXPECT_EQ(ErrorOf("poisson.rate\n" + std::string(kExprScenario)),
            "s.toml:1:13: error: Error while parsing key-value pair: expected '=', saw '\\n'; "
            "'poisson.rate' has no '=' and no value: write poisson.rate = <value> (a number, "
            "\"text\" in quotes, true or false), write [poisson.rate] if it is a table's header, or "
            "remove the line");
  EXPECT_EQ(ErrorOf("title: \"quickstart\"\n" + std::string(kExprScenario)),
            "s.toml:1:6: error: Error while parsing key-value pair: expected '=', saw ':'; TOML "
            "writes key = value, not key: value: title = \"quickstart\"");
  EXPECT_EQ(ErrorOf(Replaced("headroom = 2", "head room = 2")),
            "s.toml:8:6: error: Error while parsing key-value pair: expected '=', saw 'r'; a bare "
            "key has no spaces: write head_room = 2");
}

TEST(ScenarioErrorText, SaysToCloseWhatIsLeftOpen) {
  EXPECT_EQ(ErrorOf(Replaced("[run]", "[run")),
            "s.toml:1:5: error: Error while parsing table header: expected ']', saw '\\n'; close "
            "the header with ']': [run]");
  EXPECT_EQ(ErrorOf(Replaced("[[orgs]]", "[[orgs]")),
            "s.toml:18:8: error: Error while parsing table header: expected ']', saw '\\n'; close "
            "the header with ']]': [[orgs]]");
  EXPECT_EQ(ErrorOf(Replaced("duration = \"1m\"", "duration = \"1m")),
            "s.toml:2:15: error: Error while parsing string: unescaped control characters other "
            "than TAB (U+0009) are explicitly prohibited; the string has no closing \" on its line: "
            "end it with \" (text of several lines goes between \"\"\" and \"\"\")");
  EXPECT_EQ(ErrorOf(Replaced("mean = \"1s\" }", "mean = \"1s\"")),
            "s.toml:13:43: error: Error while parsing inline table: expected key or closing '}', "
            "saw '\\n'; an inline table { ... } stays on one line: close it with '}' before the "
            "line ends");
}

TEST(ScenarioErrorText, SaysABooleanIsLowercase) {
  // toml++ reads a value that begins as true or false would as a boolean: a boolean in capitals
  // is named as one, and a word is text that needs quotes.
  EXPECT_EQ(ErrorOf(Replaced("duration = \"1m\"", "duration = \"1m\"\ndrain = True")),
            "s.toml:3:9: error: Error while parsing boolean: expected 'true', saw 'T'; a boolean is "
            "true or false, in lowercase: drain = true");
  EXPECT_EQ(ErrorOf("title = fast\n" + std::string(kExprScenario)),
            "s.toml:1:11: error: Error while parsing boolean: expected 'false', saw 'fas'; a text "
            "value needs quotes: title = \"fast\"");
}

// The message lists one error per line, yet toml++ quotes the characters it stopped at as they
// are, a line ending too, and a quoted key may hold any character: control characters are shown
// as escapes (fuzz/scenario_fuzzer found "n = f" giving a line of its own to "'").
TEST(ScenarioErrorText, KeepsEachErrorOnOneLine) {
  EXPECT_EQ(ErrorOf("n = fals\n" + std::string(kExprScenario)),
            "s.toml:1:9: error: Error while parsing boolean: expected 'false', saw 'fals\\n'; a "
            "boolean is true or false, in lowercase: n = false");
  EXPECT_EQ(ErrorOf("\"a\\nb\\u0001\" = 1\n" + std::string(kExprScenario)),
            "s.toml:1:1: error: unknown key 'a\\nb\\x01' in the top-level table; expected one of: "
            "title, run, limits, models, traces, orgs, policies");
}

}  // namespace
}  // namespace ratesim

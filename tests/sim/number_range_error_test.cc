// A number beyond the range of a double, in a scenario file or on the command line, is named as
// such with the largest a double holds and the key it is set under, not reported as toml++'s bare
// parse error, as "a string" (--set keeps what TOML cannot read as text) nor as an integer too
// large.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sim/scenario/toml_error_hint.h"
#include "tests/support/scenario_errors.h"

namespace ratesim {
namespace {

using scenario_internal::ExplainTomlError;
using scenario_internal::IsBeyondDouble;

using testing::ErrorOf;

// The tiny scenario whose line 9 sets base_rpm = `base`.
std::string WithBase(const std::string& base) {
  return testing::TinyWithLimits("[limits]\nbase_rpm = " + base);
}

TEST(NumberRangeError, AFileNumberBeyondADoubleGetsAHintAndItsKey) {
  // At the end of the number, where toml++ stops.
  EXPECT_EQ(ErrorOf(WithBase("1e400")),
            "s.toml:9:17: error: 'base_rpm' in [limits]: 1e400 is beyond "
            "±1.7976931348623157e+308, the range of a double; write a number closer to 0");
  // toml++ quotes it without its sign and '_'; the message has them back from the line.
  EXPECT_EQ(ErrorOf(WithBase("-1.5e309")),
            "s.toml:9:20: error: 'base_rpm' in [limits]: -1.5e309 is beyond "
            "±1.7976931348623157e+308, the range of a double; write a number closer to 0");
  EXPECT_EQ(ErrorOf(WithBase("-1_000e306")),
            "s.toml:9:22: error: 'base_rpm' in [limits]: -1_000e306 is beyond "
            "±1.7976931348623157e+308, the range of a double; write a number closer to 0");
  // In an array of values, the array's key.
  EXPECT_EQ(ErrorOf(testing::TinyWithLimits("[limits]\nbase_rpm = 60\nk = [1, +2e400]")),
            "s.toml:10:15: error: 'k' in [limits]: +2e400 is beyond ±1.7976931348623157e+308, "
            "the range of a double; write a number closer to 0");
}

// The tiny scenario with the line that starts with `line` replaced by `with`.
std::string Replaced(const std::string& line, const std::string& with) {
  std::string text = testing::kTinyScenario;
  const size_t at = text.find(line);
  text.replace(at, text.find('\n', at) - at, with);
  return text;
}

// What the error for a number beyond a double says before the number: its position and key.
std::string KeyPart(const std::string& text) {
  const std::string error = ErrorOf(text);
  return error.substr(0, error.find(": 1e400 is beyond"));
}

TEST(NumberRangeError, AFileNumberBeyondADoubleIsNamedByItsKeyWhereverItIs) {
  EXPECT_EQ(KeyPart(Replaced("title = ", "title = 1e400")),
            "s.toml:1:14: error: 'title' in the top-level table");
  EXPECT_EQ(KeyPart(Replaced("seed = ", "seed = 1e400")), "s.toml:5:13: error: 'seed' in [run]");
  EXPECT_EQ(KeyPart(Replaced("  rate = ", "  rate = 1e400")),
            "s.toml:19:15: error: 'rate' in [[orgs.traffic]]");
  EXPECT_EQ(KeyPart(Replaced("  count = ", "  count = 1e400")),
            "s.toml:27:16: error: 'count' in [[orgs.traffic]]");
  EXPECT_EQ(KeyPart(Replaced("max_wait = ", "max_wait = 1e400")),
            "s.toml:37:17: error: 'max_wait' in [[policies]]");
  // Inline tables, and arrays of them, named as the loader names them.
  EXPECT_EQ(KeyPart(Replaced("service = ", "service = { dist = \"constant\", mean = 1e400 }")),
            "s.toml:11:44: error: 'mean' in 'service' of [[models]]");
  EXPECT_EQ(KeyPart(Replaced("concurrency = ", "concurrency = 2\nschedule = [{ at = \"5s\", "
                                               "replicas = 1e400 }]")),
            "s.toml:11:42: error: 'replicas' in 'schedule' of [[models]]");
  // A later number as large does not hide the key of the first, the one reported.
  EXPECT_EQ(KeyPart(Replaced("seed = ", "seed = 1e400\nbig = 2e400")),
            "s.toml:5:13: error: 'seed' in [run]");
  // A file that is not TOML for another reason too (a key set twice) names no key, as before.
  EXPECT_EQ(KeyPart(Replaced("seed = ", "seed = 1e400\nresolution = \"5s\"")), "s.toml:5:13: error");
}

TEST(NumberRangeError, ASetNumberBeyondADoubleIsNotAString) {
  EXPECT_EQ(ErrorOf(WithBase("60"), {"limits.base_rpm=1e400"}),
            "<--set limits.base_rpm=1e400>: error: 'base_rpm' in [limits]: got 1e400, which is "
            "beyond ±1.7976931348623157e+308, the range of a double; write a number closer to 0");
  // A constant of `expr`, negative.
  std::string text = WithBase("60");
  text.replace(text.find("base_rpm = 60"), 13,
               "formula = \"expr\"\nrequests_per_s = \"k * base_rps\"\n"
               "tokens_per_s = \"base_tps\"\nk = 1");
  EXPECT_EQ(ErrorOf(text, {"limits.k=-2e400"}),
            "<--set limits.k=-2e400>: error: 'k' in [limits]: got -2e400, which is beyond "
            "±1.7976931348623157e+308, the range of a double; write a number closer to 0");
  // Quoted, it is a string as written.
  EXPECT_EQ(ErrorOf(WithBase("60"), {"limits.base_rpm=\"1e400\""}),
            "<--set limits.base_rpm=\"1e400\">: error: 'base_rpm' in [limits]: got a string; "
            "expected a number");
}

TEST(NumberRangeError, AnIntegerDurationOrRateBeyondADoubleSaysSo) {
  const std::string tiny = WithBase("60");
  EXPECT_EQ(ErrorOf(tiny, {"models.0.concurrency=1e400"}),
            "<--set models.0.concurrency=1e400>: error: 'concurrency' in [[models]]: got 1e400, "
            "which is beyond ±1.7976931348623157e+308, the range of a double; expected an integer "
            "from 1 to 1000000000");
  EXPECT_EQ(ErrorOf(tiny, {"run.duration=1e400"}),
            "<--set run.duration=1e400>: error: 'duration' in [run]: got 1e400, which is beyond "
            "±1.7976931348623157e+308, the range of a double; expected a duration > 0 such as "
            "\"30s\", at most about 292 years");
  EXPECT_EQ(ErrorOf(tiny, {"run.duration=\"1e400s\""}),
            "<--set run.duration=\"1e400s\">: error: 'duration' in [run]: duration \"1e400s\" is "
            "too large; expected at most about 292 years");
  EXPECT_EQ(ErrorOf(tiny, {"orgs.0.traffic.0.rate=-1e400"}),
            "<--set orgs.0.traffic.0.rate=-1e400>: error: 'rate' in [[orgs.traffic]]: got -1e400, "
            "which is beyond ±1.7976931348623157e+308, the range of a double; write a number "
            "closer to 0, with a unit: \"60rpm\" or \"1rps\"");
  std::string text = tiny;
  text.replace(text.find("rate = \"1rps\""), 13, "rate = \"1e400rpm\"");
  EXPECT_EQ(ErrorOf(text),
            "s.toml:22:10: error: 'rate' in [[orgs.traffic]]: rate \"1e400rpm\": 1e400 is beyond "
            "±1.7976931348623157e+308, the range of a double; write a number closer to 0");
}

TEST(NumberRangeError, TomlsErrorsReadAsDoubleOrIntegerByTheirText) {
  // toml++ reads floats with std::from_chars on some builds, with a stream on others.
  const std::string hint =
      "1e400 is beyond ±1.7976931348623157e+308, the range of a double; write a number closer "
      "to 0";
  EXPECT_EQ(ExplainTomlError(
                "Error while parsing floating-point: '1e400' could not be interpreted as a value"),
            hint);
  EXPECT_EQ(
      ExplainTomlError("Error while parsing floating-point: '1e400' is not representable in 64 bits"),
      hint);
  EXPECT_EQ(ExplainTomlError(
                "Error while parsing integer: '99999999999999999999' is not representable in 64 bits"),
            "99999999999999999999 is too large for an integer; the largest is 9223372036854775807");
  EXPECT_EQ(ExplainTomlError(
                "Error while parsing floating-point: '1e-x' could not be interpreted as a value"),
            "Error while parsing floating-point: '1e-x' could not be interpreted as a value");
}

TEST(NumberRangeError, IsBeyondDoubleReadsTomlDecimals) {
  for (const char* beyond : {"1e400", "-1e400", "+2E309", "1_000e306", "1.5e308_0", "0.5e310"}) {
    EXPECT_TRUE(IsBeyondDouble(beyond)) << beyond;
  }
  for (const char* within :
       {"1e308", "1.7976931348623157e308", "1e-400", "", "e400", "1e", "1._5e400", "_1e400",
        "1e400x", "inf", "nan", "1,5e400"}) {
    EXPECT_FALSE(IsBeyondDouble(within)) << within;
  }
}

}  // namespace
}  // namespace ratesim

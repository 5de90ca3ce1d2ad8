#include "sim/scenario/units.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sim/scenario/scenario_loader.h"
#include "tests/support/tiny_scenario.h"

namespace ratesim {
namespace {

// Passes if `text` contains `part`; shows both otherwise.
::testing::AssertionResult Contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << text << "\" does not contain \"" << part << "\"";
}

std::string Message(const absl::Status& status) { return std::string(status.message()); }

TEST(ParseDuration, ReadsEveryUnit) {
  EXPECT_EQ(*ParseDuration("7ns"), 7);
  EXPECT_EQ(*ParseDuration("250us"), 250'000);
  EXPECT_EQ(*ParseDuration("500ms"), 500'000'000);
  EXPECT_EQ(*ParseDuration("30s"), 30 * kNanosPerSecond);
  EXPECT_EQ(*ParseDuration("10m"), 600 * kNanosPerSecond);
  EXPECT_EQ(*ParseDuration("1h"), 3600 * kNanosPerSecond);
  EXPECT_EQ(*ParseDuration("0s"), 0);
  EXPECT_EQ(*ParseDuration("007s"), 7 * kNanosPerSecond);
}

TEST(ParseDuration, ReadsDecimalsExactly) {
  EXPECT_EQ(*ParseDuration("1.5s"), 1'500'000'000);
  EXPECT_EQ(*ParseDuration("0.1s"), 100'000'000);
  EXPECT_EQ(*ParseDuration("1.25h"), 4500 * kNanosPerSecond);
  EXPECT_EQ(*ParseDuration("0.001ms"), 1'000);
  EXPECT_EQ(*ParseDuration("2.5m"), 150 * kNanosPerSecond);
  // Through a double, 1.000000001 x 1e9 truncates to 1'000'000'000; decimal arithmetic does not.
  EXPECT_EQ(*ParseDuration("1.000000001s"), 1'000'000'001);
  EXPECT_EQ(*ParseDuration("0.999999999s"), 999'999'999);
  EXPECT_EQ(*ParseDuration("1.000000000000000001h"), 3600 * kNanosPerSecond);
}

TEST(ParseDuration, RoundsBelowANanosecondToNearest) {
  EXPECT_EQ(*ParseDuration("1.5ns"), 2);
  EXPECT_EQ(*ParseDuration("1.4999ns"), 1);
  EXPECT_EQ(*ParseDuration("0.0000000025s"), 3);
  EXPECT_EQ(*ParseDuration("0.0000000024s"), 2);
}

TEST(ParseDuration, AcceptsTheLongestThatFitsAndRejectsLonger) {
  EXPECT_EQ(*ParseDuration("2562047h"), int64_t{2562047} * 3600 * kNanosPerSecond);
  EXPECT_EQ(*ParseDuration("9223372036854775807ns"), kNever);
  for (const char* text : {"2562048h", "9223372036854775808ns", "99999999999999999999999s"}) {
    absl::StatusOr<Nanos> d = ParseDuration(text);
    ASSERT_FALSE(d.ok()) << text;
    EXPECT_EQ(d.status().code(), absl::StatusCode::kOutOfRange) << text;
    EXPECT_TRUE(Contains(Message(d.status()), "too large")) << text;
  }
}

TEST(ParseDuration, RejectsMalformedForms) {
  for (const char* text : {"s", "10 sec", "1e3d", "10S", " 10s", "10s ", ".5s", "5.s", "+5s", "1.5.2s",
                           "10ms5", "10sec", "1,5s", "ten s", "10d"}) {
    absl::StatusOr<Nanos> d = ParseDuration(text);
    ASSERT_FALSE(d.ok()) << text;
    EXPECT_EQ(d.status().code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_TRUE(Contains(Message(d.status()), "malformed duration")) << text;
    EXPECT_TRUE(Contains(Message(d.status()), "\"30s\"")) << text;
  }
}

TEST(ParseDuration, ExplainsEmptyNegativeAndUnitless) {
  EXPECT_TRUE(Contains(Message(ParseDuration("").status()), "empty duration"));
  EXPECT_TRUE(Contains(Message(ParseDuration("-5s").status()), "negative duration \"-5s\""));
  const absl::Status unitless = ParseDuration("10").status();
  EXPECT_TRUE(Contains(Message(unitless), "has no unit"));
  EXPECT_TRUE(Contains(Message(unitless), "write \"10s\""));
  EXPECT_TRUE(Contains(Message(ParseDuration("1.0000000000000000001s").status()), "decimal places"));
}

TEST(ParseRate, ReadsPerMinuteAndPerSecond) {
  EXPECT_DOUBLE_EQ(*ParseRate("60rpm"), 1.0);
  EXPECT_DOUBLE_EQ(*ParseRate("90rpm"), 1.5);
  EXPECT_DOUBLE_EQ(*ParseRate("1rps"), 1.0);
  EXPECT_DOUBLE_EQ(*ParseRate("2.5rps"), 2.5);
  EXPECT_DOUBLE_EQ(*ParseRate("0.5rpm"), 0.5 / 60.0);
  EXPECT_EQ(*ParseRate("0rpm"), 0.0);
}

TEST(ParseRate, RejectsMalformedForms) {
  for (const char* text : {"rps", "60 rpm", "60rph", "1e2rph", "60RPM", "60/s", " 1rps", "1.rps",
                           "60r", "1e+rps", "1eerps"}) {
    absl::StatusOr<double> r = ParseRate(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_TRUE(Contains(Message(r.status()), "malformed rate")) << text;
    EXPECT_TRUE(Contains(Message(r.status()), "\"60rpm\" or \"1rps\"")) << text;
  }
}

TEST(ParseRate, ReadsAnExponentAsAnyNumberDoes) {
  // A rate is a double (a duration is read exactly, in integers, and refuses one).
  EXPECT_DOUBLE_EQ(*ParseRate("1e2rps"), 100.0);
  EXPECT_DOUBLE_EQ(*ParseRate("1.2E3rpm"), 20.0);
  EXPECT_DOUBLE_EQ(*ParseRate("6e+1rpm"), 1.0);
  EXPECT_DOUBLE_EQ(*ParseRate("2.5e-1rps"), 0.25);
  EXPECT_EQ(Message(ParseRate("1e3").status()), "rate \"1e3\" has no unit; write \"1e3rpm\" or \"1e3rps\"");
}

TEST(ParseRate, NamesANumberBeyondADouble) {
  const std::string nines(400, '9');
  EXPECT_EQ(Message(ParseRate(nines + "rps").status()),
            "rate \"" + nines + "rps\": " + nines +
                " is beyond ±1.7976931348623157e+308, the range of a double; write a number closer "
                "to 0");
  EXPECT_EQ(Message(ParseRate("2.5E+309rpm").status()),
            "rate \"2.5E+309rpm\": 2.5E+309 is beyond ±1.7976931348623157e+308, the range of a "
            "double; write a number closer to 0");
}

TEST(ParseDuration, CallsAnExponentBeyondADoubleTooLarge) {
  EXPECT_EQ(Message(ParseDuration("1e400s").status()),
            "duration \"1e400s\" is too large; expected at most about 292 years");
}

// Durations are read exactly, in integers, so an exponent is refused; the message names the same
// duration written out, in the unit that takes the fewest digits (the unit written on a tie), and
// that text reads back as exactly the duration meant.
TEST(ParseDuration, RefusesAnExponentNamingTheDurationWithoutIt) {
  struct Case {
    std::string text;
    std::string written_out;
    Nanos nanos;
  };
  const std::vector<Case> cases = {
      {"1e-3s", "1ms", 1'000'000},
      {"1e3s", "1000s", 1000 * kNanosPerSecond},
      {"1E3s", "1000s", 1000 * kNanosPerSecond},
      {"1e+3s", "1000s", 1000 * kNanosPerSecond},
      {"1.5e-3s", "1.5ms", 1'500'000},
      {"2.5e-1h", "15m", 900 * kNanosPerSecond},
      {"3.6e3s", "1h", 3600 * kNanosPerSecond},
      {"12e-1m", "72s", 72 * kNanosPerSecond},
      {"5e-1ms", "0.5ms", 500'000},  // as short as 500us: the unit written wins
      {"1e-9s", "1ns", 1},
      {"2.5e-10s", "0.25ns", 0},
      {"0e5ms", "0ms", 0},
  };
  for (const Case& c : cases) {
    const absl::StatusOr<Nanos> d = ParseDuration(c.text);
    ASSERT_FALSE(d.ok()) << c.text;
    EXPECT_EQ(d.status().code(), absl::StatusCode::kInvalidArgument) << c.text;
    EXPECT_EQ(Message(d.status()), "duration \"" + c.text +
                                       "\" has an exponent, which durations do not accept; write \"" +
                                       c.written_out + "\"");
    EXPECT_EQ(ParseDuration(c.written_out).value_or(-1), c.nanos) << c.written_out;
  }
  EXPECT_EQ(Message(ParseDuration("1e3").status()),
            "duration \"1e3\" has an exponent and no unit; write \"1000s\" or another unit (ns, us, "
            "ms, s, m, h)");
  // Beyond what a duration holds: too large, as without an exponent.
  EXPECT_EQ(ParseDuration("1e20s").status().code(), absl::StatusCode::kOutOfRange);
  // Finer than any form ParseDuration reads (18 decimal places): no equivalent to name.
  EXPECT_EQ(Message(ParseDuration("1e-30s").status()),
            "duration \"1e-30s\" has an exponent, which durations do not accept; write the number "
            "out in full, e.g. \"1ms\" or \"0.001s\" for \"1e-3s\"");
  EXPECT_TRUE(Contains(Message(ParseDuration("1e3d").status()), "malformed duration"));
}

// The loader gives that message at the value's position in the file, or names the --set it came
// from, as it does every error.
TEST(ParseDuration, AnExponentIsRefusedWhereTheScenarioWroteIt) {
  std::string text = testing::kTinyScenario;
  const std::string line = "duration = \"20s\"";  // line 4 of the file
  text.replace(text.find(line), line.size(), "duration = \"2e1s\"");
  const absl::StatusOr<Scenario> in_file = ParseScenario(text, "s.toml");
  ASSERT_FALSE(in_file.ok());
  EXPECT_EQ(Message(in_file.status()),
            "s.toml:4:12: error: 'duration' in [run]: duration \"2e1s\" has an exponent, which "
            "durations do not accept; write \"20s\"");
  const absl::StatusOr<Scenario> in_set =
      ParseScenario(testing::kTinyScenario, "s.toml", {"run.duration=1e3s"});
  ASSERT_FALSE(in_set.ok());
  EXPECT_EQ(Message(in_set.status()),
            "<--set run.duration=1e3s>: error: 'duration' in [run]: duration \"1e3s\" has an "
            "exponent, which durations do not accept; write \"1000s\"");
}

TEST(ParseRate, ExplainsEmptyNegativeAndUnitless) {
  EXPECT_TRUE(Contains(Message(ParseRate("").status()), "empty rate"));
  EXPECT_TRUE(Contains(Message(ParseRate("-1rps").status()), "negative rate \"-1rps\""));
  const absl::Status unitless = ParseRate("60").status();
  EXPECT_TRUE(Contains(Message(unitless), "has no unit"));
  EXPECT_TRUE(Contains(Message(unitless), "write \"60rpm\" or \"60rps\""));
}

}  // namespace
}  // namespace ratesim

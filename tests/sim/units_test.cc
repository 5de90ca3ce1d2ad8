#include "sim/scenario/units.h"

#include <chrono>
#include <cmath>
#include <cstdint>
#include <random>
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
  for (const char* text : {"s", " 10s", ".5s", "5.s", "+5s", "1.5.2s", "10ms5", "1,5s", "ten s", "10 x"}) {
    absl::StatusOr<Nanos> d = ParseDuration(text);
    ASSERT_FALSE(d.ok()) << text;
    EXPECT_EQ(d.status().code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_TRUE(Contains(Message(d.status()), "malformed duration")) << text;
    EXPECT_TRUE(Contains(Message(d.status()), "\"30s\"")) << text;
  }
}

// A text and the message it is refused with.
struct Refusal {
  const char* text;
  const char* message;
};

TEST(ParseDuration, SaysWhatToWriteForAUnitSpeltAnotherWay) {
  const Refusal refusals[] = {
      {"10S", "write \"10s\" (units are lowercase)"},
      {"10 s", "write \"10s\" (without spaces)"},
      {"10s ", "write \"10s\" (without spaces)"},
      {"10 MS", "write \"10ms\" (units are lowercase, without spaces)"},
      {"1hr", "write \"1h\" (units: ns, us, ms, s, m, h)"},
      {"5min", "write \"5m\" (units: ns, us, ms, s, m, h)"},
      {"10 sec", "write \"10s\" (units: ns, us, ms, s, m, h)"},
      {"250 msec", "write \"250ms\" (units: ns, us, ms, s, m, h)"},
      // No unit of days: the number is converted to hours, exponent and fraction included.
      {"1.5d", "write \"36h\" (no unit of days; units: ns, us, ms, s, m, h)"},
      {"1e3 days", "write \"24000h\" (no unit of days; units: ns, us, ms, s, m, h)"},
      // Written in parts, as Go writes a duration: the sum.
      {"1m30s", "write \"90s\" (one number and one unit)"},
      {"1h30m", "write \"90m\" (one number and one unit)"},
      {"1h2m3.5s", "write \"3723.5s\" (one number and one unit)"},
  };
  for (const Refusal& r : refusals) {
    EXPECT_EQ(Message(ParseDuration(r.text).status()),
              std::string("malformed duration \"") + r.text + "\"; " + r.message);
  }
  // A part that is no duration leaves the whole malformed, with the expected form.
  for (const char* text : {"1m30", "1m30x", "1mm30s"}) {
    EXPECT_TRUE(Contains(Message(ParseDuration(text).status()), "expected a number and a unit")) << text;
  }
}

TEST(ParseDuration, ExplainsEmptyNegativeAndUnitless) {
  EXPECT_TRUE(Contains(Message(ParseDuration("").status()), "empty duration"));
  EXPECT_TRUE(Contains(Message(ParseDuration("-5s").status()), "negative duration \"-5s\""));
  const absl::Status unitless = ParseDuration("10").status();
  EXPECT_TRUE(Contains(Message(unitless), "has no unit"));
  EXPECT_TRUE(Contains(Message(unitless), "write the unit: \"10ms\" or \"10s\""));
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
  for (const char* text : {"rps", " 1rps", "1.rps", "60r", "1e+rps", "1eerps", "60 rpd"}) {
    absl::StatusOr<double> r = ParseRate(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_TRUE(Contains(Message(r.status()), "malformed rate")) << text;
    EXPECT_TRUE(Contains(Message(r.status()), "\"60rpm\" or \"1rps\"")) << text;
  }
}

TEST(ParseRate, SaysWhatToWriteForAUnitSpeltAnotherWay) {
  const Refusal refusals[] = {
      {"2RPS", "write \"2rps\" (units are lowercase)"},
      {"2 rps", "write \"2rps\" (without spaces)"},
      {"60 RPM", "write \"60rpm\" (units are lowercase, without spaces)"},
      {"60/s", "write \"60rps\" (units: rpm, rps)"},
      {"5 QPS", "write \"5rps\" (units: rpm, rps)"},
      {"60/min", "write \"60rpm\" (units: rpm, rps)"},
      // No unit per hour: both others, rounded to 6 digits where they do not come out whole.
      {"7200rph", "write \"120rpm\" or \"2rps\" (no unit of requests per hour; units: rpm, rps)"},
      {"1e2 /h",
       "write \"1.66667rpm\" or \"0.0277778rps\" (no unit of requests per hour; units: rpm, rps)"},
  };
  for (const Refusal& r : refusals) {
    EXPECT_EQ(Message(ParseRate(r.text).status()), std::string("malformed rate \"") + r.text + "\"; " + r.message);
  }
}

TEST(ParseRate, ReadsAnExponentAsAnyNumberDoes) {
  // A rate is a double (a duration is read exactly, in integers, exponent and all).
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

// The exponent moves the point among the digits written; the value is then read as a plain decimal
// is, exactly, and rounded to the nanosecond only once.
TEST(ParseDuration, ReadsAnExponentExactly) {
  struct Case {
    std::string text;
    Nanos nanos;
  };
  const std::vector<Case> cases = {
      {"1e-3s", 1'000'000},                // 0.001 s
      {"1e3s", 1000 * kNanosPerSecond},    // 1000 s
      {"1E3s", 1000 * kNanosPerSecond},    //
      {"1e+3s", 1000 * kNanosPerSecond},   //
      {"1e0s", kNanosPerSecond},           //
      {"1e-0s", kNanosPerSecond},          //
      {"1e003s", 1000 * kNanosPerSecond},  // leading zeros in the exponent
      {"1.5e-3s", 1'500'000},              // 0.0015 s = 1.5 ms
      {"2.5e-1h", 900 * kNanosPerSecond},  // 0.25 h = 15 min
      {"3.6e3s", 3600 * kNanosPerSecond},  // 3600 s
      {"12e-1m", 72 * kNanosPerSecond},    // 1.2 min = 72 s
      {"5e-1ms", 500'000},                 // 0.5 ms
      {"123.456e2ms", 12'345'600'000},     // 12345.6 ms
      {"0.0001e4s", kNanosPerSecond},      // 1 s: the point moves past the zeros
      {"1234567e-3us", 1'234'567},         // 1234.567 us
      {"1e-9s", 1},                        // 0.000000001 s
      {"1.5e0ns", 2},                      // 1.5 ns, half away from zero
      {"5e-10s", 1},                       // 0.5 ns, half away from zero
      {"4.9999e-10s", 0},                  // 0.49999 ns
      {"2.5e-10s", 0},                     // 0.25 ns
      {"0e5ms", 0},                        //
      {"0e99999999h", 0},                  // zero however far the point moves
      // 2^53 + 1 ns, which a double rounds to 2^53.
      {"9.007199254740993e15ns", 9'007'199'254'740'993},
      // 1.234567890123456789012345 s: 24 digits written before the point move after it; the
      // tenth place after the point in seconds is the first below a nanosecond, 1, so down.
      {"1234567890123456789012345e-24s", 1'234'567'890},
      // An hour is 3.6e12 ns, so these are 0.36, 0.72, 0.5000000000000000004 and
      // 0.4999999999999999968 ns: the last two are apart only in the 19th place after the point,
      // which a double cannot tell apart.
      {"1e-13h", 0},
      {"2e-13h", 1},
      {"1.38888888888888889e-13h", 1},
      {"1.38888888888888888e-13h", 0},
      // The largest Nanos, and the largest whole number of hours within it.
      {"9.223372036854775807e18ns", kNever},
      {"2.562047e6h", int64_t{2562047} * 3600 * kNanosPerSecond},
  };
  for (const Case& c : cases) {
    const absl::StatusOr<Nanos> d = ParseDuration(c.text);
    ASSERT_TRUE(d.ok()) << c.text << ": " << d.status();
    EXPECT_EQ(*d, c.nanos) << c.text;
  }
}

// Below half a nanosecond a duration rounds to 0 however small it is, as "0.4ns" does: a caller
// that needs more than 0 says so. The 18 places a fraction may have are counted as written, so a
// tiny number written short is not refused for the places its exponent adds.
TEST(ParseDuration, ReadsATinyNumberAsZero) {
  for (const char* text : {"1.5e-20s", "1e-400s", "9e-99999999999999999999h", "1e-14h"}) {
    EXPECT_EQ(ParseDuration(text).value_or(-1), 0) << text;
  }
  EXPECT_TRUE(Contains(Message(ParseDuration("1.0000000000000000001e1s").status()),
                       "more than 18 decimal places"));
}

TEST(ParseDuration, CallsAnExponentBeyondNanosTooLarge) {
  for (const char* text : {"1e400s", "1e99999999h", "1e99999999999999999999999s", "1e20s",
                           "9.223372036854775808e18ns", "2.562048e6h", "0.00001e99999999ns"}) {
    EXPECT_EQ(
        Message(ParseDuration(text).status()),
        std::string("duration \"") + text + "\" is too large; expected at most about 292 years");
    EXPECT_EQ(ParseDuration(text).status().code(), absl::StatusCode::kOutOfRange) << text;
  }
}

TEST(ParseDuration, ExplainsAnExponentWithoutAUnitOrWithAWrongOne) {
  EXPECT_EQ(
      Message(ParseDuration("1e3").status()),
      "duration \"1e3\" has no unit; write the unit: \"1e3ms\" or \"1e3s\" (or another: ns, us, m, "
      "h)");
  for (const char* text : {"1e3d", "1e", "1e+s", "1e-s", "1es", "1e3.5s", "1e3e2s", "1.e3s"}) {
    EXPECT_TRUE(Contains(Message(ParseDuration(text).status()), "malformed duration")) << text;
  }
}

// The message for a negative duration suggests it without its sign, which reads, exponent and all.
TEST(ParseDuration, SuggestsANegativeDurationWithoutItsSign) {
  EXPECT_EQ(Message(ParseDuration("-1e1m").status()),
            "negative duration \"-1e1m\"; expected a duration >= 0 such as \"1e1m\"");
  EXPECT_EQ(ParseDuration("1e1m").value_or(-1), 600 * kNanosPerSecond);
}

// A number of 309 digits or more is checked against a double's range before anything else, as it
// was before durations took an exponent (shorter ones are never passed to strtod).
TEST(ParseDuration, CallsANumberBeyondADoubleTooLargeBeforeItsUnit) {
  const std::string nines(400, '9');
  for (const std::string& text : {nines, nines + "d", nines + ".5s"}) {
    EXPECT_EQ(ParseDuration(text).status().code(), absl::StatusCode::kOutOfRange) << text;
  }
  EXPECT_TRUE(Contains(Message(ParseDuration(nines + "-s").status()), "malformed duration"));
  // 308 digits are within a double, but too large in every unit: too large, not told a unit to
  // write that would be refused again (units_fuzzer).
  const std::string shorter(308, '9');
  EXPECT_EQ(ParseDuration(shorter).status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(ParseDuration(shorter + "s").status().code(), absl::StatusCode::kOutOfRange);
}

// The loader reads it where the scenario wrote it, or from a --set.
TEST(ParseDuration, AScenarioTakesAnExponentInFileAndSet) {
  std::string text = testing::kTinyScenario;
  const std::string line = "duration = \"20s\"";
  text.replace(text.find(line), line.size(), "duration = \"2e1s\"");
  const absl::StatusOr<Scenario> in_file = ParseScenario(text, "s.toml");
  ASSERT_TRUE(in_file.ok()) << in_file.status();
  EXPECT_EQ(in_file->run.duration, 20 * kNanosPerSecond);
  const absl::StatusOr<Scenario> in_set =
      ParseScenario(testing::kTinyScenario, "s.toml", {"run.duration=1e3s"});
  ASSERT_TRUE(in_set.ok()) << in_set.status();
  EXPECT_EQ(in_set->run.duration, 1000 * kNanosPerSecond);
}

TEST(ParseRate, ExplainsEmptyNegativeAndUnitless) {
  EXPECT_TRUE(Contains(Message(ParseRate("").status()), "empty rate"));
  EXPECT_TRUE(Contains(Message(ParseRate("-1rps").status()), "negative rate \"-1rps\""));
  const absl::Status unitless = ParseRate("60").status();
  EXPECT_TRUE(Contains(Message(unitless), "has no unit"));
  EXPECT_TRUE(Contains(Message(unitless), "write \"60rpm\" or \"60rps\""));
}

TEST(FormatDuration, WritesADurationAsAScenarioFileWouldInItsLargestShortUnit) {
  constexpr Nanos kMs = kNanosPerMillisecond;
  EXPECT_EQ(FormatDuration(0), "0s");
  EXPECT_EQ(FormatDuration(1), "1ns");
  EXPECT_EQ(FormatDuration(500 * kMs), "500ms");
  EXPECT_EQ(FormatDuration(1'500'000), "1.5ms");
  EXPECT_EQ(FormatDuration(250'000), "250us");
  EXPECT_EQ(FormatDuration(90 * kNanosPerSecond), "90s");
  EXPECT_EQ(FormatDuration(600 * kNanosPerSecond), "10m");
  EXPECT_EQ(FormatDuration(5400 * kNanosPerSecond), "90m");
  EXPECT_EQ(FormatDuration(7200 * kNanosPerSecond), "2h");
  EXPECT_EQ(FormatDuration(2500 * kMs), "2.5s");
}

// What a message prints, a user may paste back into a scenario: it must read as the same duration.
TEST(FormatDuration, ParsesBackToTheSameNanoseconds) {
  std::mt19937_64 random(14);
  for (int i = 0; i < 20000; ++i) {
    // Every magnitude from 1 ns to about 11 days, so each unit and odd digit counts are met.
    const int digits = 1 + static_cast<int>(random() % 15);
    Nanos ns = static_cast<Nanos>(random() % static_cast<uint64_t>(std::pow(10.0, digits)));
    if (i % 4 == 0) ns -= ns % kNanosPerSecond;  // whole seconds, minutes and hours too
    const std::string text = FormatDuration(ns);
    const absl::StatusOr<Nanos> parsed = ParseDuration(text);
    ASSERT_TRUE(parsed.ok()) << ns << " ns was written \"" << text << "\": " << parsed.status();
    ASSERT_EQ(*parsed, ns) << "written \"" << text << "\"";
  }
}

}  // namespace
}  // namespace ratesim

namespace ratesim {
namespace {

// Found by units_fuzzer: above 2^53 ns (about 104 days) a double no longer holds every
// nanosecond, and "9074094.099340992s" read back 1 ns short of the duration it was made from.
TEST(FormatDuration, ParsesBackBeyondWhatADoubleHolds) {
  for (const Nanos ns : {Nanos{9'074'094'099'340'993}, Nanos{9'007'199'254'740'993}, kNever,
                         kNever - 1, Nanos{(Nanos{1} << 53) + 1}}) {
    const std::string text = FormatDuration(ns);
    const absl::StatusOr<Nanos> parsed = ParseDuration(text);
    ASSERT_TRUE(parsed.ok()) << ns << " ns was written \"" << text << "\": " << parsed.status();
    EXPECT_EQ(*parsed, ns) << "written \"" << text << "\"";
  }
  EXPECT_EQ(FormatDuration(9'074'094'099'340'993), "9074094.099340993s");
  EXPECT_EQ(FormatDuration(1'000'000'001), "1.000000001s");
  EXPECT_EQ(FormatDuration(1'050'000), "1.05ms");
}

// Found by units_fuzzer: what a refusal says to write must itself be a duration. "1e40usec" was
// told to write "1e40us", "1e11" to write "1e11s" and "-s" to write "s", each of which is refused
// again; a number too large in the unit it is meant in is now called too large, a reading that
// does not fit is not offered, and a negative one is shown without its sign only when that reads.
TEST(ParseDuration, SuggestsOnlyWhatParses) {
  for (const char* text : {"1e40usec", "66666666666H", "1e821hrs", "1e300d", "1e400", "1E+21"}) {
    const absl::Status status = ParseDuration(text).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kOutOfRange) << text << ": " << status;
    EXPECT_TRUE(Contains(Message(status), "is too large")) << text;
    EXPECT_FALSE(Contains(Message(status), "write")) << text;
  }
  EXPECT_TRUE(Contains(Message(ParseDuration("1.0000000000000000001").status()), "decimal places"));
  EXPECT_EQ(Message(ParseDuration("1e11").status()),
            "duration \"1e11\" has no unit; write the unit: \"1e11ms\" (or another: ns, us; in "
            "seconds it is too large)");
  EXPECT_EQ(Message(ParseDuration("-s").status()), "negative duration \"-s\"; expected a duration >= 0");
  EXPECT_EQ(Message(ParseDuration("--5s").status()),
            "negative duration \"--5s\"; expected a duration >= 0");
  EXPECT_EQ(Message(ParseDuration("-5").status()), "negative duration \"-5\"; expected a duration >= 0");
  EXPECT_EQ(Message(ParseRate("-0s").status()), "negative rate \"-0s\"; expected a rate >= 0");
  EXPECT_EQ(Message(ParseRate("-2rps").status()),
            "negative rate \"-2rps\"; expected a rate >= 0 such as \"2rps\"");
  // What still parses is still said.
  EXPECT_TRUE(Contains(Message(ParseDuration("5min").status()), "write \"5m\""));
  EXPECT_TRUE(Contains(Message(ParseDuration("2d").status()), "write \"48h\""));
}

// Found by units_fuzzer (a timeout): reading a duration in parts read the rest of the text both as a
// whole and in parts at every split, so the time doubled with each part, and the 46 characters
// "1s1s1s6s31s2s3s1s1s1s0s0s1s1s6s31s2s3s1s1s1s0s" took seconds. Now linear in the parts.
TEST(ParseDuration, ReadsADurationInManyPartsQuickly) {
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "1s";
  text += "6r0";  // no duration, in parts or not
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(Contains(Message(ParseDuration(text).status()), "expected a number and a unit"));
  EXPECT_TRUE(Contains(Message(ParseDuration("1s1s1s6s31s2s3s1s1s1s0s0s1s1s6s31s2s3s1s1s1s0s6r0").status()),
                       "expected a number and a unit"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  // What it read before, it reads as before: the last part may carry an exponent.
  EXPECT_TRUE(Contains(Message(ParseDuration("1m30s").status()), "write \"90s\""));
  EXPECT_TRUE(Contains(Message(ParseDuration("1h1m1s").status()), "write \"3661s\""));
  EXPECT_TRUE(Contains(Message(ParseDuration("1m1e1s").status()), "write \"70s\""));
  EXPECT_TRUE(Contains(Message(ParseDuration(text.substr(0, 4000)).status()), "write \"2000s\""));
}

}  // namespace
}  // namespace ratesim

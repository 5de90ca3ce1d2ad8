// Values of the wrong sign, kind or unit: rates, integers (concurrency, seed) and durations, a
// resolution that cuts the run into too many intervals, and a warm-up as long as the run.
#include <string>
#include <vector>

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

TEST(ScenarioLoader, RejectsZeroAndNegativeRates) {
  EXPECT_TRUE(HasError(
      ErrorLines(Minimal({{14, "  rate = \"0rpm\""}})),
      "s.toml:14:10: error: 'rate' in [[orgs.traffic]]: got \"0rpm\"; expected a rate > 0"));
  // A negative value is told the key's own bound, so that fixing the sign does not meet "> 0" next.
  EXPECT_TRUE(HasError(ErrorLines(Minimal({{14, "  rate = \"-1rps\""}})),
                       "s.toml:14:10: error: 'rate' in [[orgs.traffic]]: negative rate \"-1rps\"; "
                       "expected a rate > 0 such as \"1rps\""));
  EXPECT_TRUE(HasError(ErrorLines(Minimal({{2, "duration = \"-1m\""}})),
                       "s.toml:2:12: error: 'duration' in [run]: negative duration \"-1m\"; expected a "
                       "duration > 0 such as \"1m\""));
  // The value without its sign is offered only where it would be accepted.
  EXPECT_EQ(ErrorLines(Minimal({{2, "duration = \"-0s\""}})),
            (std::vector<std::string>{"s.toml:2:12: error: 'duration' in [run]: negative duration \"-0s\"; "
                                      "expected a duration > 0"}));
  EXPECT_EQ(ErrorLines(Minimal({{14, "  rate = \"-5\""}})),
            (std::vector<std::string>{"s.toml:14:10: error: 'rate' in [[orgs.traffic]]: negative rate \"-5\"; "
                                      "expected a rate > 0"}));
  // Where zero is allowed, ">= 0".
  EXPECT_TRUE(HasError(ErrorLines(Minimal({}, {"[[orgs]]", "name = \"b\"", "  [[orgs.traffic]]",
                                               "  model = \"llama-70b\"", "  shape = \"ramp\"",
                                               "  from = \"-2rps\"", "  to = \"1rps\"", "  over = \"1m\""})),
                       "s.toml:23:10: error: 'from' in [[orgs.traffic]]: negative rate \"-2rps\"; expected a "
                       "rate >= 0 such as \"2rps\""));
  EXPECT_TRUE(HasError(ErrorLines(Minimal({{14, "  rate = 60"}})),
                       "s.toml:14:10: error: 'rate' in [[orgs.traffic]]: got the bare number 60",
                       {"write \"60rpm\" or \"60rps\""}));
  EXPECT_TRUE(HasError(ErrorLines(Minimal({{14, "  rate = \"60/hz\""}})),
                       "s.toml:14:10: error: 'rate' in [[orgs.traffic]]: malformed rate \"60/hz\"",
                       {"\"60rpm\" or \"1rps\""}));
}

TEST(ScenarioLoader, RejectsZeroNegativeAndFractionalConcurrency) {
  EXPECT_EQ(
      ErrorLines(Minimal({{6, "concurrency = 0"}})),
      std::vector<std::string>{
          "s.toml:6:15: error: 'concurrency' in [[models]]: got 0; expected an integer from 1 to 1000000000"});
  EXPECT_TRUE(HasError(
      ErrorLines(Minimal({{6, "concurrency = -3"}})),
      "s.toml:6:15: error: 'concurrency' in [[models]]: got -3; expected an integer from 1 to 1000000000"));
  EXPECT_TRUE(HasError(ErrorLines(Minimal({{6, "concurrency = 2.5"}})),
                       "s.toml:6:15: error: 'concurrency' in [[models]]: got 2.5, not an integer; "
                       "expected an integer"));
  EXPECT_TRUE(HasError(ErrorLines(Minimal({{6, "concurrency = 2.0"}})),
                       "s.toml:6:15: error: 'concurrency' in [[models]]: got 2.0, not an integer"));
  EXPECT_TRUE(HasError(
      ErrorLines(Minimal({{6, "concurrency = \"8\""}})),
      "s.toml:6:15: error: 'concurrency' in [[models]]: got a string; expected an integer from 1 to 1000000000"));
  EXPECT_TRUE(HasError(ErrorLines(Minimal({{3, "seed = -1"}})),
                       "s.toml:3:8: error: 'seed' in [run]: got -1; expected an integer >= 0"));
}

TEST(ScenarioLoader, RejectsMalformedAndBareDurations) {
  EXPECT_EQ(
      ErrorLines(Minimal({{2, "duration = \"10 jiffies\""}})),
      std::vector<std::string>{
          "s.toml:2:12: error: 'duration' in [run]: malformed duration \"10 jiffies\"; "
          "expected a number and a unit, e.g. \"30s\" or \"1.5s\" (units: ns, us, ms, s, m, h)"});
  EXPECT_TRUE(HasError(ErrorLines(Minimal({{2, "duration = 30"}})),
                       "s.toml:2:12: error: 'duration' in [run]: got the bare number 30; write the "
                       "unit: \"30ms\" or \"30s\""));
  EXPECT_TRUE(
      HasError(ErrorLines(Minimal({{2, "duration = \"0s\""}})),
               "s.toml:2:12: error: 'duration' in [run]: got \"0s\"; expected a duration > 0"));
  EXPECT_TRUE(HasError(ErrorLines(Minimal({{2, "duration = true"}})),
                       "s.toml:2:12: error: 'duration' in [run]: got true; expected a duration"));
}

TEST(ScenarioLoader, SaysAPerMinuteNumberTakesNoRateUnit) {
  // The unit is in the key's name: the number goes alone, converted, in [limits], in an org's
  // overrides and on the command line alike.
  const std::string text = Minimal({{3, "[limits]\nbase_rpm = \"1rps\""},
                                    {10, "name = \"acme\"\nlimits = { ceiling_tpm = \"2.5rps\" }"}});
  EXPECT_EQ(Joined(ErrorLines(text)),
            "s.toml:4:12: error: 'base_rpm' in [limits]: got \"1rps\"; base_rpm is a number of "
            "requests per minute, without a unit: write 60\n"
            "s.toml:12:26: error: 'ceiling_tpm' in 'limits' of [[orgs]]: got \"2.5rps\"; "
            "ceiling_tpm is a number of tokens per minute, without a unit: write 150\n");
  EXPECT_EQ(Joined(ErrorLines(Minimal(), {"limits.base_rpm=7rpm"})),
            "<--set limits.base_rpm=7rpm>: error: 'base_rpm' in [limits]: got \"7rpm\"; base_rpm "
            "is a number of requests per minute, without a unit: write 7\n");
  // As the figure would be written, not as the product of the conversion comes out.
  EXPECT_EQ(Joined(ErrorLines(Minimal(), {"limits.base_rpm=0.1rps"})),
            "<--set limits.base_rpm=0.1rps>: error: 'base_rpm' in [limits]: got \"0.1rps\"; "
            "base_rpm is a number of requests per minute, without a unit: write 6\n");
  // Text that is no rate is still just the wrong type.
  EXPECT_EQ(Joined(ErrorLines(Minimal(), {"limits.base_rpm=fast"})),
            "<--set limits.base_rpm=fast>: error: 'base_rpm' in [limits]: got a string; expected a "
            "number\n");
}

TEST(ScenarioLoader, RefusesAResolutionThatCutsTheRunIntoTooManyIntervals) {
  // "1ns" for "1s": the run of a minute used to tick through 6e10 intervals, for hours.
  std::vector<std::string> errors = ErrorLines(Minimal({{3, "resolution = \"1ns\""}}));
  ASSERT_EQ(errors.size(), 1u) << Joined(errors);
  EXPECT_EQ(errors[0],
            "s.toml:3:14: error: 'resolution' in [run]: a resolution of 1ns cuts the run's "
            "duration of 1m into 60000000000 intervals; expected at most 1000000: set resolution "
            "to at least 60us");
  EXPECT_TRUE(Parse(Minimal({{3, "resolution = \"60us\""}})).ok());  // exactly 1000000
  EXPECT_TRUE(HasError(ErrorLines(Minimal({{3, "resolution = \"59us\""}})),
                       "s.toml:3:14: error: 'resolution' in [run]: a resolution of 59us cuts the "
                       "run's duration of 1m into 1016950 intervals"));
  // With the default resolution of 10s, at the duration that is too long for it.
  EXPECT_TRUE(
      HasError(ErrorLines(Minimal({{2, "duration = \"3000h\""}})),
               "s.toml:2:12: error: 'duration' in [run]: a resolution of 10s cuts the run's "
               "duration of 3000h into 1080000 intervals"));
}

// A warm-up is part of the run's duration: one that leaves nothing to measure is refused at its
// value; one a little shorter is read.
TEST(ScenarioLoader, RefusesAWarmupThatLeavesNothingToMeasure) {
  std::vector<std::string> errors = ErrorLines(Minimal({{3, "warmup = \"60s\""}}));
  ASSERT_EQ(errors.size(), 1u) << Joined(errors);
  EXPECT_EQ(errors[0],
            "s.toml:3:10: error: 'warmup' in [run]: a warm-up of 1m leaves nothing of the run's "
            "duration of 1m to measure; expected less than the duration: shorten warmup or "
            "lengthen duration");
  EXPECT_TRUE(HasError(ErrorLines(Minimal({{3, "warmup = \"-1s\""}})),
                       "s.toml:3:10: error: 'warmup' in [run]: negative duration"));
  absl::StatusOr<Scenario> scenario = Parse(Minimal({{3, "warmup = \"59s\""}}));
  ASSERT_TRUE(scenario.ok()) << scenario.status();
  EXPECT_EQ(scenario->run.warmup, 59 * kNanosPerSecond);
  EXPECT_EQ(Parse(Minimal())->run.warmup, 0);  // none unless asked for
  // Set from the command line, the error names the --set.
  errors = ErrorLines(Minimal(), {"run.warmup=2m"});
  ASSERT_EQ(errors.size(), 1u) << Joined(errors);
  EXPECT_EQ(errors[0].substr(0, 43), "<--set run.warmup=2m>: error: 'warmup' in [");
}

// A missing policy type or traffic shape lists what may be written; a negative policy duration
// says the parameter's own bound; a formula parameter in an org's limits that belongs to another
// formula says which, and where the formula is chosen.
TEST(ScenarioLoader, MissingChoicesListTheirOptionsAndForeignKeysNameTheirOwner) {
  EXPECT_EQ(ErrorLines(Minimal({{17, ""}})),
            std::vector<std::string>{
                "s.toml:16:1: error: missing key 'type' in [[policies]]; expected a string, the "
                "policy's type: one of none, fifo, fair, pacing, within_first, codel"});
  EXPECT_EQ(ErrorLines(Minimal({{13, ""}})),
            std::vector<std::string>{
                "s.toml:11:3: error: missing key 'shape' in [[orgs.traffic]]; expected a string, one "
                "of constant, poisson, bursts, ramp, step, onoff, diurnal, closed"});
  EXPECT_EQ(ErrorLines(Minimal({}, {"max_wait = \"-30s\""})),
            std::vector<std::string>{"s.toml:18:12: error: 'max_wait' in [[policies]]: negative "
                                     "duration \"-30s\"; expected a duration > 0 such as \"30s\""});
  EXPECT_EQ(ErrorLines(Minimal({{10, "name = \"acme\"\nlimits = { multiple = 3 }"}})),
            std::vector<std::string>{
                "s.toml:11:23: error: 'multiple' in 'limits' of [[orgs]]: a parameter of limit "
                "formula 'peak_window', not of limit formula 'earned'; set [limits] formula = "
                "\"peak_window\", or remove it"});
}

}  // namespace
}  // namespace ratesim

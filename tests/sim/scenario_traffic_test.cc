// The traffic shapes of [[orgs.traffic]] (constant, poisson, bursts, ramp, step, onoff, diurnal,
// closed): their keys, defaults and bounds, and where `arrivals` may be chosen.
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

TEST(ScenarioLoader, ChecksTrafficShapes) {
  EXPECT_TRUE(HasError(
      ErrorLines(Minimal({{13, "  shape = \"burst\""}})),
      "s.toml:13:11: error: 'shape' in [[orgs.traffic]]: unknown traffic shape 'burst'; did "
      "you mean 'bursts'?"));
  std::vector<std::string> errors = ErrorLines(
      Minimal({{13, "  shape = \"bursts\""}, {14, "  count = 0"}, {15, "  window = \"2m\""}}));
  EXPECT_TRUE(HasError(
      errors,
      "s.toml:14:11: error: 'count' in [[orgs.traffic]]: got 0; expected an integer from 1 to "
      "10000000"));
  EXPECT_TRUE(HasError(errors, "s.toml:11:3: error: missing key 'every' in [[orgs.traffic]]"));
  errors = ErrorLines(Minimal({{13, "  shape = \"bursts\""},
                               {14, "  count = 5"},
                               {15, "  window = \"2m\"\n  every = \"1m\""}}));
  EXPECT_TRUE(
      HasError(errors,
               "s.toml:15:12: error: 'window' in [[orgs.traffic]]: got \"2m\", longer than every = "
               "\"1m\"; expected window <= every"));
  errors = ErrorLines(Minimal({{13, "  shape = \"ramp\""},
                               {14, "  from = \"0rpm\""},
                               {15, "  to = \"0rps\"\n  over = \"0s\""}}));
  EXPECT_TRUE(
      HasError(errors, "s.toml:15:8: error: 'to' in [[orgs.traffic]]: from and to are both 0"));
  EXPECT_TRUE(HasError(
      errors,
      "s.toml:16:10: error: 'over' in [[orgs.traffic]]: got \"0s\"; expected a duration > 0"));
  errors = ErrorLines(Minimal({{15, "  start = \"5m\"\n  stop = \"1m\""}}));
  EXPECT_TRUE(
      HasError(errors,
               "s.toml:16:10: error: 'stop' in [[orgs.traffic]]: got \"1m\", not after start = "
               "\"5m\"; expected stop > start"));
}

TEST(ScenarioLoader, BoundsBurstsWorkersAndAttempts) {
  // A billion-request burst or a hundred million workers exhausted memory instead of failing.
  std::vector<std::string> errors =
      ErrorLines(Minimal({{13, "  shape = \"bursts\""},
                          {14, "  count = 10000001\n  window = \"1s\"\n  every = \"1m\""},
                          {15, "  client = { on_failure = \"backoff\", max_attempts = 1001 }"}}));
  EXPECT_TRUE(HasError(errors,
                       "s.toml:14:11: error: 'count' in [[orgs.traffic]]: got 10000001; "
                       "expected an integer from 1 to 10000000"))
      << Joined(errors);
  EXPECT_TRUE(HasError(errors,
                       "s.toml:17:53: error: 'max_attempts' in 'client' of "
                       "[[orgs.traffic]]: got 1001; expected an integer from 1 to 1000"))
      << Joined(errors);
  EXPECT_EQ(errors.size(), 2u) << Joined(errors);
  errors = ErrorLines(
      Minimal({{13, "  shape = \"closed\""}, {14, "  workers = 1000001\n  think = \"1s\""}}));
  EXPECT_TRUE(HasError(errors,
                       "s.toml:14:13: error: 'workers' in [[orgs.traffic]]: got 1000001; "
                       "expected an integer from 1 to 1000000"))
      << Joined(errors);
  // The bounds themselves are accepted.
  EXPECT_TRUE(Parse(Minimal({{13, "  shape = \"closed\""},
                             {14, "  workers = 1000000\n  think = \"1s\""},
                             {15, "  client = { on_failure = \"backoff\", max_attempts = 1000 }"}}))
                  .ok());
}

TEST(ScenarioTraffic, ReadsStepOnOffDiurnalAndClosedShapes) {
  absl::StatusOr<Scenario> s = Parse(Minimal({{13, "  shape = \"step\""},
                                              {14, "  rate = \"0rpm\""},
                                              {15, "  to = \"120rpm\"\n  at = \"30s\""}}));
  ASSERT_TRUE(s.ok()) << s.status();
  TrafficShape shape = s->orgs[0].traffic[0].shape;
  EXPECT_EQ(shape.kind, TrafficShape::Kind::kStep);
  EXPECT_EQ(shape.rate_per_s, 0.0);
  EXPECT_DOUBLE_EQ(shape.step_to_per_s, 2.0);
  EXPECT_EQ(shape.step_at, 30 * kNanosPerSecond);
  EXPECT_FALSE(shape.poisson);  // default: even

  s = Parse(Minimal({{13, "  shape = \"onoff\""},
                     {15, "  on = \"10s\"\n  off = \"1m\"\n  arrivals = \"poisson\""}}));
  ASSERT_TRUE(s.ok()) << s.status();
  shape = s->orgs[0].traffic[0].shape;
  EXPECT_EQ(shape.kind, TrafficShape::Kind::kOnOff);
  EXPECT_DOUBLE_EQ(shape.rate_per_s, 1.0);
  EXPECT_EQ(shape.on_duration, 10 * kNanosPerSecond);
  EXPECT_EQ(shape.off_duration, 60 * kNanosPerSecond);
  EXPECT_TRUE(shape.poisson);

  s = Parse(Minimal({{13, "  shape = \"diurnal\""}}));
  ASSERT_TRUE(s.ok()) << s.status();
  shape = s->orgs[0].traffic[0].shape;
  EXPECT_EQ(shape.kind, TrafficShape::Kind::kDiurnal);
  EXPECT_DOUBLE_EQ(shape.rate_per_s, 1.0);
  EXPECT_EQ(shape.diurnal_amplitude, 0.5);
  EXPECT_EQ(shape.diurnal_period, 24 * 3600 * kNanosPerSecond);
  EXPECT_EQ(shape.diurnal_phase, 0);
  EXPECT_TRUE(shape.poisson);  // default: poisson

  s = Parse(Minimal({{13, "  shape = \"closed\""}, {14, "  workers = 3\n  start = \"10s\""}}));
  ASSERT_TRUE(s.ok()) << s.status();
  shape = s->orgs[0].traffic[0].shape;
  EXPECT_EQ(shape.kind, TrafficShape::Kind::kClosedLoop);
  EXPECT_EQ(shape.workers, 3);
  EXPECT_EQ(shape.think_time, 0);
  EXPECT_EQ(shape.start, 10 * kNanosPerSecond);

  s = Parse(Minimal(
      {{13, "  shape = \"ramp\""}, {14, "  from = \"0rpm\"\n  to = \"1rps\"\n  over = \"1m\""}}));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_TRUE(s->orgs[0].traffic[0].shape.ramp_poisson);  // ramp keeps its own default
}

TEST(ScenarioTraffic, ChecksStepAndOnOffKeys) {
  std::vector<std::string> errors = ErrorLines(
      Minimal({{13, "  shape = \"step\""}, {14, "  rate = \"0rpm\""}, {15, "  to = \"0rps\""}}));
  EXPECT_TRUE(
      HasError(errors,
               "s.toml:15:8: error: 'to' in [[orgs.traffic]]: rate and to are both 0; expected "
               "at least one of them > 0"));
  EXPECT_TRUE(HasError(
      errors, "s.toml:11:3: error: missing key 'at' in [[orgs.traffic]]; expected a duration"));
  EXPECT_EQ(errors.size(), 2u) << Joined(errors);
  EXPECT_TRUE(HasError(
      ErrorLines(Minimal({{13, "  shape = \"step\""}, {15, "  to = \"-1rps\"\n  at = \"1m\""}})),
      "s.toml:15:8: error: 'to' in [[orgs.traffic]]: negative rate \"-1rps\""));
  errors = ErrorLines(Minimal({{13, "  shape = \"onoff\""}, {15, "  on = \"0s\""}}));
  EXPECT_TRUE(HasError(
      errors, "s.toml:15:8: error: 'on' in [[orgs.traffic]]: got \"0s\"; expected a duration > 0"));
  EXPECT_TRUE(
      HasError(errors,
               "s.toml:11:3: error: missing key 'off' in [[orgs.traffic]]; expected a duration "
               "> 0"));
  EXPECT_EQ(errors.size(), 2u) << Joined(errors);
  EXPECT_TRUE(HasError(
      ErrorLines(Minimal({{13, "  shape = \"onoff\""},
                          {14, "  rate = \"0rps\""},
                          {15, "  on = \"1s\"\n  off = \"1s\""}})),
      "s.toml:14:10: error: 'rate' in [[orgs.traffic]]: got \"0rps\"; expected a rate > 0"));
}

TEST(ScenarioTraffic, ChecksDiurnalAndClosedKeys) {
  EXPECT_EQ(ErrorLines(Minimal({{13, "  shape = \"diurnal\""}, {15, "  amplitude = 1.5"}})),
            std::vector<std::string>{
                "s.toml:15:15: error: 'amplitude' in [[orgs.traffic]]: got 1.5; expected "
                "a number in [0, 1] (1: the rate falls to 0 at the trough)"});
  std::vector<std::string> errors =
      ErrorLines(Minimal({{13, "  shape = \"diurnal\""},
                          {15, "  period = \"0s\"\n  phase = \"-1h\"\n  arrivals = \"uniform\""}}));
  EXPECT_TRUE(HasError(errors,
                       "s.toml:15:12: error: 'period' in [[orgs.traffic]]: got \"0s\"; expected a "
                       "duration > 0"));
  EXPECT_TRUE(HasError(
      errors, "s.toml:16:11: error: 'phase' in [[orgs.traffic]]: negative duration \"-1h\""));
  EXPECT_TRUE(
      HasError(errors,
               "s.toml:17:14: error: 'arrivals' in [[orgs.traffic]]: unknown arrival process "
               "'uniform'; expected one of: poisson, even"));
  EXPECT_EQ(errors.size(), 3u) << Joined(errors);

  errors = ErrorLines(
      Minimal({{13, "  shape = \"closed\""}, {14, "  workers = 0"}, {15, "  think = \"-1s\""}}));
  EXPECT_TRUE(HasError(
      errors,
      "s.toml:14:13: error: 'workers' in [[orgs.traffic]]: got 0; expected an integer from 1 "
      "to 1000000"));
  EXPECT_TRUE(HasError(
      errors, "s.toml:15:11: error: 'think' in [[orgs.traffic]]: negative duration \"-1s\""));
  EXPECT_EQ(errors.size(), 2u) << Joined(errors);
  // A closed loop has no rate: its workers set the pace.
  errors = ErrorLines(Minimal({{13, "  shape = \"closed\""}}));
  EXPECT_TRUE(HasError(errors,
                       "s.toml:11:3: error: missing key 'workers' in [[orgs.traffic]]; expected an "
                       "integer from 1 to 1000000"));
  EXPECT_TRUE(HasError(errors, "s.toml:14:3: error: unknown key 'rate' in [[orgs.traffic]]"));
  EXPECT_EQ(errors.size(), 2u) << Joined(errors);
}

TEST(ScenarioTraffic, AcceptsArrivalsOnlyWhereTheShapeHasAChoice) {
  EXPECT_EQ(
      ErrorLines(Minimal({{15, "  arrivals = \"even\""}})),
      std::vector<std::string>{"s.toml:15:3: error: unknown key 'arrivals' in [[orgs.traffic]]; "
                               "expected one of: model, shape, rate, start, stop, input_tokens, "
                               "max_output_tokens, output_tokens, client"});
  EXPECT_TRUE(HasError(
      ErrorLines(Minimal({{13, "  shape = \"diurnl\""}})),
      "s.toml:13:11: error: 'shape' in [[orgs.traffic]]: unknown traffic shape 'diurnl'; did "
      "you mean 'diurnal'? expected one of: constant, poisson, bursts, ramp, step, onoff, "
      "diurnal, closed"));
}

}  // namespace
}  // namespace ratesim

// A model's capacity over time: its replica schedule and its autoscaler, their defaults and errors.
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

TEST(ScenarioCapacity, ReadsAScheduleThatRaisesReplicasFromZero) {
  absl::StatusOr<Scenario> s = Parse(Minimal({{8,
                                               "replicas = 0\nschedule = [{ at = \"30s\", replicas "
                                               "= 4 }, { at = \"45s\", replicas = 0 }]"}}));
  ASSERT_TRUE(s.ok()) << s.status();
  const ModelSpec& m = s->models[0];
  EXPECT_EQ(m.replicas, 0);
  ASSERT_EQ(m.schedule.size(), 2u);
  EXPECT_EQ(m.schedule[0].at, 30 * kNanosPerSecond);
  EXPECT_EQ(m.schedule[0].replicas, 4);
  EXPECT_EQ(m.schedule[0].pos.line, 9);
  EXPECT_EQ(m.schedule[0].pos.column, 13);
  EXPECT_EQ(m.schedule[1].at, 45 * kNanosPerSecond);
  EXPECT_EQ(m.schedule[1].replicas, 0);
  EXPECT_FALSE(m.autoscaler.enabled);
  // Without either key: no changes, no autoscaler.
  s = Parse(Minimal());
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_TRUE(s->models[0].schedule.empty());
  EXPECT_FALSE(s->models[0].autoscaler.enabled);
}

TEST(ScenarioCapacity, DefaultsTheAutoscalerBoundsToTheModelsReplicas) {
  absl::StatusOr<Scenario> s =
      Parse(Minimal({{8, "replicas = 3\nautoscaler = { min_replicas = 3, max_replicas = 3 }"}}));
  ASSERT_TRUE(s.ok()) << s.status();
  const AutoscalerSpec& a = s->models[0].autoscaler;
  EXPECT_TRUE(a.enabled);
  EXPECT_EQ(a.target_utilisation, 0.7);
  EXPECT_EQ(a.interval, 30 * kNanosPerSecond);
  EXPECT_EQ(a.window, 120 * kNanosPerSecond);
  EXPECT_EQ(a.provisioning_delay, 120 * kNanosPerSecond);
  EXPECT_EQ(a.scale_down_cooldown, 300 * kNanosPerSecond);
  EXPECT_EQ(a.min_replicas, 3);
  EXPECT_EQ(a.max_replicas, 3);
  s = Parse(Minimal({{8, "replicas = 3\nautoscaler = { max_replicas = 8 }"}}));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->models[0].autoscaler.min_replicas, 3);
  EXPECT_EQ(s->models[0].autoscaler.max_replicas, 8);
  s = Parse(Minimal({{8, "replicas = 3\nautoscaler = { min_replicas = 1 }"}}));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->models[0].autoscaler.min_replicas, 1);
  EXPECT_EQ(s->models[0].autoscaler.max_replicas, 3);
}

TEST(ScenarioCapacity, RejectsAScheduleOutOfOrderAndItsBadEntries) {
  std::vector<std::string> errors = ErrorLines(
      Minimal({{8,
                "schedule = [{ at = \"5m\", replicas = 0 }, { at = \"5m\", replicas = 2 }, "
                "{ at = \"1m\", replicas = -1 }, { replicas = 1, when = \"2m\" }]"}}));
  EXPECT_TRUE(
      HasError(errors,
               "s.toml:8:49: error: 'at' in 'schedule' of [[models]]: got \"5m\", not after the "
               "previous entry's at = \"5m\"; expected each 'at' later than the one before"));
  EXPECT_TRUE(HasError(
      errors, "s.toml:8:78: error: 'at' in 'schedule' of [[models]]: got \"1m\", not after",
      {"at = \"5m\""}));
  EXPECT_TRUE(HasError(errors,
                       "s.toml:8:95: error: 'replicas' in 'schedule' of [[models]]: got -1; "
                       "expected an integer from 0 to 1000000"));
  EXPECT_TRUE(
      HasError(errors,
               "s.toml:8:101: error: missing key 'at' in 'schedule' of [[models]]; expected a "
               "duration such as \"30s\""));
  EXPECT_TRUE(HasError(errors,
                       "s.toml:8:117: error: unknown key 'when' in 'schedule' of [[models]]",
                       {"expected one of: at, replicas"}));
  EXPECT_EQ(errors.size(), 5u) << Joined(errors);
  EXPECT_EQ(ErrorLines(Minimal({{8, "schedule = 3"}})),
            std::vector<std::string>{
                "s.toml:8:12: error: 'schedule' in [[models]]: got an integer; expected "
                "an array of tables such as [{ at = \"5m\", replicas = 0 }, { at = "
                "\"8m\", replicas = 2 }]"});
  EXPECT_TRUE(HasError(
      ErrorLines(Minimal({{8, "schedule = [3]"}})),
      "s.toml:8:13: error: element 0 of 'schedule' in [[models]]: got an integer; expected "
      "a table"));
}

// replicas × concurrency must not overflow: each is bounded, everywhere a replica count is written.
TEST(ScenarioCapacity, BoundsReplicasAndConcurrencySoTheirProductNeverOverflows) {
  const std::vector<std::string> lines = ErrorLines(Minimal(
      {{6, "concurrency = 1000000000000"},
       {8, "replicas = 1000000000000\nschedule = [{ at = \"30s\", replicas = 1000001 }]\n"
           "autoscaler = { min_replicas = 2000000, max_replicas = 1000001 }"}}));
  EXPECT_TRUE(HasError(lines, "s.toml:6:15: error: 'concurrency' in [[models]]: got 1000000000000; "
                              "expected an integer from 1 to 1000000000"))
      << Joined(lines);
  EXPECT_TRUE(HasError(lines, "s.toml:8:12: error: 'replicas' in [[models]]: got 1000000000000; "
                              "expected an integer from 0 to 1000000"));
  EXPECT_TRUE(HasError(lines, "s.toml:9:", {"'replicas'", "got 1000001; expected an integer from 0 to 1000000"}));
  EXPECT_TRUE(HasError(lines, "s.toml:10:31: error: 'min_replicas' in 'autoscaler' of [[models]]: got "
                              "2000000; expected an integer from 1 to 1000000"));
  EXPECT_TRUE(HasError(lines, "s.toml:10:55: error: 'max_replicas' in 'autoscaler' of [[models]]: got "
                              "1000001; expected an integer from 1 to 1000000"));
  // At the bounds a model loads, with 10^15 slots.
  const absl::StatusOr<Scenario> largest =
      Parse(Minimal({{6, "concurrency = 1000000000"},
                     {8, "replicas = 1000000\nautoscaler = { min_replicas = 1000000 }"}}));
  ASSERT_TRUE(largest.ok()) << largest.status();
  EXPECT_EQ(largest->models[0].replicas * largest->models[0].concurrency, 1'000'000'000'000'000);
}

TEST(ScenarioCapacity, RejectsAModelThatNeverHasReplicas) {
  const std::string never =
      "s.toml:8:12: error: 'replicas' in [[models]]: model 'llama-70b' has no replicas ever; set "
      "replicas "
      ">= 1, or add a schedule entry that raises it, such as schedule = [{ at = \"1m\", replicas = "
      "1 }]";
  EXPECT_EQ(ErrorLines(Minimal({{8, "replicas = 0"}})), std::vector<std::string>{never});
  // A schedule that keeps it at 0 does not help.
  EXPECT_EQ(ErrorLines(Minimal({{8, "replicas = 0\nschedule = [{ at = \"1m\", replicas = 0 }]"}})),
            std::vector<std::string>{never});
  // A negative count is reported as such, and only once.
  EXPECT_EQ(ErrorLines(Minimal({{8, "replicas = -1"}})),
            std::vector<std::string>{
                "s.toml:8:12: error: 'replicas' in [[models]]: got -1; expected an integer from 0 to 1000000"});
}

TEST(ScenarioCapacity, ChecksTheAutoscalersValues) {
  std::vector<std::string> errors = ErrorLines(
      Minimal({{8,
                "autoscaler = { target_utilisation = 1.5, interval = \"0s\", window = \"-1m\", "
                "provisioning_delay = \"0s\", scale_down_cooldown = 5, min_replicas = 0, "
                "target_utilization = 1 }"}}));
  const std::string at = "' in 'autoscaler' of [[models]]: ";
  EXPECT_TRUE(HasError(errors, "s.toml:8:37: error: 'target_utilisation" + at +
                                   "got 1.5; expected a number in "
                                   "(0, 1]"));
  EXPECT_TRUE(HasError(
      errors, "s.toml:8:53: error: 'interval" + at + "got \"0s\"; expected a duration > 0"));
  EXPECT_TRUE(HasError(errors, "s.toml:8:68: error: 'window" + at + "negative duration \"-1m\""));
  EXPECT_TRUE(HasError(errors,
                       "s.toml:8:124: error: 'scale_down_cooldown" + at + "got the bare number 5",
                       {"write the unit: \"5ms\" or \"5s\""}));
  EXPECT_TRUE(HasError(
      errors, "s.toml:8:142: error: 'min_replicas" + at + "got 0; expected an integer from 1 to 1000000"));
  EXPECT_TRUE(HasError(
      errors,
      "s.toml:8:145: error: unknown key 'target_utilization' in 'autoscaler' of [[models]]; "
      "did you mean 'target_utilisation'?"));
  EXPECT_EQ(errors.size(), 6u) << Joined(errors);  // provisioning_delay = "0s" is valid

  EXPECT_EQ(ErrorLines(Minimal(
                {{8, "replicas = 4\nautoscaler = { min_replicas = 3, max_replicas = 2 }"}})),
            std::vector<std::string>{
                "s.toml:9:49: error: 'max_replicas" + at +
                "got 2, below min_replicas = 3; expected min_replicas <= max_replicas"});
  EXPECT_EQ(
      ErrorLines(Minimal({{8, "replicas = 2\nautoscaler = { min_replicas = 3 }"}})),
      std::vector<std::string>{"s.toml:9:31: error: 'min_replicas" + at +
                               "got 3, above the model's replicas = 2; expected min_replicas <= "
                               "replicas (the count at the start)"});
  // Neither bound: both would be the starting count, and the autoscaler could do nothing.
  EXPECT_EQ(
      ErrorLines(Minimal({{8, "replicas = 3\nautoscaler = { target_utilisation = 0.6 }"}})),
      std::vector<std::string>{
          "s.toml:9:14: error: 'autoscaler' in [[models]]: model 'llama-70b' has an autoscaler "
          "without min_replicas or max_replicas, so both are its replicas = 3 and it can "
          "neither add nor remove one; set max_replicas above 3 to let it scale up, "
          "min_replicas below 3 to let it scale down, or both"});
  // From one replica it can only scale up, and the advice says so.
  EXPECT_EQ(
      ErrorLines(Minimal({{8, "autoscaler = { window = \"1m\" }"}})),
      std::vector<std::string>{
          "s.toml:8:14: error: 'autoscaler' in [[models]]: model 'llama-70b' has an autoscaler "
          "without min_replicas or max_replicas, so both are its replicas = 1 and it can "
          "neither add nor remove one; set max_replicas above 1 to let it scale up"});
  EXPECT_EQ(
      ErrorLines(Minimal({{8, "replicas = 4\nautoscaler = { max_replicas = 2 }"}})),
      std::vector<std::string>{"s.toml:9:31: error: 'max_replicas" + at +
                               "got 2, below the model's replicas = 4; expected max_replicas >= "
                               "replicas (the count at the start)"});
  EXPECT_EQ(ErrorLines(Minimal({{8,
                                 "replicas = 0\nschedule = [{ at = \"1m\", replicas = 2 }]\n"
                                 "autoscaler = { max_replicas = 4 }"}})),
            std::vector<std::string>{"s.toml:10:14: error: 'autoscaler' in [[models]]: model "
                                     "'llama-70b' starts with replicas = 0, "
                                     "but an autoscaler keeps at least min_replicas >= 1; set "
                                     "replicas >= 1 (a schedule entry can "
                                     "still drop it to 0 later)"});
}

}  // namespace
}  // namespace ratesim

// Overrides (`--set dotted.key=value`): scalars, array elements and tables set or created, paths
// that do not exist, and overridden values checked like the file's.
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

TEST(ScenarioOverrides, SetScalarsAndArrayElements) {
  absl::StatusOr<Scenario> s =
      Parse(Minimal(), {"run.seed=7", "run.duration=5m", "models.0.concurrency=16",
                        "orgs.0.traffic.0.rate=2rps", "policies.0.max_wait=10s",
                        "policies.0.name=\"short\"", "run.drain = false"});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->run.seed, 7u);
  EXPECT_EQ(s->run.duration, 300 * kNanosPerSecond);
  EXPECT_FALSE(s->run.drain);
  EXPECT_EQ(s->models[0].concurrency, 16);
  EXPECT_EQ(s->orgs[0].traffic[0].shape.rate_per_s, 2.0);
  EXPECT_EQ(s->policies[0].params.at("max_wait"), 10.0);
  EXPECT_EQ(s->policies[0].label, "short");
}

TEST(ScenarioOverrides, SetTablesAndFormulaParameters) {
  absl::StatusOr<Scenario> s =
      Parse(Minimal({{3, "[limits]"}}),
            {"limits.headroom=3", "models.0.service={ dist = \"exponential\", mean = \"3s\" }"});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->limits.params.at("headroom"), 3.0);
  EXPECT_EQ(s->models[0].service.kind, ServiceTime::Kind::kExponential);
  EXPECT_EQ(s->models[0].service.mean, 3 * kNanosPerSecond);
}

TEST(ScenarioOverrides, CreateATableTheFileLeavesOut) {
  // Minimal() has no [limits]: a sweep over a formula parameter must still work on it.
  absl::StatusOr<Scenario> s = Parse(Minimal(), {"limits.headroom=3", "limits.formula=\"earned\""});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->limits.params.at("headroom"), 3.0);
  // A table no scenario has is created too, and the loader refuses it where the override said it.
  const std::vector<std::string> errors = ErrorLines(Minimal(), {"limitz2.headroom=3"});
  ASSERT_EQ(errors.size(), 1u) << Joined(errors);
  EXPECT_NE(errors[0].find("<--set limitz2.headroom=3>: error:"), std::string::npos) << errors[0];
  EXPECT_NE(errors[0].find("limitz2"), std::string::npos) << errors[0];
}

TEST(ScenarioOverrides, ReportsPathsThatDoNotExist) {
  const std::vector<std::string> errors =
      ErrorLines(Minimal(), {"models.3.concurrency=1", "run2.seed=3", "models.x.concurrency=1",
                             "run.duration.x=1", "noequals", "limits.headrom=3"});
  ASSERT_EQ(errors.size(), 6u) << Joined(errors);
  EXPECT_EQ(errors[0],
            "<--set models.3.concurrency=1>: error: 'models' has 1 element(s); there is no index 3 "
            "(indices "
            "start at 0)");
  EXPECT_EQ(errors[1],
            "<--set run2.seed=3>: error: the scenario has no 'run2' to set 'seed' in; did you mean "
            "'run'?");
  EXPECT_EQ(errors[2],
            "<--set models.x.concurrency=1>: error: 'models' is an array; address an element by "
            "its index, "
            "e.g. models.0");
  EXPECT_EQ(errors[3],
            "<--set run.duration.x=1>: error: 'run.duration' is a string, not a table; it has no "
            "key 'x'");
  EXPECT_EQ(errors[4],
            "<--set noequals>: error: expected dotted.key=value; write e.g. --set run.seed=7");
  // [limits] is created (CreateATableTheFileLeavesOut); the misspelt parameter is the loader's.
  EXPECT_EQ(errors[5],
            "<--set limits.headrom=3>: error: unknown key 'headrom' in [limits]; did you mean "
            "'headroom'?");
}

// A value that starts as a table, an array or a quoted string must be one whole TOML value: read as
// text it would only meet "got a string" further on. An empty value is said to be empty.
TEST(ScenarioOverrides, AnUnfinishedOrMissingValueSaysSo) {
  EXPECT_EQ(ErrorLines(Minimal(), {"policies.0={ type = \"pacing\" "}),
            (std::vector<std::string>{
                "<--set policies.0={ type = \"pacing\" >: error: '{ type = \"pacing\"' is not one "
                "complete TOML value (Error while parsing inline table: encountered end-of-file); "
                "check that its braces, brackets and quotes close, and that nothing follows them "
                "(text that starts so goes in quotes: \"[draft] x\")"}));
  EXPECT_TRUE(HasError(ErrorLines(Minimal(), {"title=\"open"}), "<--set title=\"open>: error: '\"open' is not one complete TOML value"));
  EXPECT_TRUE(HasError(ErrorLines(Minimal(), {"models.0.schedule=[{ at = \"1s\", replicas = 1 }"}),
                       "<--set models.0.schedule=[{ at = \"1s\", replicas = 1 }>: error:",
                       {"is not one complete TOML value"}));
  EXPECT_EQ(ErrorLines(Minimal(), {"limits.headroom="}),
            (std::vector<std::string>{"<--set limits.headroom=>: error: no value after '='; write one "
                                      "after it, as in the scenario file (e.g. limits.headroom=2)"}));
  // Plain text still reads as a string, quotes or not.
  const absl::StatusOr<Scenario> titled = Parse(Minimal(), {"title=it's a test", "run.seed=7"});
  ASSERT_TRUE(titled.ok()) << titled.status();
  EXPECT_EQ(titled->title, "it's a test");
}

TEST(ScenarioOverrides, ChecksOverriddenValuesLikeFileValues) {
  const std::vector<std::string> errors =
      ErrorLines(Minimal({{6, "concurrency = 0"}}),
                 {"policies.0.max_dept=5", "run.seed=-2", "orgs.0.traffic.0.rate=60"});
  ASSERT_EQ(errors.size(), 4u) << Joined(errors);
  // Errors from overrides come first, then the file's.
  EXPECT_EQ(errors[0],
            "<--set run.seed=-2>: error: 'seed' in [run]: got -2; expected an integer >= 0");
  EXPECT_TRUE(HasError(errors,
                       "<--set orgs.0.traffic.0.rate=60>: error: 'rate' in [[orgs.traffic]]: got "
                       "the bare number 60"));
  EXPECT_TRUE(
      HasError(errors,
               "<--set policies.0.max_dept=5>: error: unknown key 'max_dept' in [[policies]]; did "
               "you mean 'max_depth'?"));
  EXPECT_EQ(errors[3],
            "s.toml:6:15: error: 'concurrency' in [[models]]: got 0; expected an integer from 1 to 1000000000");
}

TEST(ScenarioOverrides, SetKeysOfTheNewForms) {
  absl::StatusOr<Scenario> s = Parse(
      Minimal({{8, "autoscaler = { max_replicas = 2 }"},
               {15, "  client = { on_failure = \"backoff\" }"}}),
      {"models.0.autoscaler.max_replicas=4", "models.0.schedule=[{ at = \"30s\", replicas = 2 }]",
       "orgs.0.traffic.0.client.max_attempts=7", "orgs.0.traffic.0.client.max_backoff=2m"});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->models[0].autoscaler.max_replicas, 4);
  ASSERT_EQ(s->models[0].schedule.size(), 1u);
  EXPECT_EQ(s->models[0].schedule[0].at, 30 * kNanosPerSecond);
  EXPECT_EQ(s->orgs[0].traffic[0].client.max_attempts, 7);
  EXPECT_EQ(s->orgs[0].traffic[0].client.max_backoff, 120 * kNanosPerSecond);
  EXPECT_EQ(ErrorLines(Minimal({{8, "autoscaler = { max_replicas = 2 }"}}),
                       {"models.0.autoscaler.max_replicas=0"}),
            std::vector<std::string>{
                "<--set models.0.autoscaler.max_replicas=0>: error: 'max_replicas' in "
                "'autoscaler' of [[models]]: got 0; expected an integer from 1 to 1000000"});
}

}  // namespace
}  // namespace ratesim

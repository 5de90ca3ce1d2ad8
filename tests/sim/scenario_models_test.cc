// A [[models]] entry's service time, and the policy a model may keep of its own.
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

TEST(ScenarioLoader, ChecksServiceTimes) {
  EXPECT_TRUE(HasError(ErrorLines(Minimal({{7, "service = { dist = \"expo\", mean = \"1s\" }"}})),
                       "s.toml:7:20: error: 'dist' in 'service' of [[models]]: unknown service "
                       "time distribution 'expo'",
                       {"constant, exponential, tokens"}));
  const std::vector<std::string> errors = ErrorLines(
      Minimal({{7, "service = { dist = \"tokens\", overhead = \"-1ms\", prefill_tps = 0 }"}}));
  EXPECT_TRUE(HasError(
      errors, "s.toml:7:41: error: 'overhead' in 'service' of [[models]]: negative duration"));
  EXPECT_TRUE(HasError(errors,
                       "s.toml:7:63: error: 'prefill_tps' in 'service' of [[models]]: got 0; "
                       "expected a number > 0"));
  EXPECT_TRUE(
      HasError(errors, "s.toml:7:11: error: missing key 'decode_tps' in 'service' of [[models]]"));
}

TEST(ScenarioModels, AModelMayKeepItsOwnPolicy) {
  absl::StatusOr<Scenario> scenario =
      Parse(Minimal({{7,
                      "service = { dist = \"constant\", mean = \"1s\" }\n"
                      "policy = { type = \"fifo\", name = \"batch\", max_depth = 100000, max_wait "
                      "= \"24h\" }"}}));
  ASSERT_TRUE(scenario.ok()) << scenario.status();
  const PolicySpec& own = scenario->models[0].own_policy;
  EXPECT_EQ(own.type, "fifo");
  EXPECT_EQ(own.label, "batch");
  EXPECT_EQ(own.params.at("max_depth"), 100000);
  EXPECT_EQ(own.params.at("max_wait"), 24 * 3600);
  EXPECT_TRUE(Parse(Minimal()).value().models[0].own_policy.type.empty());
}

TEST(ScenarioModels, AModelsOwnPolicyIsCheckedLikeAnyPolicy) {
  const std::string errors =
      Joined(ErrorLines(Minimal({{7,
                                  "service = { dist = \"constant\", mean = \"1s\" }\n"
                                  "policy = { type = \"fifa\", max_wait = \"1h\" }"}})));
  EXPECT_NE(errors.find("s.toml:8:"), std::string::npos) << errors;
  EXPECT_NE(errors.find("unknown policy type 'fifa'; did you mean 'fifo'?"), std::string::npos)
      << errors;
  const std::string typo =
      Joined(ErrorLines(Minimal({{7,
                                  "service = { dist = \"constant\", mean = \"1s\" }\n"
                                  "policy = { type = \"fifo\", max_wiat = \"1h\" }"}})));
  EXPECT_NE(typo.find("unknown key 'max_wiat' in 'policy' of [[models]]; did you mean 'max_wait'?"),
            std::string::npos)
      << typo;
}

}  // namespace
}  // namespace ratesim

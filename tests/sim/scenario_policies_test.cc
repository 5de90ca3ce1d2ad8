// [[policies]]: an unknown policy type, and a policy's parameters checked against its type.
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

TEST(ScenarioLoader, RejectsAnUnknownPolicyTypeWithoutJudgingItsKeys) {
  const std::vector<std::string> errors =
      ErrorLines(Minimal({{17, "type = \"fifoo\""}}, {"max_depth = 3"}));
  ASSERT_EQ(errors.size(), 1u) << Joined(errors);
  EXPECT_TRUE(
      HasError(errors,
               "s.toml:17:8: error: 'type' in [[policies]]: unknown policy type 'fifoo'; did you "
               "mean 'fifo'? expected one of: ",
               {"none", "fifo"}));
}

TEST(ScenarioLoader, ChecksPolicyParameters) {
  const std::vector<std::string> errors =
      ErrorLines(Minimal({}, {"max_depth = 2.5", "max_wait = \"0s\""}));
  EXPECT_TRUE(HasError(
      errors, "s.toml:18:13: error: 'max_depth' in [[policies]]: got 2.5, not an integer"));
  EXPECT_TRUE(
      HasError(errors,
               "s.toml:19:12: error: 'max_wait' in [[policies]]: got \"0s\"; expected a duration > "
               "0s (max_wait of policy 'fifo'"));
  EXPECT_EQ(errors.size(), 2u) << Joined(errors);
  EXPECT_TRUE(HasError(
      ErrorLines(Minimal({}, {"max_depth = -1"})),
      "s.toml:18:13: error: 'max_depth' in [[policies]]: got -1; expected an integer >= 0"));
}

}  // namespace
}  // namespace ratesim

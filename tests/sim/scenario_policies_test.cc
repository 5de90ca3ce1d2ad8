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

// Another part's parameter is named as such, with the type that takes it, rather than as unknown;
// a key of no part at all is still unknown, with its nearest name.
TEST(ScenarioLoader, AParameterOfAnotherPolicyOrFormulaSaysWhoseItIs) {
  EXPECT_EQ(ErrorLines(Minimal({}, {"max_wait_over = \"1s\""})),
            (std::vector<std::string>{
                "s.toml:18:17: error: 'max_wait_over' in [[policies]]: a parameter of policy "
                "'within_first', not of policy 'fifo'; set type = \"within_first\", or remove it"}));
  EXPECT_EQ(ErrorLines(Minimal({{3, "[limits]\nmultiple = 2"}})),
            (std::vector<std::string>{
                "s.toml:4:12: error: 'multiple' in [limits]: a parameter of limit formula "
                "'peak_window', not of limit formula 'earned'; set formula = \"peak_window\", or "
                "remove it"}));
  const std::vector<std::string> unknown = ErrorLines(Minimal({}, {"max_dept = 3"}));
  EXPECT_TRUE(HasError(unknown, "s.toml:18:1: error: unknown key 'max_dept'", {"did you mean 'max_depth'?"}))
      << Joined(unknown);
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

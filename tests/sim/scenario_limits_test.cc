// [limits]: the limit formula and its parameters, and an org's overrides checked against the
// formula.
#include <string>
#include <vector>

#include "engine/param_spec.h"
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

TEST(ScenarioLoader, ChecksLimitFormulaAndItsParameters) {
  std::vector<std::string> errors =
      ErrorLines(Minimal({{3, "[limits]\nformula = \"earnd\"\nbase_rpm = 0"}}));
  EXPECT_TRUE(
      HasError(errors,
               "s.toml:4:11: error: 'formula' in [limits]: unknown limit formula 'earnd'; did you "
               "mean 'earned'? expected one of: ",
               {"earned", "fixed"}));
  EXPECT_EQ(errors.size(), 1u) << Joined(errors);  // an unknown formula's parameters are not judged
  errors = ErrorLines(Minimal({{3, "[limits]\nhedroom = 3\nbase_rpm = 0\nwindow = 600"}}));
  EXPECT_TRUE(HasError(
      errors, "s.toml:4:1: error: unknown key 'hedroom' in [limits]; did you mean 'headroom'?"));
  EXPECT_TRUE(
      HasError(errors,
               "s.toml:5:12: error: 'base_rpm' in [limits]: got 0; expected a number > 0 (base_rpm "
               "of limit formula 'earned'"));
  EXPECT_TRUE(HasError(errors,
                       "s.toml:6:10: error: 'window' in [limits]: got the bare number 600; write "
                       "the unit: \"600ms\" or \"600s\""));
  EXPECT_EQ(errors.size(), 3u) << Joined(errors);
  errors = ErrorLines(Minimal({{3, "[limits]\nheadroom = 0.5"}}));
  EXPECT_TRUE(HasError(
      errors, "s.toml:4:12: error: 'headroom' in [limits]: got 0.5; expected a number >= 1"));
}

TEST(ScenarioLoader, ChecksOrgLimitOverridesAgainstTheFormula) {
  absl::StatusOr<Scenario> s = Parse(Minimal({{3, "[limits]\nformula = \"fixed\"\nrpm = 30"},
                                              {10, "name = \"acme\"\nlimits = { rpm = 600 }"}}));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->limits.params.at("rpm"), 30.0);
  EXPECT_EQ(s->orgs[0].limit_overrides, (ParamValues{{"rpm", 600.0}}));
  const std::vector<std::string> errors =
      ErrorLines(Minimal({{10, "name = \"acme\"\nlimits = { base_rmp = 5, headroom = 0 }"}}));
  EXPECT_TRUE(HasError(errors,
                       "s.toml:11:12: error: unknown key 'base_rmp' in 'limits' of [[orgs]]; did "
                       "you mean 'base_rpm'?"));
  EXPECT_TRUE(HasError(
      errors,
      "s.toml:11:37: error: 'headroom' in 'limits' of [[orgs]]: got 0; expected a number >= 1"));
  EXPECT_EQ(errors.size(), 2u) << Joined(errors);
}

}  // namespace
}  // namespace ratesim

// What a scenario lacks: required keys, reported at their table; whole sections; and an empty array
// of tables, reported where it was written (in the file or by --set).
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

TEST(ScenarioLoader, ReportsMissingRequiredKeysAtTheirTable) {
  EXPECT_EQ(
      ErrorLines(Minimal({{6, ""}})),
      std::vector<std::string>{
          "s.toml:4:1: error: missing key 'concurrency' in [[models]]; expected an integer from 1 to 1000000000"});
  EXPECT_TRUE(
      HasError(ErrorLines(Minimal({{14, ""}})),
               "s.toml:11:3: error: missing key 'rate' in [[orgs.traffic]]; expected a rate > 0"));
  EXPECT_TRUE(
      HasError(ErrorLines(Minimal({{7, ""}})),
               "s.toml:4:1: error: missing key 'service' in [[models]]; expected a table such as"));
}

TEST(ScenarioLoader, ReportsMissingSections) {
  const std::vector<std::string> errors = ErrorLines("title = \"empty\"\n");
  EXPECT_TRUE(HasError(errors, "s.toml:1:1: error: missing [run]; add [run] with duration"));
  EXPECT_TRUE(HasError(errors, "s.toml:1:1: error: no [[models]]; add at least one"));
  EXPECT_TRUE(HasError(
      errors, "s.toml:1:1: error: no [[orgs]] and no [[traces]]; add at least one [[orgs]]",
      {"or a [[traces]] with a path"}));
  EXPECT_TRUE(HasError(errors, "s.toml:1:1: error: no [[policies]]; add at least one"));
  EXPECT_EQ(errors.size(), 4u) << Joined(errors);
  EXPECT_TRUE(HasError(ErrorLines(Minimal({{11, ""}, {12, ""}, {13, ""}, {14, ""}})),
                       "s.toml:9:1: error: org 'acme' has no [[orgs.traffic]]"));
  EXPECT_TRUE(
      HasError(ErrorLines("models = 3\n" + Minimal({{4, ""}, {5, ""}, {6, ""}, {7, ""}})),
               "s.toml:1:10: error: 'models' in the top-level table: got an integer; expected an "
               "array of tables, written [[models]]"));
}

TEST(ScenarioLoader, ReportsAnEmptyArrayOfTablesWhereItWasWritten) {
  // Not at the top of the file, which after --set still holds the sections the value emptied.
  std::vector<std::string> errors = ErrorLines(Minimal(), {"policies=[]"});
  EXPECT_TRUE(HasError(errors, "<--set policies=[]>: error: no [[policies]]; add at least one"));
  EXPECT_EQ(errors.size(), 1u) << Joined(errors);
  errors = ErrorLines(Minimal(), {"orgs.0.traffic=[]"});
  EXPECT_TRUE(
      HasError(errors, "<--set orgs.0.traffic=[]>: error: org 'acme' has no [[orgs.traffic]]"));
  EXPECT_EQ(errors.size(), 1u) << Joined(errors);
  // In the file, at the empty array.
  errors = ErrorLines("models = []\n" + Minimal({{4, ""}, {5, ""}, {6, ""}, {7, ""}}));
  EXPECT_TRUE(HasError(errors, "s.toml:1:10: error: no [[models]]; add at least one"));
}

}  // namespace
}  // namespace ratesim

// A scenario file that cannot be read or parsed (missing, a directory, TOML syntax, a key of too
// many dotted parts), and every error of a file reported at once, in file order.
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

// `parts` copies of `part` joined by `dot`.
std::string Dotted(const std::string& part, int parts, const std::string& dot = ".") {
  std::string key = part;
  for (int i = 1; i < parts; ++i) key += dot + part;
  return key;
}

TEST(ScenarioLoader, RefusesAKeyOfTooManyDottedPartsBeforeTomlOverflowsTheStack) {
  // toml++ nests a table per part with no bound: 100000 parts used to crash with SIGSEGV.
  std::vector<std::string> errors = ErrorLines(Minimal({{3, "[" + Dotted("b", 100000) + "]"}}));
  ASSERT_EQ(errors.size(), 1u) << Joined(errors);
  EXPECT_EQ(errors[0],
            "s.toml:3:2: error: a key of more than 256 parts joined by dots, where ratesim's keys "
            "have a few (orgs.traffic); correct the key");
  errors = ErrorLines(Minimal({{3, "  " + Dotted("\"q\"", 257, " . ") + " = 1"}}));
  EXPECT_TRUE(HasError(errors, "s.toml:3:3: error: a key of more than 256 parts"));

  // At the limit, and with dots in strings, comments and numbers, the file is read as before.
  errors = ErrorLines(Minimal({{3, Dotted("a", 256) + " = 1"}}));
  EXPECT_TRUE(HasError(errors, "s.toml:3:1: error: unknown key 'a' in [run]")) << Joined(errors);
  errors = ErrorLines(Minimal({{3, "note = \"" + Dotted("a", 1000) + "\" # " + Dotted("b", 1000) +
                                       "\nlist = [" + Dotted("1.5", 300, ", ") + "]"}}));
  EXPECT_TRUE(HasError(errors, "s.toml:3:1: error: unknown key 'note' in [run]")) << Joined(errors);
  EXPECT_TRUE(HasError(errors, "s.toml:4:1: error: unknown key 'list' in [run]")) << Joined(errors);
}

TEST(ScenarioLoader, ReportsEveryErrorInFileOrder) {
  const std::vector<std::string> errors = ErrorLines(
      Minimal({{2, "duration = \"1 minute\""}, {6, "concurrency = 0"}, {14, "  rate = \"0rps\""}},
              {"max_dept = 1"}));
  ASSERT_EQ(errors.size(), 4u) << Joined(errors);
  EXPECT_EQ(errors[0].rfind("s.toml:2:12: error: 'duration'", 0), 0u) << errors[0];
  EXPECT_EQ(errors[1].rfind("s.toml:6:15: error: 'concurrency'", 0), 0u) << errors[1];
  EXPECT_EQ(errors[2].rfind("s.toml:14:10: error: 'rate'", 0), 0u) << errors[2];
  EXPECT_EQ(errors[3].rfind("s.toml:18:1: error: unknown key 'max_dept'", 0), 0u) << errors[3];
}

TEST(ScenarioLoader, ReportsTomlSyntaxErrorsWithTheirPosition) {
  const std::vector<std::string> errors = ErrorLines(Minimal({{6, "concurrency = = 2"}}));
  ASSERT_EQ(errors.size(), 1u) << Joined(errors);
  EXPECT_EQ(errors[0].rfind("s.toml:6:15: error: ", 0), 0u) << errors[0];
}

TEST(ScenarioLoader, ReportsAFileThatCannotBeOpened) {
  absl::StatusOr<Scenario> s = LoadScenarioFile("/nonexistent/dir/missing.toml");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(std::string(s.status().message()).find("'/nonexistent/dir/missing.toml'"),
            std::string::npos);
}

TEST(ScenarioLoader, ReportsADirectoryAsNotAFile) {
  absl::StatusOr<Scenario> s = LoadScenarioFile(std::string(RATESIM_SOURCE_DIR) + "/tests");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(std::string(s.status().message()).find("is a directory"), std::string::npos);
}

}  // namespace
}  // namespace ratesim

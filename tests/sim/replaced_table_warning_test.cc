// A --set or --grid value that replaces a table of the scenario whole: the loader notes the keys
// the file set there that the new table leaves out, and run, compare, validate and sweep warn of
// them (sim/report/replaced_table_warning.h).
#include "sim/report/replaced_table_warning.h"

#include <filesystem>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/cli_fixture.h"
#include "tests/support/minimal_scenario.h"
#include "tests/support/temp_dir.h"

namespace ratesim {
namespace {

using ::testing::HasSubstr;
using testing::Minimal;
using testing::Parse;

// Minimal() with a [limits] table from line 3: formula (line 4), base_rpm (5), headroom (6).
std::string WithLimits() {
  return Minimal({{3, "[limits]\nformula = \"earned\"\nbase_rpm = 120\nheadroom = 3\n"}});
}

TEST(ReplacedTable, NotesTheKeysTheFileSetThatTheNewTableLeavesOut) {
  // window, set by an earlier --set, was not the file's: it is not named.
  const absl::StatusOr<Scenario> s =
      Parse(WithLimits(), {"limits.window=\"5m\"", "limits={ formula = \"earned\" }"});
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->replaced_tables.size(), 1u);
  const ReplacedTable& table = s->replaced_tables[0];
  EXPECT_EQ(table.override_text, "limits={ formula = \"earned\" }");
  EXPECT_EQ(table.at.line, 3);
  ASSERT_EQ(table.dropped.size(), 2u);
  EXPECT_EQ(table.dropped[0].first, "base_rpm");
  EXPECT_EQ(table.dropped[0].second.line, 5);
  EXPECT_EQ(table.dropped[1].first, "headroom");
  EXPECT_EQ(table.dropped[1].second.line, 6);
  // The formula's parameters are the defaults now: what the warning says.
  EXPECT_NE(s->limits.params.at("base_rpm"), 120.0);
  EXPECT_EQ(ReplacedTableWarnings(*s),
            "warning: limits={ formula = \"earned\" } replaces the table at s.toml:3:1 whole, so the "
            "file's base_rpm (line 5) and headroom (line 6) no longer apply; to keep them, write "
            "them in the new table too, or change single keys (limits.<key>=value) instead of the "
            "table\n");
}

TEST(ReplacedTable, OneKeyLeftOutIsNamedInTheSingular) {
  const absl::StatusOr<Scenario> s =
      Parse(WithLimits(), {"limits={ formula = \"earned\", headroom = 2 }"});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_THAT(ReplacedTableWarnings(*s),
              HasSubstr("so the file's base_rpm (line 5) no longer applies; to keep it, write it in "
                        "the new table too"));
}

TEST(ReplacedTable, AnArrayElementReplacedWholeIsNotedToo) {
  // Minimal()'s [[policies]] is fifo; the file's max_wait (line 18) goes with the table.
  const absl::StatusOr<Scenario> s =
      Parse(Minimal({}, {"max_wait = \"30s\""}), {"policies.0={ type = \"pacing\" }"});
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->replaced_tables.size(), 1u);
  EXPECT_EQ(s->replaced_tables[0].at.line, 16);
  ASSERT_EQ(s->replaced_tables[0].dropped.size(), 1u);  // the new table sets type again
  EXPECT_EQ(s->replaced_tables[0].dropped[0].first, "max_wait");
  EXPECT_EQ(s->replaced_tables[0].dropped[0].second.line, 18);
}

TEST(ReplacedTable, NothingIsNotedWhereNoKeyOfTheFileIsLost) {
  const std::vector<std::vector<std::string>> cases = {
      {"limits.headroom=4"},  // one key, not the table
      {"limits={ formula = \"earned\", base_rpm = 60, headroom = 2 }"},  // every key kept
      {"models.0.concurrency=4"},
  };
  for (const std::vector<std::string>& overrides : cases) {
    const absl::StatusOr<Scenario> s = Parse(WithLimits(), overrides);
    ASSERT_TRUE(s.ok()) << s.status();
    EXPECT_TRUE(s->replaced_tables.empty()) << overrides[0];
    EXPECT_EQ(ReplacedTableWarnings(*s), "");
  }
  // A table the file leaves out is made, not replaced.
  const absl::StatusOr<Scenario> s = Parse(Minimal(), {"limits={ formula = \"aimd\" }"});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_TRUE(s->replaced_tables.empty());
}

size_t Occurrences(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

TEST(ReplacedTable, RunAndSweepWarnBeforeTheyRunAndASweepOncePerValue) {
  const std::string dir = testing::TempPath("replaced_table/");
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string path = testing::WriteFile(dir + "s.toml", WithLimits());
  const testing::CliResult run =
      testing::RunRatesim({"run", path, "--set", "limits={ formula = \"aimd\" }", "--out", dir + "run"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.err, HasSubstr("warning: limits={ formula = \"aimd\" } replaces the table at " +
                                 path + ":3:1 whole"));
  const testing::CliResult sweep = testing::RunRatesim(
      {"sweep", path, "--grid", "limits={ formula = \"aimd\" },{ formula = \"earned\" }", "--grid",
       "run.seed=1,2", "--out", dir + "sweep"});
  ASSERT_EQ(sweep.code, 0) << sweep.err;
  // Four points, two grid values of the table: one warning, of the first point, since each value
  // leaves out the same keys of the same table.
  EXPECT_EQ(Occurrences(sweep.err, "replaces the table"), 1u) << sweep.err;
  EXPECT_THAT(sweep.err, HasSubstr("warning: limits={ formula = \"aimd\" } replaces the table"));
  EXPECT_THAT(sweep.err, HasSubstr("(the above from sweep point 0: "));
  // A value that leaves out other keys is another warning.
  const testing::CliResult other = testing::RunRatesim(
      {"sweep", path, "--grid", "limits={ formula = \"aimd\" },{ formula = \"earned\", headroom = 2 }",
       "--out", dir + "other"});
  ASSERT_EQ(other.code, 0) << other.err;
  EXPECT_EQ(Occurrences(other.err, "replaces the table"), 2u) << other.err;
  EXPECT_THAT(other.err, HasSubstr("(the above from sweep point 1: "));
}

}  // namespace
}  // namespace ratesim

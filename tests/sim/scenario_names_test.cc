// Names the loader does not know or already has: unknown keys (with the nearest valid one, or the
// list), an undeclared traffic model, duplicate names, and the edit distance behind the
// suggestions.
#include <optional>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sim/scenario/diagnostics.h"
#include "sim/scenario/scenario_loader.h"
#include "tests/support/minimal_scenario.h"

namespace ratesim {
namespace {

using testing::ErrorLines;
using testing::HasError;
using testing::Joined;
using testing::Minimal;

TEST(ScenarioLoader, SuggestsTheNearestKeyForAMisspeltOne) {
  const std::vector<std::string> errors = ErrorLines(Minimal({}, {"max_dept = 256"}));
  ASSERT_EQ(errors.size(), 1u) << Joined(errors);
  EXPECT_EQ(
      errors[0],
      "s.toml:18:1: error: unknown key 'max_dept' in [[policies]]; did you mean 'max_depth'?");
}

// A misspelt required key is one mistake: told once, by the near miss, not also (and first) as
// the required key missing. A required key that is simply absent is still reported.
TEST(ScenarioLoader, AMisspeltRequiredKeyIsNotAlsoMissing) {
  EXPECT_EQ(ErrorLines(Minimal({{6, "concurency = 2"}})),
            (std::vector<std::string>{"s.toml:6:1: error: unknown key 'concurency' in [[models]]; "
                                      "did you mean 'concurrency'?"}));
  EXPECT_EQ(ErrorLines(Minimal({{14, "  rat = \"60rpm\""}})),
            (std::vector<std::string>{"s.toml:14:3: error: unknown key 'rat' in [[orgs.traffic]]; "
                                      "did you mean 'rate'?"}));
  const std::vector<std::string> absent = ErrorLines(Minimal({{6, ""}}));
  EXPECT_TRUE(HasError(absent, "s.toml:4:1: error: missing key 'concurrency' in [[models]]"))
      << Joined(absent);
}

TEST(ScenarioLoader, ListsValidKeysWhenNoneIsNear) {
  const std::vector<std::string> errors = ErrorLines(Minimal({{3, "colour = 1"}}));
  ASSERT_EQ(errors.size(), 1u) << Joined(errors);
  EXPECT_EQ(errors[0],
            "s.toml:3:1: error: unknown key 'colour' in [run]; expected one of: duration, seed, "
            "resolution, drain, warmup");
}

TEST(ScenarioLoader, ReportsUnknownKeysEverywhere) {
  const std::vector<std::string> errors =
      ErrorLines("titel = \"x\"\n" +
                 Minimal({{3, "seeed = 2"},
                          {7, "service = { dist = \"constant\", mean = \"1s\", meen = 2 }"},
                          {8, "concurency = 2"},
                          {15, "  rat = \"1rps\""}},
                         {"input_tokens = 3"}));
  // One line was prepended, so every position is one line lower than in the listing.
  EXPECT_TRUE(HasError(errors, "s.toml:1:1: error: unknown key 'titel' in the top-level table",
                       {"did you mean 'title'?"}));
  EXPECT_TRUE(HasError(errors, "s.toml:4:1: error: unknown key 'seeed' in [run]",
                       {"did you mean 'seed'?"}));
  EXPECT_TRUE(HasError(errors, "s.toml:8:45: error: unknown key 'meen' in 'service' of [[models]]",
                       {"did you mean 'mean'?"}));
  EXPECT_TRUE(HasError(errors, "s.toml:9:1: error: unknown key 'concurency' in [[models]]",
                       {"did you mean 'concurrency'?"}));
  EXPECT_TRUE(HasError(errors, "s.toml:16:3: error: unknown key 'rat' in [[orgs.traffic]]",
                       {"did you mean 'rate'?"}));
  EXPECT_TRUE(HasError(errors, "s.toml:19:1: error: unknown key 'input_tokens' in [[policies]]"));
  EXPECT_EQ(errors.size(), 6u) << Joined(errors);
}

TEST(ScenarioLoader, RejectsATrafficModelThatIsNotDeclared) {
  const std::vector<std::string> errors = ErrorLines(Minimal({{12, "  model = \"llama-7b\""}}));
  ASSERT_EQ(errors.size(), 1u) << Joined(errors);
  EXPECT_EQ(errors[0],
            "s.toml:12:11: error: 'model' in [[orgs.traffic]]: unknown model 'llama-7b'; did you "
            "mean 'llama-70b'? expected one of: llama-70b");
}

TEST(ScenarioLoader, RejectsDuplicateNames) {
  const std::vector<std::string> errors = ErrorLines(
      Minimal({}, {"[[policies]]", "type = \"fifo\"", "[[models]]", "name = \"llama-70b\"",
                   "concurrency = 1", "service = { dist = \"constant\", mean = \"1s\" }"}));
  EXPECT_TRUE(HasError(errors,
                       "s.toml:19:8: error: 'type' in [[policies]]: duplicate policy label 'fifo', "
                       "first used at line 17",
                       {"its own 'name'"}));
  EXPECT_TRUE(HasError(errors,
                       "s.toml:21:8: error: 'name' in [[models]]: duplicate model name "
                       "'llama-70b', first used at line 5"));
  EXPECT_EQ(errors.size(), 2u) << Joined(errors);
}

TEST(ScenarioDiagnostics, SuggestsOnlyNearNames) {
  using ::ratesim::EditDistance;
  using ::ratesim::NearestName;
  EXPECT_EQ(EditDistance("max_dept", "max_depth"), 1);
  EXPECT_EQ(EditDistance("max_dpeth", "max_depth"), 1);  // a transposition costs 1
  EXPECT_EQ(EditDistance("Rate", "rate"), 0);
  EXPECT_EQ(EditDistance("", "abc"), 3);
  const std::vector<std::string> keys = {"max_depth", "max_wait", "type", "name"};
  EXPECT_EQ(NearestName("max_wiat", keys), "max_wait");
  EXPECT_EQ(NearestName("typ", keys), "type");
  EXPECT_EQ(NearestName("colour", keys), std::nullopt);
  EXPECT_EQ(NearestName("x", {"cv"}), std::nullopt);  // as far as it is long: not a typo
  // distance 4 is within length / 3 for a 12-letter key, but not for an 8-letter one
  EXPECT_EQ(NearestName("growth_per_m", {"growth_per_minute"}), std::nullopt);
  EXPECT_EQ(NearestName("capacity_shar", {"capacity_share"}), "capacity_share");
  // The other form of one word, three edits apart: the name is the candidate's beginning.
  EXPECT_EQ(NearestName("--policy", {"--policies", "--out"}), "--policies");
  EXPECT_EQ(NearestName("--policies", {"--policy", "--out"}), "--policy");
  EXPECT_EQ(NearestName("--pol", {"--policies"}), std::nullopt);  // more than its last letter short
  EXPECT_EQ(NearestName("key", {"keyword"}), std::nullopt);      // too short to be a word's form
}

TEST(ScenarioDiagnostics, BreaksATieTowardTheNameSharingTheLongestPrefix) {
  using ::ratesim::NearestName;
  // ok_rps_10 is one edit from ok_rps_1m and one from ok_rps_10m, and is ok_rps_10m typed short.
  EXPECT_EQ(NearestName("ok_rps_10", {"ok_rps_1m", "ok_rps_10m"}), "ok_rps_10m");
  EXPECT_EQ(NearestName("ok_rps_10", {"ok_rps_10m", "ok_rps_1m"}), "ok_rps_10m");
  EXPECT_EQ(NearestName("ok_tps_1h", {"ok_rps_1h", "ok_tps_1m"}), "ok_tps_1m");
  // Equally near and sharing as long a prefix: the earlier candidate.
  EXPECT_EQ(NearestName("rate_x", {"rate_a", "rate_b"}), "rate_a");
  EXPECT_EQ(NearestName("rate_x", {"rate_b", "rate_a"}), "rate_b");
  // A longer shared prefix never beats a nearer name.
  EXPECT_EQ(NearestName("ok_rps_10", {"ok_rps_10ms", "ok_rps_1m"}), "ok_rps_1m");
}

}  // namespace
}  // namespace ratesim

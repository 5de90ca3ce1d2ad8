// The terminal's per-org table folds an [[orgs]]'s copies into one row: their counts summed, their
// latencies in one histogram; other orgs, and everything but the per-org rows, unchanged.
#include "sim/report/folded_copies.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sim/report/comparison_table.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/simulate/runner.h"
#include "tests/support/tiny_scenario.h"

namespace ratesim {
namespace {

std::vector<RunResult> Runs(const Scenario& scenario) {
  absl::StatusOr<std::vector<RunResult>> runs = RunComparison(scenario, {}, {});
  EXPECT_TRUE(runs.ok()) << runs.status();
  return runs.ok() ? *std::move(runs) : std::vector<RunResult>{};
}

Scenario Tiny(const std::vector<std::string>& overrides) {
  absl::StatusOr<Scenario> scenario = ParseScenario(testing::kTinyScenario, "tiny.toml", overrides);
  EXPECT_TRUE(scenario.ok()) << scenario.status();
  return scenario.ok() ? *std::move(scenario) : Scenario{};
}

TEST(FoldedCopies, NothingToFoldWithoutCopies) {
  const Scenario scenario = Tiny({});
  EXPECT_FALSE(FoldCopies(Runs(scenario), scenario).has_value());
}

TEST(FoldedCopies, SumsTheCopiesIntoOneOrgAndKeepsTheOthers) {
  const Scenario scenario = Tiny({"orgs.1.copies=3"});  // bursty-1, bursty-2, bursty-3
  const std::vector<RunResult> runs = Runs(scenario);
  ASSERT_EQ(runs.size(), 2u);
  const std::optional<std::vector<RunResult>> folded = FoldCopies(runs, scenario);
  ASSERT_TRUE(folded.has_value());
  ASSERT_EQ(folded->size(), runs.size());
  for (size_t p = 0; p < runs.size(); ++p) {
    const RunResult& run = runs[p];
    const RunResult& fold = (*folded)[p];
    SCOPED_TRACE(run.policy);
    EXPECT_EQ(fold.policy, run.policy);
    ASSERT_EQ(fold.org_names.size(), 2u);
    OutcomeCounts copies;
    int64_t copy_latencies = 0;
    for (size_t id = 0; id < run.org_names.size(); ++id) {
      const SliceMetrics& slice = run.metrics.per_org[id];
      if (run.org_names[id] == "steady") {
        const size_t at = fold.org_names[0] == "steady" ? 0 : 1;
        EXPECT_EQ(fold.metrics.per_org[at].counts.ok, slice.counts.ok);
        continue;
      }
      copies.Add(slice.counts);
      copy_latencies += static_cast<int64_t>(slice.latency.Count());
    }
    const size_t row = fold.org_names[0] == "bursty-1..3" ? 0 : 1;
    ASSERT_EQ(fold.org_names[row], "bursty-1..3");
    const SliceMetrics& folded_slice = fold.metrics.per_org[row];
    EXPECT_EQ(folded_slice.counts.offered, copies.offered);
    EXPECT_EQ(folded_slice.counts.ok, copies.ok);
    EXPECT_EQ(folded_slice.counts.r429(), copies.r429());
    EXPECT_EQ(folded_slice.counts.r503, copies.r503);
    EXPECT_EQ(static_cast<int64_t>(folded_slice.latency.Count()), copy_latencies);
    EXPECT_GT(copies.offered, 0);
    // Everything but the orgs is the run's own.
    EXPECT_EQ(fold.metrics.overall.counts.ok, run.metrics.overall.counts.ok);
  }
  const std::string table = ComparisonTable(*folded);
  EXPECT_NE(table.find("bursty-1..3"), std::string::npos) << table;
  EXPECT_EQ(table.find("bursty-2 "), std::string::npos) << table;
}

}  // namespace
}  // namespace ratesim

// The `capacity_share` formula through the whole simulator: an org with its own `limits` table
// (its own formula instance) is split with the others, not beside them.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sim/metrics/run_metrics.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/simulate/runner.h"

namespace ratesim {
namespace {

// Two orgs each sending 30 requests/s to a model that serves 20 (20 slots, 1 s each): about 10
// successes/s each, so demands of 2 × 10 each, which fill the 20 requests/s exactly. The org
// `own` has `own_limits` as its limits table, and so a formula instance of its own.
std::string Scenario(const std::string& own_limits) {
  return R"(title = "two heavy orgs, one with its own limits"
[run]
duration = "2m"
seed = 1
resolution = "10s"

[limits]
formula = "capacity_share"
capacity_share = 1.0
window = "10s"

[[models]]
name = "m"
concurrency = 20
service = { dist = "constant", mean = "1s" }

[[orgs]]
name = "plain"
  [[orgs.traffic]]
  model = "m"
  shape = "constant"
  rate = "30rps"

[[orgs]]
name = "own"
limits = )" + own_limits + R"(
  [[orgs.traffic]]
  model = "m"
  shape = "constant"
  rate = "30rps"

[[policies]]
type = "none"
)";
}

// The orgs' request rates (RPM) at the last sample of the run, by org name.
std::vector<double> FinalRatesRpm(const std::string& own_limits) {
  absl::StatusOr<ratesim::Scenario> scenario = ParseScenario(Scenario(own_limits), "test.toml");
  EXPECT_TRUE(scenario.ok()) << scenario.status();
  if (!scenario.ok()) return {};
  ComparisonOptions keep;
  keep.keep_series = true;
  absl::StatusOr<std::vector<RunResult>> runs = RunComparison(*scenario, {}, keep);
  EXPECT_TRUE(runs.ok()) << runs.status();
  if (!runs.ok()) return {};
  const RunResult& run = runs->front();
  std::vector<double> rates(run.org_names.size(), 0.0);
  for (const SeriesPoint& point : run.metrics.series) {
    if (point.metric == SeriesMetric::kRateRpm) rates.at(point.org) = point.value;
  }
  return rates;
}

TEST(CapacityShareRun, AnOrgWithItsOwnBaseIsSplitWithTheOthers) {
  const std::vector<double> rates = FinalRatesRpm("{ base_rpm = 120 }");
  ASSERT_EQ(rates.size(), 2u);
  // One split of 1200 RPM: about 600 each. (Split apart, each org would be given all 1200.)
  EXPECT_NEAR(rates[0] + rates[1], 1200, 120);
  EXPECT_NEAR(rates[0], rates[1], 60);
}

TEST(CapacityShareRun, AnOrgWithItsOwnShareIsSplitApart) {
  const std::vector<double> rates = FinalRatesRpm("{ share = 0.5 }");
  ASSERT_EQ(rates.size(), 2u);
  // `plain`, alone in its split, is given the whole model; `own` half of it.
  EXPECT_NEAR(rates[0], 1200, 60);
  EXPECT_NEAR(rates[1], 600, 60);
}

}  // namespace
}  // namespace ratesim

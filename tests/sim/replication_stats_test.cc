// Grouping policy-major replications by policy and estimating a metric's mean and 95% half-width
// over them, against a hand computation (report_runs.h).
#include "sim/report/replication_stats.h"

#include <gtest/gtest.h>

#include <vector>

#include "sim/metrics/confidence.h"
#include "sim/metrics/run_metrics.h"
#include "tests/support/report_runs.h"

namespace ratesim {
namespace {

using testing::HalfWidth3;
using testing::ReplicatedRuns;

TEST(ReplicationStats, GroupsPolicyMajorRunsAndEstimatesOverThem) {
  const std::vector<RunResult> runs = ReplicatedRuns();
  const std::vector<PolicyReplications> groups = GroupReplications(runs, 3);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].policy, "fifo");
  EXPECT_EQ(groups[1].runs.at(2), &runs[5]);
  const MeanCi success = Estimate(
      groups[0], [](const RunResult& run) { return SuccessShare(run.metrics.overall.counts); });
  EXPECT_EQ(success.n, 3);
  EXPECT_NEAR(success.mean, 0.94, 1e-12);
  EXPECT_NEAR(success.ci95, HalfWidth3(0.90, 0.95, 0.97), 1e-12);
  EXPECT_NEAR(success.ci95, 0.0895672, 1e-6);  // 4.302653 * 0.0360555 / sqrt(3)
}

}  // namespace
}  // namespace ratesim

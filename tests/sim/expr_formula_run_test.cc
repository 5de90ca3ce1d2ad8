// The `expr` formula through the whole simulator: its restatement of `earned` gives the very same
// run as `earned` (every outcome count, every sampled rate), on traffic that makes the rate grow,
// and fail with both 429 and 503.
#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "sim/scenario/scenario.h"
#include "sim/simulate/runner.h"
#include "tests/support/scenario_builder.h"

namespace ratesim {
namespace {

// One org sending Poisson 4 requests/s, from a base of 1 request/s, to a model of 6 slots and no
// buffer (6 requests/s nominal, all of which one key may get): the rate grows from 1 once the
// ten-minute average of within-rate successes has built up; requests that find no slot fail, with
// 429 when above the rate and 503 within it.
Scenario Growing(LimitSpec limits) {
  Scenario scenario = testing::QueueScenario(/*slots=*/6, /*mean_service_s=*/1.0, /*arrival_rate=*/4.0,
                                             /*duration_s=*/900, testing::Policy("none"), /*seed=*/5);
  limits.params = {{"capacity_share", 1.0}};
  scenario.limits = std::move(limits);
  return scenario;
}

void ExpectSameCounts(const OutcomeCounts& a, const OutcomeCounts& b, const std::string& what) {
  EXPECT_EQ(a.offered, b.offered) << what;
  EXPECT_EQ(a.ok, b.ok) << what;
  EXPECT_EQ(a.r429_request, b.r429_request) << what;
  EXPECT_EQ(a.r429_token, b.r429_token) << what;
  EXPECT_EQ(a.r503, b.r503) << what;
  EXPECT_EQ(a.in_flight, b.in_flight) << what;
}

TEST(ExprFormulaRun, RestatedEarnedGivesTheSameRunAsEarned) {
  LimitSpec earned;
  earned.formula = "earned";
  LimitSpec expr;
  expr.formula = "expr";
  expr.texts = {
      {"requests_per_s",
       "min(rate_rps * 1.5^(elapsed_s/60), max(base_rps, min(ceiling_rps, 2*ok_rps_10m)))"},
      {"tokens_per_s", "min(rate_tps * 1.5^(elapsed_s/60), max(base_tps, min(ceiling_tps, 2*ok_tps_10m)))"},
  };
  const Scenario a = Growing(earned);
  const Scenario b = Growing(expr);
  ComparisonOptions keep;  // the series too: the rates are compared row by row
  keep.keep_series = true;
  absl::StatusOr<std::vector<RunResult>> earned_runs = RunComparison(a, {}, keep);
  absl::StatusOr<std::vector<RunResult>> expr_runs = RunComparison(b, {}, keep);
  ASSERT_TRUE(earned_runs.ok()) << earned_runs.status();
  ASSERT_TRUE(expr_runs.ok()) << expr_runs.status();
  const RunResult* by_earned = &earned_runs->front();
  const RunResult* by_expr = &expr_runs->front();

  const OutcomeCounts& counts = by_earned->metrics.overall.counts;
  ExpectSameCounts(counts, by_expr->metrics.overall.counts, "overall");
  ASSERT_EQ(by_earned->metrics.per_org.size(), by_expr->metrics.per_org.size());
  for (size_t org = 0; org < by_earned->metrics.per_org.size(); ++org) {
    ExpectSameCounts(by_earned->metrics.per_org[org].counts, by_expr->metrics.per_org[org].counts,
                     "org " + by_earned->org_names[org]);
  }
  // The run is not a trivial one: successes, both kinds of failure, and a rate that grew.
  EXPECT_GT(counts.ok, 1000);
  EXPECT_GT(counts.r503, 10);
  EXPECT_GT(counts.r429_request, 300);
  double final_rpm = 0;
  const std::vector<SeriesPoint>& series = by_earned->metrics.series;
  ASSERT_EQ(series.size(), by_expr->metrics.series.size());
  for (size_t i = 0; i < series.size(); ++i) {
    const SeriesPoint& p = series[i];
    const SeriesPoint& q = by_expr->metrics.series[i];
    ASSERT_EQ(p.time, q.time);
    ASSERT_EQ(p.metric, q.metric);
    EXPECT_NEAR(p.value, q.value, 1e-9 * std::max(1.0, std::abs(p.value))) << "series row " << i;
    if (p.metric == SeriesMetric::kRateRpm) final_rpm = p.value;
  }
  EXPECT_GT(final_rpm, 75.0);  // from 60: sustained successes earned a higher rate
}

}  // namespace
}  // namespace ratesim

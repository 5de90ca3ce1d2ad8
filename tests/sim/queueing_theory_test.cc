// The simulator with no limits is a queue; queueing theory says what that queue must do. Each test
// runs independent replications and accepts the simulated mean when it lies within 4 standard errors
// of the theory (a wrong model misses by far more) and within a stated relative bound (so a noisy
// estimate cannot pass by being vague).
#include <cmath>
#include <functional>
#include <vector>

#include "gtest/gtest.h"
#include "sim/simulate/simulation.h"
#include "tests/support/queueing_theory.h"
#include "tests/support/scenario_builder.h"

namespace ratesim {
namespace {

using testing::MmckBlocking;
using testing::MmckMeanWait;
using testing::MmcMeanWait;
using testing::Policy;
using testing::QueueScenario;

constexpr double kForever = 1e9;  // seconds: a buffer that never expires anything

struct Estimate {
  double mean;
  double standard_error;
};

// Mean and standard error over `replications` runs of `scenario` with seeds 1, 2, ...
Estimate Replicate(Scenario scenario, int replications,
                   const std::function<double(const RunMetrics&)>& measure) {
  std::vector<double> values;
  for (int r = 1; r <= replications; ++r) {
    scenario.run.seed = r;
    absl::StatusOr<RunResult> result = Simulate(scenario, scenario.policies[0], r);
    EXPECT_TRUE(result.ok()) << result.status();
    values.push_back(measure(result->metrics));
  }
  double mean = 0.0;
  for (double v : values) mean += v;
  mean /= values.size();
  double variance = 0.0;
  for (double v : values) variance += (v - mean) * (v - mean);
  variance /= (values.size() - 1);
  return {mean, std::sqrt(variance / values.size())};
}

void ExpectAgrees(const Estimate& estimate, double theory, double relative_bound) {
  EXPECT_NEAR(estimate.mean, theory, 4 * estimate.standard_error)
      << "standard error " << estimate.standard_error;
  EXPECT_NEAR(estimate.mean, theory, relative_bound * theory);
}

double MeanWaitSeconds(const RunMetrics& m) { return m.overall.queue_wait.Mean() / 1e9; }

double BlockingProbability(const RunMetrics& m) {
  return static_cast<double>(m.overall.counts.r503) / static_cast<double>(m.overall.counts.offered);
}

TEST(QueueingTheory, MM1MeanWaitMatchesRhoOverMuMinusLambda) {
  const double lambda = 0.5, mu = 1.0;
  const Scenario scenario = QueueScenario(1, 1.0 / mu, lambda, 40000,
                                          Policy("fifo", {{"max_depth", kForever}, {"max_wait", kForever}}));
  const Estimate wait = Replicate(scenario, 8, MeanWaitSeconds);
  ExpectAgrees(wait, (lambda / mu) / (mu - lambda), 0.06);
}

TEST(QueueingTheory, MMcMeanWaitMatchesErlangC) {
  const int c = 8;
  const double lambda = 6.0, mu = 1.0;
  const Scenario scenario = QueueScenario(c, 1.0 / mu, lambda, 10000,
                                          Policy("fifo", {{"max_depth", kForever}, {"max_wait", kForever}}));
  const Estimate wait = Replicate(scenario, 8, MeanWaitSeconds);
  ExpectAgrees(wait, MmcMeanWait(c, lambda, mu), 0.08);
}

TEST(QueueingTheory, MMcKBlockingMatchesTheStationaryDistribution) {
  // The reference model of bench/ and of the Python peers: 8 slots, mean service 1 s, 7 arrivals/s,
  // a FIFO buffer of 4.
  const int c = 8, k = 4;
  const double lambda = 7.0, mu = 1.0;
  const Scenario scenario = QueueScenario(c, 1.0 / mu, lambda, 10000,
                                          Policy("fifo", {{"max_depth", k}, {"max_wait", kForever}}));
  const Estimate blocking = Replicate(scenario, 8, BlockingProbability);
  ExpectAgrees(blocking, MmckBlocking(c, k, lambda / mu), 0.05);
  const Estimate wait = Replicate(scenario, 8, MeanWaitSeconds);
  ExpectAgrees(wait, MmckMeanWait(c, k, lambda, mu), 0.05);
}

TEST(QueueingTheory, NoBufferIsErlangB) {
  const int c = 5;
  const double lambda = 4.0, mu = 1.0;
  const Scenario scenario = QueueScenario(c, 1.0 / mu, lambda, 10000, Policy("none"));
  const Estimate blocking = Replicate(scenario, 8, BlockingProbability);
  ExpectAgrees(blocking, testing::ErlangB(c, lambda / mu), 0.05);
}

TEST(QueueingTheory, LittlesLawHoldsOnTheSimulatedQueue) {
  // On a run that drains, L = λW holds exactly on the sample path: the area under the number buffered
  // is the sum of the waits, and the area under the busy slots is the sum of the service times. Any
  // request lost, double-counted or timed wrong breaks the identity.
  const Scenario scenario = QueueScenario(4, 1.0, 3.6, 20000,
                                          Policy("fifo", {{"max_depth", kForever}, {"max_wait", kForever}}));
  absl::StatusOr<RunResult> result = Simulate(scenario, scenario.policies[0], 1);
  ASSERT_TRUE(result.ok()) << result.status();
  const RunMetrics& m = result->metrics;
  const ModelUsage& usage = m.model_usage[0];
  const double horizon = static_cast<double>(m.end_time);
  const double served = static_cast<double>(m.overall.counts.ok);
  ASSERT_EQ(m.overall.counts.ok, m.overall.counts.offered);
  ASSERT_EQ(usage.started, m.overall.counts.ok);

  const double mean_buffered = usage.buffered_ns / horizon;
  ASSERT_GT(mean_buffered, 1.0);  // the identity says something only if the queue is busy
  const double throughput = served / horizon;  // per ns
  EXPECT_NEAR(mean_buffered, throughput * m.overall.queue_wait.Mean(), 1e-9 * mean_buffered);

  const double mean_service = m.overall.latency.Mean() - m.overall.queue_wait.Mean();
  const double mean_busy = usage.busy_slot_ns / horizon;
  EXPECT_NEAR(mean_busy, throughput * mean_service, 1e-9 * mean_busy);
  EXPECT_NEAR(mean_service / 1e9, 1.0, 0.02);  // and the service times are the ones asked for
}

TEST(QueueingTheory, UtilisationIsOfferedLoadOverSlots) {
  const Scenario scenario = QueueScenario(4, 1.0, 2.0, 20000,
                                          Policy("fifo", {{"max_depth", kForever}, {"max_wait", kForever}}));
  absl::StatusOr<RunResult> result = Simulate(scenario, scenario.policies[0], 3);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_NEAR(result->metrics.model_usage[0].utilisation(), 2.0 / 4.0, 0.02);
}

}  // namespace
}  // namespace ratesim

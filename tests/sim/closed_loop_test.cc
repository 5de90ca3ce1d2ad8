// Closed-loop traffic: N workers, each thinking Z after its last request ended before sending the
// next. With no limits this is the closed queueing network of a delay station (the thinking) and a
// c-server exponential station, which has a product-form solution that does not depend on the
// think time's distribution beyond its mean (BCMP). From it: the throughput X, the interactive
// response time law R = N / X − Z, and Little's law N = X (R + Z) for the whole loop.
#include <cmath>
#include <cstdint>
#include <tuple>
#include <vector>

#include "gtest/gtest.h"
#include "sim/simulate/simulation.h"
#include "tests/support/scenario_builder_more.h"

namespace ratesim {
namespace {

using testing::Estimate;
using testing::Policy;

constexpr double kForever = 1e9;  // seconds: a buffer that never expires anything

// Throughput of N customers cycling between a delay station of mean Z and c exponential servers of
// mean S: P(n at the servers) ∝ Z^(N−n) / (N−n)! × S^n / ∏_{k≤n} min(k, c), X = Σ P(n) min(n, c) / S.
double ClosedNetworkThroughput(int n_workers, int c, double service_s, double think_s) {
  std::vector<double> weight(n_workers + 1);
  double total = 0.0;
  for (int n = 0; n <= n_workers; ++n) {
    double w = 1.0;
    for (int k = 1; k <= n_workers - n; ++k) w *= think_s / k;  // Z^(N−n) / (N−n)!
    for (int k = 1; k <= n; ++k) w *= service_s / std::min(k, c);
    weight[n] = w;
    total += w;
  }
  double x = 0.0;
  for (int n = 0; n <= n_workers; ++n) x += weight[n] / total * std::min(n, c) / service_s;
  return x;
}

Scenario ClosedLoopScenario(int workers, double think_s, int slots, double service_s,
                            double duration_s, PolicySpec policy) {
  Scenario scenario = testing::BareScenario(duration_s, 1, slots,
                                            testing::ExponentialService(service_s), std::move(policy));
  TrafficShape shape;
  shape.kind = TrafficShape::Kind::kClosedLoop;
  shape.workers = workers;
  shape.think_time = FromSeconds(think_s);
  scenario.orgs.push_back(testing::Org("org", {testing::Stream(shape)}));
  return scenario;
}

struct LoopMeasures {
  Estimate throughput;     // requests per second
  Estimate response_time;  // mean latency of served requests, seconds
  std::vector<double> x, r;
};

LoopMeasures Replicate(Scenario scenario, int replications) {
  LoopMeasures m;
  const double duration = ToSeconds(scenario.run.duration);
  for (int seed = 1; seed <= replications; ++seed) {
    scenario.run.seed = seed;
    const RunResult result = testing::RunScenario(scenario);
    const OutcomeCounts& c = result.metrics.overall.counts;
    EXPECT_EQ(c.ok, c.offered) << "no limits and room for every request: all served";
    m.x.push_back(static_cast<double>(c.ok) / duration);
    m.r.push_back(result.metrics.overall.latency.Mean() / 1e9);
  }
  m.throughput = testing::MeanAndStandardError(m.x);
  m.response_time = testing::MeanAndStandardError(m.r);
  return m;
}

void ExpectAgrees(const Estimate& estimate, double theory, double relative_bound) {
  EXPECT_NEAR(estimate.mean, theory, 4 * estimate.standard_error)
      << "standard error " << estimate.standard_error;
  EXPECT_NEAR(estimate.mean, theory, relative_bound * theory);
}

TEST(ClosedLoop, TheoryHelperReducesToTheKnownCases) {
  // c >= N: nobody waits, X = N / (S + Z). Z = 0 and c < N: the servers never idle, X = c / S.
  EXPECT_NEAR(ClosedNetworkThroughput(5, 8, 1.0, 2.0), 5.0 / 3.0, 1e-12);
  EXPECT_NEAR(ClosedNetworkThroughput(7, 3, 0.5, 0.0), 3.0 / 0.5, 1e-12);
}

TEST(ClosedLoop, ThroughputIsWorkersOverServicePlusThinkWhenNobodyWaits) {
  const int n = 5, c = 8;
  const double s = 1.0, z = 2.0;
  const LoopMeasures m =
      Replicate(ClosedLoopScenario(n, z, c, s, 3000, Policy("none")), 8);
  ExpectAgrees(m.throughput, n / (s + z), 0.03);
  // With a slot always free the response time is the service time.
  ExpectAgrees(m.response_time, s, 0.03);
}

TEST(ClosedLoop, ThroughputSaturatesAtSlotsOverServiceWhenWorkersOutnumberSlots) {
  const int n = 10, c = 2;
  const double s = 1.0, z = 1.0;
  const LoopMeasures m = Replicate(
      ClosedLoopScenario(n, z, c, s, 3000,
                         Policy("fifo", {{"max_depth", kForever}, {"max_wait", kForever}})),
      8);
  const double theory = ClosedNetworkThroughput(n, c, s, z);
  EXPECT_LT(theory, c / s);
  EXPECT_GT(theory, 0.99 * c / s);  // ten workers keep two slots busy nearly always
  ExpectAgrees(m.throughput, theory, 0.03);
  // The interactive response time law: R = N / X − Z.
  ExpectAgrees(m.response_time, n / theory - z, 0.03);
}

TEST(ClosedLoop, LittlesLawHoldsForTheWholeLoop) {
  // On each run, the N workers are always either thinking or waiting for a request: N = X (R + Z),
  // up to the cycles cut at the start and end of the run.
  for (const auto& [n, c, z] : {std::tuple{6, 3, 1.5}, std::tuple{4, 8, 0.5}, std::tuple{12, 2, 3.0}}) {
    const LoopMeasures m = Replicate(
        ClosedLoopScenario(n, z, c, 1.0, 3000,
                           Policy("fifo", {{"max_depth", kForever}, {"max_wait", kForever}})),
        3);
    for (size_t i = 0; i < m.x.size(); ++i) {
      EXPECT_NEAR(m.x[i] * (m.r[i] + z), n, 0.01 * n) << "N " << n << ", c " << c << ", run " << i;
    }
  }
}

TEST(ClosedLoop, WorkersSendOnlyBetweenStartAndStop) {
  // Three workers, think 1 s, 1 s constant service on three slots: each sends at start, start + 2 s,
  // ... while before stop: (stop − start) / 2 s requests each.
  Scenario scenario = testing::BareScenario(100, 1, 3, testing::ConstantService(1.0), Policy("none"));
  TrafficShape shape;
  shape.kind = TrafficShape::Kind::kClosedLoop;
  shape.workers = 3;
  shape.think_time = FromSeconds(1);
  shape.start = FromSeconds(10);
  shape.stop = FromSeconds(50);
  scenario.orgs.push_back(testing::Org("org", {testing::Stream(shape)}));
  const RunResult result = testing::RunScenario(scenario);
  EXPECT_EQ(result.metrics.overall.counts.offered, 3 * 20);
  EXPECT_EQ(result.metrics.overall.counts.ok, 3 * 20);
}

TEST(ClosedLoop, AWorkerSendsItsNextRequestAThinkTimeAfterTheLastEnded) {
  // One worker, think 1 s, exponential service: each request arrives exactly 1 s after the previous
  // one ended, and the worker never has two requests out.
  Scenario scenario = ClosedLoopScenario(1, 1.0, 1, 0.7, 200, Policy("none"));
  testing::RecordingObserver observer;
  const RunResult result = testing::RunScenario(scenario, &observer);
  ASSERT_GT(observer.entries.size(), 50u);
  EXPECT_EQ(result.metrics.overall.counts.offered, static_cast<int64_t>(observer.entries.size()));
  Nanos previous_end = -1;
  for (const auto& e : observer.entries) {
    EXPECT_EQ(e.record.arrival, previous_end < 0 ? 0 : previous_end + FromSeconds(1));
    previous_end = e.record.ended;
  }
}

// Stops a run (by throwing out of Simulate) once it is plainly stuck: more attempts ended at one
// instant, or in all, than the scenario could produce if simulated time moved on.
class StallDetector : public AttemptObserver {
 public:
  struct Stalled {
    Nanos at;
    int64_t attempts;
  };
  void OnAttemptEnd(const AttemptRecord& record, const KeyRegistry&) override {
    same_instant_ = record.ended == last_ ? same_instant_ + 1 : 1;
    last_ = record.ended;
    if (same_instant_ > 100'000 || ++total_ > 10'000'000) throw Stalled{last_, total_};
  }

 private:
  Nanos last_ = -1;
  int64_t same_instant_ = 0;
  int64_t total_ = 0;
};

TEST(ClosedLoop, ImmediateFailuresWithNoThinkTimeDoNotStallTheClock) {
  // Two workers with the default think time of 0 on one slot with no buffer: the second worker's
  // request fails at once, and it sends the next one at the same instant, which fails at once, ...
  // Simulated time must still advance (or the scenario be refused): the run has to end. A run that
  // moves on ends a handful of attempts per simulated second: 10 s, two workers, 1 s service.
  Scenario scenario = testing::BareScenario(10, 1, 1, testing::ConstantService(1.0), Policy("none"));
  TrafficShape shape;
  shape.kind = TrafficShape::Kind::kClosedLoop;
  shape.workers = 2;
  scenario.orgs.push_back(testing::Org("org", {testing::Stream(shape)}));
  StallDetector detector;
  SimulationOptions options;
  options.observer = &detector;
  try {
    // Either outcome is fine: a run that ends, or a scenario refused with a reason.
    const absl::StatusOr<RunResult> result = Simulate(scenario, scenario.policies[0], 1, options);
    if (!result.ok()) {
      EXPECT_FALSE(result.status().message().empty());
    }
  } catch (const StallDetector::Stalled& stalled) {
    ADD_FAILURE() << "the run was stuck at " << ToSeconds(stalled.at) << " s after " << stalled.attempts
                  << " attempts: a zero-think worker whose requests fail at once loops at one instant";
  }
}

}  // namespace
}  // namespace ratesim

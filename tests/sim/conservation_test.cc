// Invariants every smoothing policy must keep, run over every registered policy: each offered request
// ends in exactly one outcome (or is counted in flight), slices add up to the whole, the same seed
// gives the same result, and every policy sees the same traffic.
#include <string>
#include <vector>

#include "engine/smoothing_policy.h"
#include "gtest/gtest.h"
#include "sim/simulate/simulation.h"
#include "tests/support/scenario_builder.h"
#include "tests/support/tight_policy_params.h"

namespace ratesim {
namespace {

// Three orgs on one small model: a steady one, a bursty one and a Poisson one, with the default
// `earned` limits, so that every outcome (200, both 429s, 503) occurs.
// Buffer parameters tight enough that buffered requests expire and overflow, whatever the policy.
ParamValues TightParams(const std::string& policy) { return testing::BufferParams(policy, 10, 2.0); }

Scenario MixedScenario(const std::string& policy, bool drain) {
  Scenario scenario =
      testing::QueueScenario(4, 0.5, 1.0, 300, testing::Policy(policy, TightParams(policy)));
  scenario.run.drain = drain;
  scenario.run.resolution = 7 * kNanosPerSecond;  // not a divisor of the duration, on purpose
  scenario.limits.formula = "earned";
  scenario.limits.params = {};
  scenario.models[0].service.kind = ServiceTime::Kind::kConstant;

  TrafficSpec bursts = scenario.orgs[0].traffic[0];
  bursts.shape = TrafficShape{};
  bursts.shape.kind = TrafficShape::Kind::kBursts;
  bursts.shape.burst_count = 40;
  bursts.shape.burst_window = kNanosPerSecond;
  bursts.shape.burst_period = 30 * kNanosPerSecond;
  bursts.input_tokens = TokenCount{TokenCount::Kind::kLognormal, 2000, 1.0, 1, 100000};
  OrgSpec bursty;
  bursty.name = "bursty";
  bursty.traffic = {bursts};

  TrafficSpec steady = scenario.orgs[0].traffic[0];
  steady.shape = TrafficShape{};
  steady.shape.kind = TrafficShape::Kind::kConstant;
  steady.shape.rate_per_s = 1.0;
  OrgSpec steady_org;
  steady_org.name = "steady";
  steady_org.traffic = {steady};

  scenario.orgs.push_back(bursty);
  scenario.orgs.push_back(steady_org);
  return scenario;
}

RunResult RunOnce(const Scenario& scenario) {
  SimulationOptions options;
  options.keep_series = true;
  absl::StatusOr<RunResult> result =
      Simulate(scenario, scenario.policies[0], scenario.run.seed, options);
  EXPECT_TRUE(result.ok()) << result.status();
  return *std::move(result);
}

void ExpectConserved(const OutcomeCounts& c) {
  EXPECT_EQ(c.offered, c.ok + c.r429_request + c.r429_token + c.r503 + c.in_flight);
  EXPECT_GE(c.ok, 0);
  EXPECT_GE(c.in_flight, 0);
}

class EveryPolicy : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryPolicy, EveryRequestEndsInExactlyOneOutcome) {
  for (bool drain : {true, false}) {
    const RunResult result = RunOnce(MixedScenario(GetParam(), drain));
    const RunMetrics& m = result.metrics;
    ExpectConserved(m.overall.counts);
    OutcomeCounts orgs, models;
    for (const SliceMetrics& slice : m.per_org) {
      ExpectConserved(slice.counts);
      orgs.Add(slice.counts);
    }
    for (const SliceMetrics& slice : m.per_model) {
      ExpectConserved(slice.counts);
      models.Add(slice.counts);
    }
    for (const OutcomeCounts& sum : {orgs, models}) {
      EXPECT_EQ(sum.offered, m.overall.counts.offered);
      EXPECT_EQ(sum.ok, m.overall.counts.ok);
      EXPECT_EQ(sum.r429(), m.overall.counts.r429());
      EXPECT_EQ(sum.r503, m.overall.counts.r503);
    }
    EXPECT_EQ(static_cast<int64_t>(m.overall.latency.Count()), m.overall.counts.ok);
    if (drain) {
      EXPECT_EQ(m.overall.counts.in_flight, 0);
    }
    // The mixed traffic overloads the model: the check covers failures, not just successes.
    EXPECT_GT(m.overall.counts.r429() + m.overall.counts.r503, 0);
    EXPECT_GT(m.overall.counts.ok, 0);
  }
}

TEST_P(EveryPolicy, SameSeedGivesIdenticalResults) {
  const Scenario scenario = MixedScenario(GetParam(), true);
  const RunResult a = RunOnce(scenario);
  const RunResult b = RunOnce(scenario);
  EXPECT_EQ(a.metrics.end_time, b.metrics.end_time);
  EXPECT_EQ(a.metrics.overall.counts.ok, b.metrics.overall.counts.ok);
  EXPECT_EQ(a.metrics.overall.latency.Quantile(0.99), b.metrics.overall.latency.Quantile(0.99));
  EXPECT_EQ(a.metrics.overall.latency.Mean(), b.metrics.overall.latency.Mean());
  ASSERT_EQ(a.metrics.series.size(), b.metrics.series.size());
  for (size_t i = 0; i < a.metrics.series.size(); ++i) {
    EXPECT_EQ(a.metrics.series[i].time, b.metrics.series[i].time);
    EXPECT_EQ(a.metrics.series[i].value, b.metrics.series[i].value) << "row " << i;
  }
  Scenario other_seed = scenario;
  other_seed.run.seed = scenario.run.seed + 1;
  const RunResult c = RunOnce(other_seed);
  bool any_difference = c.metrics.series.size() != a.metrics.series.size();
  for (size_t i = 0; !any_difference && i < a.metrics.series.size(); ++i) {
    any_difference = a.metrics.series[i].value != c.metrics.series[i].value;
  }
  EXPECT_TRUE(any_difference) << "another seed should give other traffic";
}

INSTANTIATE_TEST_SUITE_P(Policies, EveryPolicy, ::testing::ValuesIn([] {
                           std::vector<std::string> names;
                           for (const PolicyInfo& info : Policies()) names.push_back(info.name);
                           return names;
                         }()));

TEST(CommonRandomNumbers, EveryPolicySeesTheSameOfferedTraffic) {
  std::vector<int64_t> first;
  for (const PolicyInfo& info : Policies()) {
    const RunResult result = RunOnce(MixedScenario(info.name, true));
    std::vector<int64_t> offered;
    for (const SliceMetrics& slice : result.metrics.per_org) offered.push_back(slice.counts.offered);
    if (first.empty()) {
      first = offered;
    } else {
      EXPECT_EQ(offered, first) << info.name;
    }
  }
  EXPECT_GT(first.size(), 1u);
}

}  // namespace
}  // namespace ratesim

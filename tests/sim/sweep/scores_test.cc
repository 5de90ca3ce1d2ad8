// Tests for the sweep's scores: the steady / spiking classes, and every score of a
// run computed by hand on a run built in code.
#include "sim/sweep/scores.h"

#include <gtest/gtest.h>

#include "sim/scenario/org_class.h"

namespace ratesim {
namespace {

TrafficSpec Stream(TrafficShape::Kind kind) {
  TrafficSpec traffic;
  traffic.model = "m";
  traffic.shape.kind = kind;
  return traffic;
}

OrgSpec Org(const std::string& name, std::vector<TrafficShape::Kind> kinds) {
  OrgSpec org;
  org.name = name;
  for (TrafficShape::Kind kind : kinds) org.traffic.push_back(Stream(kind));
  return org;
}

TEST(OrgClass, SteadyShapesMakeASteadyOrg) {
  using K = TrafficShape::Kind;
  for (K kind : {K::kConstant, K::kPoisson, K::kDiurnal, K::kClosedLoop}) {
    EXPECT_EQ(ClassifyOrg(Org("o", {kind})), OrgClass::kSteady) << static_cast<int>(kind);
  }
  EXPECT_EQ(ClassifyOrg(Org("o", {K::kConstant, K::kPoisson})), OrgClass::kSteady);
}

TEST(OrgClass, AnySpikingStreamMakesASpikingOrg) {
  using K = TrafficShape::Kind;
  for (K kind : {K::kBursts, K::kOnOff, K::kStep, K::kRamp}) {
    EXPECT_EQ(ClassifyOrg(Org("o", {kind})), OrgClass::kSpiking) << static_cast<int>(kind);
  }
  EXPECT_EQ(ClassifyOrg(Org("o", {K::kConstant, K::kBursts})), OrgClass::kSpiking);
}

TEST(OrgClass, AnOrgWithoutStreamsOrUndeclaredIsUnclassified) {
  Scenario scenario;
  scenario.orgs.push_back(Org("limits-only", {}));
  EXPECT_EQ(ClassifyOrgNamed(scenario, "limits-only"), OrgClass::kUnclassified);
  EXPECT_EQ(ClassifyOrgNamed(scenario, "from-a-trace"), OrgClass::kUnclassified);
}

OutcomeCounts Counts(int64_t ok, int64_t r429_request, int64_t r429_token, int64_t r503,
                     int64_t in_flight = 0) {
  OutcomeCounts counts;
  counts.ok = ok;
  counts.r429_request = r429_request;
  counts.r429_token = r429_token;
  counts.r503 = r503;
  counts.in_flight = in_flight;
  counts.offered = ok + r429_request + r429_token + r503 + in_flight;
  return counts;
}

// Five orgs on one model: two steady, one spiking, one only in a trace, one steady that finished
// nothing.
struct ScoredScenario {
  Scenario scenario;
  RunResult run{
      "fifo", 1, {"steady1", "steady2", "bursty", "traced", "idle"}, {"m"}, RunMetrics(5, 1)};

  ScoredScenario() {
    using K = TrafficShape::Kind;
    scenario.orgs = {Org("steady1", {K::kConstant}), Org("steady2", {K::kPoisson}),
                     Org("bursty", {K::kBursts}), Org("idle", {K::kConstant})};
    std::vector<SliceMetrics>& orgs = run.metrics.per_org;
    orgs[0].counts = Counts(90, 0, 0, 10);   // 0.9
    orgs[1].counts = Counts(40, 10, 0, 0);   // 0.8
    orgs[2].counts = Counts(20, 25, 5, 0);   // 0.4, 30 of 50 are 429
    orgs[3].counts = Counts(0, 0, 0, 10);    // 0.0
    orgs[4].counts = Counts(0, 0, 0, 0, 5);  // nothing finished
    for (const SliceMetrics& org : orgs) run.metrics.overall.counts.Add(org.counts);
    run.metrics.model_usage[0].busy_slot_ns = 30.0;
    run.metrics.model_usage[0].slot_ns = 100.0;
  }
};

TEST(ScoreRun, ComputesEveryScoreAsWorkedByHand) {
  ScoredScenario s;
  const RunScores scores = ScoreRun(s.scenario, s.run);
  // Pooled over steady1, steady2 and idle: (90 + 40 + 0) / (100 + 50 + 0).
  ASSERT_TRUE(scores.steady_success.has_value());
  EXPECT_DOUBLE_EQ(*scores.steady_success, 130.0 / 150.0);
  // The worst steady org: steady2's 0.8 (idle finished nothing; bursty is not steady).
  ASSERT_TRUE(scores.steady_worst_success.has_value());
  EXPECT_DOUBLE_EQ(*scores.steady_worst_success, 0.8);
  ASSERT_TRUE(scores.spiking_429_share.has_value());
  EXPECT_DOUBLE_EQ(*scores.spiking_429_share, 30.0 / 50.0);
  EXPECT_DOUBLE_EQ(scores.utilisation, 0.3);
  // Jain over 0.9, 0.8, 0.4, 0.0 (idle finished nothing and is left out): 2.1² / (4 × 1.61).
  ASSERT_TRUE(scores.fairness.has_value());
  EXPECT_DOUBLE_EQ(*scores.fairness, 2.1 * 2.1 / (4 * 1.61));
  // No schedule, no outage.
  EXPECT_FALSE(scores.recovery_s.has_value());
  EXPECT_FALSE(scores.spiral.has_value());
}

TEST(ScoreRun, LeavesAClassScoreOutWhenTheScenarioHasNoSuchOrg) {
  ScoredScenario s;
  s.scenario.orgs.erase(s.scenario.orgs.begin() + 2);  // bursty becomes undeclared: unclassified
  const RunScores scores = ScoreRun(s.scenario, s.run);
  EXPECT_FALSE(scores.spiking_429_share.has_value());
  EXPECT_TRUE(scores.steady_success.has_value());
  // Fairness still counts every org with finished requests, classified or not.
  EXPECT_DOUBLE_EQ(*scores.fairness, 2.1 * 2.1 / (4 * 1.61));
}

TEST(ScoreRun, JudgesRecoveryOnTheModelThatWentDown) {
  ScoredScenario s;
  ModelSpec model;
  model.name = "m";
  model.replicas = 2;
  model.schedule = {{20 * kNanosPerSecond, 0, {}}, {30 * kNanosPerSecond, 2, {}}};
  s.scenario.models = {model};
  s.scenario.run.duration = 40 * kNanosPerSecond;  // the traffic's end; later intervals are a drain
  // Intervals of 10 s: 100% before, nothing served during (all 503), 100% from 30 s on: no 429s
  // before the drop or after the restore.
  auto add = [&](Nanos end, double ok, double failed) {
    s.run.metrics.series.push_back({end, SeriesMetric::kOk, 0, 0, ok});
    s.run.metrics.series.push_back({end, SeriesMetric::kRejected503, 0, 0, failed});
  };
  add(10 * kNanosPerSecond, 10, 0);
  add(20 * kNanosPerSecond, 10, 0);
  add(30 * kNanosPerSecond, 0, 10);
  add(40 * kNanosPerSecond, 10, 0);
  const RunScores scores = ScoreRun(s.scenario, s.run);
  ASSERT_TRUE(scores.recovery_s.has_value());
  EXPECT_DOUBLE_EQ(*scores.recovery_s, 10.0);
  // The series stops long before the 10-minute horizon, but it recovered: no spiral.
  ASSERT_TRUE(scores.spiral.has_value());
  EXPECT_FALSE(*scores.spiral);
}

}  // namespace
}  // namespace ratesim

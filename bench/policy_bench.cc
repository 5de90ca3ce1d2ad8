// BM_PolicyThroughput/<policy>: every registered smoothing policy on one fixed overloaded many-org
// workload (bench/scenarios/policy_overload.toml with its org copied 200 times), end to end through
// the simulator, reporting simulated requests per wall second as `req_per_s`.
#include <string>

#include "benchmark/benchmark.h"
#include "engine/smoothing_policy.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/simulate/simulation.h"

namespace ratesim {
namespace {

constexpr int kOrgs = 200;

absl::StatusOr<Scenario> Workload() {
  absl::StatusOr<Scenario> scenario =
      LoadScenarioFile(std::string(RATESIM_SOURCE_DIR) + "/bench/scenarios/policy_overload.toml");
  if (!scenario.ok()) return scenario;
  const OrgSpec template_org = scenario->orgs.front();
  scenario->orgs.clear();
  for (int i = 0; i < kOrgs; ++i) {
    OrgSpec org = template_org;
    org.name = "org-" + std::to_string(i);
    // Spread the bursts over the ten-minute cycle so they do not all land at once.
    for (TrafficSpec& traffic : org.traffic) {
      if (traffic.shape.kind == TrafficShape::Kind::kBursts) {
        traffic.shape.start = traffic.shape.burst_period * i / kOrgs;
      }
    }
    scenario->orgs.push_back(org);
  }
  return scenario;
}

void BM_PolicyThroughput(benchmark::State& state, const std::string& policy_name) {
  absl::StatusOr<Scenario> scenario = Workload();
  if (!scenario.ok()) {
    state.SkipWithError(std::string(scenario.status().message()).c_str());
    return;
  }
  PolicySpec policy;
  policy.label = policy.type = policy_name;
  int64_t requests = 0;
  for (auto _ : state) {
    absl::StatusOr<RunResult> result = Simulate(*scenario, policy, scenario->run.seed);
    if (!result.ok()) {
      state.SkipWithError(std::string(result.status().message()).c_str());
      return;
    }
    requests += result->metrics.overall.counts.offered + result->metrics.overall.counts.retries;
    benchmark::DoNotOptimize(result);
  }
  state.counters["req_per_s"] =
      benchmark::Counter(static_cast<double>(requests), benchmark::Counter::kIsRate);
}

// One benchmark per registered policy, so a new policy is measured without touching this file.
const bool kRegistered = [] {
  for (const PolicyInfo& info : Policies()) {
    benchmark::RegisterBenchmark(("BM_PolicyThroughput/" + info.name).c_str(), BM_PolicyThroughput,
                                 info.name)
        ->Unit(benchmark::kMillisecond);
  }
  return true;
}();

}  // namespace
}  // namespace ratesim

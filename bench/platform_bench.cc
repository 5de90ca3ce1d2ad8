// BM_SimulatePlatform: a large platform (10,000 orgs over 20 models, one simulated hour) through the
// whole simulator, reporting simulated requests per wall second and the process's peak resident
// memory.
#include <sys/resource.h>

#include <string>

#include "benchmark/benchmark.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/simulate/simulation.h"

namespace ratesim {
namespace {

constexpr int kModels = 20;
constexpr int kOrgs = 10000;
constexpr int kModelsPerOrg = 2;

// bench/scenarios/platform.toml's templates copied out: model i is the template named model-i; org
// i is template i % 3, sending to two models chosen from its number, its bursts phased by its number.
absl::StatusOr<Scenario> Platform() {
  absl::StatusOr<Scenario> scenario =
      LoadScenarioFile(std::string(RATESIM_SOURCE_DIR) + "/bench/scenarios/platform.toml");
  if (!scenario.ok()) return scenario;
  const ModelSpec model_template = scenario->models.front();
  const std::vector<OrgSpec> org_templates = scenario->orgs;
  scenario->models.clear();
  for (int i = 0; i < kModels; ++i) {
    ModelSpec model = model_template;
    model.name = "model-" + std::to_string(i);
    scenario->models.push_back(model);
  }
  scenario->orgs.clear();
  for (int i = 0; i < kOrgs; ++i) {
    const OrgSpec& kind = org_templates[i % org_templates.size()];
    OrgSpec org;
    org.name = kind.name + "-" + std::to_string(i);
    for (int m = 0; m < kModelsPerOrg; ++m) {
      TrafficSpec traffic = kind.traffic.front();
      traffic.model = "model-" + std::to_string((i * 7 + m * 11) % kModels);
      traffic.shape.start = traffic.shape.burst_period * (i % 97) / 97;
      org.traffic.push_back(traffic);
    }
    scenario->orgs.push_back(org);
  }
  return scenario;
}

double PeakRssMegabytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports kilobytes
}

void BM_SimulatePlatform(benchmark::State& state) {
  absl::StatusOr<Scenario> scenario = Platform();
  if (!scenario.ok()) {
    state.SkipWithError(std::string(scenario.status().message()).c_str());
    return;
  }
  int64_t requests = 0;
  for (auto _ : state) {
    absl::StatusOr<RunResult> result = Simulate(*scenario, scenario->policies[0], scenario->run.seed);
    if (!result.ok()) {
      state.SkipWithError(std::string(result.status().message()).c_str());
      return;
    }
    requests += result->metrics.overall.counts.offered;
    benchmark::DoNotOptimize(result);
  }
  state.counters["req_per_s"] =
      benchmark::Counter(static_cast<double>(requests), benchmark::Counter::kIsRate);
  state.counters["peak_rss_mb"] = PeakRssMegabytes();
}
BENCHMARK(BM_SimulatePlatform)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
}  // namespace ratesim

// BM_SimulatePlatform/<minutes>/<series>: a large platform (10,000 orgs over 20 models) simulated
// for <minutes> (60: the scenario's hour) through the whole simulator, reporting simulated requests
// per wall second and the process's peak resident memory. With <series> = 1 the time series is
// formatted as timeseries.csv rows (to /dev/null) as the run goes, as `ratesim run --out` does;
// with 0 no series is built. Peak memory is the process's: run one benchmark per process
// (--benchmark_filter=BM_SimulatePlatform/60/1/) to read it for one configuration.
#include <sys/resource.h>

#include <fstream>
#include <string>

#include "benchmark/benchmark.h"
#include "sim/report/timeseries_csv.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/simulate/simulation.h"

namespace ratesim {
namespace {

constexpr int kModels = 20;
constexpr int kOrgs = 10000;
constexpr int kModelsPerOrg = 2;

// bench/scenarios/platform.toml's templates copied out: model i is the template named model-i; org
// i is template i % 3, sending to two models chosen from its number, its bursts phased by its number.
absl::StatusOr<Scenario> Platform(int64_t minutes) {
  absl::StatusOr<Scenario> scenario =
      LoadScenarioFile(std::string(RATESIM_SOURCE_DIR) + "/bench/scenarios/platform.toml",
                       {"run.duration=" + std::to_string(minutes) + "m"});
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

// The rows of timeseries.csv, formatted and thrown away.
class DiscardedCsv : public SeriesSink {
 public:
  DiscardedCsv() : out_("/dev/null"), rows_("fifo", -1, out_) {}
  void OnInterval(const std::vector<SeriesPoint>& points, const KeyRegistry& names) override {
    if (!named_) {
      std::vector<std::string> orgs;
      std::vector<std::string> models;
      for (OrgId org = 0; org < names.org_count(); ++org) orgs.emplace_back(names.org_name(org));
      for (ModelId model = 0; model < names.model_count(); ++model) {
        models.emplace_back(names.model_name(model));
      }
      rows_.SetNames(orgs, models);
      named_ = true;
    }
    rows_.Write(points);
  }

 private:
  std::ofstream out_;
  TimeseriesCsvRows rows_;
  bool named_ = false;
};

void BM_SimulatePlatform(benchmark::State& state) {
  absl::StatusOr<Scenario> scenario = Platform(state.range(0));
  if (!scenario.ok()) {
    state.SkipWithError(std::string(scenario.status().message()).c_str());
    return;
  }
  int64_t requests = 0;
  for (auto _ : state) {
    DiscardedCsv csv;
    SimulationOptions options;
    if (state.range(1) == 1) options.series = &csv;
    absl::StatusOr<RunResult> result =
        Simulate(*scenario, scenario->policies[0], scenario->run.seed, options);
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
BENCHMARK(BM_SimulatePlatform)
    ->ArgsProduct({{15, 60, 240}, {0, 1}})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

}  // namespace
}  // namespace ratesim

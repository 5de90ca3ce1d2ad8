// Memory per idle key and per in-flight request (issue 5: at most 128 and 256 bytes). Each
// benchmark runs once and reports heap bytes, not time: glibc's bytes in use (mallinfo2: small
// chunks plus mmapped ones) and the engine's own mappings (HugePageBytesInUse), measured around what
// is being counted, so allocator overhead and vector slack are included, as they are in a process's
// memory.
//
//   BM_IdleKeys/<keys>/<models>: an Engine with the default formula (`earned`) gets <keys> keys:
//     <keys> / <models> orgs (names "org-<i>"), each on every one of <models> models, and nothing
//     else happens. bytes_per_key = the heap growth / keys: the engine's key state, its formula
//     words and the registry's names and maps. <models> = 1 is the worst case, an org per key.
//   BM_SimulatorKeys/<keys>/<models>: the simulator's own per-key state on top (the metrics
//     recorder's per-key counters and per-org slices, no time series), measured by building a
//     MetricsRecorder over such an engine.
//   BM_InFlight/<requests>/<slots>: bench/scenarios/in_flight.toml, <requests> arriving within the
//     first second and all still in flight when the run stops; with <slots> = 0 every request holds
//     a slot (a completion event each), with 1 all but one wait in the fifo buffer (a deadline each).
//     The heap is read at the run's last time-series sample, when every request is in flight; the
//     same run with 1,024 requests is the baseline. bytes_per_request = the difference / the extra
//     requests. Powers of two, so that doubling vectors are exactly full in both runs.
#include <malloc.h>

#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "engine/engine.h"
#include "engine/huge_page_allocator.h"
#include "engine/limit_formula.h"
#include "engine/smoothing_policy.h"
#include "fmt/format.h"
#include "sim/metrics/recorder.h"
#include "sim/metrics/series_sink.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/simulate/simulation.h"

namespace ratesim {
namespace {

// Bytes the process has taken from malloc and not freed, plus the engine's large arrays, which are
// mappings of their own (HugePageAllocator).
int64_t HeapInUse() {
  const struct mallinfo2 info = mallinfo2();
  return static_cast<int64_t>(info.uordblks + info.hblkhd + HugePageBytesInUse());
}

// An engine with `keys` keys of the default formula: keys / models orgs ("org-<i>"), each on every
// one of `models` models.
std::unique_ptr<Engine> EngineWithKeys(int64_t keys, int64_t models) {
  auto engine = std::make_unique<Engine>();
  std::vector<ModelId> ids;
  for (int64_t m = 0; m < models; ++m) {
    ids.push_back(engine->AddModel(fmt::format("model-{}", m), 64, ModelCapacity{100.0, 100000.0},
                                   *MakePolicy("fifo", {})));
  }
  const FormulaId formula = engine->AddFormula(*MakeFormula("earned", {}));
  engine->Reserve(static_cast<size_t>(keys / models), static_cast<size_t>(keys));
  for (int64_t i = 0; i < keys / models; ++i) {
    const std::string org = fmt::format("org-{}", i);
    for (const ModelId model : ids) engine->AddKey(org, model, formula, 0);
  }
  return engine;
}

void BM_IdleKeys(benchmark::State& state) {
  const int64_t keys = state.range(0);
  const int64_t models = state.range(1);
  for (auto _ : state) {
    const int64_t before = HeapInUse();
    std::unique_ptr<Engine> engine = EngineWithKeys(keys, models);
    const int64_t after = HeapInUse();
    state.counters["bytes_per_key"] =
        static_cast<double>(after - before) / static_cast<double>(keys);
    benchmark::DoNotOptimize(engine);
  }
}
BENCHMARK(BM_IdleKeys)
    ->Args({1000000, 1})
    ->Args({1000000, 10})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

void BM_SimulatorKeys(benchmark::State& state) {
  const int64_t keys = state.range(0);
  const int64_t models = state.range(1);
  for (auto _ : state) {
    std::unique_ptr<Engine> engine = EngineWithKeys(keys, models);
    const int64_t before = HeapInUse();
    auto recorder = std::make_unique<MetricsRecorder>(*engine);
    const int64_t after = HeapInUse();
    state.counters["recorder_bytes_per_key"] =
        static_cast<double>(after - before) / static_cast<double>(keys);
    benchmark::DoNotOptimize(recorder);
  }
}
BENCHMARK(BM_SimulatorKeys)
    ->Args({1000000, 1})
    ->Args({1000000, 10})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

// Reads the heap at each interval's end; the run's last one is when everything is in flight.
class HeapProbe : public SeriesSink {
 public:
  void OnInterval(const std::vector<SeriesPoint>& /*points*/, const KeyRegistry& /*names*/) override {
    heap = HeapInUse();
  }
  int64_t heap = 0;
};

// The heap in use while `requests` are in flight (see the banner); -1 on error.
int64_t HeapWithInFlight(int64_t requests, bool buffered, std::string* error) {
  absl::StatusOr<Scenario> scenario = LoadScenarioFile(
      std::string(RATESIM_SOURCE_DIR) + "/bench/scenarios/in_flight.toml",
      {fmt::format("orgs.0.traffic.0.rate={}rps", requests),
       fmt::format("models.0.concurrency={}", buffered ? 1 : requests)});
  if (!scenario.ok()) {
    *error = std::string(scenario.status().message());
    return -1;
  }
  HeapProbe probe;
  SimulationOptions options;
  options.series = &probe;
  absl::StatusOr<RunResult> result =
      Simulate(*scenario, scenario->policies[0], scenario->run.seed, options);
  if (!result.ok()) {
    *error = std::string(result.status().message());
    return -1;
  }
  if (result->metrics.overall.counts.in_flight != requests) {
    *error = fmt::format("{} in flight, not {}", result->metrics.overall.counts.in_flight, requests);
    return -1;
  }
  return probe.heap;
}

void BM_InFlight(benchmark::State& state) {
  constexpr int64_t kBaseline = 1024;
  const int64_t requests = state.range(0);
  const bool buffered = state.range(1) == 1;
  for (auto _ : state) {
    std::string error;
    const int64_t base = HeapWithInFlight(kBaseline, buffered, &error);
    const int64_t full = base < 0 ? -1 : HeapWithInFlight(requests, buffered, &error);
    if (full < 0) {
      state.SkipWithError(error.c_str());
      return;
    }
    state.counters["bytes_per_request"] =
        static_cast<double>(full - base) / static_cast<double>(requests - kBaseline);
  }
}
BENCHMARK(BM_InFlight)
    ->Args({1 << 20, 0})
    ->Args({1 << 20, 1})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace ratesim

// The simulator end to end and its future-event list.
#include <string>

#include "benchmark/benchmark.h"
#include "sim/des/event_queue.h"
#include "sim/des/random.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/simulate/simulation.h"

namespace ratesim {
namespace {

// The classic hold model: pop the earliest event, push one at now + an exponential delay, with
// `pending` events always in the queue.
void BM_EventQueueHold(benchmark::State& state) {
  const size_t pending = static_cast<size_t>(state.range(0));
  Rng rng = Rng::ForStream(7, pending);
  EventQueue queue;
  queue.Reserve(pending + 1);
  for (size_t i = 0; i < pending; ++i) queue.Push(static_cast<Nanos>(rng.Exponential(1e9)), 0, 0, i);
  for (auto _ : state) {
    const Event event = queue.Pop();
    queue.Push(event.time + static_cast<Nanos>(rng.Exponential(1e9)), 0, 0, event.b);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EventQueueHold)->Arg(100)->Arg(10000)->Arg(1000000);

// bench/scenarios/mmck.toml, the Python peers' reference model, through the whole simulator.
void BM_SimulateMMcK(benchmark::State& state) {
  absl::StatusOr<Scenario> scenario =
      LoadScenarioFile(std::string(RATESIM_SOURCE_DIR) + "/bench/scenarios/mmck.toml");
  if (!scenario.ok()) {
    state.SkipWithError(std::string(scenario.status().message()).c_str());
    return;
  }
  int64_t requests = 0;
  for (auto _ : state) {
    absl::StatusOr<RunResult> result = Simulate(*scenario, scenario->policies[0], scenario->run.seed);
    requests += result->metrics.overall.counts.offered;
    benchmark::DoNotOptimize(result);
  }
  state.counters["req_per_s"] =
      benchmark::Counter(static_cast<double>(requests), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SimulateMMcK)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace ratesim

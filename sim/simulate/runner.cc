#include "sim/simulate/runner.h"

#include <algorithm>
#include <thread>

#include "fmt/format.h"
#include "fmt/ranges.h"
#include "sim/simulate/cancellation.h"
#include "sim/simulate/replication.h"
#include "sim/simulate/simulation.h"

namespace ratesim {

absl::StatusOr<RunResult> RunPolicy(const Scenario& scenario, const PolicySpec& policy) {
  return Simulate(scenario, policy, scenario.run.seed);
}

absl::StatusOr<std::vector<RunResult>> RunComparison(const Scenario& scenario,
                                                     const std::vector<std::string>& labels,
                                                     const ComparisonOptions& options) {
  if (options.replications < 1) {
    return absl::InvalidArgumentError(
        fmt::format("replications must be 1 or more, got {}", options.replications));
  }
  std::vector<const PolicySpec*> chosen;
  if (labels.empty()) {
    for (const PolicySpec& policy : scenario.policies) chosen.push_back(&policy);
  }
  for (const std::string& label : labels) {
    auto it = std::find_if(scenario.policies.begin(), scenario.policies.end(),
                           [&](const PolicySpec& p) { return p.label == label; });
    if (it == scenario.policies.end()) {
      std::vector<std::string> known;
      for (const PolicySpec& policy : scenario.policies) known.push_back(policy.label);
      return absl::InvalidArgumentError(fmt::format("no policy '{}' in {}; it has: {}", label,
                                                    scenario.path, fmt::join(known, ", ")));
    }
    chosen.push_back(&*it);
  }

  // Runs are independent: each owns its engine, generators, metrics and observer. Run i is
  // replication i % replications of policy i / replications. Worker w takes runs w, w + workers,
  // ...; results land in their own slots, so the output is the same for any count.
  const int replications = options.replications;
  const std::vector<uint64_t> seeds = ReplicationSeeds(scenario.run.seed, replications);
  const size_t runs = chosen.size() * static_cast<size_t>(replications);
  if (runs == 0) return std::vector<RunResult>();
  std::vector<absl::StatusOr<RunResult>> results(runs, absl::UnknownError("not run"));
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int workers = static_cast<int>(
      std::min<size_t>(static_cast<size_t>(options.threads > 0 ? options.threads : cores), runs));
  auto work = [&](int worker) {
    for (size_t i = worker; i < runs; i += workers) {
      // After a cancellation the runs left are not even started (nor their output parts opened).
      if (CancellationRequested()) {
        results[i] = CancelledStatus();
        continue;
      }
      const size_t policy = i / replications;
      const int replication = static_cast<int>(i % replications);
      std::unique_ptr<AttemptObserver> observer;
      if (options.observers) observer = options.observers(policy, replication);
      std::unique_ptr<SeriesSink> series;
      if (options.series) series = options.series(policy, replication);
      const RunProgress::Run tracked(options.progress, scenario.run.duration);
      SimulationOptions simulation;
      simulation.observer = observer.get();
      simulation.series = series.get();
      simulation.keep_series = options.keep_series;
      simulation.summarise_rates = options.summarise_rates;
      simulation.progress = tracked.clock();
      results[i] = Simulate(scenario, *chosen[policy], seeds[replication], simulation);
    }
  };
  std::vector<std::thread> pool;
  for (int w = 1; w < workers; ++w) pool.emplace_back(work, w);
  work(0);
  for (std::thread& thread : pool) thread.join();

  std::vector<RunResult> out;
  out.reserve(runs);
  for (absl::StatusOr<RunResult>& result : results) {
    if (!result.ok()) return result.status();
    out.push_back(*std::move(result));
  }
  return out;
}

absl::StatusOr<std::vector<RunResult>> RunComparison(const Scenario& scenario,
                                                     const std::vector<std::string>& labels,
                                                     int threads) {
  ComparisonOptions options;
  options.threads = threads;
  return RunComparison(scenario, labels, options);
}

}  // namespace ratesim

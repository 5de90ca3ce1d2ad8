// Runs a scenario through the simulator: one policy, or a comparison of several on identical traffic
// (common random numbers: every policy sees the same arrivals, token counts and service times),
// each as one or more replications (replication.h).
#ifndef RATESIM_SIM_SIMULATE_RUNNER_H_
#define RATESIM_SIM_SIMULATE_RUNNER_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/metrics/run_metrics.h"
#include "sim/metrics/series_sink.h"
#include "sim/scenario/scenario.h"
#include "sim/simulate/attempt_record.h"
#include "sim/simulate/run_progress.h"

namespace ratesim {

// Makes the observer of one run, given the index of its policy among those run and its
// replication; called on the run's thread just before the run starts, and the observer is destroyed
// on that thread when the run ends. Called concurrently for distinct runs: must be thread-safe.
// May return null (no observer for that run).
using ObserverFactory =
    std::function<std::unique_ptr<AttemptObserver>(size_t policy, int replication)>;

// Makes the time-series sink of one run, like ObserverFactory (same threads, same lifetime).
using SeriesSinkFactory =
    std::function<std::unique_ptr<SeriesSink>(size_t policy, int replication)>;

struct ComparisonOptions {
  // Changes behaviour.
  int replications = 1;  // runs per policy, >= 1; replication r uses ReplicationSeed(seed, r)
  ObserverFactory observers;  // default (empty): no observers, no cost
  SeriesSinkFactory series;   // default (empty): no sinks
  bool keep_series = false;   // keep each run's whole series in its metrics (SimulationOptions)
  bool summarise_rates = false;  // summarise each run's keys' rates (SimulationOptions)

  // Changes performance only: the results are identical for every value.
  int threads = 0;  // runs at once; 0: one per core
  // Told of every run as it starts, goes and ends, for a progress line. Not owned; null: none.
  RunProgress* progress = nullptr;
};

// One run of `scenario` under `policy` with scenario.run.seed. Fails (InvalidArgument) only for what
// the scenario loader validates, when a Scenario was built by hand.
absl::StatusOr<RunResult> RunPolicy(const Scenario& scenario, const PolicySpec& policy);

// Every policy named in `labels` (all of scenario.policies, in file order, when empty), each on the
// identical traffic, `options.replications` times. Results are policy-major, in the order asked:
// result[p * replications + r] is replication r of policy p, and its `seed` says which seed it ran
// with. All the runs (policies x replications) share up to `options.threads` threads; the results
// do not depend on how many. Fails (InvalidArgument) on a label the scenario lacks, naming the
// labels it has, or on replications < 1; otherwise with the first failed run's error, in result
// order. After a cancellation (cancellation.h) every run stops soon and it returns CancelledStatus().
absl::StatusOr<std::vector<RunResult>> RunComparison(const Scenario& scenario,
                                                     const std::vector<std::string>& labels,
                                                     const ComparisonOptions& options);

// The same, one replication each, on up to `threads` threads (0: one per core).
absl::StatusOr<std::vector<RunResult>> RunComparison(const Scenario& scenario,
                                                     const std::vector<std::string>& labels,
                                                     int threads = 0);

}  // namespace ratesim

#endif  // RATESIM_SIM_SIMULATE_RUNNER_H_

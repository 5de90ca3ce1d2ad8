// One discrete-event run: the scenario's traffic through an engine under one policy, from time 0 to
// the scenario's duration (and on until the last request ends, when the run drains).
//
// Events are ordered by int64 nanoseconds, ties by the order they were scheduled, so the same
// scenario, policy and seed always produce the same result. Each traffic stream draws from its own
// generator (seed, stream index), so every policy sees identical requests.
#ifndef RATESIM_SIM_SIMULATE_SIMULATION_H_
#define RATESIM_SIM_SIMULATE_SIMULATION_H_

#include <atomic>
#include <cstdint>

#include "absl/status/statusor.h"
#include "sim/metrics/run_metrics.h"
#include "sim/metrics/series_sink.h"
#include "sim/scenario/scenario.h"
#include "sim/simulate/attempt_record.h"

namespace ratesim {

struct SimulationOptions {
  // Receives every ended attempt (the per-request audit). Not owned; null: no audit, no cost.
  AttemptObserver* observer = nullptr;
  // Receives the time series, one interval at a time. Not owned; null: no sink.
  SeriesSink* series = nullptr;
  // Also keeps the whole series in the result's metrics.series (memory then grows with the run's
  // duration: for tests and small runs). With neither a sink nor this, no series is built at all.
  bool keep_series = false;
  // Also summarises each key's dynamic rate over the run's traffic (RunMetrics::rates), at the
  // series' sample times whether or not a series is built: a rate look-up per key per interval.
  bool summarise_rates = false;
  // Where the run publishes its simulated time for a progress line (run_progress.h): a relaxed
  // store every 4096 events, at the cancellation check. Not owned; null: nowhere. No result
  // depends on it.
  std::atomic<Nanos>* progress = nullptr;
};

// REQUIRES: `policy` is one of scenario.policies or built like them. Fails (InvalidArgument) on what
// the scenario loader validates, and on a malformed trace row (naming file and line); returns
// CancelledStatus() soon after RequestCancellation (cancellation.h), at once if it came before.
absl::StatusOr<RunResult> Simulate(const Scenario& scenario, const PolicySpec& policy, uint64_t seed,
                                   const SimulationOptions& options = {});

}  // namespace ratesim

#endif  // RATESIM_SIM_SIMULATE_SIMULATION_H_

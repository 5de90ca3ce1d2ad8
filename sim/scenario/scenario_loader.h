// Reading a scenario file into the Scenario model: parse, apply --set overrides, validate everything,
// and either return the whole scenario or every error found, each with its file:line:column.
//
// The file format (durations "250us" ... "1h", rates "60rpm" / "2.5rps"):
//   title = "..."                                  optional
//   [run]      duration (required), seed = 1, resolution = "10s", drain = true,
//              warmup = "0s" (< duration: the first part, left out of the results)
//   [limits]   formula = "earned", and that formula's parameters (optional table)
//   [[models]] name, replicas = 1 (0 only if the schedule raises it later), concurrency,
//              service = { dist = constant|exponential, mean } or { dist = "tokens", overhead,
//              prefill_tps, decode_tps },
//              schedule = [{ at, replicas }, ...] (`at` strictly increasing, replicas >= 0),
//              autoscaler = { target_utilisation = 0.7, interval = "30s", window = "2m",
//              provisioning_delay = "2m", min_replicas = replicas, max_replicas = max(min, replicas),
//              scale_down_cooldown = "5m" } (present: enabled; min <= replicas <= max)
//   [[orgs]]   name, limits = { <formula parameter overrides> }, and [[orgs.traffic]]: model, shape =
//                constant|poisson (rate) | bursts (count, window, every) |
//                ramp (from, to, over, arrivals = "poisson") | step (rate, to, at, arrivals = "even") |
//                onoff (rate, on, off, arrivals = "even") |
//                diurnal (rate, amplitude = 0.5, period = "24h", phase = "0s", arrivals = "poisson") |
//                closed (workers, think = "0s"),
//              start, stop, input_tokens, max_output_tokens, output_tokens (integers or
//              { dist = "lognormal", mean, cv, min, max }), client (below)
//   [[traces]] path (CSV, relative to the scenario file's folder; see trace_reader.h),
//              max_output_tokens = 0, client (below)
//   client = { on_failure = "give_up"|"backoff"|"honor_reset", max_attempts = 1 for give_up else 5,
//              base_backoff = "1s", multiplier = 2.0, max_backoff = "60s", jitter = 1.0 }
//   [[policies]] type, name = type, and that policy's parameters
// At least one [[orgs]] or [[traces]] is required.
// tests/data/scenarios/ holds complete examples.
#ifndef RATESIM_SIM_SCENARIO_SCENARIO_LOADER_H_
#define RATESIM_SIM_SCENARIO_SCENARIO_LOADER_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/scenario/scenario.h"

namespace ratesim {

// Reads and validates the scenario file at `path`. `overrides` are "dotted.key=value" strings from
// --set (`run.seed=7`, `models.0.concurrency=16`, `run.duration=5m`), applied before validation.
// Fails with NotFound if the file cannot be read, else as ParseScenario. With `censuses`, the traces'
// censuses come from it and are kept in it, for loading many scenarios on the same traces.
absl::StatusOr<Scenario> LoadScenarioFile(const std::string& path,
                                          const std::vector<std::string>& overrides = {},
                                          TraceCensusCache* censuses = nullptr);

// Same from text; `path` is used in messages, stored in Scenario::path, and locates a [[traces]]
// path written relative. Fails with InvalidArgument whose message lists every error, one per line,
// each "<path>:<line>:<column>: error: <what is wrong>; <what to do>" ("<--set key=value>: error:
// ..." for an error in an override's value or path). A TOML syntax error stops reading and is the
// only one. Then, if the rest is valid, takes each trace's census as TakeTraceCensuses does.
absl::StatusOr<Scenario> ParseScenario(std::string_view text, std::string_view path,
                                       const std::vector<std::string>& overrides = {},
                                       TraceCensusCache* censuses = nullptr);

// Reads every trace of `scenario` that has no census yet, or the census of another path (its path
// changed in code), once per file (trace_census.h), or takes it from `censuses`: what a scenario
// built in code rather than loaded must call before it runs. Fails at the first trace error, with
// the trace reader's message (its file, line and column), or with CancelledStatus().
absl::Status TakeTraceCensuses(Scenario& scenario, TraceCensusCache* censuses = nullptr);

}  // namespace ratesim

#endif  // RATESIM_SIM_SCENARIO_SCENARIO_LOADER_H_

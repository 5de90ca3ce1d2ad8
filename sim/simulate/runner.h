// Runs a scenario through the simulator: one policy, or a comparison of several on identical traffic
// (common random numbers: every policy sees the same arrivals, token counts and service times).
#ifndef RATESIM_SIM_SIMULATE_RUNNER_H_
#define RATESIM_SIM_SIMULATE_RUNNER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/metrics/run_metrics.h"
#include "sim/scenario/scenario.h"

namespace ratesim {

// One run of `scenario` under `policy` with scenario.run.seed. Fails (InvalidArgument) only for what
// the scenario loader validates, when a Scenario was built by hand.
absl::StatusOr<RunResult> RunPolicy(const Scenario& scenario, const PolicySpec& policy);

// Every policy named in `labels` (all of scenario.policies, in file order, when empty), each on the
// identical traffic, results in the order asked. Runs use up to `threads` threads (0: one per
// core); the results do not depend on it. Fails (InvalidArgument) on a label the scenario lacks,
// naming the labels it has.
absl::StatusOr<std::vector<RunResult>> RunComparison(const Scenario& scenario,
                                                     const std::vector<std::string>& labels,
                                                     int threads = 0);

}  // namespace ratesim

#endif  // RATESIM_SIM_SIMULATE_RUNNER_H_

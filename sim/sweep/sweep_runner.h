// Plans and runs a sweep: loads and checks every point's scenario (so that a bad grid value fails
// before anything runs, in every shard alike), then runs the points a shard owns, each point's
// policies on identical traffic with the given replications (runner.h), on up to `jobs` threads.
#ifndef RATESIM_SIM_SWEEP_SWEEP_RUNNER_H_
#define RATESIM_SIM_SWEEP_SWEEP_RUNNER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/scenario/scenario.h"
#include "sim/simulate/run_progress.h"
#include "sim/sweep/shard.h"
#include "sim/sweep/sweep_definition.h"
#include "sim/sweep/sweep_rows.h"

namespace ratesim {

struct SweepRequest {
  std::vector<std::string> scenario_paths;  // at least one
  std::vector<GridAxis> grid;               // passed CheckGrid
  std::vector<std::string> overrides;       // --set key=value
  std::string seed;                         // --seed, digits; empty: the scenarios' own
  std::vector<std::string> policies;        // --policies labels; empty: each scenario's own
  std::string org;                          // --org; empty: rows judge all traffic
  int replications = 1;                     // >= 1
};

struct SweepPlan {
  SweepDefinition definition;
  ShardSpec shard;
  std::vector<size_t> points;       // the points this shard runs, increasing
  std::vector<Scenario> scenarios;  // scenarios[i] is point points[i], overrides applied
};

// Fails with NotFound when a scenario file cannot be read, InvalidArgument when a point's scenario
// does not load (the loader's positioned errors, then which point it was), naming the first such
// point.
absl::StatusOr<SweepPlan> PlanSweep(const SweepRequest& request, const ShardSpec& shard = {});

// Every run of `plan`'s points (policies x replications each) and their summed durations in
// seconds: what a RunProgress for RunSweep counts.
size_t SweepRuns(const SweepPlan& plan);
double SweepSeconds(const SweepPlan& plan);

// Runs every point of `plan` on up to `jobs` threads (0: one per core), each point's runs on the
// thread that took it, telling `progress` of them (null: nothing). The rows, in point order, do not
// depend on `jobs` (nor on `progress`). Fails with the first failed point's error, in point order.
absl::StatusOr<std::vector<PointRows>> RunSweep(const SweepPlan& plan, int jobs,
                                                RunProgress* progress = nullptr);

}  // namespace ratesim

#endif  // RATESIM_SIM_SWEEP_SWEEP_RUNNER_H_

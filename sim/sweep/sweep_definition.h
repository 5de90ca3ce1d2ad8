// What a sweep is, independent of how it is run: the scenario files and the trace files they
// replay (each with a hash of its bytes), the grid, the fixed overrides, the seed and the
// replications, and the version of ratesim. Two runs with equal definitions compute the same rows,
// so shards of one sweep carry its definition and its fingerprint, and `ratesim merge` only
// combines shards whose fingerprints agree.
//
// Points are numbered scenario-major: point p is grid point p % G (grid.h) of scenario p / G,
// where G = GridPointCount(grid).
#ifndef RATESIM_SIM_SWEEP_SWEEP_DEFINITION_H_
#define RATESIM_SIM_SWEEP_SWEEP_DEFINITION_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/report/run_metadata.h"  // HashedFile
#include "sim/sweep/grid.h"

namespace ratesim {

// A scenario file; its path as given on the command line.
using SweepScenario = HashedFile;
// A [[traces]] file some point replays; its path resolved as the simulator opens it
// (TraceSpec::path). The simulator reads it as the run goes, so its bytes are as much an input as
// the scenario file's, yet neither the scenario's text nor its path shows them.
using SweepTrace = HashedFile;

struct SweepDefinition {
  std::string version;                   // Version() of the binary that ran it
  std::vector<SweepScenario> scenarios;  // SCENARIO, then --scenarios, in order
  std::vector<SweepTrace> traces;        // of every point, each once, in order of first use
  std::vector<GridAxis> grid;            // in --grid order
  std::vector<std::string> overrides;    // --set key=value, applied to every point before the grid
  std::string seed;                      // --seed as given; empty: each scenario's own seed
  // --policies, in order: the policies every point runs (policy_choice.h); empty: each scenario's
  // own.
  std::vector<std::string> policies;
  // --org: the org whose outcomes every row reports (MakePointRows); empty: all traffic's.
  std::string org;
  int replications = 1;

  size_t grid_points() const { return GridPointCount(grid); }
  size_t points() const { return scenarios.size() * grid_points(); }
  size_t scenario_of(size_t point) const { return point / grid_points(); }
  std::vector<std::string> values_of(size_t point) const {
    return GridPointValues(grid, point % grid_points());
  }
  // The overrides that make point `point` from its scenario file: --set, then run.seed=<seed>,
  // then one key=value per grid axis (so the grid wins).
  std::vector<std::string> overrides_of(size_t point) const;
  // Point `point`'s grid values for a person: "limits.window=60, models.0.concurrency=2" (or "no
  // grid values").
  std::string describe(size_t point) const;
};

// A canonical text of every field, one per line with lengths before strings, so that distinct
// definitions give distinct texts.
std::string CanonicalText(const SweepDefinition& definition);

// FNV-1a 64 of CanonicalText, as 16 lowercase hex digits.
std::string Fingerprint(const SweepDefinition& definition);

bool operator==(const SweepDefinition& a, const SweepDefinition& b);

}  // namespace ratesim

#endif  // RATESIM_SIM_SWEEP_SWEEP_DEFINITION_H_

// run.json: what produced a set of results, so that results can be matched to their inputs: the
// scenario file (path, title, a content hash), the seed, the duration, the version of ratesim, the
// policies run, the replications and their seeds, the overrides and the command line.
#ifndef RATESIM_SIM_REPORT_RUN_METADATA_H_
#define RATESIM_SIM_REPORT_RUN_METADATA_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/time.h"
#include "sim/scenario/scenario.h"

namespace ratesim {

struct RunMetadata {
  std::string scenario_path;
  std::string scenario_title;
  uint64_t scenario_fnv1a64 = 0;  // FNV-1a 64 of the scenario file's bytes
  uint64_t seed = 0;              // after overrides
  int replications = 1;           // runs per policy
  std::vector<uint64_t> seeds;    // of replication 0, 1, ...; seeds[0] == seed
  Nanos duration = 0;             // after overrides
  std::vector<std::string> policies;      // labels, in run order
  std::vector<std::string> overrides;     // the --set key=value pairs, in order
  std::vector<std::string> command_line;  // argv, unmodified
};

// The metadata of running `policies` of `scenario` `replications` times each (with the seeds of
// replication.h), hashing the file at scenario.path. Fails (with the path and the system's reason)
// when that file cannot be read.
absl::StatusOr<RunMetadata> DescribeRun(const Scenario& scenario, std::vector<std::string> policies,
                                        std::vector<std::string> overrides,
                                        std::vector<std::string> command_line,
                                        int replications = 1);

// The run.json text: {"version", "scenario": {"path", "title", "fnv1a64" (16 hex digits)}, "seed",
// "replications", "seeds", "duration_s", "policies", "overrides", "command_line"}. "version" is
// Version().
std::string RunJson(const RunMetadata& metadata);

// 64-bit FNV-1a (offset basis 0xcbf29ce484222325, prime 0x100000001b3).
uint64_t Fnv1a64(std::string_view bytes);

// Fnv1a64 of the bytes of the file at `path`.
absl::StatusOr<uint64_t> HashFile(const std::string& path);

// A hash as every output writes it: 16 lower-case hex digits.
std::string HashText(uint64_t fnv1a64);

}  // namespace ratesim

#endif  // RATESIM_SIM_REPORT_RUN_METADATA_H_

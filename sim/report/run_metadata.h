// run.json: what produced a set of results, so that results can be matched to their inputs: the
// scenario file (path, title, a content hash), the trace files it replays (path, content hash), the
// seed, the duration, the version of ratesim, the policies run, the replications and their seeds,
// the overrides and the command line.
#ifndef RATESIM_SIM_REPORT_RUN_METADATA_H_
#define RATESIM_SIM_REPORT_RUN_METADATA_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/time.h"
#include "sim/scenario/scenario.h"
#include "sim/util/fnv1a64.h"

namespace ratesim {

// A file whose bytes are an input of the results, with their hash.
struct HashedFile {
  std::string path;
  uint64_t fnv1a64 = 0;  // Fnv1a64 of the file's bytes
};

struct RunMetadata {
  std::string scenario_path;
  std::string scenario_title;
  uint64_t scenario_fnv1a64 = 0;  // FNV-1a 64 of the scenario file's bytes
  // The scenario's [[traces]] files, each once, paths as the simulator opens them. It reads a trace
  // as the run goes, so its bytes are as much an input as the scenario file's, yet neither the
  // scenario's text nor its path shows them.
  std::vector<HashedFile> traces;
  uint64_t seed = 0;              // after overrides
  int replications = 1;           // runs per policy
  std::vector<uint64_t> seeds;    // of replication 0, 1, ...; seeds[0] == seed
  Nanos duration = 0;             // after overrides
  Nanos warmup = 0;               // after overrides: RunSpec::warmup
  std::vector<std::string> policies;      // labels, in run order
  std::vector<std::string> overrides;     // the --set key=value pairs, in order
  std::vector<std::string> command_line;  // argv, unmodified
};

// The metadata of running `policies` of `scenario` `replications` times each (with the seeds of
// replication.h), hashing the file at scenario.path and its trace files (AddTraceFiles). Fails
// (with the path and the system's reason) when one of them cannot be read.
absl::StatusOr<RunMetadata> DescribeRun(const Scenario& scenario, std::vector<std::string> policies,
                                        std::vector<std::string> overrides,
                                        std::vector<std::string> command_line,
                                        int replications = 1);

// The run.json text: {"version", "scenario": {"path", "title", "fnv1a64" (16 hex digits)},
// "traces": [{"path", "fnv1a64"}], "seed", "replications", "seeds", "duration_s", "warmup_s",
// "policies", "overrides", "command_line"}. "version" is Version().
std::string RunJson(const RunMetadata& metadata);

// Fnv1a64 of the bytes of the file at `path`.
absl::StatusOr<uint64_t> HashFile(const std::string& path);

// Appends to `files`, with the hash of its bytes, each [[traces]] file of `scenario` that `files`
// does not name yet (run.json's traces; a sweep's, over all its points). The loader has opened them,
// but one may be gone or unreadable by now: that fails with NotFound naming the file and the
// scenario, rather than leaving it out of the record.
absl::Status AddTraceFiles(const Scenario& scenario, std::vector<HashedFile>& files);

// A hash as every output writes it: 16 lower-case hex digits.
std::string HashText(uint64_t fnv1a64);

}  // namespace ratesim

#endif  // RATESIM_SIM_REPORT_RUN_METADATA_H_

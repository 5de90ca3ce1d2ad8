// `ratesim merge`: combines the shard files of one sweep (shard_file.h) into the rows an unsharded
// run computes, for the one writer of sweep_output.h. It refuses, naming the files involved, shards
// of different sweeps (their fingerprints differ; a trace file whose contents differ is named), a
// shard given twice, a missing shard, and a shard file whose points are not exactly the ones its
// shard owns.
#ifndef RATESIM_SIM_SWEEP_MERGE_H_
#define RATESIM_SIM_SWEEP_MERGE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/sweep/shard_file.h"
#include "sim/sweep/sweep_definition.h"
#include "sim/sweep/sweep_rows.h"

namespace ratesim {

struct MergedSweep {
  SweepDefinition definition;
  std::vector<PointRows> points;  // every point, increasing
  size_t shards = 0;
};

// The shard files in `dirs`: each DIR's files named like ShardFileName, in name order. Fails
// (InvalidArgument) when a DIR is not a directory or holds no shard file.
absl::StatusOr<std::vector<std::string>> FindShardFiles(const std::vector<std::string>& dirs);

// Merges `files`, read from `paths` (same order; for messages). Fails with InvalidArgument.
absl::StatusOr<MergedSweep> MergeShards(const std::vector<ShardFile>& files,
                                        const std::vector<std::string>& paths);

}  // namespace ratesim

#endif  // RATESIM_SIM_SWEEP_MERGE_H_

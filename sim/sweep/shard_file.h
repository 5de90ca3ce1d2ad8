// The output of one shard of a sweep (`ratesim sweep ... --shard i/N --out DIR`): one file,
// DIR/sweep-shard-<i>-of-<N>.toml, holding a small manifest (format, the sweep's fingerprint and
// definition, shard i of N, the total number of points, the column names) and the shard's rows as
// the text cells an unsharded run would write. TOML because the scenario parser reads it back with
// exact strings, and a person can read it. The file name carries the shard, so several shard files
// may be gathered in one directory for `merge`; shards running at the same time should still each
// get their own --out (the first publish into an absent directory creates it by a rename, which a
// concurrent one would race).
#ifndef RATESIM_SIM_SWEEP_SHARD_FILE_H_
#define RATESIM_SIM_SWEEP_SHARD_FILE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sim/report/output_dir.h"
#include "sim/sweep/shard.h"
#include "sim/sweep/sweep_definition.h"
#include "sim/sweep/sweep_rows.h"

namespace ratesim {

inline constexpr char kShardFormat[] = "ratesim sweep shard 1";

struct ShardFile {
  SweepDefinition definition;
  std::string fingerprint;  // as written; ReadShardFile checks it against `definition`
  ShardSpec shard;
  size_t total_points = 0;           // of the whole sweep
  std::vector<std::string> columns;  // column names
  std::vector<PointRows> points;     // the shard's points, increasing
};

// "sweep-shard-<i>-of-<N>.toml".
std::string ShardFileName(const ShardSpec& shard);

// True for a name of that form.
bool IsShardFileName(const std::string& name);

// The file's text.
std::string ShardFileText(const ShardFile& file);

// Writes ShardFileText into `output` and publishes it (output_dir.h). Removes from the directory
// what the new file makes stale: sweep.csv, sweep.json and sweep.svg (an earlier unsharded or
// merged result), the shard files of a different shard count, and what `also_stale` names (another
// command's results). Shard files of the same count are kept: they are the other shards, gathered
// there for `merge`.
absl::Status PublishShard(StagedOutput& output, const ShardFile& file, const OwnedFiles& also_stale = {});

// Reads a shard file. Fails (InvalidArgument, naming `path`) when it cannot be parsed, is not a
// shard file, lacks or mistypes a field, or its fingerprint does not match its definition; NotFound
// when it cannot be read. Consistency between shards is MergeShards' job (merge.h).
absl::StatusOr<ShardFile> ReadShardFile(const std::string& path);

}  // namespace ratesim

#endif  // RATESIM_SIM_SWEEP_SHARD_FILE_H_

// Which share of a sweep's points one process runs: `--shard i/N` takes the points whose index p
// has p mod N == i. Shards are numbered from 0 (0/4 .. 3/4), as Slurm array task ids
// (`--array=0-3`), Kubernetes' JOB_COMPLETION_INDEX and `parallel ... ::: 0 1 2 3` all count.
// Striding (rather than contiguous blocks) spreads the expensive corners of a grid over every
// shard.
#ifndef RATESIM_SIM_SWEEP_SHARD_H_
#define RATESIM_SIM_SWEEP_SHARD_H_

#include <cstddef>
#include <string_view>

#include "absl/status/statusor.h"

namespace ratesim {

struct ShardSpec {
  size_t index = 0;  // 0 <= index < count
  size_t count = 1;  // >= 1; one shard is the whole sweep

  bool Owns(size_t point) const { return point % count == index; }
  // Points of a sweep of `total` points this shard owns.
  size_t OwnedCount(size_t total) const { return total / count + (index < total % count ? 1 : 0); }
};

// More shards than this is surely a typo.
inline constexpr size_t kMaxShards = 100000;

// Parses "i/N" (whole numbers, 0 <= i < N <= kMaxShards). Fails (InvalidArgument) naming the
// valid range otherwise ("4/4": "shards are numbered from 0: use 0/4 .. 3/4").
absl::StatusOr<ShardSpec> ParseShard(std::string_view text);

}  // namespace ratesim

#endif  // RATESIM_SIM_SWEEP_SHARD_H_

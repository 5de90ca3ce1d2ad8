// `ratesim sweep` (one row per scenario, grid point and policy, over replications; optionally one
// shard of the points) and `ratesim merge` (shards into the files one unsharded run writes). Both
// print usage and scenario errors and return kExitUsage before writing anything, and write their
// files atomically (kExitIoError if that fails). Before its points run, `sweep` prints the warnings
// `run` would print for them, each distinct one once with the first point it applies to; while
// they run, the progress line (progress_line.h). See sim/sweep/ for the parts.
#ifndef RATESIM_SIM_CLI_SWEEP_COMMANDS_H_
#define RATESIM_SIM_CLI_SWEEP_COMMANDS_H_

#include "sim/cli/command.h"

namespace ratesim {

int SweepCommand(const ParsedArgs& args, const CommandContext& context);
int MergeCommand(const ParsedArgs& args, const CommandContext& context);

}  // namespace ratesim

#endif  // RATESIM_SIM_CLI_SWEEP_COMMANDS_H_

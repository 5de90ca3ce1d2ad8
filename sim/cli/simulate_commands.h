// The commands that read a scenario: `run` (one policy), `compare` (several on identical traffic)
// and `validate` (read and check only; it also warns, exit code 0, of a limit formula that does not
// compose under lazy updates). Each prints scenario errors to the error stream and returns
// kExitUsage before writing anything; `run` and `compare` print the comparison table and, with
// --out, write the reports atomically (kExitIoError if that fails; an --out that cannot be written
// fails so before the runs), replacing what an earlier run wrote there. On SIGINT or SIGTERM they
// stop, write nothing and return 128 + the signal (interrupt.h). Both take --replications N
// (N runs per policy with the seeds of replication.h, reported as means with 95% intervals),
// --threads, --audit (audit.csv beside the reports; needs --out) and --progress / --no-progress
// (the progress line on stderr while the runs go: progress_line.h).
#ifndef RATESIM_SIM_CLI_SIMULATE_COMMANDS_H_
#define RATESIM_SIM_CLI_SIMULATE_COMMANDS_H_

#include <string>
#include <vector>

#include "sim/cli/command.h"

namespace ratesim {

// The files `run` and `compare` write into --out, in the order they name them: summary.json,
// timeseries.csv, run.json, plots.svg and, with --audit, audit.csv.
std::vector<std::string> RunOutputFiles(bool audit);

// Whether `name` is a file `run` or `compare` writes into --out (audit.csv included). A command
// publishing into a folder removes what another command wrote there that it does not write, so that
// the folder never mixes the results of two commands: run and compare remove a sweep's results,
// a sweep or a shard the run's reports. Shard files are removed only by a sweep (whose result
// supersedes them) and by a shard of another sharding: gathered from many machines, they are the
// costliest files to lose by an --out given by mistake.
bool IsRunOutputFileName(const std::string& name);

int RunCommand(const ParsedArgs& args, const CommandContext& context);
int CompareCommand(const ParsedArgs& args, const CommandContext& context);
int ValidateCommand(const ParsedArgs& args, const CommandContext& context);

}  // namespace ratesim

#endif  // RATESIM_SIM_CLI_SIMULATE_COMMANDS_H_

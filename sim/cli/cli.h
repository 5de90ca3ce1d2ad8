// The `ratesim` command line: subcommands run, compare, validate, policies, formulas, sweep and
// merge, plus --help (overall and per command) and --version. main() only forwards to RunCli, so
// tests run the whole command in-process.
//
// Exit codes (command.h): 0 success; 2 a usage or scenario error (printed to `err`, nothing
// written); 1 results could not be written; 128 + the signal (130, 143) when SIGINT or SIGTERM
// stopped a command that runs or writes results (interrupt.h; nothing written).
#ifndef RATESIM_SIM_CLI_CLI_H_
#define RATESIM_SIM_CLI_CLI_H_

#include <ostream>
#include <string>
#include <vector>

#include "sim/cli/command.h"

namespace ratesim {

// Every subcommand, in the order --help lists them.
const std::vector<Command>& Commands();

// Runs the command line `argv` (argv[0] is the program) and returns the exit code. Results and help
// go to `out`, errors to `err`, and with `err_is_terminal` also the progress line of the commands
// that run simulations, unless --no-progress (progress_line.h; without it, only with --progress).
int RunCli(const std::vector<std::string>& argv, std::ostream& out, std::ostream& err,
           bool err_is_terminal = false);
int RunCli(int argc, char** argv, std::ostream& out, std::ostream& err,
           bool err_is_terminal = false);

}  // namespace ratesim

#endif  // RATESIM_SIM_CLI_CLI_H_

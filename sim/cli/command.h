// What every subcommand of `ratesim` is: a name, its help, its flags, and the function that runs it
// once its arguments have parsed. The dispatcher (cli.cc) holds the table of them.
#ifndef RATESIM_SIM_CLI_COMMAND_H_
#define RATESIM_SIM_CLI_COMMAND_H_

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

#include "sim/cli/flags.h"

namespace ratesim {

// Exit codes of `ratesim`.
inline constexpr int kExitOk = 0;
inline constexpr int kExitIoError = 1;  // results could not be written
inline constexpr int kExitUsage = 2;    // bad command line or bad scenario; nothing written
// A command stopped by SIGINT or SIGTERM exits with 128 + the signal: InterruptedExitCode().

struct CommandContext {
  const std::vector<std::string>& argv;  // the whole command line, for run.json
  std::ostream& out;                     // results
  std::ostream& err;                     // errors
  bool err_is_terminal = false;          // `err` is a terminal: show the progress line by default
};

struct Command {
  std::string name;
  std::string positional;  // "SCENARIO", or empty when the command takes none
  std::string summary;     // one line
  std::string example;     // one command line
  std::vector<FlagSpec> flags;
  // Runs the command. REQUIRES: `args` parsed against `flags`, with exactly one positional
  // argument if `positional` is non-empty and none otherwise.
  int (*run)(const ParsedArgs& args, const CommandContext& context);
};

}  // namespace ratesim

#endif  // RATESIM_SIM_CLI_COMMAND_H_

// How a command reports what stops it: one "error: " line on the error stream and the exit code,
// shared by every command that runs scenarios.
#ifndef RATESIM_SIM_CLI_COMMAND_ERROR_H_
#define RATESIM_SIM_CLI_COMMAND_ERROR_H_

#include <string_view>

#include "absl/status/status.h"
#include "sim/cli/command.h"

namespace ratesim {

// The most replications a command accepts: more would only be a typo (10000 replications of a
// one-second scenario already take a while).
inline constexpr int kMaxReplications = 10000;

// Writes "error: <message>" to context.err and returns `code`.
int Fail(const CommandContext& context, int code, std::string_view message);

// The same for `status`; a positioned error that already reads "file:line:column: error: ..."
// (the scenario loader's, a trace row's) is written as it is.
int Fail(const CommandContext& context, int code, const absl::Status& status);

}  // namespace ratesim

#endif  // RATESIM_SIM_CLI_COMMAND_ERROR_H_

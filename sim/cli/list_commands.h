// `ratesim policies` and `ratesim formulas`: every registered smoothing policy or limit formula with
// its summary and its parameters (name, kind, default, help), as a scenario file would name them.
#ifndef RATESIM_SIM_CLI_LIST_COMMANDS_H_
#define RATESIM_SIM_CLI_LIST_COMMANDS_H_

#include "sim/cli/command.h"

namespace ratesim {

int ListPoliciesCommand(const ParsedArgs& args, const CommandContext& context);
int ListFormulasCommand(const ParsedArgs& args, const CommandContext& context);

}  // namespace ratesim

#endif  // RATESIM_SIM_CLI_LIST_COMMANDS_H_

#include "sim/cli/cli.h"

#include <algorithm>

#include "fmt/format.h"
#include "fmt/ranges.h"
#include "sim/cli/list_commands.h"
#include "sim/cli/progress_line.h"
#include "sim/cli/simulate_commands.h"
#include "sim/cli/sweep_commands.h"
#include "sim/sweep/sweep_output.h"
#include "sim/sweep/sweep_plot.h"
#include "sim/util/nearest_name.h"
#include "sim/version.h"

namespace ratesim {
namespace {

const FlagSpec kHelpFlag = {"--help", "", false, "show this help"};
const FlagSpec kSetFlag = {"--set", "KEY=VALUE", true,
                           "override a scenario value, e.g. run.duration=5m (repeatable)"};
const FlagSpec kSeedFlag = {"--seed", "N", false, "random seed (same as --set run.seed=N)"};
// Built from the list the commands write by, so that the help cannot miss a file.
const FlagSpec kOutFlag = {"--out", "DIR", false,
                           fmt::format("write {} into DIR", fmt::join(RunOutputFiles(false), ", "))};
const std::string kSweepFiles =
    fmt::format("{}, {} and {}", kSweepCsvFileName, kSweepJsonFileName, kSweepSvgFileName);
const FlagSpec kReplicationsFlag = {
    "--replications", "N", false,
    "run each policy N times with derived seeds; report means and 95% intervals (default 1)"};
const FlagSpec kAuditFlag = {"--audit", "", false,
                             "also write audit.csv into DIR: one row per request attempt"};

bool IsHelp(const std::string& arg) { return arg == "--help" || arg == "-h"; }

std::string Usage(const Command& command) {
  std::string usage = "ratesim " + command.name;
  if (!command.positional.empty()) usage += " " + command.positional;
  for (const FlagSpec& flag : command.flags) {
    if (flag.name == kHelpFlag.name) continue;
    usage += flag.required ? " " : " [";
    usage += flag.name;
    if (!flag.value_name.empty()) usage += " " + flag.value_name;
    if (flag.repeated) usage += " ...";
    if (!flag.required) usage += "]";
  }
  return usage;
}

void PrintCommandHelp(const Command& command, std::ostream& out) {
  out << "usage: " << Usage(command) << "\n\n" << command.summary << "\n";
  if (!command.flags.empty()) {
    size_t width = 0;
    std::vector<std::string> names;
    for (const FlagSpec& flag : command.flags) {
      names.push_back(flag.value_name.empty() ? flag.name : flag.name + " " + flag.value_name);
      width = std::max(width, names.back().size());
    }
    out << "\nflags:\n";
    for (size_t i = 0; i < command.flags.size(); ++i) {
      out << fmt::format("  {:<{}}  {}\n", names[i], width, command.flags[i].help);
    }
  }
  out << "\nexample: " << command.example << "\n";
}

void PrintHelp(std::ostream& out) {
  out << fmt::format(
      "ratesim {}: simulates rate limiting and smoothing policies of a serverless LLM platform\n\n"
      "usage: ratesim COMMAND [ARGS]   (ratesim COMMAND --help for its flags)\n\ncommands:\n",
      Version());
  size_t width = 0;
  for (const Command& command : Commands()) width = std::max(width, command.name.size());
  for (const Command& command : Commands()) {
    out << fmt::format("  {:<{}}  {}\n", command.name, width, command.summary);
  }
  out << "\nflags:\n"
         "  --help, -h  show this help\n"
         "  --version   print the version of ratesim\n";
  out << "\nexit codes: 0 ok, 1 results could not be written, 2 bad command line or scenario, "
         "130 or 143 interrupted by SIGINT or SIGTERM (nothing written)\n"
         "example: ratesim compare scenarios/quickstart.toml --out results/quickstart\n";
}

int UsageError(const std::string& message, const std::string& hint, std::ostream& err) {
  err << "error: " << message << "\n" << hint << "\n";
  return kExitUsage;
}

int RunCommandLine(const Command& command, const std::vector<std::string>& argv,
                   const CommandContext& context) {
  const std::vector<std::string> args(argv.begin() + 2, argv.end());
  const std::string hint = fmt::format("usage: {}\n(ratesim {} --help for more)", Usage(command),
                                       command.name);
  // --help wins over everything else on the line, so a half-typed command can still ask for help.
  const auto flags_end = std::find(args.begin(), args.end(), "--");
  if (std::any_of(args.begin(), flags_end, IsHelp)) {
    PrintCommandHelp(command, context.out);
    return kExitOk;
  }
  absl::StatusOr<ParsedArgs> parsed = ParseFlags(args, command.flags);
  if (!parsed.ok()) return UsageError(std::string(parsed.status().message()), hint, context.err);
  const size_t wanted = command.positional.empty() ? 0 : 1;
  // A positional ending in "..." (SHARD_DIR...) takes one or more.
  const bool variadic = command.positional.size() > 3 &&
                        command.positional.compare(command.positional.size() - 3, 3, "...") == 0;
  if (parsed->positional.size() < wanted) {
    return UsageError(fmt::format("'ratesim {}' needs {}", command.name, command.positional),
                      hint, context.err);
  }
  if (parsed->positional.size() > wanted && !variadic) {
    return UsageError(fmt::format("unexpected argument '{}'", parsed->positional[wanted]), hint,
                      context.err);
  }
  return command.run(*parsed, context);
}

}  // namespace

const std::vector<Command>& Commands() {
  static const std::vector<Command>* const commands = new std::vector<Command>{
      {"run", "SCENARIO", "run one policy of a scenario and print its results",
       "ratesim run scenarios/quickstart.toml --policy fifo --out results/quickstart",
       {{"--policy", "LABEL", false, "the policy to run: a label of the file or any registered policy, with its "
                                   "defaults (default: the scenario's first)"},
        kOutFlag, kSeedFlag, kSetFlag, kReplicationsFlag,
        {"--threads", "N", false, "run replications on up to N threads (default 0: one per core)"},
        kAuditFlag, kProgressFlag, kNoProgressFlag, kHelpFlag},
       &RunCommand},
      {"compare", "SCENARIO", "run several policies on identical traffic and compare them",
       "ratesim compare scenarios/quickstart.toml --policies none,fifo --replications 10",
       {{"--policies", "A,B,C", false, "the policies to run: labels of the file or registered policies, with their "
                                     "defaults (default: the file's, in file order)"},
        kOutFlag, kSeedFlag, kSetFlag, kReplicationsFlag,
        {"--threads", "N", false,
         "run policies and replications on up to N threads (default 0: one per core)"},
        kAuditFlag, kProgressFlag, kNoProgressFlag, kHelpFlag},
       &CompareCommand},
      {"validate", "SCENARIO", "check a scenario file and print every error with file:line:column",
       "ratesim validate scenarios/quickstart.toml --set run.duration=5m",
       {kSetFlag, kHelpFlag},
       &ValidateCommand},
      {"policies", "", "list the smoothing policies and their parameters", "ratesim policies",
       {kHelpFlag}, &ListPoliciesCommand},
      {"formulas", "", "list the limit formulas and their parameters", "ratesim formulas",
       {kHelpFlag}, &ListFormulasCommand},
      {"sweep", "SCENARIO",
       "run every point of a parameter grid and write one row per point and policy",
       "ratesim sweep scenarios/outage_spiral.toml --grid limits.window=1m,10m --replications 5 "
       "--out results/window",
       {{"--grid", "KEY=V1,V2", true,
         "a scenario key (as --set takes it) and its values; the grid is the cross product"},
        {"--scenarios", "A,B", false, "more scenario files to sweep the same grid over"},
        {"--policies", "A,B,C", false,
         "the policies every point runs: labels of the files or registered policies (default: "
         "each file's own)"},
        {"--org", "NAME", false,
         "judge each row's outcomes (success, 429, 503, latency) on this org's requests alone"},
        {"--out", "DIR", false,
         "required: write " + kSweepFiles + " (with --shard, the shard file) into DIR", true},
        kSeedFlag, kSetFlag, kReplicationsFlag,
        {"--threads", "N", false, "run points on up to N threads (default 0: one per core)"},
        {"--jobs", "N", false, "the same as --threads"},
        {"--shard", "I/N", false,
         "run only points p with p mod N == I (I from 0) and write a shard file for 'merge'"},
        kProgressFlag, kNoProgressFlag, kHelpFlag},
       &SweepCommand},
      {"merge", "SHARD_DIR...", "combine the shards of a sweep into the files one run writes",
       "ratesim merge --out results/window results/shard-0 results/shard-1",
       {{"--out", "DIR", false, "required: write " + kSweepFiles + " into DIR", true}, kHelpFlag},
       &MergeCommand},
  };
  return *commands;
}

int RunCli(const std::vector<std::string>& argv, std::ostream& out, std::ostream& err,
           bool err_is_terminal) {
  const CommandContext context{argv, out, err, err_is_terminal};
  const std::string top_hint = "usage: ratesim COMMAND [ARGS]   (ratesim --help for more)";
  if (argv.size() < 2) return UsageError("no command given", top_hint, err);
  const std::string& name = argv[1];
  if (IsHelp(name)) {
    PrintHelp(out);
    return kExitOk;
  }
  if (name == "--version") {
    out << "ratesim " << Version() << "\n";
    return kExitOk;
  }
  std::vector<std::string> names;
  for (const Command& command : Commands()) {
    if (command.name == name) return RunCommandLine(command, argv, context);
    names.push_back(command.name);
  }
  if (!name.empty() && name[0] == '-') {
    const std::string nearest = NearestName(name, {"--help", "--version"}).value_or("");
    return UsageError(fmt::format("unknown flag '{}'{}", name,
                                  nearest.empty() ? "; a command comes first"
                                                  : fmt::format("; did you mean '{}'?", nearest)),
                      top_hint, err);
  }
  const std::string nearest = NearestName(name, names).value_or("");
  std::string known;
  for (const std::string& candidate : names) known += (known.empty() ? "" : ", ") + candidate;
  return UsageError(fmt::format("unknown command '{}'; {}", name,
                                nearest.empty() ? "expected one of: " + known
                                                : fmt::format("did you mean '{}'?", nearest)),
                    top_hint, err);
}

int RunCli(int argc, char** argv, std::ostream& out, std::ostream& err, bool err_is_terminal) {
  return RunCli(std::vector<std::string>(argv, argv + argc), out, err, err_is_terminal);
}

}  // namespace ratesim

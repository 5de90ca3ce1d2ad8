// Command-line flags, declared in a table per command and parsed by one function: `--name VALUE`,
// `--name=VALUE`, switches without a value, repeatable flags, and positional arguments. `--` ends the
// flags. An unknown flag is an error that names the nearest declared one.
#ifndef RATESIM_SIM_CLI_FLAGS_H_
#define RATESIM_SIM_CLI_FLAGS_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace ratesim {

struct FlagSpec {
  std::string name;        // with its dashes: "--policy"
  std::string value_name;  // "LABEL" for a flag that takes a value; empty for a switch
  bool repeated = false;   // may be given more than once (each value is kept, in order)
  std::string help;        // one line
  bool required = false;   // the command fails without it; its usage line shows it unbracketed
};

struct ParsedArgs {
  std::vector<std::string> positional;
  // Values by flag name, in the order given; a switch holds one empty string.
  std::map<std::string, std::vector<std::string>> flags;

  bool Has(const std::string& name) const { return flags.count(name) > 0; }
  // The flag's (last) value, or `fallback` when absent.
  std::string Value(const std::string& name, const std::string& fallback = "") const;
  // Every value of a repeated flag; empty when absent.
  std::vector<std::string> Values(const std::string& name) const;
};

// Parses `args` (without the program and command names) against `specs`. Fails with
// InvalidArgument on an unknown flag ("unknown flag '--polcy'; did you mean '--policy'?"), a missing
// value, a value given to a switch, a non-repeatable flag given twice, or a value without '=' for a
// flag whose value_name has one ("flag '--set' takes KEY=VALUE, got 'run.duration'; write --set
// run.duration=5m" when the next argument is 5m). A separate value that
// starts with "--" is taken for a forgotten value, not as one (`--out --seed 3`); write
// `--name=--value` to pass such a value.
absl::StatusOr<ParsedArgs> ParseFlags(const std::vector<std::string>& args,
                                      const std::vector<FlagSpec>& specs);

// Digits only, at most 19 of them (fits an unsigned 64-bit number): a seed, a count.
bool IsWholeNumber(std::string_view text);

// The largest seed: --seed becomes run.seed, a TOML integer, which is signed 64-bit.
inline constexpr uint64_t kMaxSeed = INT64_MAX;

// OK when `seed`, --seed's value, is a whole number from 0 to kMaxSeed; else InvalidArgument stating
// that range: "flag '--seed' needs a whole number from 0 to 9223372036854775807, got '-1'".
absl::Status CheckSeedFlag(std::string_view seed);

// The value of the flag `flag`, a comma-separated list of `items` ("a,b , c" -> {"a", "b", "c"});
// fails on an empty or repeated item: --policies runs each policy once, and the reports key
// results by label; --scenarios sweeps each file once.
absl::StatusOr<std::vector<std::string>> SplitFlagList(std::string_view flag, std::string_view text,
                                                       std::string_view items);

// The value of flag `name`, a whole number in [min, max], or `fallback` when absent. `min_text`
// says what the minimum means, for the error message.
absl::StatusOr<int> IntFlag(const ParsedArgs& args, const std::string& name, int min, int max,
                            const std::string& min_text, int fallback);

}  // namespace ratesim

#endif  // RATESIM_SIM_CLI_FLAGS_H_

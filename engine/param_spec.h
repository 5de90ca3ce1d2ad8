// The parameters a pluggable part (limit formula, smoothing policy) accepts, declared once so that a
// scenario loader can validate them, suggest a misspelt name, and a --help can list them.
#ifndef RATESIM_ENGINE_PARAM_SPEC_H_
#define RATESIM_ENGINE_PARAM_SPEC_H_

#include <algorithm>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"

namespace ratesim {

enum class ParamKind {
  kNumber,    // a plain number, in the unit its name states (base_rpm, headroom, ...)
  kCount,     // a whole number >= 0
  kDuration,  // written "500ms", "30s", "10m", "1h" in a scenario; held in seconds
};

struct ParamSpec {
  std::string name;
  ParamKind kind = ParamKind::kNumber;
  double default_value = 0.0;
  double min_value = 0.0;     // smallest accepted value (inclusive unless min_exclusive)
  bool min_exclusive = false; // true: the value must be strictly greater than min_value
  std::string help;           // one line: what it does and its unit
  // The parameter of the same part this one may not exceed (a floor and its ceiling), or empty.
  // Checked once both are resolved, as neither value is wrong alone (see FindConflict).
  std::string at_most = "";
  // Why this one may not exceed at_most, for the message of a conflict ("a bucket must fit in the
  // window"). Empty for a floor and its ceiling, whose messages say that the cap would be ignored.
  std::string at_most_why = "";
  // Largest accepted value (inclusive unless max_exclusive); infinity, the default, for none.
  // Declared with WithMaximum, as most parameters have no upper bound.
  double max_value = std::numeric_limits<double>::infinity();
  bool max_exclusive = false;  // true: the value must be strictly less than max_value
  // true: the value must be strictly below at_most, where equal is as useless as above (codel's
  // target at its max_wait never sees a delay past it). Declared with StrictlyBelow.
  bool below_at_most = false;
};

// `spec`, whose at_most it must stay strictly below.
inline ParamSpec StrictlyBelow(ParamSpec spec) {
  spec.below_at_most = true;
  return spec;
}

// `spec` with an upper bound as well: WithMaximum({"decrease", ...}, 1.0) for a factor in (0, 1].
// A documented bound that is not declared here is not enforced, and a value past it is taken.
inline ParamSpec WithMaximum(ParamSpec spec, double max_value, bool max_exclusive = false) {
  spec.max_value = max_value;
  spec.max_exclusive = max_exclusive;
  return spec;
}

// Whether `value` is within the bounds of `spec`, the lower and the upper one. (Finiteness and
// whole numbers are ResolveParams' other checks.)
bool InRange(const ParamSpec& spec, double value);

// The values `spec` accepts, for a message or a listing: "> 0", ">= 1", "(0, 1]", and for a
// duration in seconds: "> 0s".
std::string RangeText(const ParamSpec& spec);

// Parameter values by name; durations in seconds.
using ParamValues = absl::flat_hash_map<std::string, double>;

// Text parameters by name: the expressions of a formula written in the scenario file (`expr`).
// Parts with only numeric parameters take none.
using ParamTexts = absl::flat_hash_map<std::string, std::string>;

// The names in `map` (a ParamValues or ParamTexts), sorted. The maps' own order is not defined and
// changes from run to run, so anything a user reads (a message, a listing) walks these instead.
template <typename Map>
std::vector<std::string> SortedNames(const Map& map) {
  std::vector<std::string> names;
  names.reserve(map.size());
  for (const auto& entry : map) names.push_back(entry.first);
  std::sort(names.begin(), names.end());
  return names;
}

// A parameter above the one its spec says it may not exceed (ParamSpec::at_most): base_rpm above
// ceiling_rpm, say, where the formula would keep the base and ignore the ceiling.
struct ParamConflict {
  std::string name;     // the parameter that exceeds ("base_rpm")
  double value = 0.0;
  std::string at_most;  // the one it exceeds ("ceiling_rpm")
  double limit = 0.0;   // that one's value
  ParamKind kind = ParamKind::kNumber;  // of both: a duration's values are shown in seconds
  std::string why;      // the spec's at_most_why: empty for a floor and its ceiling
  bool strict = false;  // the spec's below_at_most: equal is a conflict too
};

// Every conflict among `values`, in the order of `specs`, each missing value taken as its spec's
// default; empty if none. A spec whose at_most `specs` does not declare is not checked (so a spec
// may be checked alone). The one cross-parameter check: ResolveParams applies it, and a scenario
// loader calls it to point at every key in conflict.
std::vector<ParamConflict> FindConflicts(const std::vector<ParamSpec>& specs,
                                         const ParamValues& values);
// The first of FindConflicts, or nullopt.
std::optional<ParamConflict> FindConflict(const std::vector<ParamSpec>& specs,
                                          const ParamValues& values);

// "base_rpm = 600 is above ceiling_rpm = 60" ("bucket = 120s is above window = 60s"): what is
// wrong, with `value_note` and `limit_note` (e.g. " (its default)") after each value.
std::string ConflictText(const ParamConflict& conflict, std::string_view value_note = "",
                         std::string_view limit_note = "");
// What to do about it: "lower base_rpm to at most 60, or raise ceiling_rpm to at least 600".
std::string ConflictFix(const ParamConflict& conflict);

// Returns `values` completed with the defaults of `specs`. Fails (InvalidArgument) on a name that
// `specs` does not declare (the first in name order), a value below its minimum or above its
// maximum (the first in the order of `specs`), or else a conflict (FindConflict); the message
// names the parameters.
absl::StatusOr<ParamValues> ResolveParams(const std::vector<ParamSpec>& specs,
                                          const ParamValues& values);

// InvalidArgument "unknown <what> '<name>'; expected one of: a, b, c".
absl::Status UnknownNameError(std::string_view what, std::string_view name,
                              const std::vector<std::string>& known);

// The registry lookup shared by formulas and policies: the entry of `infos` called `name`, with
// `params` resolved against its spec, made into an instance.
template <typename Instance, typename Info>
absl::StatusOr<std::unique_ptr<Instance>> MakeByName(const std::vector<Info>& infos,
                                                     std::string_view what, std::string_view name,
                                                     const ParamValues& params) {
  std::vector<std::string> known;
  for (const Info& info : infos) {
    if (info.name != name) {
      known.push_back(info.name);
      continue;
    }
    absl::StatusOr<ParamValues> resolved = ResolveParams(info.params, params);
    if (!resolved.ok()) return resolved.status();
    return info.make(*resolved);
  }
  return UnknownNameError(what, name, known);
}

}  // namespace ratesim

#endif  // RATESIM_ENGINE_PARAM_SPEC_H_

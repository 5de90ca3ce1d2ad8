// `--set dotted.path=value` overrides, applied to a parsed scenario table before it is read, so an
// overridden value is checked exactly like one written in the file.
#ifndef RATESIM_SIM_SCENARIO_OVERRIDES_H_
#define RATESIM_SIM_SCENARIO_OVERRIDES_H_

#include <toml++/toml.h>

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/scenario/diagnostics.h"
#include "sim/scenario/scenario.h"

namespace ratesim {
namespace scenario_internal {

// Applies each override in order. A path is keys and array indices joined by dots
// (`run.seed`, `models.0.concurrency`, `orgs.0.traffic.1.rate`). The value is read as a TOML value
// (`7`, `true`, `"x"`, `{ dist = "constant", mean = "2s" }`), or else taken as a string, so that
// `run.duration=5m` needs no quotes. Every parent on the path must exist; the last key may be new
// (the reader then reports it if it is not valid there). Values added carry the origin
// "<--set path=value>" for later messages. Errors (malformed override, missing parent, index out of
// range) go to `diags` at that origin. Each table of the file that an override replaces by another
// table, leaving out keys the file set in it, is added to `replaced` (when not null).
void ApplyOverrides(toml::table& root, const std::vector<std::string>& overrides, Diagnostics& diags,
                    std::vector<ReplacedTable>* replaced = nullptr);

// The value of one override as ApplyOverrides reads it, as a one-entry table {v = value}: parsed as
// TOML, or else as a string. A value that starts as a table, an array or a quoted string must parse
// as one (its error is returned), since read as text it would only meet "got a string" further on.
// `origin` names the value in toml++'s source regions.
absl::StatusOr<toml::table> ParseOverrideValue(std::string_view value, const std::string& origin);

}  // namespace scenario_internal
}  // namespace ratesim

#endif  // RATESIM_SIM_SCENARIO_OVERRIDES_H_

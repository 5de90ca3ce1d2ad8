// The readers of each part of a scenario file, one per section, shared by the loader. Each reads its
// keys through a TableReader, reports every error to the reader's Diagnostics and returns what it could
// read; the loader returns a Scenario only if no error was reported.
#ifndef RATESIM_SIM_SCENARIO_SECTION_READERS_H_
#define RATESIM_SIM_SCENARIO_SECTION_READERS_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "engine/limit_formula.h"
#include "engine/param_spec.h"
#include "sim/scenario/diagnostics.h"
#include "sim/scenario/scenario.h"
#include "sim/scenario/toml_reader.h"

namespace ratesim {
namespace scenario_internal {

// Remembers names already used in one section, to report a duplicate where it repeats.
class UniqueNames {
 public:
  // `what` names them in messages ("model name"); `fix` says what to do about a duplicate.
  UniqueNames(std::string what, std::string fix) : what_(std::move(what)), fix_(std::move(fix)) {}
  // Records `name`, read from `key` of `reader`; reports a duplicate at its value.
  void Add(const std::string& name, TableReader& reader, std::string_view key);

 private:
  std::string what_;
  std::string fix_;
  absl::flat_hash_map<std::string, Location> first_;
};

// [run]: required.
RunSpec ReadRun(TableReader& root);

// [limits]: optional. Returns the spec with every parameter resolved; *formula is set to the chosen
// formula's registry entry, or nullptr if its name is unknown (already reported).
LimitSpec ReadLimits(TableReader& root, const FormulaInfo** formula);

// [limits] of a written formula (`expr`, FormulaInfo::make_written): its expressions, its numeric
// parameters and, as constants, every other number of `table` (whose reader is `reader`), into
// `spec`; the expressions are compiled, and an error in one points into its text.
void ReadExprLimits(TableReader& reader, const toml::table& table, LimitSpec& spec);

// What an org's `limits` may override under `formula`: its parameters, and for a written formula
// the constants `limits` declares too (numbers only: the expressions are the scenario's).
std::vector<ParamSpec> OverridableParams(const FormulaInfo& formula, const LimitSpec& limits);

// The keys of `table` (the scenario's [limits]) that a written formula's reader reported as bad
// constants (a string where a number belongs, a name taken by a variable) and so left out of
// `limits`: an org that overrides one is not told again, as an unknown key, of the same mistake.
// Empty for a formula of declared parameters only.
std::vector<std::string> ReportedConstants(const FormulaInfo& formula, const LimitSpec& limits,
                                           const toml::table& table);

// [[models]]: at least one.
std::vector<ModelSpec> ReadModels(TableReader& root);

// A model's `schedule` and `autoscaler`, into `model` (whose name and replicas are read already;
// `replicas_ok` is false if its `replicas` was invalid, which skips the checks against it), and the
// check that the model has replicas at some time.
void ReadCapacity(TableReader& reader, bool replicas_ok, ModelSpec& model);

// [[orgs]] and their [[orgs.traffic]]: at least one org when `need` is kRequired (no [[traces]]), each
// with at least one stream to a model in `models`. `formula` (nullptr if unknown) and `limits` (as
// read) validate each org's `limits` overrides.
std::vector<OrgSpec> ReadOrgs(TableReader& root, const std::vector<ModelSpec>& models,
                              const FormulaInfo* formula, const LimitSpec& limits, Need need);

// One [[orgs.traffic]] stream; `model_names` are the declared models.
TrafficSpec ReadTraffic(TableReader& reader, const std::vector<std::string>& model_names);

// The `shape` of a traffic stream and its shape's keys (not start and stop).
void ReadShape(TableReader& reader, TrafficShape& shape);

// The optional `client = { ... }` of a traffic stream or a trace; defaults when absent.
ClientSpec ReadClient(TableReader& owner);

// The position in `names` of the string under `key`: nullopt when the key is absent, or when its
// value is not a string (reported) or not one of `names` (reported as an unknown `what`, with a
// did-you-mean and the list).
std::optional<size_t> ReadChoice(TableReader& reader, std::string_view key,
                                 const std::vector<std::string>& names, std::string_view what);

// Has `owner` (a traffic stream or a trace) point a key of its client written directly in it
// (`on_failure = "backoff"`) at `client = { ... }`, should the key be left unknown.
void ExplainClientKeys(TableReader& owner);

// [[traces]]: optional. A relative `path` is resolved against the folder of `scenario_path`; the file
// is opened and its header checked. Its rows are read later, once the whole scenario is valid
// (TakeTraceCensuses).
std::vector<TraceSpec> ReadTraces(TableReader& root, std::string_view scenario_path);

// [[policies]]: at least one.
std::vector<PolicySpec> ReadPolicies(TableReader& root);

// One policy table: `type`, the optional `name` label, and that policy's parameters. Leaves unknown
// keys to the caller's ReportUnknownKeys.
PolicySpec ReadPolicy(TableReader& reader);

// Reads the keys of `reader` that `specs` declares, typed by ParamKind (kNumber a number, kCount an
// integer, kDuration a duration string, held in seconds), each checked alone with ResolveParams so
// every bad value gets its own positioned error. `owner` names the part in messages ("limit formula
// 'earned'"). Returns only the values present, not the defaults.
ParamValues ReadParams(TableReader& reader, const std::vector<ParamSpec>& specs, std::string_view owner);

// Reports every parameter above the one that caps it (FindConflicts over `specs`, on `values` as
// the part will have them, defaults filling the gaps) whose keys `reader`'s table holds one or both
// of, naming both values; reports nothing for a conflict between values written elsewhere (they
// are reported there). Each is reported at the value of a key set by --set if one of the two is,
// else at the capped one's value, else at the cap's. The other value's origin is named: its --set,
// its place in the file when the error is at a --set, "from [limits]" when `outer` (the table of
// [limits], for an org's overrides; nullptr for [limits] itself) holds it, else "its default".
// `owner` names the part ("limit formula 'earned'"). Returns whether it reported one.
bool ReportConflicts(TableReader& reader, const std::vector<ParamSpec>& specs,
                     const ParamValues& values, std::string_view owner, const toml::table* outer);

// Reports each key of `reader` that is no parameter of `chosen` but one of another limit formula
// (`multiple`, peak_window's, under earned) with the formula it belongs to and the fix, "set
// <selector> = ...", instead of as an unknown key, and allows it.
void ReportParamsOfOtherFormulas(TableReader& reader, const FormulaInfo& chosen,
                                 std::string_view selector);

}  // namespace scenario_internal
}  // namespace ratesim

#endif  // RATESIM_SIM_SCENARIO_SECTION_READERS_H_

// Reading the parts a scenario picks by name from a registry: the limit formula ([limits]) and the
// smoothing policies ([[policies]]), with their parameters checked against the registered ParamSpecs.
#include <cmath>
#include <string>
#include <vector>

#include "engine/limit_formula.h"
#include "engine/param_spec.h"
#include "engine/shown_number.h"
#include "engine/smoothing_policy.h"
#include "fmt/format.h"
#include "fmt/ranges.h"
#include "sim/scenario/section_readers.h"

namespace ratesim {
namespace scenario_internal {
namespace {

template <typename Info>
const Info* FindByName(const std::vector<Info>& infos, std::string_view name) {
  for (const Info& info : infos) {
    if (info.name == name) return &info;
  }
  return nullptr;
}

template <typename Info>
std::vector<std::string> NamesOf(const std::vector<Info>& infos) {
  std::vector<std::string> names;
  for (const Info& info : infos) names.push_back(info.name);
  return names;
}

// The keys of `reader` that are no parameter of `chosen` but are one of another registered part
// of its kind (`max_wait_over`, within_first's, in a fifo's [[policies]]): reported with the part
// they belong to and the fix, instead of as unknown keys, and then allowed. `kind` is "policy" or
// "limit formula", `selector` the key that picks the part ("type", "formula").
template <typename Info>
void ReportParamsOfOthers(TableReader& reader, const std::vector<Info>& infos, const Info& chosen,
                          std::string_view kind, std::string_view selector) {
  for (const std::string& key : reader.UnknownKeys()) {
    std::vector<std::string> owners;
    for (const Info& info : infos) {
      if (info.name == chosen.name) continue;
      for (const ParamSpec& param : info.params) {
        if (param.name == key) owners.push_back(info.name);
      }
    }
    if (owners.empty()) continue;
    const std::string fix = owners.size() == 1
                                ? fmt::format("set {} = \"{}\"", selector, owners.front())
                                : fmt::format("set {} to one of them", selector);
    reader.ValueError(key, fmt::format("a parameter of {} '{}', not of {} '{}'; {}, or remove it",
                                       kind, fmt::join(owners, "' and '"), kind, chosen.name, fix));
    reader.Allow(key);
  }
}

// The bound to read a duration parameter with. A negative one ("-30s") does not parse, so it is
// the reader that says what is expected, and it must say the spec's bound, "> 0" where zero is
// refused too; any other value is read as it is and judged against the spec's range afterwards,
// whose message names the parameter (OutOfRange).
Bound NegativeBound(TableReader& reader, const ParamSpec& spec) {
  const toml::node* node = reader.Find(spec.name);
  const auto* text = node != nullptr ? node->as_string() : nullptr;
  if (text == nullptr || text->get().empty() || text->get().front() != '-' || spec.min_value != 0.0) {
    return Bound::kAny;
  }
  return spec.min_exclusive ? Bound::kPositive : Bound::kNonNegative;
}

bool AboveMaximum(const ParamSpec& spec, double value) {
  return spec.max_exclusive ? value >= spec.max_value : value > spec.max_value;
}

// "got 0.5; expected a number >= 1 (headroom of <owner>: <help>)" for a value below the spec's
// minimum; "got 30; expected a number in (0, 1] (...); lower it to at most 1" for one above its
// maximum, which is most often a percentage written for a fraction (share = 50), so it says what to
// write.
std::string OutOfRange(const ParamSpec& spec, const toml::node& node, double value,
                       std::string_view owner) {
  std::string expected;
  switch (spec.kind) {
    case ParamKind::kNumber:
      expected = "a number " + RangeText(spec);
      break;
    case ParamKind::kCount:
      expected = "an integer " + RangeText(spec);
      break;
    case ParamKind::kDuration:
      expected = "a duration " + RangeText(spec);
      break;
  }
  const std::string about = spec.help.empty() ? fmt::format("{} of {}", spec.name, owner)
                                              : fmt::format("{} of {}: {}", spec.name, owner, spec.help);
  if (!AboveMaximum(spec, value)) {
    return fmt::format("got {}; expected {} ({})", Written(node), expected, about);
  }
  return fmt::format("got {}; expected {} ({}); lower it to {} {}", Written(node), expected, about,
                     spec.max_exclusive ? "below" : "at most",
                     ShownNumber(spec.max_value) + (spec.kind == ParamKind::kDuration ? "s" : ""));
}

// Completes `values` with the defaults; they were checked one by one, so this fails only if the
// registry's own defaults are invalid, which is reported at the table.
ParamValues Resolve(TableReader& reader, const std::vector<ParamSpec>& specs, const ParamValues& values,
                    std::string_view owner) {
  absl::StatusOr<ParamValues> resolved = ResolveParams(specs, values);
  if (resolved.ok()) return *std::move(resolved);
  reader.TableError(fmt::format("{} in {}: {}; check the values above", owner, reader.context(),
                                std::string(resolved.status().message())));
  return values;
}

// Where the value of `key` in a conflict reported elsewhere in `reader`'s table comes from, as a
// note to follow it: " (from <--set ...>)" for a value set on the command line, its place in the
// file when `error_at_set` (the file is not where the error points), " (from [limits])" for
// `outer`'s, " (its default)" for a value nobody wrote; else nothing.
std::string OriginNote(TableReader& reader, const std::string& key, const toml::table* outer,
                       bool error_at_set) {
  if (const toml::node* node = reader.Find(key)) {
    if (IsFromSet(*node)) return fmt::format(" (from {})", *node->source().path);
    if (!error_at_set) return "";
    return fmt::format(" (at {})", FormatLocation(reader.ValueLocation(key)));
  }
  const toml::node* node = outer == nullptr ? nullptr : outer->get(key);
  if (node == nullptr) return " (its default)";
  if (IsFromSet(*node)) return fmt::format(" (from {})", *node->source().path);
  return " (from [limits])";
}

}  // namespace

ParamValues ReadParams(TableReader& reader, const std::vector<ParamSpec>& specs, std::string_view owner) {
  ParamValues values;
  for (const ParamSpec& spec : specs) {
    std::optional<double> value;
    switch (spec.kind) {
      case ParamKind::kNumber:
        value = reader.Number(spec.name, Need::kOptional, Bound::kAny);
        break;
      case ParamKind::kCount:
        if (std::optional<int64_t> n = reader.Integer(spec.name, Need::kOptional))
          value = static_cast<double>(*n);
        break;
      case ParamKind::kDuration:
        if (std::optional<Nanos> d = reader.Duration(spec.name, Need::kOptional, NegativeBound(reader, spec)))
          value = ToSeconds(*d);
        break;
    }
    if (!value) continue;
    absl::StatusOr<ParamValues> alone = ResolveParams({spec}, {{spec.name, *value}});
    if (!alone.ok()) {
      const toml::node& node = *reader.Find(spec.name);
      reader.ValueError(spec.name, InRange(spec, *value) ? std::string(alone.status().message())
                                                         : OutOfRange(spec, node, *value, owner));
      continue;
    }
    values[spec.name] = *value;
  }
  return values;
}

void ReportParamsOfOtherFormulas(TableReader& reader, const FormulaInfo& chosen,
                                 std::string_view selector) {
  ReportParamsOfOthers(reader, Formulas(), chosen, "limit formula", selector);
}

bool ReportConflicts(TableReader& reader, const std::vector<ParamSpec>& specs,
                     const ParamValues& values, std::string_view owner, const toml::table* outer) {
  bool reported = false;
  for (const ParamConflict& conflict : FindConflicts(specs, values)) {
    const toml::node* value_node = reader.Find(conflict.name);
    const toml::node* limit_node = reader.Find(conflict.at_most);
    if (value_node == nullptr && limit_node == nullptr) continue;
    // At the key --set changed, if one was: that is the value the user just typed.
    const bool at_value = value_node != nullptr &&
                          (limit_node == nullptr || IsFromSet(*value_node) || !IsFromSet(*limit_node));
    const toml::node& at = at_value ? *value_node : *limit_node;
    const std::string note = OriginNote(reader, at_value ? conflict.at_most : conflict.name,
                                        outer, IsFromSet(at));
    const std::string why =
        conflict.why.empty()
            ? fmt::format("{} keeps a key's rate between the two, so {} would be ignored", owner,
                          conflict.at_most)
            : conflict.why;
    reader.ValueError(at_value ? conflict.name : conflict.at_most,
                      fmt::format("{}: {}; {}",
                                  ConflictText(conflict, at_value ? "" : note, at_value ? note : ""),
                                  why, ConflictFix(conflict)));
    reported = true;
  }
  return reported;
}

LimitSpec ReadLimits(TableReader& root, const FormulaInfo** formula) {
  LimitSpec spec;
  *formula = nullptr;
  const toml::table* table = root.Table("limits", Need::kOptional, "a table of limit formula parameters");
  if (table == nullptr) {
    *formula = FindByName(Formulas(), spec.formula);
    if (*formula != nullptr) spec.params = Resolve(root, (*formula)->params, {}, "limit formula");
    return spec;
  }
  TableReader reader = root.Child(*table, "[limits]");
  if (std::optional<std::string> name = reader.String("formula", Need::kOptional)) spec.formula = *name;
  *formula = FindByName(Formulas(), spec.formula);
  if (*formula == nullptr) {
    if (reader.Find("formula") != nullptr) {
      reader.ValueError("formula", fmt::format("unknown limit formula '{}'{}", spec.formula,
                                               SuggestionFor(spec.formula, NamesOf(Formulas()), true)));
    } else {
      reader.TableError(
          fmt::format("the default limit formula '{}' is not registered; set formula = one of "
                      "the registered ones",
                      spec.formula));
    }
    reader.AcceptAllKeys();
    return spec;
  }
  if ((*formula)->make_written != nullptr) {
    ReadExprLimits(reader, *table, spec);
  } else {
    const std::string owner = fmt::format("limit formula '{}'", spec.formula);
    const ParamValues values = ReadParams(reader, (*formula)->params, owner);
    spec.params = ReportConflicts(reader, (*formula)->params, values, owner, nullptr)
                      ? values
                      : Resolve(reader, (*formula)->params, values, owner);
    ReportParamsOfOtherFormulas(reader, **formula, "formula");
  }
  reader.ReportUnknownKeys();
  return spec;
}

PolicySpec ReadPolicy(TableReader& reader) {
  PolicySpec policy;
  policy.pos = reader.pos();
  const std::optional<std::string> type = reader.String(
      "type", Need::kRequired,
      fmt::format("a string, the policy's type: one of {}", fmt::join(NamesOf(Policies()), ", ")));
  const std::optional<std::string> label = reader.String("name", Need::kOptional);
  if (type) {
    policy.type = *type;
    if (const PolicyInfo* info = FindByName(Policies(), *type)) {
      const std::string owner = fmt::format("policy '{}'", *type);
      const ParamValues values = ReadParams(reader, info->params, owner);
      // A parameter above the one it may not exceed is reported at its key, as a formula's is.
      policy.params = ReportConflicts(reader, info->params, values, owner, nullptr)
                          ? values
                          : Resolve(reader, info->params, values, owner);
      ReportParamsOfOthers(reader, Policies(), *info, "policy", "type");
    } else {
      reader.ValueError("type", fmt::format("unknown policy type '{}'{}", *type,
                                            SuggestionFor(*type, NamesOf(Policies()), true)));
      reader.AcceptAllKeys();
    }
  } else {
    reader.AcceptAllKeys();  // without a type, no key can be judged
  }
  policy.label = label.value_or(policy.type);
  if (label && label->empty()) {
    reader.ValueError("name", "got an empty string; expected a label, or leave 'name' out to use the type");
  }
  return policy;
}

std::vector<PolicySpec> ReadPolicies(TableReader& root) {
  std::vector<PolicySpec> policies;
  UniqueNames labels("policy label", "give each [[policies]] its own 'name'");
  ForEachTable(
      root, "policies", "[[policies]]", Need::kRequired,
      "no [[policies]]; add at least one, e.g. [[policies]] with type = \"fifo\"", [&](TableReader& reader) {
        PolicySpec policy = ReadPolicy(reader);
        if (!policy.label.empty()) labels.Add(policy.label, reader, reader.Find("name") ? "name" : "type");
        reader.ReportUnknownKeys();
        policies.push_back(std::move(policy));
      });
  return policies;
}

}  // namespace scenario_internal
}  // namespace ratesim

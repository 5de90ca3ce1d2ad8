// Reading the parts a scenario picks by name from a registry: the limit formula ([limits]) and the
// smoothing policies ([[policies]]), with their parameters checked against the registered ParamSpecs.
#include <cmath>
#include <string>
#include <vector>

#include "engine/limit_formula.h"
#include "engine/param_spec.h"
#include "engine/smoothing_policy.h"
#include "fmt/format.h"
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

// "got 0.5; expected a number >= 1 (headroom: <help>)" for a value below the spec's minimum.
std::string BelowMinimum(const ParamSpec& spec, const toml::node& node, std::string_view owner) {
  const char* op = spec.min_exclusive ? ">" : ">=";
  std::string expected;
  switch (spec.kind) {
    case ParamKind::kNumber:
      expected = fmt::format("a number {} {}", op, spec.min_value);
      break;
    case ParamKind::kCount:
      expected = fmt::format("an integer {} {}", op, spec.min_value);
      break;
    case ParamKind::kDuration:
      expected = fmt::format("a duration {} {}s", op, spec.min_value);
      break;
  }
  if (spec.help.empty())
    return fmt::format("got {}; expected {} ({} of {})", Written(node), expected, spec.name, owner);
  return fmt::format("got {}; expected {} ({} of {}: {})", Written(node), expected, spec.name, owner,
                     spec.help);
}

bool MeetsMinimum(const ParamSpec& spec, double value) {
  return spec.min_exclusive ? value > spec.min_value : value >= spec.min_value;
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
        if (std::optional<Nanos> d = reader.Duration(spec.name, Need::kOptional, Bound::kAny))
          value = ToSeconds(*d);
        break;
    }
    if (!value) continue;
    absl::StatusOr<ParamValues> alone = ResolveParams({spec}, {{spec.name, *value}});
    if (!alone.ok()) {
      const toml::node& node = *reader.Find(spec.name);
      reader.ValueError(spec.name, MeetsMinimum(spec, *value) ? std::string(alone.status().message())
                                                              : BelowMinimum(spec, node, owner));
      continue;
    }
    values[spec.name] = *value;
  }
  return values;
}

bool ReportConflict(TableReader& reader, const std::vector<ParamSpec>& specs,
                    const ParamValues& values, std::string_view owner, std::string_view elsewhere) {
  const std::optional<ParamConflict> conflict = FindConflict(specs, values);
  if (!conflict) return false;
  const bool has_value = reader.Find(conflict->name) != nullptr;
  const bool has_limit = reader.Find(conflict->at_most) != nullptr;
  if (!has_value && !has_limit) return false;
  reader.ValueError(
      has_value ? conflict->name : conflict->at_most,
      fmt::format("{}: {} keeps a key's rate between the two, so {} would be ignored; {}",
                  ConflictText(*conflict, has_value ? "" : elsewhere, has_limit ? "" : elsewhere),
                  owner, conflict->at_most, ConflictFix(*conflict)));
  return true;
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
    spec.params = ReportConflict(reader, (*formula)->params, values, owner, " (its default)")
                      ? values
                      : Resolve(reader, (*formula)->params, values, owner);
  }
  reader.ReportUnknownKeys();
  return spec;
}

PolicySpec ReadPolicy(TableReader& reader) {
  PolicySpec policy;
  policy.pos = reader.pos();
  const std::optional<std::string> type = reader.String("type", Need::kRequired);
  const std::optional<std::string> label = reader.String("name", Need::kOptional);
  if (type) {
    policy.type = *type;
    if (const PolicyInfo* info = FindByName(Policies(), *type)) {
      const std::string owner = fmt::format("policy '{}'", *type);
      policy.params = Resolve(reader, info->params, ReadParams(reader, info->params, owner), owner);
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

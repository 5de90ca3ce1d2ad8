#include "engine/param_spec.h"

#include <cmath>

#include "engine/shown_number.h"
#include "fmt/format.h"
#include "fmt/ranges.h"

namespace ratesim {
namespace {

// A value of a parameter of `kind` as a message shows it: "60" for a number, "60s" for a duration.
std::string ValueText(ParamKind kind, double value) {
  return ShownNumber(value) + (kind == ParamKind::kDuration ? "s" : "");
}

bool MeetsMinimum(const ParamSpec& spec, double value) {
  return spec.min_exclusive ? value > spec.min_value : value >= spec.min_value;
}

bool MeetsMaximum(const ParamSpec& spec, double value) {
  return spec.max_exclusive ? value < spec.max_value : value <= spec.max_value;
}

bool HasMaximum(const ParamSpec& spec) { return !std::isinf(spec.max_value); }

}  // namespace

bool InRange(const ParamSpec& spec, double value) {
  return MeetsMinimum(spec, value) && MeetsMaximum(spec, value);
}

std::string RangeText(const ParamSpec& spec) {
  const std::string min = ValueText(spec.kind, spec.min_value);
  if (!HasMaximum(spec)) return fmt::format("{} {}", spec.min_exclusive ? ">" : ">=", min);
  const std::string max = ValueText(spec.kind, spec.max_value);
  if (std::isinf(spec.min_value)) return fmt::format("{} {}", spec.max_exclusive ? "<" : "<=", max);
  return fmt::format("in {}{}, {}{}", spec.min_exclusive ? "(" : "[", min, max,
                     spec.max_exclusive ? ")" : "]");
}

absl::StatusOr<ParamValues> ResolveParams(const std::vector<ParamSpec>& specs,
                                          const ParamValues& values) {
  ParamValues resolved;
  for (const ParamSpec& spec : specs) resolved[spec.name] = spec.default_value;
  for (const std::string& name : SortedNames(values)) {
    auto it = resolved.find(name);
    if (it == resolved.end()) {
      std::vector<std::string> known;
      for (const ParamSpec& spec : specs) known.push_back(spec.name);
      return UnknownNameError("parameter", name, known);
    }
    it->second = values.at(name);
  }
  for (const ParamSpec& spec : specs) {
    const double value = resolved[spec.name];
    if (!std::isfinite(value) || !MeetsMinimum(spec, value)) {
      return absl::InvalidArgumentError(fmt::format(
          "parameter '{}' must be {} {}, got {}", spec.name,
          spec.min_exclusive ? "greater than" : "at least", spec.min_value, ShownNumber(value)));
    }
    if (!MeetsMaximum(spec, value)) {
      return absl::InvalidArgumentError(fmt::format(
          "parameter '{}' must be {} {} (a number {}), got {}", spec.name,
          spec.max_exclusive ? "less than" : "at most", spec.max_value, RangeText(spec),
          ShownNumber(value)));
    }
    if (spec.kind == ParamKind::kCount && value != std::floor(value)) {
      return absl::InvalidArgumentError(
          fmt::format("parameter '{}' must be a whole number, got {}", spec.name, value));
    }
  }
  if (const std::optional<ParamConflict> conflict = FindConflict(specs, resolved)) {
    return absl::InvalidArgumentError(
        fmt::format("parameter {}: {}; {}", ConflictText(*conflict),
                    conflict->why.empty() ? "the cap would be ignored" : conflict->why,
                    ConflictFix(*conflict)));
  }
  return resolved;
}

std::vector<ParamConflict> FindConflicts(const std::vector<ParamSpec>& specs,
                                         const ParamValues& values) {
  auto value_of = [&](const std::string& name) -> std::optional<double> {
    if (const auto it = values.find(name); it != values.end()) return it->second;
    for (const ParamSpec& spec : specs) {
      if (spec.name == name) return spec.default_value;
    }
    return std::nullopt;
  };
  std::vector<ParamConflict> conflicts;
  for (const ParamSpec& spec : specs) {
    if (spec.at_most.empty()) continue;
    const std::optional<double> value = value_of(spec.name);
    const std::optional<double> limit = value_of(spec.at_most);
    if (value && limit && (spec.below_at_most ? *value >= *limit : *value > *limit)) {
      conflicts.push_back(ParamConflict{spec.name, *value, spec.at_most, *limit, spec.kind,
                                        spec.at_most_why, spec.below_at_most});
    }
  }
  return conflicts;
}

std::optional<ParamConflict> FindConflict(const std::vector<ParamSpec>& specs,
                                          const ParamValues& values) {
  std::vector<ParamConflict> conflicts = FindConflicts(specs, values);
  if (conflicts.empty()) return std::nullopt;
  return conflicts.front();
}

std::string ConflictText(const ParamConflict& conflict, std::string_view value_note,
                         std::string_view limit_note) {
  return fmt::format("{} = {}{} is {} {} = {}{}", conflict.name,
                     ValueText(conflict.kind, conflict.value), value_note,
                     conflict.strict ? "not below" : "above", conflict.at_most,
                     ValueText(conflict.kind, conflict.limit), limit_note);
}

std::string ConflictFix(const ParamConflict& conflict) {
  if (conflict.strict) {
    return fmt::format("lower {} below {}, or raise {} above {}", conflict.name,
                       ValueText(conflict.kind, conflict.limit), conflict.at_most,
                       ValueText(conflict.kind, conflict.value));
  }
  return fmt::format("lower {} to at most {}, or raise {} to at least {}", conflict.name,
                     ValueText(conflict.kind, conflict.limit), conflict.at_most,
                     ValueText(conflict.kind, conflict.value));
}

absl::Status UnknownNameError(std::string_view what, std::string_view name,
                              const std::vector<std::string>& known) {
  return absl::InvalidArgumentError(
      fmt::format("unknown {} '{}'; expected one of: {}", what, name, fmt::join(known, ", ")));
}

}  // namespace ratesim

#include "engine/param_spec.h"

#include <cmath>

#include "engine/shown_number.h"
#include "fmt/format.h"
#include "fmt/ranges.h"

namespace ratesim {

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
    const bool too_small = spec.min_exclusive ? !(value > spec.min_value) : !(value >= spec.min_value);
    if (!std::isfinite(value) || too_small) {
      return absl::InvalidArgumentError(fmt::format(
          "parameter '{}' must be {} {}, got {}", spec.name,
          spec.min_exclusive ? "greater than" : "at least", spec.min_value, ShownNumber(value)));
    }
    if (spec.kind == ParamKind::kCount && value != std::floor(value)) {
      return absl::InvalidArgumentError(
          fmt::format("parameter '{}' must be a whole number, got {}", spec.name, value));
    }
  }
  return resolved;
}

absl::Status UnknownNameError(std::string_view what, std::string_view name,
                              const std::vector<std::string>& known) {
  return absl::InvalidArgumentError(
      fmt::format("unknown {} '{}'; expected one of: {}", what, name, fmt::join(known, ", ")));
}

}  // namespace ratesim

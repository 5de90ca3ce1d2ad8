#include "sim/cli/flags.h"

#include "sim/util/nearest_name.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "fmt/format.h"

namespace ratesim {
namespace {

const FlagSpec* FindSpec(const std::vector<FlagSpec>& specs, std::string_view name) {
  for (const FlagSpec& spec : specs) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

absl::Status UnknownFlag(std::string_view name, const std::vector<FlagSpec>& specs) {
  std::vector<std::string> names;
  for (const FlagSpec& spec : specs) names.push_back(spec.name);
  const std::optional<std::string> nearest = NearestName(name, names);
  if (nearest) {
    return absl::InvalidArgumentError(
        fmt::format("unknown flag '{}'; did you mean '{}'?", name, *nearest));
  }
  std::string known;
  for (const std::string& candidate : names) known += (known.empty() ? "" : ", ") + candidate;
  return absl::InvalidArgumentError(
      fmt::format("unknown flag '{}'; expected one of: {}", name, known));
}

// A flag whose value is KEY=... (--set KEY=VALUE, --grid KEY=V1,V2) given a value without '=':
// most likely `--set run.duration 5m`, the key and value written as two arguments. When the next
// argument looks like the value (not a flag, not a scenario file), suggests joining the two;
// otherwise shows the form with the key given.
absl::Status KeyWithoutValue(const FlagSpec& spec, const std::string& value,
                             const std::string* next) {
  const bool next_is_value = next != nullptr && !next->empty() && next->rfind("--", 0) != 0 &&
                             !(next->size() >= 5 && next->compare(next->size() - 5, 5, ".toml") == 0);
  std::string fix;
  if (value.empty()) {
    fix = spec.value_name;
  } else if (next_is_value) {
    fix = value + "=" + *next;
  } else {
    fix = value + spec.value_name.substr(spec.value_name.find('='));  // "run.seed=VALUE"
  }
  return absl::InvalidArgumentError(fmt::format("flag '{}' takes {}, got '{}'; write {} {}",
                                                spec.name, spec.value_name, value, spec.name, fix));
}

}  // namespace

std::string ParsedArgs::Value(const std::string& name, const std::string& fallback) const {
  const auto it = flags.find(name);
  return it == flags.end() ? fallback : it->second.back();
}

std::vector<std::string> ParsedArgs::Values(const std::string& name) const {
  const auto it = flags.find(name);
  return it == flags.end() ? std::vector<std::string>() : it->second;
}

absl::StatusOr<ParsedArgs> ParseFlags(const std::vector<std::string>& args,
                                      const std::vector<FlagSpec>& specs) {
  ParsedArgs parsed;
  bool flags_ended = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (flags_ended || arg.size() < 2 || arg[0] != '-') {
      parsed.positional.push_back(arg);  // "-" alone is a positional too, as by convention
      continue;
    }
    if (arg == "--") {
      flags_ended = true;
      continue;
    }
    const size_t equals = arg.find('=');
    const std::string name = arg.substr(0, equals);
    const FlagSpec* spec = FindSpec(specs, name);
    if (spec == nullptr) return UnknownFlag(name, specs);
    if (!spec->repeated && parsed.Has(name)) {
      return absl::InvalidArgumentError(fmt::format("flag '{}' given more than once", name));
    }
    std::string value;
    if (spec->value_name.empty()) {
      if (equals != std::string::npos) {
        return absl::InvalidArgumentError(fmt::format("flag '{}' takes no value", name));
      }
    } else if (equals != std::string::npos) {
      value = arg.substr(equals + 1);
    } else if (i + 1 < args.size() && args[i + 1].rfind("--", 0) != 0) {
      value = args[++i];
    } else {
      return absl::InvalidArgumentError(
          fmt::format("flag '{}' needs a value: {} {}", name, name, spec->value_name));
    }
    if (spec->value_name.find('=') != std::string::npos && value.find('=') == std::string::npos) {
      return KeyWithoutValue(*spec, value, i + 1 < args.size() ? &args[i + 1] : nullptr);
    }
    parsed.flags[name].push_back(std::move(value));
  }
  return parsed;
}

bool IsWholeNumber(std::string_view text) {
  return !text.empty() && text.size() <= 19 &&
         text.find_first_not_of("0123456789") == std::string_view::npos;
}

absl::Status CheckSeedFlag(std::string_view seed) {
  uint64_t value = 0;
  if (!IsWholeNumber(seed) || !absl::SimpleAtoi(std::string(seed), &value) || value > kMaxSeed) {
    return absl::InvalidArgumentError(
        fmt::format("flag '--seed' needs a whole number from 0 to {}, got '{}'", kMaxSeed, seed));
  }
  return absl::OkStatus();
}

absl::StatusOr<int> IntFlag(const ParsedArgs& args, const std::string& name, int min, int max,
                            const std::string& min_text, int fallback) {
  if (!args.Has(name)) return fallback;
  const std::string text = args.Value(name);
  if (!IsWholeNumber(text) || text.size() > 9 || std::stoi(text) < min || std::stoi(text) > max) {
    return absl::InvalidArgumentError(fmt::format(
        "flag '{}' needs a whole number from {} to {}, got '{}'", name, min_text, max, text));
  }
  return std::stoi(text);
}

absl::StatusOr<std::vector<std::string>> SplitFlagList(std::string_view flag, std::string_view text,
                                                       std::string_view items) {
  std::vector<std::string> list;
  for (size_t start = 0;;) {
    const size_t comma = std::min(text.find(',', start), text.size());
    std::string_view item = text.substr(start, comma - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.empty()) {
      return absl::InvalidArgumentError(
          fmt::format("flag '{}' needs a comma-separated list of {}, got '{}'", flag, items, text));
    }
    if (std::find(list.begin(), list.end(), item) != list.end()) {
      return absl::InvalidArgumentError(
          fmt::format("flag '{}' lists '{}' more than once", flag, item));
    }
    list.emplace_back(item);
    if (comma == text.size()) return list;
    start = comma + 1;
  }
}

}  // namespace ratesim

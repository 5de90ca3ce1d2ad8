#include "sim/sweep/sweep_definition.h"

#include "fmt/format.h"
#include "sim/report/run_metadata.h"

namespace ratesim {
namespace {

void AddField(std::string& text, std::string_view name, std::string_view value) {
  text += fmt::format("{} {}:{}\n", name, value.size(), value);
}

}  // namespace

std::vector<std::string> SweepDefinition::overrides_of(size_t point) const {
  std::vector<std::string> out = overrides;
  if (!seed.empty()) out.push_back("run.seed=" + seed);
  const std::vector<std::string> values = values_of(point);
  for (size_t i = 0; i < grid.size(); ++i) out.push_back(grid[i].key + "=" + values[i]);
  return out;
}

std::string SweepDefinition::describe(size_t point) const {
  const std::vector<std::string> values = values_of(point);
  std::string text;
  for (size_t i = 0; i < values.size(); ++i) {
    text += fmt::format("{}{}={}", i > 0 ? ", " : "", grid[i].key, values[i]);
  }
  return text.empty() ? "no grid values" : text;
}

std::string CanonicalText(const SweepDefinition& definition) {
  std::string text = "ratesim sweep\n";
  AddField(text, "version", definition.version);
  const auto add_files = [&text](const char* label, const std::vector<HashedFile>& files) {
    for (const HashedFile& file : files) {
      AddField(text, label, file.path);
      AddField(text, "fnv1a64", HashText(file.fnv1a64));
    }
  };
  add_files("scenario", definition.scenarios);
  // Nothing without traces: a shard file written before traces were hashed still matches its
  // fingerprint.
  add_files("trace", definition.traces);
  for (const GridAxis& axis : definition.grid) {
    AddField(text, "grid", axis.key);
    for (const std::string& value : axis.values) AddField(text, "value", value);
  }
  for (const std::string& override : definition.overrides) AddField(text, "set", override);
  AddField(text, "seed", definition.seed);
  // Nothing without --policies: a shard file written before the flag still matches.
  for (const std::string& policy : definition.policies) AddField(text, "policy", policy);
  if (!definition.org.empty()) AddField(text, "org", definition.org);  // likewise
  AddField(text, "replications", fmt::format("{}", definition.replications));
  return text;
}

std::string Fingerprint(const SweepDefinition& definition) {
  return HashText(Fnv1a64(CanonicalText(definition)));
}

bool operator==(const SweepDefinition& a, const SweepDefinition& b) {
  return CanonicalText(a) == CanonicalText(b);
}

}  // namespace ratesim

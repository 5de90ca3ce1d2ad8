#include "sim/scenario/section_keys.h"

#include <algorithm>

#include "engine/limit_formula.h"
#include "engine/smoothing_policy.h"

namespace ratesim {
namespace scenario_internal {
namespace {

// `keys` and the names of the parameters of every entry of `registry` (Formulas(), Policies()).
template <typename Info>
std::vector<std::string> WithParams(std::vector<std::string> keys, const std::vector<Info>& registry) {
  for (const Info& info : registry) {
    for (const ParamSpec& param : info.params) keys.push_back(param.name);
  }
  return keys;
}

std::vector<std::string> TrafficKeys() {
  std::vector<std::string> keys = {"model",        "shape",         "start",
                                   "stop",         "client",        "input_tokens",
                                   "output_tokens", "max_output_tokens"};
  keys.insert(keys.end(), ShapeKeys().begin(), ShapeKeys().end());
  return keys;
}

// The sections whose keys the readers know in full. [[traces]] is left out: its few keys (path)
// are not what a missing header leaves behind.
const std::vector<SectionKeys>& Sections() {
  static const std::vector<SectionKeys>* const sections = new std::vector<SectionKeys>{
      {"[run]", "run", true, {"duration", "seed", "resolution", "drain", "warmup"}},
      {"[limits]", "limits", true, WithParams({"formula"}, Formulas())},
      {"[[models]]",
       "models",
       true,
       {"name", "replicas", "concurrency", "service", "schedule", "autoscaler", "policy",
        "on_disconnect"}},
      {"[[orgs]]", "orgs", true, {"name", "limits", "traffic", "copies", "stagger"}},
      {"[[orgs.traffic]]", "traffic", false, TrafficKeys()},
      {"[[policies]]", "policies", true, WithParams({"type", "name"}, Policies())},
  };
  return *sections;
}

bool TakesAll(const SectionKeys& section, const std::vector<std::string>& keys) {
  return std::all_of(keys.begin(), keys.end(), [&](const std::string& key) {
    return std::find(section.keys.begin(), section.keys.end(), key) != section.keys.end();
  });
}

}  // namespace

const std::vector<std::string>& ShapeKeys() {
  static const std::vector<std::string>* const keys = new std::vector<std::string>{
      "rate", "count", "window", "every",  "from",   "to",      "over", "arrivals", "at",
      "on",   "off",   "amplitude", "period", "phase", "workers", "think"};
  return *keys;
}

const SectionKeys* SectionOfKeys(const std::vector<std::string>& keys, std::string_view context) {
  const SectionKeys* found = nullptr;
  for (const SectionKeys& section : Sections()) {
    if (section.header == context || !TakesAll(section, keys)) continue;
    if (found != nullptr) return nullptr;  // ambiguous: naming one would guess
    found = &section;
  }
  return found;
}

}  // namespace scenario_internal
}  // namespace ratesim

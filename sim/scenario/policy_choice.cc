#include "sim/scenario/policy_choice.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "engine/smoothing_policy.h"
#include "fmt/format.h"
#include "sim/util/nearest_name.h"

namespace ratesim {

std::vector<std::string> Labels(const Scenario& scenario) {
  std::vector<std::string> labels;
  for (const PolicySpec& policy : scenario.policies) labels.push_back(policy.label);
  return labels;
}

absl::Status AddRegisteredPolicies(const std::vector<std::string>& labels, Scenario& scenario) {
  for (const std::string& label : labels) {
    const std::vector<std::string> known = Labels(scenario);
    if (std::find(known.begin(), known.end(), label) != known.end()) continue;
    for (const PolicyInfo& info : Policies()) {
      if (info.name != label) continue;
      absl::StatusOr<ParamValues> defaults = ResolveParams(info.params, {});
      if (!defaults.ok()) return defaults.status();
      scenario.policies.push_back({label, label, *std::move(defaults), {}});
    }
  }
  return absl::OkStatus();
}

absl::Status CheckLabels(const Scenario& scenario, const std::vector<std::string>& labels) {
  const std::vector<std::string> known = Labels(scenario);
  for (const std::string& label : labels) {
    if (std::find(known.begin(), known.end(), label) != known.end()) continue;
    std::vector<std::string> accepted = known;
    for (const PolicyInfo& info : Policies()) {
      if (std::find(accepted.begin(), accepted.end(), info.name) == accepted.end()) {
        accepted.push_back(info.name);
      }
    }
    const std::optional<std::string> nearest = NearestName(label, accepted);
    std::string list;
    for (const std::string& name : known) list += (list.empty() ? "" : ", ") + name;
    return absl::InvalidArgumentError(fmt::format(
        "unknown policy '{}'{} {} declares the policies {}, and no registered policy has that name "
        "(`ratesim policies` lists them)",
        label, nearest ? fmt::format("; did you mean '{}'?", *nearest) : ":", scenario.path,
        list));
  }
  return absl::OkStatus();
}

absl::Status KeepPolicies(const std::vector<std::string>& labels, Scenario& scenario) {
  if (labels.empty()) return absl::OkStatus();
  if (absl::Status added = AddRegisteredPolicies(labels, scenario); !added.ok()) return added;
  if (absl::Status checked = CheckLabels(scenario, labels); !checked.ok()) return checked;
  std::vector<PolicySpec> kept;
  for (const std::string& label : labels) {
    for (const PolicySpec& policy : scenario.policies) {
      if (policy.label == label) kept.push_back(policy);
    }
  }
  scenario.policies = std::move(kept);
  return absl::OkStatus();
}

}  // namespace ratesim

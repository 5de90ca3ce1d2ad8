#include "sim/report/own_policy_note.h"

#include <vector>

#include "fmt/format.h"
#include "fmt/ranges.h"

namespace ratesim {

std::string OwnPolicyNote(const Scenario& scenario) {
  std::vector<std::string> kept;
  for (const ModelSpec& model : scenario.models) {
    const PolicySpec& own = model.own_policy;
    if (own.type.empty()) continue;
    kept.push_back(own.label == own.type
                       ? fmt::format("model '{}' keeps its own policy {}", model.name, own.type)
                       : fmt::format("model '{}' keeps its own policy '{}' ({})", model.name, own.label, own.type));
  }
  if (kept.empty()) return "";
  const bool every_model = kept.size() == scenario.models.size();
  return fmt::format("note: {} in every run; {}\n", fmt::join(kept, ", "),
                     every_model ? "the rows' policies apply to no model"
                                 : "the rows' policies are those of the other models");
}

}  // namespace ratesim

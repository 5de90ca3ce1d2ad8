#include "sim/scenario/scenario_formulas.h"

#include <algorithm>
#include <utility>

#include "fmt/format.h"

namespace ratesim {
namespace {

// "hold = 0, window = 60", in name order.
std::string DescribeOverrides(const ParamValues& overrides) {
  std::vector<std::pair<std::string, double>> sorted(overrides.begin(), overrides.end());
  std::sort(sorted.begin(), sorted.end());
  std::string text;
  for (const auto& [name, value] : sorted) {
    text += fmt::format("{}{} = {:g}", text.empty() ? "" : ", ", name, value);
  }
  return text;
}

// The parameters of one formula the scenario makes, and whose they are.
struct FormulaOwner {
  ParamValues params;
  std::vector<std::string> orgs;  // quoted; empty: [limits] itself (every org without overrides)
  std::string overrides;          // the orgs' overrides, described
};

std::string OwnerName(const FormulaOwner& owner) {
  if (owner.orgs.empty()) return "[limits]";
  std::string orgs;
  for (const std::string& org : owner.orgs) {
    orgs += fmt::format("{}{}", orgs.empty() ? "" : ", ", org);
  }
  return fmt::format("[limits] with the overrides of org{} {} ({})",
                     owner.orgs.size() > 1 ? "s" : "", orgs, owner.overrides);
}

}  // namespace

absl::StatusOr<std::unique_ptr<LimitFormula>> MakeLimitsFormula(const LimitSpec& limits,
                                                                const ParamValues& params) {
  return MakeFormula(limits.formula, params, limits.texts);
}

std::vector<ScenarioFormula> ScenarioFormulas(const Scenario& scenario) {
  const LimitSpec& limits = scenario.limits;
  // Each distinct parameter set, in the order first met: orgs whose overrides change nothing use
  // [limits]'s own formula, and orgs with the same overrides share one.
  std::vector<FormulaOwner> owners = {{limits.params, {}, ""}};
  for (const OrgSpec& org : scenario.orgs) {
    if (org.limit_overrides.empty()) continue;
    ParamValues params = limits.ParamsFor(org);
    const auto same = std::find_if(owners.begin(), owners.end(), [&](const FormulaOwner& owner) {
      return owner.params == params;
    });
    // The copies of one [[orgs]] are named once, by the name written there.
    const std::string name = org.copy_of.empty()
                                 ? fmt::format("'{}'", org.name)
                                 : fmt::format("'{}' ({} copies)", org.copy_of, org.copies);
    if (same == owners.end()) {
      owners.push_back({std::move(params), {name}, DescribeOverrides(org.limit_overrides)});
    } else if (same != owners.begin() && same->orgs.back() != name) {
      same->orgs.push_back(name);
    }
  }
  std::vector<ScenarioFormula> formulas;
  for (const FormulaOwner& owner : owners) {
    absl::StatusOr<std::unique_ptr<LimitFormula>> formula = MakeLimitsFormula(limits, owner.params);
    if (!formula.ok()) continue;  // the loader made every one of them already
    formulas.push_back({OwnerName(owner), *std::move(formula)});
  }
  return formulas;
}

}  // namespace ratesim

// The limit formulas a scenario makes: the one place they are made from its [limits] and its
// orgs' overrides, for the platform's keys (platform.cc's FormulaBook) and, each named by whose
// limits it makes, for the checks that `ratesim validate` runs on them and warns of.
#ifndef RATESIM_SIM_SCENARIO_SCENARIO_FORMULAS_H_
#define RATESIM_SIM_SCENARIO_SCENARIO_FORMULAS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/limit_formula.h"
#include "sim/scenario/scenario.h"

namespace ratesim {

// The formula [limits] names, made with `params`: [limits]'s own, or an org's
// (LimitSpec::ParamsFor), with [limits]'s expressions. Fails as MakeFormula does.
absl::StatusOr<std::unique_ptr<LimitFormula>> MakeLimitsFormula(const LimitSpec& limits,
                                                                const ParamValues& params);

struct ScenarioFormula {
  // "[limits]", or "[limits] with the overrides of org 'a' (hold = 0)" (of orgs 'a', 'b' when
  // they share them).
  std::string owner;
  std::unique_ptr<LimitFormula> formula;
};

// The formula of [limits], then one per distinct set of org overrides that changes a parameter,
// in the order first met. A formula that cannot be made is left out (the loader made every one
// of a loaded scenario).
std::vector<ScenarioFormula> ScenarioFormulas(const Scenario& scenario);

}  // namespace ratesim

#endif  // RATESIM_SIM_SCENARIO_SCENARIO_FORMULAS_H_

#include "sim/report/floor_warning.h"

#include <cmath>

#include "engine/expr_formula.h"
#include "fmt/format.h"
#include "sim/scenario/scenario_formulas.h"
#include "sim/simulate/platform.h"

namespace ratesim {
namespace {

// The paragraph for one expression: `param` with its results in `unit`, its base parameter
// `base_param` (per minute: the floor x 60).
std::string ExpressionWarning(std::string_view owner, const char* param, const char* unit,
                              const char* base_param, const char* base_variable,
                              const ExpressionAtFloor& seen, int probes) {
  const std::string highest =
      std::isnan(seen.highest) ? "none of its results was a number"
                               : fmt::format("its highest result was {:g} {}", seen.highest, unit);
  return fmt::format(
      "warning: limit formula 'expr' of {}: its {} is below the floor at every state a test key "
      "was probed in on the scenario's models ({} results, from a new key through ramping up, "
      "busy, refused, short of capacity, 503s, recovery and an idle hour; {}, the floor {}, {:g} "
      "{}), so it is clamped to "
      "the floor at every update: every key's {} will be the base, {} = {:g}, throughout, whatever "
      "its traffic. Check the expression's sign and unit: it gives {}, as {} does; to keep every "
      "key at its base on purpose, write {}.\n",
      owner, param, probes, highest, base_variable, seen.floor, unit,
      std::string_view(unit) == "req/s" ? "request rate" : "token rate", base_param,
      seen.floor * 60, unit, base_variable, base_variable);
}

// The paragraph for an expression that is not a finite number in some states a key reaches: there
// the key falls back to its floor, which a run counts (non_finite_rates) but only after the fact.
std::string NotFiniteWarning(std::string_view owner, const char* param, const char* base_variable,
                             const ExpressionAtFloor& seen, int probes) {
  return fmt::format(
      "warning: limit formula 'expr' of {}: its {} is not a finite number (NaN or infinite) in {} "
      "of the {} states a test key was probed in, first {}; there a key's rate falls to the floor "
      "({}). Guard what can be 0 or negative, e.g. `r503_1m > 0 ? ... : ...`.\n",
      owner, param, seen.not_finite, probes, seen.first_not_finite, base_variable);
}

}  // namespace

std::string FloorWarning(std::string_view owner, const FloorClamp& clamp) {
  std::string text;
  if (clamp.requests.always) {
    text += ExpressionWarning(owner, ExprFormula::kRequestsParam, "req/s", "base_rpm", "base_rps",
                              clamp.requests, clamp.probes);
  } else if (clamp.requests.not_finite > 0) {
    text += NotFiniteWarning(owner, ExprFormula::kRequestsParam, "base_rps", clamp.requests, clamp.probes);
  }
  if (clamp.tokens.always) {
    text += ExpressionWarning(owner, ExprFormula::kTokensParam, "tokens/s", "base_tpm", "base_tps",
                              clamp.tokens, clamp.probes);
  } else if (clamp.tokens.not_finite > 0) {
    text += NotFiniteWarning(owner, ExprFormula::kTokensParam, "base_tps", clamp.tokens, clamp.probes);
  }
  return text;
}

std::vector<ModelCapacity> ScenarioCapacities(const Scenario& scenario) {
  std::vector<ModelCapacity> capacities;
  auto add = [&capacities](const ModelCapacity& per_replica, int64_t replicas) {
    if (replicas <= 0) return;
    const ModelCapacity capacity = Scaled(per_replica, replicas);
    for (const ModelCapacity& known : capacities) {
      if (known.requests_per_s == capacity.requests_per_s &&
          known.tokens_per_s == capacity.tokens_per_s) {
        return;
      }
    }
    capacities.push_back(capacity);
  };
  for (const ModelSpec& model : scenario.models) {
    const ModelCapacity per_replica = NominalCapacityPerReplica(scenario, model);
    add(per_replica, model.replicas);
    for (const CapacityChange& change : model.schedule) add(per_replica, change.replicas);
    if (model.autoscaler.enabled) {
      add(per_replica, model.autoscaler.min_replicas);
      add(per_replica, model.autoscaler.max_replicas);
    }
  }
  return capacities;
}

std::string FloorInputs(const Scenario& scenario) {
  std::string inputs;
  for (const ModelCapacity& capacity : ScenarioCapacities(scenario)) {
    inputs += fmt::format("{:a}/{:a};", capacity.requests_per_s, capacity.tokens_per_s);
  }
  return inputs;
}

std::string FloorWarnings(const Scenario& scenario) {
  if (scenario.limits.formula != ExprFormula::kName) return "";
  const std::vector<ModelCapacity> capacities = ScenarioCapacities(scenario);
  std::string warnings;
  for (const ScenarioFormula& made : ScenarioFormulas(scenario)) {
    const auto* expr = dynamic_cast<const ExprFormula*>(made.formula.get());
    if (expr == nullptr) continue;
    if (const std::optional<FloorClamp> clamp = CheckAlwaysAtFloor(*expr, capacities)) {
      warnings += FloorWarning(made.owner, *clamp);
    }
  }
  return warnings;
}

}  // namespace ratesim

// The warning `ratesim validate` (and run, compare, sweep) prints when an expression of a
// scenario's `expr` formula is below the floor at every state a test key was probed in
// (engine/floor_check.h): it is then clamped to the floor at every update, so every key keeps its
// base rate whatever its traffic, and the results would not show that the expression never
// mattered. Most often a sign or a unit gone wrong.
#ifndef RATESIM_SIM_REPORT_FLOOR_WARNING_H_
#define RATESIM_SIM_REPORT_FLOOR_WARNING_H_

#include <string>
#include <string_view>
#include <vector>

#include "engine/floor_check.h"
#include "sim/scenario/scenario.h"

namespace ratesim {

// One paragraph per expression that is always at the floor: the formula and whose limits it is
// (`owner`, e.g. "[limits]"), the expression, its highest result against the floor, the rate
// every key will have (the base) and what to check.
std::string FloorWarning(std::string_view owner, const FloorClamp& clamp);

// Every capacity a model of the scenario has at some time, as its keys' formulas see it: its
// replicas at the start, after each scheduled change (an outage excepted: the formulas keep the
// capacity they saw) and at the autoscaler's bounds. The floor check evaluates at each.
std::vector<ModelCapacity> ScenarioCapacities(const Scenario& scenario);

// What FloorWarnings reads beyond CompositionInputs(scenario), as text: two scenarios with equal
// CompositionInputs and equal FloorInputs get the same warnings.
std::string FloorInputs(const Scenario& scenario);

// Checks every `expr` formula the scenario makes (as CompositionWarnings does: [limits]'s and
// one per distinct set of org overrides); "" for other formulas, which clamp by design. Returns a
// FloorWarning per formula with an expression always at the floor, "" if none. Reads what
// CompositionInputs(scenario) and FloorInputs(scenario) name. REQUIRES: the scenario was loaded (its formulas are valid).
std::string FloorWarnings(const Scenario& scenario);

}  // namespace ratesim

#endif  // RATESIM_SIM_REPORT_FLOOR_WARNING_H_

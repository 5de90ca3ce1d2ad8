// The warning `ratesim validate` prints when a scenario's limit formula does not compose under lazy
// updates (engine/composition_check.h): its rates would then depend on how often each key is
// touched, so a run's results would depend on the timing of its traffic and not only on its amount,
// and nothing in the results would show it.
#ifndef RATESIM_SIM_REPORT_COMPOSITION_WARNING_H_
#define RATESIM_SIM_REPORT_COMPOSITION_WARNING_H_

#include <string>
#include <string_view>

#include "engine/composition_check.h"
#include "sim/scenario/scenario.h"

namespace ratesim {

// One paragraph: the formula and whose limits it is (`owner`, e.g. "[limits]"), the expression
// parameter or rate that disagrees, the worst case in numbers, what it means and how to fix it.
std::string CompositionWarning(std::string_view formula, std::string_view owner,
                               const CompositionGap& gap);

// Checks every formula the scenario makes (platform.cc's FormulaBook): the one of [limits] and one
// per distinct set of org overrides that changes a parameter, whatever the formula (built-in ones
// compose, so they cost a few milliseconds and print nothing). Returns a CompositionWarning per
// formula that does not compose, "" if all do. REQUIRES: the scenario was loaded (its formulas
// are valid).
std::string CompositionWarnings(const Scenario& scenario);

// Everything CompositionWarnings(scenario) reads, as text: scenarios with equal texts get equal
// warnings, so a sweep checks each distinct formula once, however many points share it.
std::string CompositionInputs(const Scenario& scenario);

}  // namespace ratesim

#endif  // RATESIM_SIM_REPORT_COMPOSITION_WARNING_H_

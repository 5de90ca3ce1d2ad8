// The warning that a run's warm-up (RunSpec::warmup) hides part of what the scenario sets up: a
// model's capacity change scheduled within it, or a traffic stream that stops within it. The run
// still goes through them, but its results measure only what comes after the warm-up, so an outage
// the file was written to study would leave no trace in them.
#ifndef RATESIM_SIM_REPORT_WARMUP_WARNING_H_
#define RATESIM_SIM_REPORT_WARMUP_WARNING_H_

#include <string>

#include "sim/scenario/scenario.h"

namespace ratesim {

// One "warning: ...\n" line per model whose schedule changes within the warm-up (its first such
// change) and per [[orgs.traffic]] that stops within it (once for a group of copies); "" when
// nothing is hidden or the run has no warm-up.
std::string WarmupWarnings(const Scenario& scenario);

}  // namespace ratesim

#endif  // RATESIM_SIM_REPORT_WARMUP_WARNING_H_

// The copies of an [[orgs]] (`copies = 400`) as one row of the terminal's per-org table: 400 rows,
// or the 20 busiest of 400 alike, would say less than one row for them all.
#ifndef RATESIM_SIM_REPORT_FOLDED_COPIES_H_
#define RATESIM_SIM_REPORT_FOLDED_COPIES_H_

#include <optional>
#include <vector>

#include "sim/metrics/run_metrics.h"
#include "sim/scenario/scenario.h"

namespace ratesim {

// `runs` of `scenario` with each [[orgs]]'s copies folded into one org named "<name>-1..<N>", at
// the place of its first copy: counts summed, latency and queue-wait histograms merged. Every other
// org, and everything but the orgs, as it was. Nullopt when the scenario has no copies.
std::optional<std::vector<RunResult>> FoldCopies(const std::vector<RunResult>& runs,
                                                 const Scenario& scenario);

}  // namespace ratesim

#endif  // RATESIM_SIM_REPORT_FOLDED_COPIES_H_

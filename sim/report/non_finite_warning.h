// The warning printed after a command's results when a limit formula computed a rate that was not
// a finite number (RunMetrics::non_finite_rates). Such a rate is replaced by its floor: the run
// goes on and its counts look plausible, so without this nothing would say that the formula under
// study was not the one that decided.
#ifndef RATESIM_SIM_REPORT_NON_FINITE_WARNING_H_
#define RATESIM_SIM_REPORT_NON_FINITE_WARNING_H_

#include <string>
#include <string_view>
#include <vector>

#include "sim/metrics/run_metrics.h"

namespace ratesim {

// One paragraph naming the formula; how many request and token rates fell back, over how many keys
// and runs; the key that fell back most often, with its run's policy, replication and seed; and how
// to fix the expression. "" when no run of `runs` had a non-finite rate. `runs` as RunComparison
// returns them: runs[p * replications + r].
std::string NonFiniteRateWarning(const std::vector<RunResult>& runs, int replications,
                                 std::string_view formula);

}  // namespace ratesim

#endif  // RATESIM_SIM_REPORT_NON_FINITE_WARNING_H_

// The lines under a sweep's table that answer "which point": for each question a researcher asks
// of a limit formula's parameters (and of the policies run with them), the row that does best, its
// figure, the runner-up and its figure, and whether the two are told apart; one table per scenario
// file, since rows of different files ran on different traffic.
//
//   most served             success_rate (higher is better)
//   steady orgs served      steady_success (higher)
//   worst steady org        steady_worst_success (higher)
//   fewest 503s             share_503 (lower): failures blamed on the platform
//   fairest across orgs     fairness (higher)
//   lowest p99 (served)     latency_p99_s (lower), of successful requests
//   smallest rate dip       rate_low_share (higher), where some row's rate dipped in an outage
//   fastest rate return     rate_recovery_s (lower), likewise (by more than the rate tolerance of
//                           recovery.h: a rate that never fell is "back" at once everywhere)
//
// A row is named by its grid values (numbered as the table numbers them, grid_labels.h) and, when
// the scenario runs several policies, its policy. Rows whose figures read the same are a tie: the
// first in sweep order is named, with how many more share it. "fastest rate return" is asked only
// of rows whose rate dipped and came back in every replication (rate_returned_share 1). Told
// apart, with replications: "clear" when the 95% Student-t interval of the paired differences
// (replication r of every row ran on the same seed, so the traffic's luck cancels) excludes 0,
// "within noise" when it does not; where the grid varies run.seed, or a row's samples are missing
// or undefined in a replication, on whether the two rows' 95% intervals are disjoint.
#ifndef RATESIM_SIM_SWEEP_SWEEP_VERDICT_H_
#define RATESIM_SIM_SWEEP_SWEEP_VERDICT_H_

#include <string>
#include <vector>

#include "sim/sweep/sweep_definition.h"
#include "sim/sweep/sweep_rows.h"

namespace ratesim {

// "" when no scenario has two rows to compare on any question.
std::string SweepVerdict(const SweepDefinition& definition, const std::vector<PointRows>& points);

}  // namespace ratesim

#endif  // RATESIM_SIM_SWEEP_SWEEP_VERDICT_H_

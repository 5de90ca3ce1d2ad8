// The terminal view of why attempts failed: per policy, its failed attempts and how many each of
// the policy's reasons (engine/fail_reason.h) accounts for, under the names audit.csv and
// summary.json use. The 429 and 503 columns say whose fault a failure was; this says what the
// smoothing policy did to it: no buffer (no_capacity), a buffer too small (buffer_full), a wait too
// long (would_expire, expired), a within-rate request preferred (displaced), load shed (shed).
//
//   failed attempts by reason (every failed attempt, retried ones too):
//   policy  failed  no_capacity  buffer_full  expired
//   ------  ------  -----------  -----------  -------
//   none       518          518            0        0
//   fifo       212            0           97      115
//
// Attempts, not requests: a request its client retried counts once per failed attempt
// (OutcomeCounts::failed_attempts). A column only for a reason some policy met; with replications,
// mean counts over them.
#ifndef RATESIM_SIM_REPORT_FAIL_REASON_TABLE_H_
#define RATESIM_SIM_REPORT_FAIL_REASON_TABLE_H_

#include <string>
#include <vector>

#include "sim/metrics/run_metrics.h"

namespace ratesim {

// The table for policy-major `runs` (runs[p * replications + r]), after a blank line; "" when no
// attempt failed in any run. REQUIRES: replications >= 1 and divides runs.size().
std::string FailReasonTable(const std::vector<RunResult>& runs, int replications);

}  // namespace ratesim

#endif  // RATESIM_SIM_REPORT_FAIL_REASON_TABLE_H_

// summary.json: the scalar results of every run, for scripts. Layout (times in seconds), with one
// replication per policy:
//
//   {"policies": {"<label>": {
//       "seed": 1, "end_time_s": 61.5,
//       "overall": SLICE + {"utilisation"},
//       "per_org": {"<org>": SLICE, ...},
//       "per_model": {"<model>": SLICE + {"utilisation", "slots", "started", "mean_buffered"},
//       ...}},
//     ...}}
//   SLICE = {"offered", "ok", "r429_request", "r429_token", "r429", "r503", "timed_out",
//            "in_flight", "retries", "timeouts", "served_after_timeout", "failed_after_timeout",
//            "over_rate_attempts",
//            "failed_attempts_by_reason": REASONS, "success_rate", "latency": DIST,
//            "queue_wait": DIST}
//   REASONS = {"no_capacity", "buffer_full", "would_expire", "expired", "displaced", "shed"}
//   DIST  = {"count", "p50", "p90", "p99", "mean", "max"}   (seconds; all 0 when count is 0)
//
// "latency" covers successful requests (arrival to completion), "queue_wait" started ones (arrival
// to start of service); "retries" counts attempts after the first. "timed_out" counts requests whose
// client gave up waiting for the last attempt (its `timeout`), "timeouts" every attempt so given up
// on, retried ones included, and "served_after_timeout" and "failed_after_timeout" those the
// platform served to the end anyway or failed later (its model's on_disconnect).
// offered = ok + r429 + r503 + timed_out + in_flight.
// "over_rate_attempts" counts attempts above their org's dynamic rate at arrival, served or not.
// "failed_attempts_by_reason" counts attempts, not requests: every attempt that failed, those a
// client then retried included, by the policy's reason (engine/fail_reason.h), every reason present
// (0 if none). With nothing in flight they sum to r429 + r503 + timed_out + retries - timeouts
// (OutcomeCounts). Policies, orgs and models appear in run, id order.
//
// With N > 1 replications per policy, the same shape with every number replaced by its estimate
// over the replications, EST = {"mean", "ci95"} (ci95: half-width of the 95% Student-t interval;
// null when fewer than two replications define the number, both null when none does), plus the
// shares of finished requests that fail, and every replication's own results:
//
//   {"policies": {"<label>": {
//       "replications": N, "seeds": [seed of replication 0, 1, ...], "end_time_s": EST,
//       "overall": SLICE_EST + {"utilisation": EST},
//       "per_org": {"<org>": SLICE_EST, ...},
//       "per_model": {"<model>": SLICE_EST + {"utilisation", "slots", "started", "mean_buffered"}},
//       "runs": [RUN of replication 0, RUN of replication 1, ...]},    (RUN: the one-run layout)
//     ...}}
//   SLICE_EST = SLICE with EST for each number (each reason's count too), + {"r429_share": EST,
//               "r503_share": EST}
//
// A number a replication does not define (a latency with no successful request, a share with
// nothing finished) is left out of its estimate rather than counted as 0 (replication_stats.h).
#ifndef RATESIM_SIM_REPORT_SUMMARY_JSON_H_
#define RATESIM_SIM_REPORT_SUMMARY_JSON_H_

#include <string>
#include <vector>

#include "sim/metrics/run_metrics.h"

namespace ratesim {

// Valid JSON, never NaN or infinity. `runs` holds runs[p * replications + r] (RunComparison's
// order). REQUIRES: replications >= 1 and divides runs.size().
std::string SummaryJson(const std::vector<RunResult>& runs, int replications = 1);

}  // namespace ratesim

#endif  // RATESIM_SIM_REPORT_SUMMARY_JSON_H_

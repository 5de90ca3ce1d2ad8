// summary.json: the scalar results of every run, for scripts. Layout (times in seconds):
//
//   {"policies": {"<label>": {
//       "seed": 1, "end_time_s": 61.5,
//       "overall": SLICE + {"utilisation"},
//       "per_org": {"<org>": SLICE, ...},
//       "per_model": {"<model>": SLICE + {"utilisation", "slots", "started", "mean_buffered"}, ...}},
//     ...}}
//   SLICE = {"offered", "ok", "r429_request", "r429_token", "r429", "r503", "in_flight",
//            "success_rate", "latency": DIST, "queue_wait": DIST}
//   DIST  = {"count", "p50", "p90", "p99", "mean", "max"}   (seconds; all 0 when count is 0)
//
// "latency" covers successful requests (arrival to completion), "queue_wait" started ones (arrival to
// start of service). Policies, orgs and models appear in run, id order.
#ifndef RATESIM_SIM_REPORT_SUMMARY_JSON_H_
#define RATESIM_SIM_REPORT_SUMMARY_JSON_H_

#include <string>
#include <vector>

#include "sim/metrics/run_metrics.h"

namespace ratesim {

// Valid JSON, never NaN or infinity.
std::string SummaryJson(const std::vector<RunResult>& runs);

}  // namespace ratesim

#endif  // RATESIM_SIM_REPORT_SUMMARY_JSON_H_

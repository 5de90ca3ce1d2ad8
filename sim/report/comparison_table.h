// The terminal view of a comparison: one row per policy with outcome counts, success rate, latency,
// queue wait and utilisation, then a compact org x policy breakdown. Counts are exact; latencies
// come from the histograms (p50/p99 of successful requests, p99 queue wait of started ones).
//
// With replications, a row per policy gives mean counts and, for each headline metric (success,
// 429 and 503 shares of finished requests, p50, p99, p99 wait, utilisation; per org 429 and 503
// counts, success and p99), the mean over replications and its 95% confidence half-width:
// "97.1% ±0.4", "21 ±6".
#ifndef RATESIM_SIM_REPORT_COMPARISON_TABLE_H_
#define RATESIM_SIM_REPORT_COMPARISON_TABLE_H_

#include <cstddef>
#include <string>
#include <vector>

#include "sim/metrics/run_metrics.h"

namespace ratesim {

struct ComparisonTableOptions {
  // The per-org breakdown shows at most this many orgs, the busiest by offered requests (in their
  // scenario order), and says how many it left out. Default 20; 0 leaves the breakdown out.
  size_t max_orgs = 20;
  // Runs per policy: `runs` holds runs[p * replications + r]. Default 1.
  int replications = 1;
};

// The tables for `runs` (one per policy, or options.replications per policy, all of the same
// scenario, so with the same orgs), in the order given. The breakdown appears only when there are
// two orgs or more (with one it would repeat the first table). Empty string when `runs` is empty.
std::string ComparisonTable(const std::vector<RunResult>& runs,
                            const ComparisonTableOptions& options = {});

// Busy share of all slots of all models over the run; 0 when there were no slots.
double OverallUtilisation(const RunMetrics& metrics);

}  // namespace ratesim

#endif  // RATESIM_SIM_REPORT_COMPARISON_TABLE_H_

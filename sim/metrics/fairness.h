// Fairness across orgs: whether a policy serves its orgs alike, in one number.
//
// Jain's index J(x) = (Σx)² / (n Σx²) of per-org success shares (ok / finished): 1 when every org
// fares alike, 1/n when one of n is served and the rest get nothing, whatever the scale. It counts
// each org once, however much it sends, so it answers "are the orgs treated alike", not "are the
// requests": a policy that serves a flood from one org while a quiet org fails scores low even if
// most requests succeed. Orgs whose rates limit them count too: an org served 15% of its burst
// (the rest 429) pulls the index down, which is the trade a smoothing policy is chosen on.
#ifndef RATESIM_SIM_METRICS_FAIRNESS_H_
#define RATESIM_SIM_METRICS_FAIRNESS_H_

#include <optional>
#include <vector>

#include "sim/metrics/run_metrics.h"

namespace ratesim {

// Jain's fairness index (Σx)² / (n Σx²) of non-negative `values`; nullopt when `values` is empty or
// all zero.
std::optional<double> JainIndex(const std::vector<double>& values);

// Jain's index over the success shares of the orgs of `metrics` with at least one finished
// request; nullopt when none has (or every share is zero).
std::optional<double> OrgFairness(const RunMetrics& metrics);

// OrgFairness when at least two orgs finished a request, else nullopt: with one, the index is 1 by
// definition and compares nothing (what compare reports: summary.json and the verdict).
std::optional<double> FairnessAcrossOrgs(const RunMetrics& metrics);

}  // namespace ratesim

#endif  // RATESIM_SIM_METRICS_FAIRNESS_H_

// The scores a researcher weighs when comparing sweep points, computed per run (replication) and
// then averaged over replications by the sweep rows (sweep_rows.h):
//   steady_success     ok / finished pooled over the steady orgs (org_class.h): are the
//                      well-behaved customers served?
//   steady_worst_success
//                      the lowest ok / finished of any steady org with finished requests: is
//                      one of them left behind while the pool looks well served?
//   spiking_429_share  429 / finished pooled over the spiking orgs: are bursts pushed back as the
//                      org's fault rather than the platform's?
//   utilisation        busy share of all slots over the run;
//   fairness           Jain's index over the per-org success ratios ok / finished, over the orgs
//                      with at least one finished request (OrgFairness, sim/metrics/fairness.h): 1
//                      when all orgs fare alike, 1/n when one of n gets everything;
//   recovery_s, spiral after the last restored outage, judged on the 429 share of the model that
//                      went down (recovery.h);
//   rate_low_share, rate_recovery_s, rate_after_share
//                      that model's summed dynamic rate at its lowest after the drop over its
//                      value before the drop, the seconds it took after the restore to come back
//                      within 5% of that value, and its share of it 10 minutes after the restore
//                      (recovery.h).
// "Pooled" sums counts over the orgs before dividing, so each request weighs the same. A score is
// absent (nullopt) where it is undefined: no org of that class, nothing finished, all ratios zero
// (Jain's index is 0/0), no outage.
#ifndef RATESIM_SIM_SWEEP_SCORES_H_
#define RATESIM_SIM_SWEEP_SCORES_H_

#include <optional>
#include <vector>

#include "sim/metrics/run_metrics.h"
#include "sim/scenario/scenario.h"
#include "sim/sweep/recovery.h"

namespace ratesim {

// Sum of `slices`' counts: the pooled outcome of a group of orgs.
OutcomeCounts Pooled(const std::vector<const OutcomeCounts*>& slices);

struct RunScores {
  std::optional<double> steady_success;
  std::optional<double> steady_worst_success;
  std::optional<double> spiking_429_share;
  double utilisation = 0.0;
  std::optional<double> fairness;
  std::optional<double> recovery_s;
  std::optional<bool> spiral;
  std::optional<double> rate_low_share;
  std::optional<double> rate_recovery_s;
  std::optional<double> rate_after_share;
};

// The scores of `run`, one run of `scenario` (which classes its orgs and holds the schedule), with
// its recovery judged while it ran (a RecoverySink's Result): nullopt when the scenario has no
// restored outage (LastRestoredOutage).
RunScores ScoreRun(const Scenario& scenario, const RunResult& run,
                   const std::optional<Recovery>& recovery);

// The same, the recovery judged from the run's kept series (RunMetrics::series).
RunScores ScoreRun(const Scenario& scenario, const RunResult& run, const RecoveryRule& rule = {});

}  // namespace ratesim

#endif  // RATESIM_SIM_SWEEP_SCORES_H_

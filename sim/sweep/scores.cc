#include "sim/sweep/scores.h"

#include <algorithm>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "sim/metrics/fairness.h"
#include "sim/report/comparison_table.h"
#include "sim/report/replication_stats.h"
#include "sim/scenario/org_class.h"

namespace ratesim {

OutcomeCounts Pooled(const std::vector<const OutcomeCounts*>& slices) {
  OutcomeCounts pooled;
  for (const OutcomeCounts* counts : slices) pooled.Add(*counts);
  return pooled;
}

RunScores ScoreRun(const Scenario& scenario, const RunResult& run, const RecoveryRule& rule) {
  std::optional<Recovery> recovery;
  if (const std::optional<Outage> outage = LastRestoredOutage(scenario)) {
    recovery = AssessRecovery(ModelOutcomeSeries(run, outage->model), *outage, rule);
  }
  return ScoreRun(scenario, run, recovery);
}

RunScores ScoreRun(const Scenario& scenario, const RunResult& run,
                   const std::optional<Recovery>& recovery) {
  RunScores scores;
  std::vector<const OutcomeCounts*> steady;
  std::vector<const OutcomeCounts*> spiking;
  // By name: a run's org ids follow the order keys were made, not scenario.orgs. A map, since a
  // platform scenario has thousands of orgs.
  absl::flat_hash_map<std::string_view, OrgClass> classes;
  for (const OrgSpec& org : scenario.orgs) classes.emplace(org.name, ClassifyOrg(org));
  const std::vector<SliceMetrics>& orgs = run.metrics.per_org;
  for (size_t org = 0; org < orgs.size(); ++org) {
    const OutcomeCounts& counts = orgs[org].counts;
    const auto found =
        org < run.org_names.size() ? classes.find(run.org_names[org]) : classes.end();
    const OrgClass org_class = found == classes.end() ? OrgClass::kUnclassified : found->second;
    if (org_class == OrgClass::kSteady) {
      steady.push_back(&counts);
      if (const std::optional<double> success = SuccessShare(counts)) {
        scores.steady_worst_success = std::min(scores.steady_worst_success.value_or(*success), *success);
      }
    }
    if (org_class == OrgClass::kSpiking) spiking.push_back(&counts);
  }
  if (!steady.empty()) scores.steady_success = SuccessShare(Pooled(steady));
  if (!spiking.empty()) scores.spiking_429_share = Share429(Pooled(spiking));
  scores.utilisation = OverallUtilisation(run.metrics);
  scores.fairness = OrgFairness(run.metrics);
  if (recovery) {
    scores.recovery_s = recovery->recovery_s;
    scores.spiral = recovery->spiral;
    scores.rate_low_share = recovery->rate_low_share;
    scores.rate_recovery_s = recovery->rate_recovery_s;
    scores.rate_after_share = recovery->rate_after_share;
  }
  return scores;
}

}  // namespace ratesim

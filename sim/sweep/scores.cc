#include "sim/sweep/scores.h"

#include "sim/report/comparison_table.h"
#include "sim/report/replication_stats.h"
#include "sim/sweep/org_class.h"

namespace ratesim {

std::optional<double> JainIndex(const std::vector<double>& values) {
  double sum = 0.0;
  double sum_of_squares = 0.0;
  for (double value : values) {
    sum += value;
    sum_of_squares += value * value;
  }
  if (sum_of_squares == 0.0) return std::nullopt;
  return sum * sum / (static_cast<double>(values.size()) * sum_of_squares);
}

OutcomeCounts Pooled(const std::vector<const OutcomeCounts*>& slices) {
  OutcomeCounts pooled;
  for (const OutcomeCounts* counts : slices) pooled.Add(*counts);
  return pooled;
}

RunScores ScoreRun(const Scenario& scenario, const RunResult& run, const RecoveryRule& rule) {
  RunScores scores;
  std::vector<const OutcomeCounts*> steady;
  std::vector<const OutcomeCounts*> spiking;
  std::vector<double> success_ratios;
  const std::vector<SliceMetrics>& orgs = run.metrics.per_org;
  for (size_t org = 0; org < orgs.size(); ++org) {
    const OutcomeCounts& counts = orgs[org].counts;
    const OrgClass org_class = org < run.org_names.size()
                                   ? ClassifyOrgNamed(scenario, run.org_names[org])
                                   : OrgClass::kUnclassified;
    if (org_class == OrgClass::kSteady) steady.push_back(&counts);
    if (org_class == OrgClass::kSpiking) spiking.push_back(&counts);
    if (counts.finished() > 0) success_ratios.push_back(counts.success_rate());
  }
  if (!steady.empty()) scores.steady_success = SuccessShare(Pooled(steady));
  if (!spiking.empty()) scores.spiking_429_share = Share429(Pooled(spiking));
  scores.share_503 = Share503(run.metrics.overall.counts);
  scores.utilisation = OverallUtilisation(run.metrics);
  scores.fairness = JainIndex(success_ratios);
  if (const std::optional<Outage> outage = LastRestoredOutage(scenario.models)) {
    const Recovery recovery = AssessRecovery(ModelSuccessSeries(run, outage->model), *outage, rule);
    scores.recovery_s = recovery.recovery_s;
    scores.spiral = recovery.spiral;
  }
  return scores;
}

}  // namespace ratesim

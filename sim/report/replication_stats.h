// The headline metrics of a run as numbers a report can average, and their mean and 95% confidence
// interval over the replications of one policy (sim/metrics/confidence.h). Shared by the terminal
// table and summary.json so that both show the same estimate.
//
// A metric a run does not define (a latency quantile with no successful request, a share with no
// finished request) is left out of the estimate: the mean is over the replications that define it,
// and is absent (n == 0) when none does.
#ifndef RATESIM_SIM_REPORT_REPLICATION_STATS_H_
#define RATESIM_SIM_REPORT_REPLICATION_STATS_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sim/metrics/confidence.h"
#include "sim/metrics/run_metrics.h"

namespace ratesim {

// The replications of one policy, in replication order.
struct PolicyReplications {
  std::string policy;
  std::vector<const RunResult*> runs;
};

// Splits policy-major `runs` (runs[p * replications + r], as RunComparison returns them) into one
// group per policy. REQUIRES: replications >= 1 and divides runs.size().
std::vector<PolicyReplications> GroupReplications(const std::vector<RunResult>& runs,
                                                  int replications);

// One scalar of a run, or nullopt where the run does not define it.
using RunMetric = std::function<std::optional<double>(const RunResult&)>;

// Mean and 95% half-width of `metric` over the runs of `group` that define it.
MeanCi Estimate(const PolicyReplications& group, const RunMetric& metric);

// Shares of finished requests (ok / 429 / 503 over ok + 429 + 503); nullopt when none finished.
std::optional<double> SuccessShare(const OutcomeCounts& counts);
std::optional<double> Share429(const OutcomeCounts& counts);
std::optional<double> Share503(const OutcomeCounts& counts);
std::optional<double> ShareTimedOut(const OutcomeCounts& counts);

// Quantile `q` of `histogram` in nanoseconds; nullopt when it recorded nothing.
std::optional<double> QuantileNs(const LogHistogram& histogram, double q);

// Slices of a run by id; nullptr where the run has no such org or model.
const SliceMetrics* OrgSlice(const RunResult& run, size_t org);
const SliceMetrics* ModelSlice(const RunResult& run, size_t model);

// For a terminal table: the mean over `group` of `count` of each run's overall counts (of org
// `org`'s, over the runs that have it, when given) as a whole number, exact with one replication;
// "-" when no run has it.
std::string MeanCount(const PolicyReplications& group,
                      const std::function<int64_t(const OutcomeCounts&)>& count,
                      std::optional<size_t> org = std::nullopt);
// The same with its 95% half-width, as FormatCountCi writes it, for counts that vary from seed to
// seed with what the policy does (retries, timeouts), where offered varies with the traffic only.
std::string MeanCountCi(const PolicyReplications& group,
                        const std::function<int64_t(const OutcomeCounts&)>& count,
                        std::optional<size_t> org = std::nullopt);

}  // namespace ratesim

#endif  // RATESIM_SIM_REPORT_REPLICATION_STATS_H_

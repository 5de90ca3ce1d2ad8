#include "sim/report/replication_stats.h"

#include <cmath>

#include "fmt/format.h"
#include "sim/report/human_units.h"

namespace ratesim {
namespace {

std::optional<double> ShareOfFinished(int64_t part, const OutcomeCounts& counts) {
  if (counts.finished() == 0) return std::nullopt;
  return static_cast<double>(part) / static_cast<double>(counts.finished());
}

}  // namespace

std::vector<PolicyReplications> GroupReplications(const std::vector<RunResult>& runs,
                                                  int replications) {
  std::vector<PolicyReplications> groups;
  const size_t size = replications < 1 ? 1 : static_cast<size_t>(replications);
  for (size_t i = 0; i < runs.size(); ++i) {
    if (i % size == 0) groups.push_back({runs[i].policy, {}});
    groups.back().runs.push_back(&runs[i]);
  }
  return groups;
}

MeanCi Estimate(const PolicyReplications& group, const RunMetric& metric) {
  std::vector<double> values;
  values.reserve(group.runs.size());
  for (const RunResult* run : group.runs) {
    if (const std::optional<double> value = metric(*run)) values.push_back(*value);
  }
  return MeanConfidence(values);
}

std::optional<double> SuccessShare(const OutcomeCounts& counts) {
  return ShareOfFinished(counts.ok, counts);
}
std::optional<double> Share429(const OutcomeCounts& counts) {
  return ShareOfFinished(counts.r429(), counts);
}
std::optional<double> Share503(const OutcomeCounts& counts) {
  return ShareOfFinished(counts.r503, counts);
}
std::optional<double> ShareTimedOut(const OutcomeCounts& counts) {
  return ShareOfFinished(counts.timed_out, counts);
}

std::optional<double> QuantileNs(const LogHistogram& histogram, double q) {
  if (histogram.Count() == 0) return std::nullopt;
  return static_cast<double>(histogram.Quantile(q));
}

const SliceMetrics* OrgSlice(const RunResult& run, size_t org) {
  return org < run.metrics.per_org.size() ? &run.metrics.per_org[org] : nullptr;
}

const SliceMetrics* ModelSlice(const RunResult& run, size_t model) {
  return model < run.metrics.per_model.size() ? &run.metrics.per_model[model] : nullptr;
}

namespace {

MeanCi CountEstimate(const PolicyReplications& group,
                     const std::function<int64_t(const OutcomeCounts&)>& count,
                     std::optional<size_t> org) {
  return Estimate(group, [&](const RunResult& run) -> std::optional<double> {
    const SliceMetrics* slice = org ? OrgSlice(run, *org) : &run.metrics.overall;
    if (slice == nullptr) return std::nullopt;
    return static_cast<double>(count(slice->counts));
  });
}

}  // namespace

std::string MeanCount(const PolicyReplications& group,
                      const std::function<int64_t(const OutcomeCounts&)>& count,
                      std::optional<size_t> org) {
  const MeanCi estimate = CountEstimate(group, count, org);
  return std::isfinite(estimate.mean) ? fmt::format("{:.0f}", estimate.mean) : "-";
}

std::string MeanCountCi(const PolicyReplications& group,
                        const std::function<int64_t(const OutcomeCounts&)>& count,
                        std::optional<size_t> org) {
  const MeanCi estimate = CountEstimate(group, count, org);
  return FormatCountCi(estimate.mean, estimate.ci95);
}

}  // namespace ratesim

#include "sim/metrics/fairness.h"

#include <algorithm>

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

std::optional<double> OrgFairness(const RunMetrics& metrics) {
  std::vector<double> success_shares;
  success_shares.reserve(metrics.per_org.size());
  for (const SliceMetrics& org : metrics.per_org) {
    if (org.counts.finished() > 0) success_shares.push_back(org.counts.success_rate());
  }
  return JainIndex(success_shares);
}

std::optional<double> FairnessAcrossOrgs(const RunMetrics& metrics) {
  const auto finished_something = [](const SliceMetrics& org) { return org.counts.finished() > 0; };
  if (std::count_if(metrics.per_org.begin(), metrics.per_org.end(), finished_something) < 2) {
    return std::nullopt;
  }
  return OrgFairness(metrics);
}

}  // namespace ratesim

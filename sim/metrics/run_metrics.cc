#include "sim/metrics/run_metrics.h"

#include "fmt/format.h"

namespace ratesim {
namespace {

// Overall and per-model distributions are few and get 1/128 relative error; per-org ones can number
// in the thousands and get 1/32, stored compact (sparse while they hold few distinct buckets): an
// org with a few hundred requests then keeps about 1 KB per histogram instead of 8.
constexpr int kFineBits = 7;
constexpr int kOrgBits = 5;

std::string NameOr(const std::vector<std::string>& names, size_t id, const char* kind) {
  return id < names.size() ? names[id] : fmt::format("{}#{}", kind, id);
}

}  // namespace

std::string RunResult::org_name(size_t id) const { return NameOr(org_names, id, "org"); }
std::string RunResult::model_name(size_t id) const { return NameOr(model_names, id, "model"); }

std::string_view SeriesMetricName(SeriesMetric metric) {
  switch (metric) {
    case SeriesMetric::kOffered: return "offered";
    case SeriesMetric::kOk: return "ok";
    case SeriesMetric::kRejected429: return "429";
    case SeriesMetric::kRejected503: return "503";
    case SeriesMetric::kRetries: return "retries";
    case SeriesMetric::kRateRpm: return "rate_rpm";
    case SeriesMetric::kRateTpm: return "rate_tpm";
    case SeriesMetric::kUtilisation: return "utilisation";
    case SeriesMetric::kBuffered: return "buffered";
    case SeriesMetric::kSlots: return "slots";
    case SeriesMetric::kFailedNoCapacity: return "failed_no_capacity";
    case SeriesMetric::kFailedBufferFull: return "failed_buffer_full";
    case SeriesMetric::kFailedWouldExpire: return "failed_would_expire";
    case SeriesMetric::kFailedExpired: return "failed_expired";
    case SeriesMetric::kFailedDisplaced: return "failed_displaced";
    case SeriesMetric::kFailedShed: return "failed_shed";
    case SeriesMetric::kTimedOut: return "timed_out";
  }
  return "";
}

RunMetrics::RunMetrics(size_t orgs, size_t models)
    : overall(kFineBits),
      per_org(orgs, SliceMetrics(kOrgBits, LogHistogram::Storage::kCompact)),
      per_model(models, SliceMetrics(kFineBits)),
      model_usage(models) {}

std::optional<double> OrgRateRpm(const RunMetrics& metrics, uint32_t org,
                                 double RateStats::*stat) {
  std::optional<double> sum;
  for (const KeyRates& key : metrics.rates) {
    if (key.org == org) sum = sum.value_or(0.0) + key.requests_per_min.*stat;
  }
  return sum;
}

}  // namespace ratesim

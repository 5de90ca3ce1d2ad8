#include "sim/sweep/recovery.h"

#include <tuple>

namespace ratesim {

std::optional<Outage> LastRestoredOutage(const std::vector<ModelSpec>& models) {
  std::optional<Outage> last;
  auto later = [](const Outage& a, const Outage& b) {
    // a replaces b when restored later, or at the same time after an earlier drop.
    return std::make_tuple(a.restore, -a.drop) > std::make_tuple(b.restore, -b.drop);
  };
  for (const ModelSpec& model : models) {
    const std::vector<CapacityChange>& schedule = model.schedule;
    int64_t before = model.replicas;
    for (size_t i = 0; i < schedule.size(); ++i) {
      const int64_t level = before;
      before = schedule[i].replicas;
      if (schedule[i].replicas >= level) continue;
      for (size_t j = i + 1; j < schedule.size(); ++j) {
        if (schedule[j].replicas < level) continue;
        const Outage outage{model.name, schedule[i].at, schedule[j].at};
        if (!last || later(outage, *last)) last = outage;
        break;
      }
    }
  }
  return last;
}

std::vector<IntervalOutcome> ModelSuccessSeries(const RunResult& run, std::string_view model) {
  std::vector<IntervalOutcome> series;
  uint32_t model_id = 0;
  while (model_id < run.model_names.size() && run.model_names[model_id] != model) ++model_id;
  if (model_id == run.model_names.size()) return series;
  for (const SeriesPoint& point : run.metrics.series) {
    if (point.org == kNoOrg || point.model != model_id) continue;
    const bool ok = point.metric == SeriesMetric::kOk;
    const bool failed =
        point.metric == SeriesMetric::kRejected429 || point.metric == SeriesMetric::kRejected503;
    if (!ok && !failed) continue;
    // Samples are appended in time order; a new time opens the next interval.
    if (series.empty() || series.back().end != point.time) {
      const Nanos start = series.empty() ? 0 : series.back().end;
      series.push_back(IntervalOutcome{start, point.time, 0, 0});
    }
    const auto count = static_cast<int64_t>(point.value);
    if (ok) series.back().ok += count;
    series.back().finished += count;
  }
  return series;
}

Recovery AssessRecovery(const std::vector<IntervalOutcome>& series, const Outage& outage,
                        const RecoveryRule& rule) {
  Recovery recovery;
  int64_t base_ok = 0;
  int64_t base_finished = 0;
  for (const IntervalOutcome& interval : series) {
    if (interval.end > outage.drop - rule.baseline_window && interval.end <= outage.drop) {
      base_ok += interval.ok;
      base_finished += interval.finished;
    }
  }
  if (base_finished == 0) return recovery;
  recovery.baseline = static_cast<double>(base_ok) / static_cast<double>(base_finished);

  bool judged = false;  // some interval after the restore had finished requests
  for (const IntervalOutcome& interval : series) {
    if (interval.start < outage.restore || interval.finished == 0) continue;
    judged = true;
    const double success =
        static_cast<double>(interval.ok) / static_cast<double>(interval.finished);
    if (success >= *recovery.baseline - rule.tolerance) {
      const Nanos after = interval.end - outage.restore;
      recovery.recovery_s = ToSeconds(after);
      recovery.spiral = after > rule.horizon;
      return recovery;
    }
  }
  if (judged && !series.empty() && series.back().end >= outage.restore + rule.horizon) {
    recovery.spiral = true;
  }
  return recovery;
}

}  // namespace ratesim

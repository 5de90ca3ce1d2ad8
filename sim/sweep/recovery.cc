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

std::optional<Outage> LastRestoredOutage(const Scenario& scenario) {
  std::optional<Outage> outage = LastRestoredOutage(scenario.models);
  if (outage) outage->traffic_end = scenario.run.duration;
  return outage;
}

std::vector<IntervalOutcome> ModelOutcomeSeries(const RunResult& run, std::string_view model) {
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
      series.push_back(IntervalOutcome{start, point.time, 0, 0, 0});
    }
    const auto count = static_cast<int64_t>(point.value);
    if (ok) series.back().ok += count;
    if (point.metric == SeriesMetric::kRejected429) series.back().rejected_429 += count;
    series.back().finished += count;
  }
  return series;
}

void RecoveryTracker::Add(const IntervalOutcome& interval) {
  // A drain's intervals come last: the traffic, and with it the judgement, has ended. The one that
  // holds the end of the traffic is mostly traffic, and counts.
  if (interval.start >= outage_.traffic_end) return;
  any_ = true;
  last_end_ = interval.end;
  if (interval.end > outage_.drop - rule_.baseline_window && interval.end <= outage_.drop) {
    base_429_ += interval.rejected_429;
    base_finished_ += interval.finished;
  }
  // Intervals in time order: every baseline interval (ending by the drop) comes before any that
  // starts at or after the restore, so the baseline is complete when the first of those comes.
  if (recovered_ || base_finished_ == 0) return;
  if (interval.start < outage_.restore || interval.finished == 0) return;
  judged_ = true;
  const double baseline = static_cast<double>(base_429_) / static_cast<double>(base_finished_);
  const double share_429 =
      static_cast<double>(interval.rejected_429) / static_cast<double>(interval.finished);
  if (share_429 <= baseline + rule_.tolerance) {
    const Nanos after = interval.end - outage_.restore;
    recovered_ = Recovery{baseline, ToSeconds(after), after > rule_.horizon};
  }
}

Recovery RecoveryTracker::Result() const {
  if (base_finished_ == 0) return Recovery{};
  if (recovered_) return *recovered_;
  Recovery recovery;
  recovery.baseline = static_cast<double>(base_429_) / static_cast<double>(base_finished_);
  if (judged_ && any_ && last_end_ >= outage_.restore + rule_.horizon) recovery.spiral = true;
  return recovery;
}

Recovery AssessRecovery(const std::vector<IntervalOutcome>& series, const Outage& outage,
                        const RecoveryRule& rule) {
  RecoveryTracker tracker(outage, rule);
  for (const IntervalOutcome& interval : series) tracker.Add(interval);
  return tracker.Result();
}

void RecoverySink::OnInterval(const std::vector<SeriesPoint>& points, const KeyRegistry& names) {
  if (!resolved_) {
    resolved_ = true;
    for (ModelId model = 0; model < names.model_count() && !model_; ++model) {
      if (names.model_name(model) == model_name_) model_ = model;
    }
  }
  if (!model_ || points.empty()) return;  // as ModelOutcomeSeries: no such model, no intervals
  IntervalOutcome interval{last_end_, points.front().time, 0, 0, 0};
  for (const SeriesPoint& point : points) {
    if (point.org == kNoOrg || point.model != *model_) continue;
    const bool ok = point.metric == SeriesMetric::kOk;
    const bool failed =
        point.metric == SeriesMetric::kRejected429 || point.metric == SeriesMetric::kRejected503;
    if (!ok && !failed) continue;
    const auto count = static_cast<int64_t>(point.value);
    if (ok) interval.ok += count;
    if (point.metric == SeriesMetric::kRejected429) interval.rejected_429 += count;
    interval.finished += count;
  }
  last_end_ = interval.end;
  tracker_.Add(interval);
}

}  // namespace ratesim

#include "sim/sweep/recovery.h"

#include <algorithm>
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

namespace {

// Adds a key's point of one interval to the sums of its model's interval.
void AddToInterval(const SeriesPoint& point, IntervalOutcome& interval) {
  const auto count = static_cast<int64_t>(point.value);
  switch (point.metric) {
    case SeriesMetric::kOk:
      interval.ok += count;
      interval.finished += count;
      break;
    case SeriesMetric::kRejected429:
      interval.rejected_429 += count;
      interval.finished += count;
      break;
    case SeriesMetric::kRejected503: interval.finished += count; break;
    case SeriesMetric::kRateRpm: interval.rate_rpm += point.value; break;
    default: break;
  }
}

}  // namespace

std::vector<IntervalOutcome> ModelOutcomeSeries(const RunResult& run, std::string_view model) {
  std::vector<IntervalOutcome> series;
  uint32_t model_id = 0;
  while (model_id < run.model_names.size() && run.model_names[model_id] != model) ++model_id;
  if (model_id == run.model_names.size()) return series;
  for (const SeriesPoint& point : run.metrics.series) {
    if (point.org == kNoOrg || point.model != model_id) continue;
    // Samples are appended in time order; a new time opens the next interval.
    if (series.empty() || series.back().end != point.time) {
      const Nanos start = series.empty() ? 0 : series.back().end;
      series.push_back(IntervalOutcome{start, point.time});
    }
    AddToInterval(point, series.back());
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
  TrackRate(interval);
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
    recovered_.emplace();
    recovered_->baseline = baseline;
    recovered_->recovery_s = ToSeconds(after);
    recovered_->spiral = after > rule_.horizon;
  }
}

void RecoveryTracker::TrackRate(const IntervalOutcome& interval) {
  // A sample at the drop's own time is taken before the events at that time (simulation.cc), so
  // it is the rate just before the capacity went: the baseline even for a formula whose rate
  // follows live capacity at once.
  if (interval.end <= outage_.drop) {
    rate_before_ = interval.rate_rpm;
    return;
  }
  const Nanos horizon_end = outage_.restore + rule_.horizon;
  if (interval.end <= horizon_end) {
    rate_low_ = std::min(rate_low_.value_or(interval.rate_rpm), interval.rate_rpm);
  }
  if (interval.end >= horizon_end && !rate_after_) rate_after_ = interval.rate_rpm;
  if (interval.end < outage_.restore || !rate_before_) return;
  // Back is back to stay: a rate that is within tolerance at the restore and falls after it (a
  // formula whose trailing window still holds the outage) returns when it is back for good.
  if (interval.rate_rpm >= (1.0 - rule_.rate_tolerance) * *rate_before_) {
    if (!rate_back_at_) rate_back_at_ = interval.end;
  } else {
    rate_back_at_.reset();
  }
}

Recovery RecoveryTracker::Result() const {
  Recovery recovery;
  if (base_finished_ > 0) {
    if (recovered_) {
      recovery = *recovered_;
    } else {
      recovery.baseline = static_cast<double>(base_429_) / static_cast<double>(base_finished_);
      if (judged_ && any_ && last_end_ >= outage_.restore + rule_.horizon) recovery.spiral = true;
    }
  }
  if (rate_before_ && *rate_before_ > 0.0) {
    if (rate_low_) recovery.rate_low_share = *rate_low_ / *rate_before_;
    if (rate_back_at_) recovery.rate_recovery_s = ToSeconds(*rate_back_at_ - outage_.restore);
    if (rate_after_) recovery.rate_after_share = *rate_after_ / *rate_before_;
  }
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
  IntervalOutcome interval{last_end_, points.front().time};
  for (const SeriesPoint& point : points) {
    if (point.org != kNoOrg && point.model == *model_) AddToInterval(point, interval);
  }
  last_end_ = interval.end;
  tracker_.Add(interval);
}

}  // namespace ratesim

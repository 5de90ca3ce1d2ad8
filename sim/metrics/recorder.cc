#include "sim/metrics/recorder.h"

#include <algorithm>
#include <utility>

namespace ratesim {

MetricsRecorder::MetricsRecorder(const Engine& engine, SeriesSink* series,
                                 const RecorderOptions& options)
    : engine_(engine),
      metrics_(engine.registry().org_count(), engine.registry().model_count()),
      series_(series),
      measure_from_(options.measure_from),
      rates_until_(options.rates_until),
      run_usage_(engine.registry().model_count()),
      rate_sums_(options.rates_until ? engine.registry().key_count() : 0),
      interval_(series != nullptr ? engine.registry().key_count() : 0),
      levels_(engine.registry().model_count()),
      org_histograms_(engine.registry().org_count() > 1) {
  for (ModelId model = 0; model < levels_.size(); ++model) {
    levels_[model].slots = engine.slots(model);
  }
  const KeyRegistry& keys = engine.registry();
  if (series_ != nullptr) {
    points_.reserve(7 * keys.key_count() + (3 + kFailReasonCount) * keys.model_count());
  }
  key_slices_.reserve(keys.key_count());
  for (KeyId key = 0; key < keys.key_count(); ++key) {
    key_slices_.push_back(KeySlices{keys.key_org(key), keys.key_model(key)});
  }
  metrics_.measured_from = measure_from_;
}

template <typename Update>
void MetricsRecorder::ForEachSlice(KeyId key, bool measured, Update update) {
  if (!measured) return;
  const KeySlices slices = key_slices_[key];
  update(metrics_.overall);
  update(metrics_.per_org[slices.org]);
  update(metrics_.per_model[slices.model]);
}

void MetricsRecorder::RecordValue(KeyId key, bool measured, LogHistogram SliceMetrics::*member,
                                  Nanos value) {
  if (!measured) return;
  const KeySlices slices = key_slices_[key];
  (metrics_.per_model[slices.model].*member).Record(value);
  if (org_histograms_) (metrics_.per_org[slices.org].*member).Record(value);
}

void MetricsRecorder::Offered(KeyId key, bool measured) {
  ForEachSlice(key, measured, [](SliceMetrics& slice) { ++slice.counts.offered; });
  if (series_ != nullptr) ++interval_[key].offered;
}

void MetricsRecorder::Retried(KeyId key, bool measured) {
  ForEachSlice(key, measured, [](SliceMetrics& slice) { ++slice.counts.retries; });
  if (series_ != nullptr) ++interval_[key].retries;
}

void MetricsRecorder::OverRate(KeyId key, bool measured) {
  ForEachSlice(key, measured, [](SliceMetrics& slice) { ++slice.counts.over_rate_attempts; });
}

void MetricsRecorder::Started(KeyId key, bool measured, Nanos queue_wait) {
  RecordValue(key, measured, &SliceMetrics::queue_wait, queue_wait);
  metrics_.model_usage[key_slices_[key].model].started += measured ? 1 : 0;
}

void MetricsRecorder::Succeeded(KeyId key, bool measured, Nanos latency) {
  ForEachSlice(key, measured, [](SliceMetrics& slice) { ++slice.counts.ok; });
  RecordValue(key, measured, &SliceMetrics::latency, latency);
  if (series_ != nullptr) ++interval_[key].ok;
}

void MetricsRecorder::Failed(KeyId key, bool measured, ErrorType type) {
  ForEachSlice(key, measured, [&](SliceMetrics& slice) { slice.counts.CountFailure(type); });
  if (series_ != nullptr) {
    ++(type == ErrorType::kModelOverloaded ? interval_[key].r503 : interval_[key].r429);
  }
}

void MetricsRecorder::AttemptFailed(KeyId key, bool measured, FailReason reason) {
  const size_t index = static_cast<size_t>(reason);
  ForEachSlice(key, measured, [index](SliceMetrics& slice) { ++slice.counts.failed_attempts[index]; });
  if (series_ != nullptr) ++levels_[key_slices_[key].model].interval_failed[index];
}

void MetricsRecorder::StillInFlight(KeyId key, bool measured) {
  ForEachSlice(key, measured, [](SliceMetrics& slice) { ++slice.counts.in_flight; });
}

void MetricsRecorder::AttemptTimedOut(KeyId key, bool measured, bool final) {
  ForEachSlice(key, measured, [final](SliceMetrics& slice) {
    ++slice.counts.timeouts;
    slice.counts.timed_out += final ? 1 : 0;
  });
  if (series_ != nullptr && final) ++interval_[key].timed_out;
}

void MetricsRecorder::ServedAfterTimeout(KeyId key, bool measured) {
  ForEachSlice(key, measured, [](SliceMetrics& slice) { ++slice.counts.served_after_timeout; });
}

void MetricsRecorder::FailedAfterTimeout(KeyId key, bool measured) {
  ForEachSlice(key, measured, [](SliceMetrics& slice) { ++slice.counts.failed_after_timeout; });
}

void MetricsRecorder::Occupancy(ModelId model, Nanos now) {
  ModelLevels& level = levels_[model];
  // Replicas taken away (an outage, a drop, a scale-down) finish the requests they are running, so
  // while busy slots outnumber live ones the busy ones are the slots there are: utilisation stays
  // a share, 1 on a model that is down but still finishing its work.
  const double slots = static_cast<double>(std::max(level.slots, level.busy));
  const auto integrate = [&](ModelUsage& usage, double span) {
    usage.busy_slot_ns += span * static_cast<double>(level.busy);
    usage.slot_ns += span * slots;
    usage.buffered_ns += span * static_cast<double>(level.buffered);
  };
  const double span = static_cast<double>(now - level.since);
  if (measure_from_ > 0) integrate(run_usage_[model], span);
  // The levels are constant since the last call, so the part after the warm-up is exact.
  const Nanos measured_since = std::max(level.since, measure_from_);
  if (now > measured_since) {
    integrate(metrics_.model_usage[model], static_cast<double>(now - measured_since));
  }
  level.interval_busy_ns += span * static_cast<double>(level.busy);
  level.interval_slot_ns += span * slots;
  level.since = now;
  level.busy = engine_.busy(model);
  level.slots = engine_.slots(model);
  level.buffered = engine_.buffered(model);
}

void MetricsRecorder::Sample(Nanos now) {
  // The rates' summary takes the samples of intervals that start before rates_until_. Each key's
  // rate is looked up once, for the summary and the series alike.
  const bool summarise = rates_until_ && last_sample_ < *rates_until_ && now > measure_from_;
  const bool first_rate_sample = rate_samples_ == 0;
  rate_samples_ += summarise ? 1 : 0;
  last_sample_ = now;
  const auto rate_of = [&](KeyId key) {
    const RateState rate = engine_.RateAt(key, now);
    if (summarise) {
      rate_sums_[key].requests.Add(rate.request_rate * 60.0, first_rate_sample);
      rate_sums_[key].tokens.Add(rate.token_rate * 60.0, first_rate_sample);
    }
    return rate;
  };
  if (series_ == nullptr) {
    if (summarise) {
      for (KeyId key = 0; key < rate_sums_.size(); ++key) rate_of(key);
    }
    // No series, but the occupancy integrals are still cut at the interval's end, so that they
    // are summed in the same order (and round the same) as when a series is built.
    for (ModelId model = 0; model < levels_.size(); ++model) {
      Occupancy(model, now);
      levels_[model].interval_busy_ns = 0.0;
      levels_[model].interval_slot_ns = 0.0;
    }
    return;
  }
  points_.clear();
  for (KeyId key = 0; key < interval_.size(); ++key) {
    const KeySlices slices = key_slices_[key];
    const IntervalCounts& counts = interval_[key];
    const RateState rate = rate_of(key);
    auto add = [&](SeriesMetric metric, double value) {
      points_.push_back(SeriesPoint{now, metric, slices.org, slices.model, value});
    };
    add(SeriesMetric::kOffered, static_cast<double>(counts.offered));
    add(SeriesMetric::kOk, static_cast<double>(counts.ok));
    add(SeriesMetric::kRejected429, static_cast<double>(counts.r429));
    add(SeriesMetric::kRejected503, static_cast<double>(counts.r503));
    add(SeriesMetric::kRetries, static_cast<double>(counts.retries));
    add(SeriesMetric::kRateRpm, rate.request_rate * 60.0);
    add(SeriesMetric::kRateTpm, rate.token_rate * 60.0);
    if (series_timeouts_) add(SeriesMetric::kTimedOut, static_cast<double>(counts.timed_out));
    interval_[key] = IntervalCounts{};
  }
  for (ModelId model = 0; model < levels_.size(); ++model) {
    Occupancy(model, now);
    ModelLevels& level = levels_[model];
    const double utilisation =
        level.interval_slot_ns > 0 ? level.interval_busy_ns / level.interval_slot_ns : 0.0;
    points_.push_back(SeriesPoint{now, SeriesMetric::kUtilisation, kNoOrg, model, utilisation});
    points_.push_back(
        SeriesPoint{now, SeriesMetric::kBuffered, kNoOrg, model, static_cast<double>(level.buffered)});
    points_.push_back(
        SeriesPoint{now, SeriesMetric::kSlots, kNoOrg, model, static_cast<double>(level.slots)});
    for (size_t reason = 0; reason < kFailReasonCount; ++reason) {
      points_.push_back(SeriesPoint{now, FailedAttemptsMetric(static_cast<FailReason>(reason)),
                                    kNoOrg, model,
                                    static_cast<double>(level.interval_failed[reason])});
    }
    level.interval_busy_ns = 0.0;
    level.interval_slot_ns = 0.0;
    level.interval_failed = {};
  }
  series_->OnInterval(points_, engine_.registry());
}

RunMetrics MetricsRecorder::Finish(Nanos end) {
  for (ModelId model = 0; model < levels_.size(); ++model) {
    Occupancy(model, end);
    metrics_.model_usage[model].slots = levels_[model].slots;
  }
  // The histograms RecordValue skipped (see the header): the overall ones from the per-model ones
  // (the same resolution), a lone org's from the overall ones (a finer resolution).
  for (const SliceMetrics& model : metrics_.per_model) {
    metrics_.overall.latency.Merge(model.latency);
    metrics_.overall.queue_wait.Merge(model.queue_wait);
  }
  if (!org_histograms_) {
    for (SliceMetrics& org : metrics_.per_org) {
      org.latency.Merge(metrics_.overall.latency);
      org.queue_wait.Merge(metrics_.overall.queue_wait);
    }
  }
  metrics_.end_time = end;
  if (rate_samples_ > 0) {
    metrics_.rates.reserve(rate_sums_.size());
    for (KeyId key = 0; key < rate_sums_.size(); ++key) {
      metrics_.rates.push_back(KeyRates{key_slices_[key].org, key_slices_[key].model,
                                        rate_sums_[key].requests.Stats(rate_samples_),
                                        rate_sums_[key].tokens.Stats(rate_samples_)});
    }
  }
  return std::move(metrics_);
}

void MetricsRecorder::RateSums::Add(double value, bool first) {
  sum += value;
  min = first ? value : std::min(min, value);
  max = first ? value : std::max(max, value);
  last = value;
}

RateStats MetricsRecorder::RateSums::Stats(int64_t samples) const {
  return RateStats{sum / static_cast<double>(samples), min, max, last};
}

}  // namespace ratesim

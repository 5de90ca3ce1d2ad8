// Turns what happens in a run into RunMetrics: outcome counts and distributions per slice and
// occupancy integrals per model; and the time series, which it hands interval by interval to a
// SeriesSink (series_sink.h) rather than keeping it. The simulator calls it at each event; it never
// looks at the clock itself.
//
// Recording a value into a histogram is the recorder's largest per-request cost, so each value is
// recorded once per slice that cannot be derived: into its model's histogram and (when the run has
// more than one org) its org's. The overall histograms are the merge of the per-model ones, and a
// lone org's are its coarsening of the overall ones, both done in Finish. Merging is exact, so the
// result is identical to recording every value into every slice.
//
// A run may have a warm-up (RunSpec::warmup): RunMetrics then measures only the requests that first
// arrived after it, the occupancy after it and the rates sampled after it, as if the run began with
// its platform already warm. Each per-request call says whether its request is measured; the time
// series is built from every request, warm-up or not, so that its plots show how the run got there.
#ifndef RATESIM_SIM_METRICS_RECORDER_H_
#define RATESIM_SIM_METRICS_RECORDER_H_

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "engine/engine.h"
#include "sim/metrics/run_metrics.h"
#include "sim/metrics/series_sink.h"

namespace ratesim {

struct RecorderOptions {
  // The end of the run's warm-up: occupancy before it, and rates sampled at or before it, are left
  // out of RunMetrics, as are the requests their per-request calls say are not measured.
  Nanos measure_from = 0;
  // With it, each key's rates at the samples of the intervals that start before it (and end after
  // measure_from) are summarised (RunMetrics::rates); without, none are.
  std::optional<Nanos> rates_until;
};

class MetricsRecorder {
 public:
  // REQUIRES: every key, org and model of the run is registered in `engine` already. `series`
  // (not owned, may be null) receives the time series; without one the recorder keeps no per-key
  // interval counts and builds no series.
  explicit MetricsRecorder(const Engine& engine, SeriesSink* series = nullptr,
                           const RecorderOptions& options = {});

  // Each call about one request says whether it is `measured`: counted in RunMetrics, as a request
  // that first arrived after the warm-up is. Every request counts in the series.
  void Offered(KeyId key, bool measured);
  void Retried(KeyId key, bool measured);
  // An attempt arrived above its org's dynamic rate.
  void OverRate(KeyId key, bool measured);
  void Started(KeyId key, bool measured, Nanos queue_wait);
  void Succeeded(KeyId key, bool measured, Nanos latency);
  // The request ended failed (its last attempt did), as `type`.
  void Failed(KeyId key, bool measured, ErrorType type);
  // An attempt failed, for `reason`: every failed attempt, whether the client retries it or not
  // (OutcomeCounts::failed_attempts).
  void AttemptFailed(KeyId key, bool measured, FailReason reason);
  void StillInFlight(KeyId key, bool measured);
  // Adds a timed_out series (SeriesMetric::kTimedOut) per key: for runs where some client has a
  // timeout, so that the series of other runs stays as it was. Call before the first Sample.
  void SeriesCountsTimeouts() { series_timeouts_ = true; }
  // The client gave up waiting for an attempt's response (its timeout); `final`: and so the request
  // ended, timed out.
  void AttemptTimedOut(KeyId key, bool measured, bool final);
  // An attempt whose client had given up on it was served to the end, or failed.
  void ServedAfterTimeout(KeyId key, bool measured);
  void FailedAfterTimeout(KeyId key, bool measured);

  // The model's slots, busy slots or buffer changed at `now` (or may have): integrates the previous
  // levels up to `now` and takes the new ones from the engine.
  void Occupancy(ModelId model, Nanos now);

  // The model's occupancy integrals over the whole run so far (up to its last Occupancy call),
  // warm-up included: what the platform itself saw, for its autoscaler.
  const ModelUsage& usage(ModelId model) const {
    return measure_from_ > 0 ? run_usage_[model] : metrics_.model_usage[model];
  }

  // Ends the interval at `now`: hands its series points to the sink, if any, and starts the next.
  void Sample(Nanos now);

  // The metrics of the run, which ended at `end`. The recorder is spent afterwards.
  RunMetrics Finish(Nanos end);

 private:
  struct IntervalCounts {
    int64_t offered = 0;
    int64_t ok = 0;
    int64_t r429 = 0;
    int64_t r503 = 0;
    int64_t retries = 0;
    int64_t timed_out = 0;
  };
  struct ModelLevels {
    Nanos since = 0;
    int64_t busy = 0;
    int64_t slots = 0;
    size_t buffered = 0;
    double interval_busy_ns = 0.0;  // since the last sample
    double interval_slot_ns = 0.0;
    std::array<int64_t, kFailReasonCount> interval_failed{};  // since the last sample, by reason
  };

  struct KeySlices {
    OrgId org;
    ModelId model;
  };

  // Applies `update` to the slices `key` belongs to (overall, its org, its model), if `measured`.
  template <typename Update>
  void ForEachSlice(KeyId key, bool measured, Update update);
  // Records `value` into the histogram `member` of the slices of `key` that Finish cannot derive,
  // if `measured`.
  void RecordValue(KeyId key, bool measured, LogHistogram SliceMetrics::*member, Nanos value);

  // Running sums of one dimension of a key's rate over the samples (RateStats).
  struct RateSums {
    double sum = 0.0;
    double min = 0.0;
    double max = 0.0;
    double last = 0.0;
    void Add(double value, bool first);
    RateStats Stats(int64_t samples) const;
  };
  struct KeyRateSums {
    RateSums requests;
    RateSums tokens;
  };

  const Engine& engine_;
  RunMetrics metrics_;
  SeriesSink* series_;                    // null: no series
  Nanos measure_from_;
  std::optional<Nanos> rates_until_;
  // Per model, warm-up included (usage()); kept only for a run with a warm-up, since without one
  // it is metrics_.model_usage.
  std::vector<ModelUsage> run_usage_;
  Nanos last_sample_ = 0;
  int64_t rate_samples_ = 0;
  std::vector<KeyRateSums> rate_sums_;  // per key; empty without rates_until_
  bool series_timeouts_ = false;
  std::vector<IntervalCounts> interval_;  // per key, since the last sample; empty without a sink
  std::vector<SeriesPoint> points_;       // the interval being handed to the sink, reused
  std::vector<ModelLevels> levels_;       // per model
  bool org_histograms_;  // more than one org: per-org histograms are recorded, not derived
  std::vector<KeySlices> key_slices_;  // by KeyId: the registry's mapping, kept flat here
};

}  // namespace ratesim

#endif  // RATESIM_SIM_METRICS_RECORDER_H_

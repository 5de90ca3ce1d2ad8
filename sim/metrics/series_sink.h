// Where a run's time series goes while the run goes. The recorder hands each interval's points to a
// SeriesSink when the interval ends, so a consumer keeps what it needs (a CSV writer streams rows to
// a file, a scorer sums a model's counts) and the run's memory does not grow with its duration.
// Without a sink the recorder builds no series at all.
#ifndef RATESIM_SIM_METRICS_SERIES_SINK_H_
#define RATESIM_SIM_METRICS_SERIES_SINK_H_

#include <vector>

#include "engine/key_registry.h"
#include "sim/metrics/run_metrics.h"

namespace ratesim {

// Thread-safety: called on its run's thread only.
class SeriesSink {
 public:
  virtual ~SeriesSink() = default;

  // The points of one interval, all with the interval's end as their time, in the recorder's order:
  // for each key in KeyId order its offered, ok, 429, 503, retries, rate_rpm and rate_tpm; then for
  // each model in ModelId order its utilisation, buffered and slots, then its failed attempts by
  // reason in FailReason order (FailedAttemptsMetric). Intervals come in time order;
  // the last one of a run may be shorter than the resolution. `points` is only valid during the
  // call; `names` resolves the points' org and model ids.
  virtual void OnInterval(const std::vector<SeriesPoint>& points, const KeyRegistry& names) = 0;
};

// Keeps every point, in order: the whole series in memory, growing with the run's duration. For
// tests and small runs; RunMetrics::series is filled this way when SimulationOptions::keep_series
// asks for it.
class SeriesCollector : public SeriesSink {
 public:
  void OnInterval(const std::vector<SeriesPoint>& points, const KeyRegistry& /*names*/) override {
    this->points.insert(this->points.end(), points.begin(), points.end());
  }
  std::vector<SeriesPoint> points;
};

}  // namespace ratesim

#endif  // RATESIM_SIM_METRICS_SERIES_SINK_H_

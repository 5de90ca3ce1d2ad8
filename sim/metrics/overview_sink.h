// What the plots show of one run, kept while the run goes: per interval the outcomes per second
// summed over every key, the dynamic request rate (RPM) of each key, and each model's utilisation
// (NaN while the model is down: no work in the interval and no live slot at its start or end,
// which the time series writes as utilisation 0 and which would read as idle), and the failed
// attempts per second summed over every model, by the policy's reason.
// A run with many keys or models keeps their spread (10th, 50th and 90th percentile) instead of a
// line each, so what is kept is a few numbers per interval whatever the platform's size.
#ifndef RATESIM_SIM_METRICS_OVERVIEW_SINK_H_
#define RATESIM_SIM_METRICS_OVERVIEW_SINK_H_

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "engine/fail_reason.h"
#include "sim/metrics/series_sink.h"

namespace ratesim {

// Up to this many keys (models) get a line each; more are summarised by their spread.
inline constexpr size_t kMaxOverviewLines = 8;

// Values of several things (keys, models) over the intervals: a line per thing, or their spread.
struct OverviewLines {
  bool spread = false;                      // lines are quantiles over the things, not things
  std::vector<std::string> labels;          // "org/model", "model", or "p10 of 40 keys", ...
  std::vector<std::vector<double>> values;  // [line][interval]
};

struct RunOverview {
  std::vector<double> time_s;                                           // each interval's end
  std::vector<double> offered_per_s, ok_per_s, r429_per_s, r503_per_s;  // summed over keys
  OverviewLines rate_rpm;                                               // per key
  OverviewLines utilisation;  // per model, busy share of live slots; NaN while down
  // Failed attempts per second summed over models, by FailReason.
  std::array<std::vector<double>, kFailReasonCount> failed_per_s;
};

// Builds a RunOverview from a run's intervals, then hands them on to `next` (may be null).
class OverviewSink : public SeriesSink {
 public:
  // `out` is not owned and must outlive the sink.
  OverviewSink(RunOverview* out, std::unique_ptr<SeriesSink> next);
  void OnInterval(const std::vector<SeriesPoint>& points, const KeyRegistry& names) override;

 private:
  RunOverview* out_;
  std::unique_ptr<SeriesSink> next_;
  std::vector<double> rates_;  // this interval's, one per key: scratch
  std::vector<std::string> rate_names_;
  std::vector<double> utilisations_;  // this interval's, one per model: scratch
  std::vector<double> slots_;         // each model's live slots at the previous interval's end
  std::vector<std::string> model_names_;
};

}  // namespace ratesim

#endif  // RATESIM_SIM_METRICS_OVERVIEW_SINK_H_

// What the plots show of one run, kept while the run goes: per interval the outcomes per second
// summed over every key, the dynamic request rate (RPM) of each key, and each model's utilisation
// (NaN while the model is down: no work in the interval and no live slot at its start or end,
// which the time series writes as utilisation 0 and which would read as idle), and the failed
// attempts per second summed over every model, by the policy's reason.
// A run with many keys or models keeps their spread (10th, 50th and 90th percentile) instead of a
// line each, so what is kept is a few numbers per interval whatever the platform's size.
// A long run is kept at a coarser step, a point per 2, 4, 8, ... intervals, so what is kept does
// not grow with the run's duration either (OverviewSink says how intervals combine).
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

// At most this many points per line. A panel of plots.svg plots about 350 px wide, and a coalesced
// overview holds at least half this many points, so coalescing loses nothing a plot could show;
// runs of up to this many intervals (17 minutes at 1 s, under 3 hours at 10 s) are kept whole.
inline constexpr size_t kMaxOverviewPoints = 1024;

// Values of several things (keys, models) over the points: a line per thing, or their spread.
struct OverviewLines {
  bool spread = false;                      // lines are quantiles over the things, not things
  std::vector<std::string> labels;          // "org/model", "model", or "p10 of 40 keys", ...
  std::vector<std::vector<double>> values;  // [line][point]
};

// Every vector holds one value per point, at most kMaxOverviewPoints. A point covers
// `intervals_per_point` consecutive intervals of the time series (1 until the run outgrows the
// bound, then 2, 4, 8, ...), except the last, which may cover fewer.
struct RunOverview {
  size_t intervals_per_point = 1;
  std::vector<double> time_s;  // each point's end: the end of its last interval
  std::vector<double> offered_per_s, ok_per_s, r429_per_s, r503_per_s;  // summed over keys
  std::vector<double> timed_out_per_s;  // summed over keys; all 0 in a run without timeouts
  OverviewLines rate_rpm;                                               // per key
  OverviewLines utilisation;  // per model, busy share of live slots; NaN while down
  // Failed attempts per second summed over models, by FailReason.
  std::array<std::vector<double>, kFailReasonCount> failed_per_s;
};

// Builds a RunOverview from a run's intervals, then hands them on to `next` (may be null).
// While the overview has room, each interval is a point of its own. When an interval comes and the
// overview holds kMaxOverviewPoints whole points, adjacent points are merged in pairs, halving it,
// and from then on each point takes twice as many intervals. A point's value depends on its
// intervals alone, not on the order they were merged in (rounding aside):
//   - outcomes and failed attempts per second: the mean weighted by duration, which is the count
//     over the point's intervals divided by their length;
//   - utilisation (a line per model, or each spread quantile): the mean weighted by duration over
//     the intervals where it is a number; NaN only if it is NaN (down) in every one of them;
//   - dynamic rates (a line per key, or each spread quantile): the value at the point's end (why:
//     overview_sink.cc).
//
// Invariants, between calls: every vector of *out has one value per point; every point but the last
// covers out->intervals_per_point intervals, the last from 1 to that many (last_intervals_);
// weight_s_[p] is the length of point p's intervals, and utilisation_weight_s_[line][p] that of
// those of them where the line is a number.
class OverviewSink : public SeriesSink {
 public:
  // `out` is not owned and must outlive the sink.
  OverviewSink(RunOverview* out, std::unique_ptr<SeriesSink> next);
  void OnInterval(const std::vector<SeriesPoint>& points, const KeyRegistry& names) override;

 private:
  // Point `to` becomes adjacent points `a` then `b` combined. REQUIRES: to <= a < b.
  void Merge(size_t to, size_t a, size_t b);
  // Keeps the first `points` points.
  void Truncate(size_t points);

  RunOverview* out_;
  std::unique_ptr<SeriesSink> next_;
  std::vector<double> weight_s_;
  std::vector<std::vector<double>> utilisation_weight_s_;
  size_t last_intervals_ = 0;
  std::vector<double> rates_;  // this interval's, one per key: scratch
  std::vector<std::string> rate_names_;
  std::vector<double> utilisations_;  // this interval's, one per model: scratch
  std::vector<double> slots_;         // each model's live slots at the previous interval's end
  std::vector<std::string> model_names_;
};

}  // namespace ratesim

#endif  // RATESIM_SIM_METRICS_OVERVIEW_SINK_H_

// Downward-spiral detection after an outage. DESIGN.md 1.2: 503s during an outage cut an org's
// successes, which lowers its earned rate, which turns its later traffic into 429s. The spiral is
// judged on that last step, the 429 share: under a policy that serves in arrival order (fifo, none,
// fair) a limit formula changes only who is blamed for a rejection (429 or 503), not who is served,
// so the success rate after the restore is the same for every formula and cannot tell a spiral from
// a recovery; the 429 share, which follows the keys' dynamic rates, can.
//
// The rule (RecoveryRule, defaults in the struct):
//   outage    the last scheduled capacity drop that the schedule restores (LastRestoredOutage);
//   baseline  the 429 share (429 / finished, pooled over the keys of the model that went down)
//             over the time-series intervals that end in (drop - baseline_window, drop];
//   recovery  the first interval that starts at or after the restore, has finished requests, and
//             whose 429 share is at most baseline + tolerance; recovery_s is from the restore to
//             that interval's end, so it is a multiple of the scenario's resolution at best;
//   spiral    no recovery within `horizon` of the restore: true when recovery_s > horizon, or
//             when no interval recovers and the series reaches restore + horizon.
// The rates themselves are judged beside it: the model's dynamic rate, the rate_rpm of
// its keys summed at each interval's end, against its value at the last interval end at or before
// the drop:
//   rate_low_share    its lowest from the drop to restore + horizon, over that value: how far the
//                     formula let the outage pull the orgs' rates down (1: not at all);
//   rate_recovery_s   from the restore to the first interval end at or after it from which the
//                     rate stays back within rate_tolerance of that value to the end of the
//                     traffic (0 when it already is at the restore and never falls again);
//                     absent when it is not back by the end of the traffic;
//   rate_after_share  its value at the first interval end at or after restore + horizon, over that
//                     value: how much of it had come back 10 minutes after the restore.
// Intervals without finished requests are skipped, and so are those that start at or after the
// end of the traffic (Outage::traffic_end, the run's duration; the one holding it, mostly traffic,
// counts): in a drain past it nothing arrives, the model is
// short no more and serves what is left, so its 429 share says nothing of a spiral. Each result
// is absent (NA) when it cannot be judged: no restored outage, no finished request in the baseline
// or after the restore, or traffic that ends before the horizon without having recovered; for the
// rates, no interval end before the drop, a rate of 0 there, or traffic that ends too soon.
#ifndef RATESIM_SIM_SWEEP_RECOVERY_H_
#define RATESIM_SIM_SWEEP_RECOVERY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/time.h"
#include "sim/metrics/run_metrics.h"
#include "sim/metrics/series_sink.h"
#include "sim/scenario/scenario.h"

namespace ratesim {

struct Outage {
  std::string model;  // the model whose capacity dropped
  Nanos drop = 0;     // when replicas fell below the level before
  Nanos restore = 0;  // when they came back to at least that level
  Nanos traffic_end = kNever;  // when arrivals stop (the run's duration); kNever: not known
};

// Over every model's schedule (starting from its initial replicas), each change that lowers the
// replica count is a drop, restored by the first later change back to at least the count before the
// drop. Returns the restored drop with the latest restore (on a tie, the earliest drop, then the
// first model); nullopt when no drop is restored. Autoscaler changes are not scheduled and do not
// count.
std::optional<Outage> LastRestoredOutage(const std::vector<ModelSpec>& models);
// The same over scenario.models, with traffic_end the scenario's duration: what a run of it is
// judged on.
std::optional<Outage> LastRestoredOutage(const Scenario& scenario);

// Finished requests of one time-series interval (start, end].
struct IntervalOutcome {
  Nanos start = 0;
  Nanos end = 0;
  int64_t ok = 0;
  int64_t rejected_429 = 0;
  int64_t finished = 0;  // ok + 429 + 503
  double rate_rpm = 0.0;  // the keys' dynamic request rates summed at `end`, per minute
};

// The intervals of `run`'s time series with ok, 429 and finished summed over the keys of `model`,
// in time order; the first interval starts at 0. Empty when the run has no such model.
std::vector<IntervalOutcome> ModelOutcomeSeries(const RunResult& run, std::string_view model);

struct RecoveryRule {
  double tolerance = 0.05;  // 429-share points above the baseline that still count as recovered
  Nanos baseline_window = 300 * kNanosPerSecond;  // 5 minutes before the drop
  Nanos horizon = 600 * kNanosPerSecond;          // recovery later than 10 minutes is a spiral
  double rate_tolerance = 0.05;  // share below its value before the drop a rate may be and be back
};

struct Recovery {
  std::optional<double> baseline;    // 429 share before the drop
  std::optional<double> recovery_s;  // seconds from the restore to recovery
  std::optional<bool> spiral;
  std::optional<double> rate_low_share;
  std::optional<double> rate_recovery_s;
  std::optional<double> rate_after_share;
};

// REQUIRES: `series` in time order, as ModelOutcomeSeries returns it.
Recovery AssessRecovery(const std::vector<IntervalOutcome>& series, const Outage& outage,
                        const RecoveryRule& rule = {});

// AssessRecovery one interval at a time, in constant memory.
class RecoveryTracker {
 public:
  explicit RecoveryTracker(const Outage& outage, const RecoveryRule& rule = {})
      : outage_(outage), rule_(rule) {}
  // REQUIRES: intervals in time order.
  void Add(const IntervalOutcome& interval);
  // What AssessRecovery gives for the intervals added so far.
  Recovery Result() const;

 private:
  void TrackRate(const IntervalOutcome& interval);

  Outage outage_;
  RecoveryRule rule_;
  int64_t base_429_ = 0;
  int64_t base_finished_ = 0;
  bool judged_ = false;  // some interval after the restore had finished requests
  std::optional<Recovery> recovered_;
  Nanos last_end_ = 0;
  bool any_ = false;
  std::optional<double> rate_before_;  // at the last interval end at or before the drop
  std::optional<double> rate_low_;
  std::optional<Nanos> rate_back_at_;
  std::optional<double> rate_after_;
};

// A run's SeriesSink that sums the ok, 429 and finished requests and the rates of `outage.model`'s
// keys per interval and judges its recovery as the run goes: what ModelOutcomeSeries and AssessRecovery give
// for the same run's kept series, without keeping it.
class RecoverySink : public SeriesSink {
 public:
  explicit RecoverySink(const Outage& outage, const RecoveryRule& rule = {})
      : model_name_(outage.model), tracker_(outage, rule) {}
  void OnInterval(const std::vector<SeriesPoint>& points, const KeyRegistry& names) override;
  Recovery Result() const { return tracker_.Result(); }

 private:
  std::string model_name_;
  bool resolved_ = false;  // model_ is looked up at the first interval
  std::optional<ModelId> model_;  // nullopt: the run has no such model
  Nanos last_end_ = 0;
  RecoveryTracker tracker_;
};

}  // namespace ratesim

#endif  // RATESIM_SIM_SWEEP_RECOVERY_H_

// What one simulated run measured: outcome counts and latency distributions overall, per org and per
// model; slot and buffer occupancy per model; and, only when asked, the time series at the scenario's
// resolution (which is otherwise streamed to a SeriesSink as the run goes: series_sink.h).
// Plain data: the simulator fills it, the reports read it.
#ifndef RATESIM_SIM_METRICS_RUN_METRICS_H_
#define RATESIM_SIM_METRICS_RUN_METRICS_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/attribution.h"
#include "engine/fail_reason.h"
#include "engine/limit_formula.h"
#include "engine/time.h"
#include "sim/metrics/histogram.h"

namespace ratesim {

// Every offered request ends in exactly one of ok, the 429s, 503, timed out, or is still in flight
// when the run stops: offered == ok + r429_request + r429_token + r503 + timed_out + in_flight.
//
// failed_attempts counts attempts, not requests, by the policy's reason (FailReason): every attempt
// that failed, those a client then retried included, since a request's final outcome alone hides
// what its earlier attempts met. An attempt its client gave up waiting for is a timeout, not a
// failure. Each retry follows one failed or timed-out attempt, so with
// settled = r429() + r503 + timed_out + retries - timeouts,
//     settled <= failed_attempts_total() <= settled + in_flight,
// equal on the left once nothing is in flight (the right allows for requests that were waiting
// to retry when a run without drain stopped: their failed attempt counted, their retry not sent).
struct OutcomeCounts {
  int64_t offered = 0;
  int64_t ok = 0;            // 200
  int64_t r429_request = 0;  // 429 dynamic_request_limited
  int64_t r429_token = 0;    // 429 dynamic_token_limited
  int64_t r503 = 0;          // 503 model_overloaded
  int64_t timed_out = 0;     // requests whose client gave up waiting for the last attempt's response
  int64_t in_flight = 0;     // buffered, running or waiting to retry when a run without drain stopped
  int64_t retries = 0;       // attempts after the first; not requests: offered counts requests
  int64_t timeouts = 0;      // attempts whose client gave up waiting, retried ones included
  // Attempts the platform served to the end after their client had given up on them (it ignores
  // disconnects, or lets a started request run): capacity spent on a response no one reads.
  int64_t served_after_timeout = 0;
  // Attempts the platform failed (expired, shed, ...) after their client had given up on them,
  // under on_disconnect = "ignore": answers no one reads, in no failed_attempts count (each was a
  // timeout already). served_after_timeout + failed_after_timeout <= timeouts.
  int64_t failed_after_timeout = 0;
  // Attempts above their org's dynamic rate at arrival (rate_class over_requests or over_tokens),
  // served or not: what a client learns of its pacing when nothing fails.
  int64_t over_rate_attempts = 0;
  std::array<int64_t, kFailReasonCount> failed_attempts{};  // indexed by FailReason

  int64_t r429() const { return r429_request + r429_token; }
  int64_t failed_attempts_total() const {
    int64_t total = 0;
    for (const int64_t count : failed_attempts) total += count;
    return total;
  }
  int64_t failed_attempts_for(FailReason reason) const {
    return failed_attempts[static_cast<size_t>(reason)];
  }
  int64_t finished() const { return ok + r429() + r503 + timed_out; }
  // ok / finished; 0 when nothing finished (never NaN).
  double success_rate() const {
    return finished() == 0 ? 0.0 : static_cast<double>(ok) / static_cast<double>(finished());
  }
  void CountFailure(ErrorType type) {
    switch (type) {
      case ErrorType::kDynamicRequestLimited: ++r429_request; break;
      case ErrorType::kDynamicTokenLimited: ++r429_token; break;
      case ErrorType::kModelOverloaded: ++r503; break;
      case ErrorType::kNone: ++ok; break;
    }
  }
  void Add(const OutcomeCounts& other) {
    offered += other.offered;
    ok += other.ok;
    r429_request += other.r429_request;
    r429_token += other.r429_token;
    r503 += other.r503;
    timed_out += other.timed_out;
    in_flight += other.in_flight;
    retries += other.retries;
    timeouts += other.timeouts;
    served_after_timeout += other.served_after_timeout;
    failed_after_timeout += other.failed_after_timeout;
    over_rate_attempts += other.over_rate_attempts;
    for (size_t reason = 0; reason < kFailReasonCount; ++reason) {
      failed_attempts[reason] += other.failed_attempts[reason];
    }
  }
};

// Outcomes and distributions of one slice of traffic (everything, one org, one model).
struct SliceMetrics {
  explicit SliceMetrics(int histogram_bits,
                        LogHistogram::Storage storage = LogHistogram::Storage::kDense)
      : latency(histogram_bits, storage), queue_wait(histogram_bits, storage) {}
  OutcomeCounts counts;
  LogHistogram latency;     // arrival to completion of successful requests, ns
  LogHistogram queue_wait;  // arrival to start of service of started requests, ns
};

// Occupancy of one model over the run, as time integrals (slot-nanoseconds, request-nanoseconds).
struct ModelUsage {
  int64_t slots = 0;            // slots at the end of the run
  double busy_slot_ns = 0.0;    // integral of busy slots over time
  double slot_ns = 0.0;         // integral of live slots over time (of busy ones where more:
                                // removed replicas finishing their requests)
  double buffered_ns = 0.0;     // integral of buffered requests over time
  int64_t started = 0;          // requests that started service
  double utilisation() const { return slot_ns > 0 ? busy_slot_ns / slot_ns : 0.0; }
};

// One row of the long-form time series: `metric` of (org, model) or of a model (org empty) over the
// interval ending at `time`.
enum class SeriesMetric : uint8_t {
  kOffered,       // per key, requests in the interval
  kOk,            // per key
  kRejected429,   // per key
  kRejected503,   // per key
  kRetries,       // per key, retry attempts sent in the interval
  kRateRpm,       // per key, dynamic request rate at `time`, per minute
  kRateTpm,       // per key, dynamic token rate at `time`, per minute
  kUtilisation,   // per model, mean busy share of slots over the interval
  kBuffered,      // per model, requests buffered at `time`
  kSlots,         // per model, live slots at `time`
  // Per model, attempts that failed in the interval for each FailReason, in FailReason's order
  // (FailedAttemptsMetric): when a policy began to shed, expire or refuse, which the per-key 429
  // and 503 counts do not tell.
  kFailedNoCapacity,
  kFailedBufferFull,
  kFailedWouldExpire,
  kFailedExpired,
  kFailedDisplaced,
  kFailedShed,
  // Per key, requests that ended in the interval because their client gave up waiting; only in the
  // series of runs where some client has a timeout (MetricsRecorder::SeriesCountsTimeouts).
  kTimedOut,
};
std::string_view SeriesMetricName(SeriesMetric metric);

// The metric counting attempts failed for `reason`.
inline SeriesMetric FailedAttemptsMetric(FailReason reason) {
  static_assert(static_cast<size_t>(SeriesMetric::kFailedShed) -
                        static_cast<size_t>(SeriesMetric::kFailedNoCapacity) + 1 ==
                    kFailReasonCount,
                "one kFailed metric per FailReason, in its order");
  return static_cast<SeriesMetric>(static_cast<size_t>(SeriesMetric::kFailedNoCapacity) +
                                   static_cast<size_t>(reason));
}

// The reason `metric` counts failed attempts for; nullopt for any other metric.
inline std::optional<FailReason> FailReasonCounted(SeriesMetric metric) {
  if (metric < SeriesMetric::kFailedNoCapacity || metric > SeriesMetric::kFailedShed) {
    return std::nullopt;
  }
  return static_cast<FailReason>(static_cast<size_t>(metric) -
                                 static_cast<size_t>(SeriesMetric::kFailedNoCapacity));
}

inline constexpr uint32_t kNoOrg = UINT32_MAX;

struct SeriesPoint {
  Nanos time;
  SeriesMetric metric;
  uint32_t org;    // kNoOrg for per-model metrics
  uint32_t model;
  double value;
};

// A key whose limit formula computed a rate that was not a finite number, so that the rate was
// left at its floor instead (Engine::NonFiniteResults): a fault of the formula, most likely an
// `expr` dividing by zero, which the counts alone would hide.
struct NonFiniteRate {
  uint32_t org;
  uint32_t model;
  NonFiniteCounts counts;  // total() > 0
};

// One dimension of a key's dynamic rate over a run, per minute as the headers show it: the
// statistics of its values at the end of each time-series interval that starts before the traffic
// ends (RunSpec::duration; a drain's intervals, with nothing arriving, would pull them toward where
// idle rates decay to).
struct RateStats {
  double mean = 0.0;
  double min = 0.0;
  double max = 0.0;
  double last = 0.0;  // at the last of those samples
};

// The rates a key (org, model) was given over a run.
struct KeyRates {
  uint32_t org;
  uint32_t model;
  RateStats requests_per_min;
  RateStats tokens_per_min;
};

struct RunMetrics {
  RunMetrics(size_t orgs, size_t models);

  SliceMetrics overall;
  std::vector<SliceMetrics> per_org;
  std::vector<SliceMetrics> per_model;
  std::vector<ModelUsage> model_usage;
  // Every point of the time series, in the order a SeriesSink receives them; empty unless the run
  // was asked to keep it (SimulationOptions::keep_series), since it grows with the run's duration.
  std::vector<SeriesPoint> series;
  Nanos end_time = 0;  // when the run stopped (after draining, if it drains)
  // When measurement began: the end of the run's warm-up (RunSpec::warmup), 0 without one. The
  // counts, distributions and occupancy integrals above cover what came after it.
  Nanos measured_from = 0;
  // How long the occupancy integrals ran: the time averages divide by it.
  Nanos measured_span() const { return end_time - measured_from; }
  std::vector<NonFiniteRate> non_finite_rates;  // in key order; empty for built-in formulas
  // Every key's rates, in key order, taken at the time series' sample times: filled by a run asked
  // to (SimulationOptions::summarise_rates); empty otherwise.
  std::vector<KeyRates> rates;
};

// A statistic of the dynamic request rate of `org` over the run, per minute, summed over its
// models: the `stat` of its keys' RateStats (&RateStats::mean, &RateStats::last); nullopt when the
// run summarised no rates or has no key of `org`.
std::optional<double> OrgRateRpm(const RunMetrics& metrics, uint32_t org,
                                 double RateStats::*stat);

// Every rate of the run that fell back to its floor, request and token rates alike.
inline int64_t NonFiniteRateCount(const RunMetrics& metrics) {
  int64_t count = 0;
  for (const NonFiniteRate& key : metrics.non_finite_rates) count += key.counts.total();
  return count;
}

// The result of one run of one policy on one scenario.
struct RunResult {
  std::string policy;  // the policy's label
  uint64_t seed = 0;
  std::vector<std::string> org_names;    // index = org id in RunMetrics
  std::vector<std::string> model_names;  // index = model id
  RunMetrics metrics;

  // The name of org (model) `id`; "org#<id>" ("model#<id>") where the run lacks it.
  std::string org_name(size_t id) const;
  std::string model_name(size_t id) const;
};

}  // namespace ratesim

#endif  // RATESIM_SIM_METRICS_RUN_METRICS_H_

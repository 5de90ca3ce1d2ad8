// The scenario model: a scenario file, parsed and validated once, as plain immutable values. Everything
// downstream (the simulator, the runners, the reports) reads only this, never the file.
#ifndef RATESIM_SIM_SCENARIO_SCENARIO_H_
#define RATESIM_SIM_SCENARIO_SCENARIO_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/param_spec.h"
#include "engine/time.h"
#include "sim/scenario/trace_census.h"

namespace ratesim {

// Where a value came from, for errors found after parsing. line/column are 1-based; 0 when unknown.
struct SourcePos {
  int line = 0;
  int column = 0;
};

// The most tokens a request may have as input, or as output. Far above any model's context, yet
// small enough that a request's input + output never overflows int64_t and every count is exact
// as a double (below 2^53), as the engine's token windows hold them.
inline constexpr int64_t kMaxTokens = 1'000'000'000'000'000;

// The most requests one burst sends, workers one closed loop runs, and attempts one client makes
// for a request. Each is far beyond a real client, and each holds memory or events in proportion
// (a billion-request burst or a hundred million workers exhausted memory rather than fail here).
inline constexpr int64_t kMaxBurstCount = 10'000'000;
inline constexpr int64_t kMaxWorkers = 1'000'000;
inline constexpr int64_t kMaxAttempts = 1'000;
// The most replicas a model may have (at the start, in a schedule entry, under its autoscaler) and
// the most slots one replica may hold: a model then has at most 10^15 slots, so that replicas ×
// concurrency never overflows int64_t (10^12 × 10^12 did, into a slot count of nonsense).
inline constexpr int64_t kMaxReplicas = 1'000'000;
inline constexpr int64_t kMaxConcurrency = 1'000'000'000;
// The most orgs one [[orgs]] makes with `copies`: each holds its keys' state and per-org metrics,
// about 2 KB (cron_fleet.toml with 100,000 copies for 30 s peaks at 200 MB).
inline constexpr int64_t kMaxOrgCopies = 100'000;

// A token count per request: fixed, or drawn from a lognormal with the given mean and coefficient of
// variation, rounded to a whole number and clamped to [min, max].
struct TokenCount {
  enum class Kind { kFixed, kLognormal };
  Kind kind = Kind::kFixed;
  double mean = 0.0;  // the fixed value for kFixed
  double cv = 0.0;    // standard deviation / mean, kLognormal only
  int64_t min = 0;
  int64_t max = kMaxTokens;
};

// Time a request holds a slot.
struct ServiceTime {
  enum class Kind {
    kConstant,     // always mean
    kExponential,  // exponential with this mean (for checks against queueing theory)
    kTokens,       // overhead + input / prefill rate + output / decode rate
  };
  Kind kind = Kind::kConstant;
  Nanos mean = kNanosPerSecond;  // kConstant, kExponential
  Nanos overhead = 0;            // kTokens
  double prefill_tokens_per_s = 0.0;  // kTokens, > 0
  double decode_tokens_per_s = 0.0;   // kTokens, > 0
};

struct PolicySpec {
  std::string label;  // the name shown in reports; defaults to `type`; unique within a scenario
  std::string type;   // a registered policy name
  ParamValues params; // complete: defaults filled in, validated against the policy's spec
  SourcePos pos;
};

// From `at` on, the model has `replicas` replicas (an outage: 0; a drop; a recovery). An autoscaler,
// if any, keeps working from the new count.
struct CapacityChange {
  Nanos at = 0;
  int64_t replicas = 0;  // >= 0
  SourcePos pos;
};

// Follows sustained load: every `interval` it looks at the mean number of busy slots over the last
// `window` and asks for ceil(busy / (target × concurrency)) replicas, within [min, max]. Replicas asked for
// arrive after `provisioning_delay`; it removes replicas only when the last change is at least
// `scale_down_cooldown` old. Replicas being removed finish their running requests first. It does not
// act while a scheduled change holds the model at 0 replicas (an outage).
struct AutoscalerSpec {
  bool enabled = false;
  double target_utilisation = 0.7;  // (0, 1]
  Nanos interval = 30 * kNanosPerSecond;
  Nanos window = 120 * kNanosPerSecond;
  Nanos provisioning_delay = 120 * kNanosPerSecond;
  int64_t min_replicas = 1;
  int64_t max_replicas = 1;  // >= min_replicas
  Nanos scale_down_cooldown = 300 * kNanosPerSecond;
};

struct ModelSpec {
  std::string name;
  int64_t replicas = 1;     // at time 0; >= 1 (>= 0 with a schedule that adds replicas later)
  int64_t concurrency = 1;  // slots per replica
  ServiceTime service;
  std::vector<CapacityChange> schedule;  // sorted by `at`, strictly increasing
  AutoscalerSpec autoscaler;
  // A model that keeps its own smoothing policy whatever policy a run compares (a batch lane with
  // a day-long queue, a dedicated deployment): its `type` is empty when it has none.
  PolicySpec own_policy;
  // What the platform does with a request whose client gave up waiting (ClientSpec::timeout).
  enum class OnDisconnect {
    kCancel,        // a buffered request leaves the buffer, a running one stops and frees its slot
    kCancelQueued,  // a buffered request leaves the buffer; a running one runs to its end
    kIgnore,        // the platform never notices: every request is served or failed as if awaited
  };
  OnDisconnect on_disconnect = OnDisconnect::kCancel;
  SourcePos pos;
};

// What a client does when an attempt fails (429 or 503) or gets no response within its timeout.
struct ClientSpec {
  enum class OnFailure {
    kGiveUp,      // the request ends with the failure
    kBackoff,     // retry after min(max_backoff, base_backoff × multiplier^(attempt-1)), jittered
    kHonorReset,  // after a 429, retry after x-ratelimit-reset seconds (backoff when it says 0);
                  // after a 503 or a timeout, which say nothing of when to come back, backoff
  };
  OnFailure on_failure = OnFailure::kGiveUp;
  int64_t max_attempts = 1;   // attempts in all, the first included; >= 1
  Nanos base_backoff = kNanosPerSecond;
  double multiplier = 2.0;    // >= 1
  Nanos max_backoff = 60 * kNanosPerSecond;
  double jitter = 1.0;        // [0, 1]: the delay is drawn uniformly from [(1 - jitter) × d, d]
  // How long the client waits for an attempt's response before it gives up on it (and retries it
  // as a failure, by on_failure); kNever: for ever.
  Nanos timeout = kNever;
  // At most this many of the stream's attempts outstanding at once (sent, and neither answered nor
  // given up on); the others wait in the client, in the order they became due. 0: no cap.
  int64_t max_in_flight = 0;
  // The client sends at most this many attempts a second, evenly spaced (a pacer); the others
  // wait in the client. 0: unpaced.
  double pace_per_s = 0.0;
  // Whether the client holds attempts back (max_in_flight or pace).
  bool holds_back() const { return max_in_flight > 0 || pace_per_s > 0.0; }
};

// When one traffic stream sends requests.
struct TrafficShape {
  enum class Kind {
    kConstant,  // evenly spaced at `rate_per_s`
    kPoisson,   // Poisson process at `rate_per_s`
    kBursts,    // `burst_count` requests evenly spread over `burst_window`, every `burst_period`
    kRamp,      // rate rising (or falling) linearly from `ramp_from_per_s` to `ramp_to_per_s` over
                // `ramp_over`, then staying at `ramp_to_per_s`
    kStep,      // `rate_per_s` until `step_at`, then `step_to_per_s`
                // (step_at, like diurnal_phase and the on/off cycle, counts from `start`)
    kOnOff,     // `rate_per_s` for `on_duration`, nothing for `off_duration`, repeated
    kDiurnal,   // rate_per_s × (1 + amplitude × sin(2π (t + phase) / period))
    kClosedLoop,  // `workers` clients, each sending its next request `think_time` after its last
                  // one ended (its final attempt)
  };
  Kind kind = Kind::kConstant;
  double rate_per_s = 0.0;
  int64_t burst_count = 0;
  Nanos burst_window = 0;
  Nanos burst_period = 0;
  double ramp_from_per_s = 0.0;
  double ramp_to_per_s = 0.0;
  Nanos ramp_over = 0;
  bool ramp_poisson = true;  // kRamp: Poisson arrivals (true) or evenly spaced (false)
  bool poisson = false;      // kStep, kOnOff, kDiurnal: Poisson arrivals (true) or evenly spaced
  double step_to_per_s = 0.0;
  Nanos step_at = 0;
  Nanos on_duration = 0;
  Nanos off_duration = 0;
  double diurnal_amplitude = 0.0;  // [0, 1]
  Nanos diurnal_period = 24 * 3600 * kNanosPerSecond;
  Nanos diurnal_phase = 0;
  int64_t workers = 0;       // kClosedLoop, >= 1
  Nanos think_time = 0;      // kClosedLoop, >= 0
  Nanos start = 0;           // first arrival no earlier than this
  Nanos stop = kNever;       // no arrival at or after this (the run's duration bounds it anyway)
};

struct TrafficSpec {
  std::string model;  // a ModelSpec name (validated)
  TrafficShape shape;
  TokenCount input_tokens;       // prompt tokens
  TokenCount max_output_tokens;  // what the request asks for; part of the estimate at arrival
  TokenCount output_tokens;      // what the model actually produces (clamped to max_output_tokens)
  ClientSpec client;
  SourcePos pos;
};

// A recorded trace replayed as traffic: a CSV file with the header
// `time,org,model,input_tokens,output_tokens` (time as a duration from the start of the run, e.g.
// "12.5s", or plain seconds), rows in time order. Read as the run goes, never loaded whole. Its orgs
// need not be declared in [[orgs]]; a declared org's limit overrides apply.
struct TraceSpec {
  std::string path;  // resolved against the scenario file's folder
  int64_t max_output_tokens = 0;  // 0: each request asks for exactly its output tokens
  ClientSpec client;
  SourcePos pos;
  // Taken when the scenario loads (TakeTraceCensuses, scenario_loader.h); a run needs it. Shared:
  // the scenarios of a sweep's points share their traces' censuses, and copying a scenario is cheap.
  std::shared_ptr<const TraceCensus> census;
};

struct OrgSpec {
  std::string name;
  ParamValues limit_overrides;  // this org's changes to LimitSpec::params (validated; numbers only)
  std::vector<TrafficSpec> traffic;
  SourcePos pos;
  // An org made by `copies = N` in [[orgs]] is named "<copy_of>-<k>", k from 1 to N; messages name
  // the copies once, by copy_of. Empty for an org written once.
  std::string copy_of;
  int64_t copies = 1;  // N, for every copy
};

// How many orgs from orgs[first] on one [[orgs]] made: its copies (consecutive, as the loader makes
// them), or 1 for an org written once. Messages name a group of copies once.
inline size_t OrgsOfOneEntry(const std::vector<OrgSpec>& orgs, size_t first) {
  size_t group = 1;
  while (!orgs[first].copy_of.empty() && first + group < orgs.size() &&
         orgs[first + group].copy_of == orgs[first].copy_of) {
    ++group;
  }
  return group;
}

// How a message names the orgs one [[orgs]] made, from orgs[first]: "org 'acme'", or "each of the
// 400 copies of org 'tenant'" for an [[orgs]] with copies (OrgsOfOneEntry of them).
inline std::string OrgEntryName(const std::vector<OrgSpec>& orgs, size_t first) {
  const OrgSpec& org = orgs[first];
  if (org.copy_of.empty()) return "org '" + org.name + "'";
  return "each of the " + std::to_string(OrgsOfOneEntry(orgs, first)) + " copies of org '" +
         org.copy_of + "'";
}

struct LimitSpec {
  std::string formula = "earned";
  // Complete: defaults filled in, validated against the formula's spec. For a written formula
  // (`expr`) also its constants, the numbers the spec does not declare.
  ParamValues params;
  ParamTexts texts;  // a written formula's expressions (`expr`: requests_per_s, tokens_per_s)

  // The parameters of `org`'s formula: these, with the org's overrides in place.
  ParamValues ParamsFor(const OrgSpec& org) const {
    ParamValues merged = params;
    for (const auto& [name, value] : org.limit_overrides) merged[name] = value;
    return merged;
  }
};


// The most time-series intervals a run's duration may hold. The run ticks through every one of
// them and writes a row per key for each: a resolution mistyped as "1ns" for "1s" would take hours
// before the first result. A day at 100 ms is 864000. It bounds the duration's intervals only: a
// run that drains past its duration samples on until the drain ends.
inline constexpr int64_t kMaxIntervals = 1'000'000;

struct RunSpec {
  Nanos duration = 0;             // arrivals happen in [0, duration)
  uint64_t seed = 1;
  Nanos resolution = 10 * kNanosPerSecond;  // time-series sampling interval
  bool drain = true;  // after `duration`, let buffered and running requests finish
  // The run's first part, left out of its results (RunMetrics::measured_from): requests that first
  // arrive before it, and occupancy and rates before it, are not measured, so that the results
  // are of a platform already warm (rates earned, buffers filled, replicas scaled) rather than of
  // a cold start. The run itself, and its time series, are the same either way. < duration.
  Nanos warmup = 0;
};

// A table of the file that a --set (or --grid) value replaced whole (`limits={ formula = "aimd" }`),
// and the keys the file set in it that the new table leaves out: they no longer apply, which a user
// who meant to change one key may not expect (the file's base_rpm, say).
struct ReplacedTable {
  std::string override_text;  // as given: `limits={ formula = "aimd" }`
  SourcePos at;               // where the file's table began
  std::vector<std::pair<std::string, SourcePos>> dropped;  // the keys left out, in file order
};

struct Scenario {
  std::string path;   // the file it was read from
  std::string title;  // optional one-line description
  RunSpec run;
  LimitSpec limits;
  std::vector<ModelSpec> models;
  std::vector<OrgSpec> orgs;
  std::vector<TraceSpec> traces;
  std::vector<PolicySpec> policies;  // in file order; at least one
  std::vector<ReplacedTable> replaced_tables;  // by the overrides, in their order
};

}  // namespace ratesim

#endif  // RATESIM_SIM_SCENARIO_SCENARIO_H_

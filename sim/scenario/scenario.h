// The scenario model: a scenario file, parsed and validated once, as plain immutable values. Everything
// downstream (the simulator, the runners, the reports) reads only this, never the file.
#ifndef RATESIM_SIM_SCENARIO_SCENARIO_H_
#define RATESIM_SIM_SCENARIO_SCENARIO_H_

#include <cstdint>
#include <string>
#include <vector>

#include "engine/param_spec.h"
#include "engine/time.h"

namespace ratesim {

// Where a value came from, for errors found after parsing. line/column are 1-based; 0 when unknown.
struct SourcePos {
  int line = 0;
  int column = 0;
};

// A token count per request: fixed, or drawn from a lognormal with the given mean and coefficient of
// variation, rounded to a whole number and clamped to [min, max].
struct TokenCount {
  enum class Kind { kFixed, kLognormal };
  Kind kind = Kind::kFixed;
  double mean = 0.0;  // the fixed value for kFixed
  double cv = 0.0;    // standard deviation / mean, kLognormal only
  int64_t min = 0;
  int64_t max = INT64_MAX;
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

struct ModelSpec {
  std::string name;
  int64_t replicas = 1;
  int64_t concurrency = 1;  // slots per replica
  ServiceTime service;
  SourcePos pos;
};

// When one traffic stream sends requests.
struct TrafficShape {
  enum class Kind {
    kConstant,  // evenly spaced at `rate_per_s`
    kPoisson,   // Poisson process at `rate_per_s`
    kBursts,    // `burst_count` requests evenly spread over `burst_window`, every `burst_period`
    kRamp,      // rate rising (or falling) linearly from `ramp_from_per_s` to `ramp_to_per_s` over
                // `ramp_over`, then staying at `ramp_to_per_s`
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
  Nanos start = 0;           // first arrival no earlier than this
  Nanos stop = kNever;       // no arrival at or after this (the run's duration bounds it anyway)
};

struct TrafficSpec {
  std::string model;  // a ModelSpec name (validated)
  TrafficShape shape;
  TokenCount input_tokens;       // prompt tokens
  TokenCount max_output_tokens;  // what the request asks for; part of the estimate at arrival
  TokenCount output_tokens;      // what the model actually produces (clamped to max_output_tokens)
  SourcePos pos;
};

struct OrgSpec {
  std::string name;
  ParamValues limit_overrides;  // this org's changes to LimitSpec::params (validated)
  std::vector<TrafficSpec> traffic;
  SourcePos pos;
};

struct LimitSpec {
  std::string formula = "earned";
  ParamValues params;  // complete: defaults filled in, validated against the formula's spec
};

struct PolicySpec {
  std::string label;  // the name shown in reports; defaults to `type`; unique within a scenario
  std::string type;   // a registered policy name
  ParamValues params; // complete: defaults filled in, validated against the policy's spec
  SourcePos pos;
};

struct RunSpec {
  Nanos duration = 0;             // arrivals happen in [0, duration)
  uint64_t seed = 1;
  Nanos resolution = 10 * kNanosPerSecond;  // time-series sampling interval
  bool drain = true;  // after `duration`, let buffered and running requests finish
};

struct Scenario {
  std::string path;   // the file it was read from
  std::string title;  // optional one-line description
  RunSpec run;
  LimitSpec limits;
  std::vector<ModelSpec> models;
  std::vector<OrgSpec> orgs;
  std::vector<PolicySpec> policies;  // in file order; at least one
};

}  // namespace ratesim

#endif  // RATESIM_SIM_SCENARIO_SCENARIO_H_

// The one-second enforcement window, kept as a token bucket per dimension.
//
// DESIGN.md 1.1 asks: a request is within rate if, counting it, the key's within-rate requests in the
// last second do not exceed rate × 1 s (and likewise for tokens), and allows a token bucket in place
// of that log of timestamps. A bucket of depth rate × 1 s, refilled continuously at the rate, needs
// O(1) state and work and composes exactly under lazy refill. Its rule is the same bound over every
// interval, not only the last second: a request is within rate exactly when no interval ending at it
// holds more than rate × (1 s + the interval's length), so one second may hold nearly twice the rate
// (a full burst, then the refill) while a minute holds at most 61 seconds' worth
// (tests/engine/token_bucket_oracle_test.cc). Two details:
//  - A request costing more than the whole depth (a slow key: 30 RPM is 0.5 requests per second; a
//    request larger than one second of tokens) fits when the bucket is full and leaves it in debt,
//    so it is never starved and the long-run rate is still the rate.
//  - Only within-rate requests draw from the bucket: an over-rate request does not consume the
//    budget of the requests after it. The exception is a policy that serves over-rate requests as
//    rate budget, spread out at the rate (pacing, SmoothingPolicy::ChargesOverRateRequests): those
//    are drawn when admitted, ahead of their start, and may leave the bucket in debt.
#ifndef RATESIM_ENGINE_ENFORCEMENT_WINDOW_H_
#define RATESIM_ENGINE_ENFORCEMENT_WINDOW_H_

#include <algorithm>
#include <cmath>

namespace ratesim {

inline constexpr double kEnforcementWindowSeconds = 1.0;

// Absorbs rounding in level arithmetic, so that a request exactly at the boundary counts as within
// whatever order the additions were made in. Far below one token or one request.
inline constexpr double kLevelTolerance = 1e-9;

// How much a bucket for `rate` per second can hold.
inline double WindowDepth(double rate) { return rate * kEnforcementWindowSeconds; }

// The bucket level after `elapsed_s` seconds of refill at `rate`.
inline double Refill(double level, double rate, double elapsed_s) {
  return std::min(WindowDepth(rate), level + rate * elapsed_s);
}

// The level a request of `cost` needs to be within rate.
inline double LevelNeeded(double cost, double rate) { return std::min(cost, WindowDepth(rate)); }

inline bool Fits(double level, double cost, double rate) {
  return level + kLevelTolerance >= LevelNeeded(cost, rate);
}

// A debt (`level` below zero) once the rate has changed from `old_rate` to `new_rate`. It is kept in
// time, not in requests: charged ahead for requests scheduled at the old rate's spacing, it must be
// repaid when they are done, whatever the rate does meanwhile. Kept in requests, a rate cut to a
// quarter left the key refused for three times its schedule after the schedule had run out. A
// rate going to or from zero (or infinity) has no time to keep: the debt stays as it is, so that a
// key at rate 0 is still refused. A level at or above zero is returned as it is.
inline double DebtAtRate(double level, double old_rate, double new_rate) {
  if (level >= 0.0) return level;
  const double ratio = new_rate / old_rate;
  return ratio > 0.0 && std::isfinite(ratio) ? level * ratio : level;
}

}  // namespace ratesim

#endif  // RATESIM_ENGINE_ENFORCEMENT_WINDOW_H_

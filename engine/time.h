// Simulated or wall time as the engine sees it: int64 nanoseconds since an origin the caller picks.
// The engine never reads a clock; every call that depends on time takes `now` as an argument.
#ifndef RATESIM_ENGINE_TIME_H_
#define RATESIM_ENGINE_TIME_H_

#include <cstdint>
#include <limits>

namespace ratesim {

using Nanos = int64_t;

inline constexpr Nanos kNanosPerSecond = 1'000'000'000;
inline constexpr Nanos kNanosPerMillisecond = 1'000'000;
inline constexpr Nanos kNever = std::numeric_limits<Nanos>::max();

inline constexpr double ToSeconds(Nanos t) { return static_cast<double>(t) / kNanosPerSecond; }
inline constexpr Nanos FromSeconds(double s) {
  return static_cast<Nanos>(s * static_cast<double>(kNanosPerSecond));
}

// `now` + a wait of `wait_s` >= 0 seconds, or kNever when that lies beyond what Nanos holds (or the
// wait is not a number): a wait past the end of time. A token debt of 10^15 tokens at 60 TPM is
// such a wait, whose plain conversion would be undefined.
inline constexpr Nanos AfterWait(Nanos now, double wait_s) {
  const double wait_ns = wait_s * static_cast<double>(kNanosPerSecond);
  if (!(wait_ns < static_cast<double>(kNever - now))) return kNever;
  return now + static_cast<Nanos>(wait_ns);
}

}  // namespace ratesim

#endif  // RATESIM_ENGINE_TIME_H_

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

}  // namespace ratesim

#endif  // RATESIM_ENGINE_TIME_H_

// Durations and rates as a scenario file writes them: "250us", "1.5s", "10m"; "60rpm", "2.5rps".
// A unit is always required, so a bare number can never be misread as seconds or as per-minute.
#ifndef RATESIM_SIM_SCENARIO_UNITS_H_
#define RATESIM_SIM_SCENARIO_UNITS_H_

#include <string_view>

#include "absl/status/statusor.h"
#include "engine/time.h"

namespace ratesim {

// Parses `<decimal><unit>` with unit one of ns, us, ms, s, m (minutes), h, e.g. "30s", "1.5s", "250us".
// The decimal is digits with an optional fraction (no sign, no exponent, no spaces). Conversion is exact
// in decimal ("0.1s" is exactly 100'000'000 ns); a value finer than a nanosecond is rounded to the
// nearest one, halves away from zero.
// Fails with InvalidArgument, the message saying what is wrong and the expected form, on a malformed or
// negative string; on one with an exponent ("1e-3s", which exact decimal reading does not take), the
// message names the same duration without it ("write \"1ms\""); with OutOfRange on one longer than
// Nanos can hold (about 292 years), an exponent too large for a double ("1e400s") included.
absl::StatusOr<Nanos> ParseDuration(std::string_view text);

// Parses `<decimal><unit>` with unit rpm (requests per minute) or rps (requests per second), e.g.
// "60rpm", "1rps", "2.5rps". Returns requests per second; zero is accepted (callers decide).
// Fails with InvalidArgument on a malformed or negative string, or one whose number is beyond the
// range of a double.
absl::StatusOr<double> ParseRate(std::string_view text);

// The expected forms, for messages: `a number and a unit, e.g. "30s" or "1.5s" (units: ns, ...)`.
inline constexpr std::string_view kDurationForm =
    "a number and a unit, e.g. \"30s\" or \"1.5s\" (units: ns, us, ms, s, m, h)";
inline constexpr std::string_view kRateForm =
    "a number and a unit, e.g. \"60rpm\" or \"1rps\" (units: rpm, rps)";

}  // namespace ratesim

#endif  // RATESIM_SIM_SCENARIO_UNITS_H_

// Durations and rates as a scenario file writes them: "250us", "1.5s", "10m"; "60rpm", "2.5rps".
// A unit is always required, so a bare number can never be misread as seconds or as per-minute.
#ifndef RATESIM_SIM_SCENARIO_UNITS_H_
#define RATESIM_SIM_SCENARIO_UNITS_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "engine/time.h"

namespace ratesim {

// Parses `<decimal><unit>` with unit one of ns, us, ms, s, m (minutes), h, e.g. "30s", "1.5s",
// "250us", "1e-3s". The decimal is digits with an optional fraction of at most 18 places as written
// and an optional exponent (no sign, no spaces). Conversion is exact in decimal: the exponent moves
// the point among the digits written, so "0.1s" is exactly 100'000'000 ns and
// "9.007199254740993e15ns" is 2^53 + 1 ns, which a double would not hold. A value finer than a
// nanosecond is rounded to the nearest one, halves away from zero, however small: "1e-400s" is 0
// as "0.4ns" is (a caller that needs a positive duration says so, as it does for "0s").
// Fails with InvalidArgument, the message saying what is wrong and the expected form (or, for a
// unit spelt another way, "10 S", "5min", "2d", what to write: unit_spelling.h; for one
// written in parts, "1m30s", the sum in one unit, "90s"), on a
// malformed or negative string or one with more fraction digits; with OutOfRange on one longer
// than Nanos can hold (about 292 years), "1e400s" and "1e99999999h" included.
absl::StatusOr<Nanos> ParseDuration(std::string_view text);

// The inverse of ParseDuration: a duration as a scenario file accepts it, in the largest unit that keeps it short: whole hours or
// minutes ("2h", "10m", "90m"), else seconds, ms or us with decimals as needed ("90s", "2.5s",
// "500ms", "1.5ms", "250us").
std::string FormatDuration(Nanos ns);

// Parses `<decimal><unit>` with unit rpm (requests per minute) or rps (requests per second), e.g.
// "60rpm", "1rps", "2.5rps". Returns requests per second; zero is accepted (callers decide).
// Fails with InvalidArgument on a malformed or negative string (for a unit spelt another way,
// "2RPS", "2 rps", "60/s", "7200rph", saying what to write: unit_spelling.h), or one whose number
// is beyond the range of a double.
absl::StatusOr<double> ParseRate(std::string_view text);

// What to write for a duration given as a number without a unit, 500 or "500": `write the unit:
// "500ms" or "500s" (or another: ns, us, m, h)`. Both readings are named: a bare number is as
// likely milliseconds (a backoff) as seconds (a run), and a guess of one would pass the wrong one
// on silently when followed (a backoff of 500 s). Only readings that are durations are named:
// `write the unit: "1e10ms" (or another: ns, us; in seconds it is too large)`; "" when neither is
// (too large, too many decimal places).
std::string WriteTheDurationUnit(std::string_view number);

// The expected forms, for messages: `a number and a unit, e.g. "30s" or "1.5s" (units: ns, ...)`.
inline constexpr std::string_view kDurationForm =
    "a number and a unit, e.g. \"30s\" or \"1.5s\" (units: ns, us, ms, s, m, h)";
inline constexpr std::string_view kRateForm =
    "a number and a unit, e.g. \"60rpm\" or \"1rps\" (units: rpm, rps)";

}  // namespace ratesim

#endif  // RATESIM_SIM_SCENARIO_UNITS_H_

// What to write for a duration or a rate whose unit is spelt another way than the scenario file's:
// in capitals ("2RPS", "10S"), after a space ("2 rps", "10 s"), as another tool writes it ("5min",
// "1hr", "60/s", "10 sec"), or in a unit the file has no name for (per hour: "7200rph"; days:
// "2d"). The number is right and so is what it measures; a user who meets "malformed" with the list
// of units still has to work out which spelling was wrong, and for a per-hour rate do the sum.
#ifndef RATESIM_SIM_SCENARIO_UNIT_SPELLING_H_
#define RATESIM_SIM_SCENARIO_UNIT_SPELLING_H_

#include <string>
#include <string_view>

namespace ratesim {
namespace scenario_internal {

// For a duration `number` (as written, a valid decimal) followed by the unknown `unit`: `write
// "10s" (units are lowercase, with no space before them)`, `write "5m" (units: ns, us, ms, s, m,
// h)`, `write "48h" (no unit of days; units: ...)`. Empty when `unit` is no known spelling.
// `written`, when given, is set to the duration it says to write ("10s", "48h"), which the caller
// reads to check that it is one (a number too large for its unit is not: "1e40usec").
std::string DurationUnitFix(std::string_view number, std::string_view unit,
                            std::string* written = nullptr);

// For a rate `number` followed by the unknown `unit`: `write "2rps" (units are lowercase)`, `write
// "60rpm" (units: rpm, rps)`, and for a rate per hour `write "120rpm" or "2rps" (no unit of
// requests per hour; units: rpm, rps)`. Empty when `unit` is no known spelling.
std::string RateUnitFix(std::string_view number, std::string_view unit);

}  // namespace scenario_internal
}  // namespace ratesim

#endif  // RATESIM_SIM_SCENARIO_UNIT_SPELLING_H_

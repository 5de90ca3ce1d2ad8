// Numbers as a person reads them in a terminal: latencies in ms, s or h with three significant digits,
// shares as percentages. Durations are written by FormatDuration (sim/scenario/units.h).
#ifndef RATESIM_SIM_REPORT_HUMAN_UNITS_H_
#define RATESIM_SIM_REPORT_HUMAN_UNITS_H_

#include <string>

#include "engine/time.h"

namespace ratesim {

// A latency: "0.42ms", "12.5ms", "340ms", "1.25s", "12.5s", "125s", "3599s", "1.00h", "29.2h".
// Always ms below one second, s from one second and h from one hour on (a long run's tail reads
// "29.2h", not "105278s"); three significant digits, whole units from a thousand on.
std::string FormatLatency(Nanos ns);

// A share in [0, 1] as "97.3%". One decimal, rounded, except that a share below 1 never shows as
// "100.0%" and one above 0 never as "0.0%" (they show "99.9%" and "0.1%"), so that a run with a
// single failure or a single success does not read as perfect or as total loss.
std::string FormatPercent(double share);

// An estimate and its 95% confidence half-width, the half-width in the unit and with the decimals of
// the estimate: "20.0ms ±1.2", "2.00s ±0.05", "340ms ±12", "29.2h ±1.5"; "97.1% ±0.4" (percentage
// points).
// Without a half-width (NaN: fewer than two values) just the estimate; "-" without an estimate.
std::string FormatLatencyCi(double mean_ns, double ci95_ns);
std::string FormatPercentCi(double mean_share, double ci95_share);
// A mean count in whole requests, the half-width too: "21 ±6", "0 ±1"; "21" without a half-width.
std::string FormatCountCi(double mean, double ci95);
// An index in [0, 1] (Jain's fairness) with three decimals: "0.873", "0.873 ±0.012".
std::string FormatIndexCi(double mean, double ci95);

}  // namespace ratesim

#endif  // RATESIM_SIM_REPORT_HUMAN_UNITS_H_

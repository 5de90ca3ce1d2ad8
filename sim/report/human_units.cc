#include "sim/report/human_units.h"

#include <algorithm>
#include <cmath>

#include "fmt/format.h"

namespace ratesim {
namespace {

// `value` with three significant digits for values in [0, 1000).
std::string ThreeDigits(double value) {
  if (value < 9.995) return fmt::format("{:.2f}", value);
  if (value < 99.95) return fmt::format("{:.1f}", value);
  return fmt::format("{:.0f}", value);
}

// The unit a latency reads in, chosen by its value rounded as it is shown, so that no value reads
// "1000ms" or "3600s": ms below one second, s below an hour, h from an hour on.
struct LatencyUnit {
  double nanos;
  const char* suffix;
};

LatencyUnit UnitOf(double ns) {
  constexpr double kMs = kNanosPerMillisecond;
  constexpr double kS = kNanosPerSecond;
  if (ns < 999.5 * kMs) return {kMs, "ms"};
  if (ns < 3599.5 * kS) return {kS, "s"};
  return {3600 * kS, "h"};
}

// `ns` in `unit`: three significant digits, whole units from a thousand on ("4000s", "1250h").
std::string InUnit(double ns, const LatencyUnit& unit) {
  const double value = ns / unit.nanos;
  return (value < 999.5 ? ThreeDigits(value) : fmt::format("{:.0f}", value)) + unit.suffix;
}

}  // namespace

std::string FormatLatency(Nanos ns) {
  const double value = static_cast<double>(ns);
  return InUnit(value, UnitOf(value));
}

std::string FormatPercent(double share) {
  if (!std::isfinite(share)) return "-";
  double percent = std::round(share * 1000.0) / 10.0;
  if (percent >= 100.0 && share < 1.0) percent = 99.9;
  if (percent <= 0.0 && share > 0.0) percent = 0.1;
  return fmt::format("{:.1f}%", percent);
}

std::string FormatLatencyCi(double mean_ns, double ci95_ns) {
  if (!std::isfinite(mean_ns)) return "-";
  const double mean_whole_ns = std::round(mean_ns);  // as FormatLatency would show it
  const LatencyUnit unit = UnitOf(mean_whole_ns);
  const std::string mean = InUnit(mean_whole_ns, unit);
  if (!std::isfinite(ci95_ns)) return mean;
  const size_t point = mean.find('.');
  const size_t digits_end = mean.size() - std::char_traits<char>::length(unit.suffix);
  const int decimals = point == std::string::npos ? 0 : static_cast<int>(digits_end - point - 1);
  return fmt::format("{} \u00b1{:.{}f}", mean, ci95_ns / unit.nanos, decimals);
}

std::string FormatPercentCi(double mean_share, double ci95_share) {
  if (!std::isfinite(mean_share)) return "-";
  const std::string mean = FormatPercent(mean_share);
  if (!std::isfinite(ci95_share)) return mean;
  return fmt::format("{} \u00b1{:.1f}", mean, ci95_share * 100.0);
}

std::string FormatCountCi(double mean, double ci95) {
  if (!std::isfinite(mean)) return "-";
  if (!std::isfinite(ci95)) return fmt::format("{:.0f}", mean);
  // A mean of a few, known to within a few, keeps a decimal: 0.4 of a 503 per run is not "0 ±0".
  if (std::max(std::abs(mean), ci95) < 10 &&
      (mean != std::round(mean) || ci95 != std::round(ci95))) {
    return fmt::format("{:.1f} \u00b1{:.1f}", mean, ci95);
  }
  return fmt::format("{:.0f} \u00b1{:.0f}", mean, ci95);
}

std::string FormatIndexCi(double mean, double ci95) {
  if (!std::isfinite(mean)) return "-";
  if (!std::isfinite(ci95)) return fmt::format("{:.3f}", mean);
  return fmt::format("{:.3f} \u00b1{:.3f}", mean, ci95);
}

}  // namespace ratesim

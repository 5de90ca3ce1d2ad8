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

}  // namespace

std::string FormatLatency(Nanos ns) {
  const double ms = static_cast<double>(ns) / static_cast<double>(kNanosPerMillisecond);
  // Rounding at 999.5ms and up would print "1000ms": switch to seconds there instead.
  if (ms < 999.5) return ThreeDigits(ms) + "ms";
  const double s = ms / 1000.0;
  if (s >= 999.5) return fmt::format("{:.0f}s", s);
  return ThreeDigits(s) + "s";
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
  const std::string mean = FormatLatency(static_cast<Nanos>(std::llround(mean_ns)));
  if (!std::isfinite(ci95_ns)) return mean;
  const bool in_ms = mean.size() >= 2 && mean.compare(mean.size() - 2, 2, "ms") == 0;
  const size_t unit_size = in_ms ? 2 : 1;
  const size_t point = mean.find('.');
  const int decimals =
      point == std::string::npos ? 0 : static_cast<int>(mean.size() - unit_size - point - 1);
  const double unit = in_ms ? static_cast<double>(kNanosPerMillisecond)
                            : static_cast<double>(kNanosPerSecond);
  return fmt::format("{} \u00b1{:.{}f}", mean, ci95_ns / unit, decimals);
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

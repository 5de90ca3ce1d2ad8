#include "sim/metrics/confidence.h"

#include <cmath>
#include <limits>

namespace ratesim {
namespace {

// t(0.975, df) for df = 1..30; see the header for the source.
constexpr double kT975[] = {
    12.7062047362, 4.30265272975, 3.18244630528, 2.77644510520, 2.57058183564,  // 1-5
    2.44691185114, 2.36462425159, 2.30600413520, 2.26215716280, 2.22813885199,  // 6-10
    2.20098516009, 2.17881282967, 2.16036865646, 2.14478668792, 2.13144954556,  // 11-15
    2.11990529922, 2.10981557783, 2.10092204024, 2.09302405441, 2.08596344727,  // 16-20
    2.07961384473, 2.07387306790, 2.06865761042, 2.06389856163, 2.05953855275,  // 21-25
    2.05552943864, 2.05183051648, 2.04840714180, 2.04522964213, 2.04227245630,  // 26-30
};
constexpr int kTableSize = sizeof(kT975) / sizeof(kT975[0]);

// The standard normal's 0.975 quantile.
constexpr double kZ975 = 1.959963984540054;

}  // namespace

double StudentT975(int df) {
  if (df < 1) return std::numeric_limits<double>::quiet_NaN();
  if (df <= kTableSize) return kT975[df - 1];
  const double z = kZ975;
  const double z2 = z * z;
  const double n = static_cast<double>(df);
  const double g1 = (z2 + 1) * z / 4;
  const double g2 = ((5 * z2 + 16) * z2 + 3) * z / 96;
  const double g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384;
  const double g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z / 92160;
  return z + (g1 + (g2 + (g3 + g4 / n) / n) / n) / n;
}

MeanCi MeanConfidence(const std::vector<double>& values) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  MeanCi out;
  out.n = static_cast<int>(values.size());
  if (out.n == 0) return {0, kNaN, kNaN};
  double sum = 0.0;
  for (const double value : values) sum += value;
  out.mean = sum / out.n;
  if (out.n < 2) {
    out.ci95 = kNaN;
    return out;
  }
  // Two passes: the squared deviations from the mean, which loses nothing when the values are close
  // to each other and far from zero (as latencies in ns are).
  double squares = 0.0;
  for (const double value : values) squares += (value - out.mean) * (value - out.mean);
  const double stddev = std::sqrt(squares / (out.n - 1));
  out.ci95 = StudentT975(out.n - 1) * stddev / std::sqrt(static_cast<double>(out.n));
  return out;
}

std::optional<bool> DifferBeyondChance(const std::optional<std::vector<double>>& paired_differences,
                                       const MeanCi& a, const MeanCi& b) {
  if (paired_differences) {
    const MeanCi paired = MeanConfidence(*paired_differences);
    if (!std::isfinite(paired.ci95)) return std::nullopt;
    return std::abs(paired.mean) > paired.ci95;
  }
  if (!std::isfinite(a.ci95) || !std::isfinite(b.ci95)) return std::nullopt;
  return std::abs(a.mean - b.mean) > a.ci95 + b.ci95;
}

}  // namespace ratesim

#include "sim/simulate/arrival_process.h"

#include <cmath>
#include <limits>

namespace ratesim {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

// The rate at which the ramp's rate changes, per second per second.
double RampSlope(const TrafficShape& shape) {
  return (shape.ramp_to_per_s - shape.ramp_from_per_s) / ToSeconds(shape.ramp_over);
}

}  // namespace

ArrivalProcess::ArrivalProcess(const TrafficShape& shape, Nanos end)
    : shape_(shape),
      end_(std::min(end, shape.stop)),
      poisson_(shape.kind == TrafficShape::Kind::kPoisson ||
               (shape.kind == TrafficShape::Kind::kRamp && shape.ramp_poisson)) {}

double ArrivalProcess::Cumulative(double t) const {
  if (shape_.kind != TrafficShape::Kind::kRamp) return shape_.rate_per_s * t;
  const double over = ToSeconds(shape_.ramp_over);
  const double slope = RampSlope(shape_);
  const double ramp_t = std::min(t, over);
  const double during = shape_.ramp_from_per_s * ramp_t + 0.5 * slope * ramp_t * ramp_t;
  return during + shape_.ramp_to_per_s * std::max(0.0, t - over);
}

double ArrivalProcess::InverseCumulative(double area) const {
  if (shape_.kind != TrafficShape::Kind::kRamp) return area / shape_.rate_per_s;
  const double over = ToSeconds(shape_.ramp_over);
  const double ramp_area = Cumulative(over);
  if (area > ramp_area) {
    if (shape_.ramp_to_per_s <= 0) return kInfinity;
    return over + (area - ramp_area) / shape_.ramp_to_per_s;
  }
  // Solve from·t + slope·t²/2 = area in the form that stays exact for slope → 0 and for from = 0.
  const double from = shape_.ramp_from_per_s;
  const double discriminant = from * from + 2.0 * RampSlope(shape_) * area;
  const double root = std::sqrt(std::max(0.0, discriminant));
  if (from + root <= 0) return kInfinity;
  return 2.0 * area / (from + root);
}

Nanos ArrivalProcess::Next(Rng& rng) {
  Nanos t = kNever;
  if (shape_.kind == TrafficShape::Kind::kBursts) {
    const int64_t burst = count_ / shape_.burst_count;
    const int64_t within = count_ % shape_.burst_count;
    t = shape_.start + burst * shape_.burst_period + within * shape_.burst_window / shape_.burst_count;
  } else if (shape_.kind == TrafficShape::Kind::kConstant) {
    // The n-th arrival at start + n / rate, computed from n rather than accumulated, so that no
    // rounding drifts over millions of arrivals.
    t = shape_.start + static_cast<Nanos>(std::llround(static_cast<double>(count_) *
                                                       kNanosPerSecond / shape_.rate_per_s));
  } else {
    area_ += poisson_ ? rng.Exponential(1.0) : 1.0;
    const double elapsed_s = InverseCumulative(area_);
    if (elapsed_s < ToSeconds(end_ - shape_.start)) t = shape_.start + FromSeconds(elapsed_s);
  }
  ++count_;
  return t < end_ ? t : kNever;
}

}  // namespace ratesim

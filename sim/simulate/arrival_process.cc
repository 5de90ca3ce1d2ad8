#include "sim/simulate/arrival_process.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ratesim {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
constexpr double kTwoPi = 6.283185307179586476925286766559;

// The rate at which the ramp's rate changes, per second per second.
double RampSlope(const TrafficShape& shape) {
  return (shape.ramp_to_per_s - shape.ramp_from_per_s) / ToSeconds(shape.ramp_over);
}

// During the ramp: ramp_t times the mean rate over [0, ramp_t], a rate between from and to. Written
// as from·t + slope·t²/2 it is ∞ − ∞ = NaN once from·t overflows on a ramp down.
double RampCumulative(const TrafficShape& shape, double t) {
  const double over = ToSeconds(shape.ramp_over);
  const double ramp_t = std::min(t, over);
  const double from = shape.ramp_from_per_s;
  const double during = ramp_t * (from + 0.5 * (shape.ramp_to_per_s - from) * (ramp_t / over));
  return during + shape.ramp_to_per_s * std::max(0.0, t - over);
}

double RampInverse(const TrafficShape& shape, double area) {
  const double over = ToSeconds(shape.ramp_over);
  const double ramp_area = RampCumulative(shape, over);
  if (area > ramp_area) {
    if (shape.ramp_to_per_s <= 0) return kInfinity;
    return over + (area - ramp_area) / shape.ramp_to_per_s;
  }
  // Solve from·t + slope·t²/2 = area in the form that stays exact for slope → 0 and for from = 0.
  const double from = shape.ramp_from_per_s;
  const double root = std::sqrt(std::max(0.0, from * from + 2.0 * RampSlope(shape) * area));
  if (from + root <= 0) return kInfinity;
  return 2.0 * area / (from + root);
}

double StepCumulative(const TrafficShape& shape, double t) {
  const double at = ToSeconds(shape.step_at);
  return shape.rate_per_s * std::min(t, at) + shape.step_to_per_s * std::max(0.0, t - at);
}

double StepInverse(const TrafficShape& shape, double area) {
  const double at = ToSeconds(shape.step_at);
  const double before = shape.rate_per_s * at;
  if (area <= before && shape.rate_per_s > 0) return area / shape.rate_per_s;
  if (shape.step_to_per_s <= 0) return kInfinity;
  return at + (area - before) / shape.step_to_per_s;
}

double OnOffCumulative(const TrafficShape& shape, double t) {
  const double on = ToSeconds(shape.on_duration);
  const double period = on + ToSeconds(shape.off_duration);
  const double cycles = std::floor(t / period);
  return shape.rate_per_s * (cycles * on + std::min(t - cycles * period, on));
}

double OnOffInverse(const TrafficShape& shape, double area) {
  const double on = ToSeconds(shape.on_duration);
  const double period = on + ToSeconds(shape.off_duration);
  const double per_cycle = shape.rate_per_s * on;
  const double cycles = std::floor(area / per_cycle);
  return cycles * period + (area - cycles * per_cycle) / shape.rate_per_s;
}

// ∫ r (1 + a sin(2π (u + φ) / T)) du from 0 to t.
double DiurnalCumulative(const TrafficShape& shape, double t) {
  const double period = ToSeconds(shape.diurnal_period);
  const double phase = ToSeconds(shape.diurnal_phase);
  const double a = shape.diurnal_amplitude;
  const double wave = std::cos(kTwoPi * phase / period) - std::cos(kTwoPi * (t + phase) / period);
  return shape.rate_per_s * (t + a * period / kTwoPi * wave);
}

// No closed form: Newton's method on the increasing cumulative, kept inside a bracket that bisection
// narrows whenever a Newton step would leave it (the rate can touch 0 when the amplitude is 1).
double DiurnalInverse(const TrafficShape& shape, double area) {
  const double period = ToSeconds(shape.diurnal_period);
  const double phase = ToSeconds(shape.diurnal_phase);
  const double a = shape.diurnal_amplitude;
  const double mean = shape.rate_per_s;
  // The cumulative is within mean·a·T/π of mean·t, which brackets the answer.
  const double slack = a * period / kTwoPi * 2.0;
  double low = std::max(0.0, area / mean - slack);
  double high = area / mean + slack;
  double t = area / mean;
  // Newton converges quadratically; stop when a step no longer moves t by more than rounding.
  for (int i = 0; i < 100; ++i) {
    const double error = DiurnalCumulative(shape, t) - area;
    if (error == 0) break;
    (error > 0 ? high : low) = t;
    const double rate = mean * (1.0 + a * std::sin(kTwoPi * (t + phase) / period));
    const double next = rate > 0 ? t - error / rate : low - 1.0;
    const double previous = t;
    t = (next > low && next < high) ? next : 0.5 * (low + high);
    if (std::abs(t - previous) <= 1e-13 * std::max(1.0, t)) break;
  }
  return t;
}

}  // namespace

ArrivalProcess::ArrivalProcess(const TrafficShape& shape, Nanos end)
    : shape_(shape), end_(std::min(end, shape.stop)), span_s_(ToSeconds(end_ - shape_.start)) {
  switch (shape.kind) {
    case TrafficShape::Kind::kPoisson: poisson_ = true; break;
    case TrafficShape::Kind::kRamp: poisson_ = shape.ramp_poisson; break;
    case TrafficShape::Kind::kStep:
    case TrafficShape::Kind::kOnOff:
    case TrafficShape::Kind::kDiurnal: poisson_ = shape.poisson; break;
    default: poisson_ = false;
  }
}

double ArrivalProcess::InverseCumulative(double area) const {
  switch (shape_.kind) {
    case TrafficShape::Kind::kRamp: return RampInverse(shape_, area);
    case TrafficShape::Kind::kStep: return StepInverse(shape_, area);
    case TrafficShape::Kind::kOnOff: return OnOffInverse(shape_, area);
    case TrafficShape::Kind::kDiurnal: return DiurnalInverse(shape_, area);
    default: return area / shape_.rate_per_s;
  }
}

double ArrivalProcess::Cumulative(double elapsed_s) const {
  switch (shape_.kind) {
    case TrafficShape::Kind::kRamp: return RampCumulative(shape_, elapsed_s);
    case TrafficShape::Kind::kStep: return StepCumulative(shape_, elapsed_s);
    case TrafficShape::Kind::kOnOff: return OnOffCumulative(shape_, elapsed_s);
    case TrafficShape::Kind::kDiurnal: return DiurnalCumulative(shape_, elapsed_s);
    default: return shape_.rate_per_s * elapsed_s;
  }
}

double ArrivalProcess::ExpectedCount() const {
  if (end_ <= shape_.start) return 0.0;
  switch (shape_.kind) {
    case TrafficShape::Kind::kClosedLoop: return 0.0;
    case TrafficShape::Kind::kBursts: {
      // Bursts start every burst_period (> 0, as the loader requires; one burst otherwise).
      const Nanos bursts = shape_.burst_period > 0 ? (end_ - shape_.start - 1) / shape_.burst_period + 1 : 1;
      return static_cast<double>(bursts) * static_cast<double>(shape_.burst_count);
    }
    default: return Cumulative(span_s_);
  }
}

Nanos ArrivalProcess::Next(Rng& rng) {
  Nanos t = kNever;
  switch (shape_.kind) {
    case TrafficShape::Kind::kClosedLoop:
      return kNever;  // closed-loop arrivals follow completions, not a clock
    case TrafficShape::Kind::kBursts: {
      const int64_t burst = count_ / shape_.burst_count;
      const int64_t within = count_ % shape_.burst_count;
      t = shape_.start + burst * shape_.burst_period +
          within * shape_.burst_window / shape_.burst_count;
      break;
    }
    case TrafficShape::Kind::kConstant:
      // The n-th arrival at start + n / rate, computed from n rather than accumulated, so that no
      // rounding drifts over millions of arrivals.
      t = shape_.start + static_cast<Nanos>(std::llround(static_cast<double>(count_) *
                                                         kNanosPerSecond / shape_.rate_per_s));
      break;
    case TrafficShape::Kind::kPoisson: {
      // The common case, inlined: InverseCumulative's constant-rate branch, same arithmetic.
      area_ += rng.Exponential(1.0);
      const double elapsed_s = area_ / shape_.rate_per_s;
      if (elapsed_s < span_s_) t = shape_.start + FromSeconds(elapsed_s);
      break;
    }
    default: {
      area_ += poisson_ ? rng.Exponential(1.0) : 1.0;
      const double elapsed_s = InverseCumulative(area_);
      if (elapsed_s < span_s_) t = shape_.start + FromSeconds(elapsed_s);
    }
  }
  ++count_;
  return t < end_ ? t : kNever;
}

double MeanRateWhileSending(const TrafficShape& shape, Nanos duration) {
  const Nanos from = std::min(shape.start, duration);
  const Nanos to = std::min(shape.stop, duration);
  if (to <= from) return 0.0;
  return ArrivalProcess(shape, duration).ExpectedCount() / ToSeconds(to - from);
}

}  // namespace ratesim

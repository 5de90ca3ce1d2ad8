// Arrival processes against their rate functions. The oracle is λ(t) written out here from the
// shape descriptions in scenario.h and integrated numerically (Simpson on pieces where λ is smooth),
// never the code's own Cumulative: evenly spaced arrivals must put Λ(b) − Λ(a) arrivals (within 1)
// in every window [a, b), Poisson ones a count within 5 standard deviations of it, and the inverse
// of the cumulative must undo it.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <ostream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sim/simulate/arrival_process.h"
#include "tests/support/scenario_builder_more.h"

namespace ratesim {
namespace {

using testing::ConstantShape;
using testing::PoissonShape;

constexpr double kTwoPi = 6.283185307179586476925286766559;

struct ShapeCase {
  std::string name;
  TrafficShape shape;
  double horizon_s;  // how long to run it
};

void PrintTo(const ShapeCase& c, std::ostream* os) { *os << c.name; }

// λ(t), t seconds since the shape's start, as scenario.h describes each shape.
double RateAt(const TrafficShape& s, double t) {
  switch (s.kind) {
    case TrafficShape::Kind::kRamp: {
      const double over = ToSeconds(s.ramp_over);
      if (t >= over) return s.ramp_to_per_s;
      return s.ramp_from_per_s + (s.ramp_to_per_s - s.ramp_from_per_s) * t / over;
    }
    case TrafficShape::Kind::kStep:
      return t < ToSeconds(s.step_at) ? s.rate_per_s : s.step_to_per_s;
    case TrafficShape::Kind::kOnOff: {
      const double on = ToSeconds(s.on_duration);
      const double period = on + ToSeconds(s.off_duration);
      return std::fmod(t, period) < on ? s.rate_per_s : 0.0;
    }
    case TrafficShape::Kind::kDiurnal:
      return s.rate_per_s * (1.0 + s.diurnal_amplitude *
                                       std::sin(kTwoPi * (t + ToSeconds(s.diurnal_phase)) /
                                                ToSeconds(s.diurnal_period)));
    default:
      return s.rate_per_s;
  }
}

// Where λ may jump or change formula, in (a, b).
std::vector<double> Breaks(const TrafficShape& s, double a, double b) {
  std::vector<double> breaks;
  switch (s.kind) {
    case TrafficShape::Kind::kRamp: breaks.push_back(ToSeconds(s.ramp_over)); break;
    case TrafficShape::Kind::kStep: breaks.push_back(ToSeconds(s.step_at)); break;
    case TrafficShape::Kind::kOnOff: {
      const double on = ToSeconds(s.on_duration);
      const double period = on + ToSeconds(s.off_duration);
      for (double start = std::floor(a / period) * period; start < b; start += period) {
        breaks.push_back(start);
        breaks.push_back(start + on);
      }
      break;
    }
    default: break;
  }
  std::vector<double> inside;
  for (double x : breaks) {
    if (x > a && x < b) inside.push_back(x);
  }
  return inside;
}

// Simpson's rule on [a, b], where λ is smooth. The ends are taken a hair inside, so that a jump at
// an end (a break found with rounding) counts on the side it belongs to.
double SimpsonPiece(const TrafficShape& s, double a, double b) {
  constexpr int kSteps = 8;  // even
  const double h = (b - a) / kSteps;
  const double inside = 1e-9 * std::max(1.0, b);
  double sum = RateAt(s, a + inside) + RateAt(s, b - inside);
  for (int i = 1; i < kSteps; ++i) sum += (i % 2 == 1 ? 4.0 : 2.0) * RateAt(s, a + i * h);
  return sum * h / 3.0;
}

// ∫λ over [a, b], by pieces of at most half a second between breaks.
double Integral(const TrafficShape& s, double a, double b) {
  if (b <= a) return 0.0;
  std::vector<double> points = Breaks(s, a, b);
  points.insert(points.begin(), a);
  points.push_back(b);
  double total = 0.0;
  for (size_t i = 0; i + 1 < points.size(); ++i) {
    const double from = points[i], to = points[i + 1];
    const int pieces = std::max(1, static_cast<int>(std::ceil((to - from) / 0.5)));
    for (int p = 0; p < pieces; ++p) {
      total += SimpsonPiece(s, from + (to - from) * p / pieces, from + (to - from) * (p + 1) / pieces);
    }
  }
  return total;
}

double Integral(const TrafficShape& s, double t) { return Integral(s, 0.0, t); }

TrafficShape Ramp(double from, double to, double over_s) {
  TrafficShape s;
  s.kind = TrafficShape::Kind::kRamp;
  s.ramp_from_per_s = from;
  s.ramp_to_per_s = to;
  s.ramp_over = FromSeconds(over_s);
  return s;
}

TrafficShape Step(double rate, double at_s, double to) {
  TrafficShape s;
  s.kind = TrafficShape::Kind::kStep;
  s.rate_per_s = rate;
  s.step_at = FromSeconds(at_s);
  s.step_to_per_s = to;
  return s;
}

TrafficShape OnOff(double rate, double on_s, double off_s) {
  TrafficShape s;
  s.kind = TrafficShape::Kind::kOnOff;
  s.rate_per_s = rate;
  s.on_duration = FromSeconds(on_s);
  s.off_duration = FromSeconds(off_s);
  return s;
}

TrafficShape Diurnal(double rate, double amplitude, double period_s, double phase_s) {
  TrafficShape s;
  s.kind = TrafficShape::Kind::kDiurnal;
  s.rate_per_s = rate;
  s.diurnal_amplitude = amplitude;
  s.diurnal_period = FromSeconds(period_s);
  s.diurnal_phase = FromSeconds(phase_s);
  return s;
}

std::vector<ShapeCase> Cases() {
  return {
      {"RampUp", Ramp(2, 10, 100), 300},
      {"RampFromZero", Ramp(0, 8, 50), 200},
      {"RampDown", Ramp(10, 2, 80), 300},
      {"RampDownToZero", Ramp(6, 0, 60), 200},
      {"StepUp", Step(3, 40, 9), 200},
      {"StepDownToZero", Step(5, 30, 0), 200},
      {"StepFromZero", Step(0, 20, 4), 200},
      {"OnOff", OnOff(7, 10, 5), 300},
      {"OnOffOddRate", OnOff(0.7, 3, 1.3), 600},
      {"Diurnal", Diurnal(5, 0.6, 200, 30), 600},
      {"DiurnalFullAmplitude", Diurnal(4, 1.0, 100, 0), 500},
      {"Constant", ConstantShape(3), 200},
  };
}

// The same shape with Poisson placement.
TrafficShape AsPoisson(TrafficShape s) {
  if (s.kind == TrafficShape::Kind::kConstant) s.kind = TrafficShape::Kind::kPoisson;
  s.ramp_poisson = true;
  s.poisson = true;
  return s;
}

TrafficShape AsEvenlySpaced(TrafficShape s) {
  s.ramp_poisson = false;
  s.poisson = false;
  return s;
}

std::vector<Nanos> Arrivals(const TrafficShape& shape, Nanos end, uint64_t seed = 7) {
  ArrivalProcess process(shape, end);
  Rng rng = Rng::ForStream(seed, 0);
  std::vector<Nanos> times;
  for (Nanos t = process.Next(rng); t != kNever; t = process.Next(rng)) times.push_back(t);
  return times;
}

int64_t CountIn(const std::vector<Nanos>& times, double a_s, double b_s) {
  const Nanos a = FromSeconds(a_s), b = FromSeconds(b_s);
  return std::lower_bound(times.begin(), times.end(), b) - std::lower_bound(times.begin(), times.end(), a);
}

class ArrivalShapesByRate : public ::testing::TestWithParam<ShapeCase> {};

TEST_P(ArrivalShapesByRate, CumulativeIsTheIntegralOfTheRate) {
  const ShapeCase& c = GetParam();
  const ArrivalProcess process(c.shape, kNever);
  for (double t = 0; t <= c.horizon_s; t += c.horizon_s / 97) {
    const double expected = Integral(c.shape, t);
    EXPECT_NEAR(process.Cumulative(t), expected, 1e-6 * std::max(1.0, expected)) << "t = " << t;
  }
}

// What a run's volume check counts on: ∫λ over the part of the stream before its end, which starts
// late and stops early here.
TEST_P(ArrivalShapesByRate, ExpectedCountIsTheIntegralOverTheStreamsSpan) {
  TrafficShape shape = GetParam().shape;
  const double horizon_s = GetParam().horizon_s;
  shape.start = FromSeconds(3);
  shape.stop = FromSeconds(horizon_s - 20);
  EXPECT_NEAR(ArrivalProcess(shape, kNever).ExpectedCount(), Integral(shape, horizon_s - 23),
              1e-6 * Integral(shape, horizon_s));
  // The run's end, when it comes first, cuts the span instead.
  EXPECT_NEAR(ArrivalProcess(shape, FromSeconds(53)).ExpectedCount(), Integral(shape, 50),
              1e-6 * Integral(shape, horizon_s));
  EXPECT_EQ(ArrivalProcess(shape, FromSeconds(3)).ExpectedCount(), 0.0);
}

TEST_P(ArrivalShapesByRate, InverseCumulativeUndoesCumulative) {
  const ShapeCase& c = GetParam();
  const ArrivalProcess process(c.shape, kNever);
  int checked = 0;
  for (double t = 0.013; t <= c.horizon_s; t += c.horizon_s / 1009) {
    // Where λ is 0 the cumulative is flat and has no inverse at t; check only where it rises.
    if (RateAt(c.shape, t) <= 1e-3 || RateAt(c.shape, t - 1e-3) <= 0 || RateAt(c.shape, t + 1e-3) <= 0) {
      continue;
    }
    ++checked;
    // Arrivals are placed to the nanosecond: the inverse must be that precise.
    EXPECT_NEAR(process.InverseCumulative(process.Cumulative(t)), t, std::max(1e-9, 1e-13 * t))
        << "t = " << t;
  }
  EXPECT_GT(checked, 100);
  const double total = process.Cumulative(c.horizon_s);
  for (double area = 0.37; area < total; area += total / 1013) {
    const double t = process.InverseCumulative(area);
    ASSERT_TRUE(std::isfinite(t)) << "area " << area;
    EXPECT_NEAR(process.Cumulative(t), area, 1e-9 * std::max(1.0, area)) << "area " << area;
  }
}

TEST_P(ArrivalShapesByRate, EvenlySpacedCountsInEveryWindowMatchTheIntegralWithinOne) {
  const ShapeCase& c = GetParam();
  const TrafficShape shape = AsEvenlySpaced(c.shape);
  const std::vector<Nanos> times = Arrivals(shape, FromSeconds(c.horizon_s));
  ASSERT_TRUE(std::is_sorted(times.begin(), times.end()));
  EXPECT_NEAR(static_cast<double>(times.size()), Integral(shape, c.horizon_s), 1.0 + 1e-6);
  const double width = 7.0;  // aligned with none of the shapes' breaks
  for (double a = 0; a + width <= c.horizon_s; a += width) {
    const double expected = Integral(shape, a, a + width);
    EXPECT_NEAR(static_cast<double>(CountIn(times, a, a + width)), expected, 1.0 + 1e-6)
        << "window [" << a << ", " << a + width << ")";
  }
}

TEST_P(ArrivalShapesByRate, PoissonCountsInEveryWindowMatchTheIntegral) {
  const ShapeCase& c = GetParam();
  const TrafficShape shape = AsPoisson(c.shape);
  const double horizon = 10 * c.horizon_s;
  const std::vector<Nanos> times = Arrivals(shape, FromSeconds(horizon));
  ASSERT_TRUE(std::is_sorted(times.begin(), times.end()));
  const double width = 31.0;
  for (double a = 0; a + width <= horizon; a += width) {
    const double expected = Integral(shape, a, a + width);
    const int64_t count = CountIn(times, a, a + width);
    if (expected < 1e-9) {
      EXPECT_EQ(count, 0) << "window [" << a << ", " << a + width << ")";
    } else {
      EXPECT_NEAR(static_cast<double>(count), expected, 5 * std::sqrt(expected))
          << "window [" << a << ", " << a + width << ")";
    }
  }
  // Time-changed by Λ, a Poisson process of rate λ(t) has unit exponential gaps: mean 1, variance 1.
  std::vector<double> gaps;
  double previous = 0.0;
  for (Nanos t : times) {
    gaps.push_back(Integral(shape, previous, ToSeconds(t)));
    previous = ToSeconds(t);
  }
  const double n = static_cast<double>(gaps.size());
  ASSERT_GT(n, 100);
  double mean = 0.0;
  for (double g : gaps) mean += g;
  mean /= n;
  double variance = 0.0;
  for (double g : gaps) variance += (g - mean) * (g - mean);
  variance /= n - 1;
  EXPECT_NEAR(mean, 1.0, 5.0 / std::sqrt(n));
  EXPECT_NEAR(variance, 1.0, 5.0 * std::sqrt(8.0 / n));
}

INSTANTIATE_TEST_SUITE_P(ArrivalShapes, ArrivalShapesByRate, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<ShapeCase>& info) { return info.param.name; });

TEST(ArrivalShapes, InverseIsInfiniteBeyondWhatAStreamThatStopsEverAccumulates) {
  // A ramp down to 0 accumulates 6 × 60 / 2 = 180; a step down to 0 accumulates 5 × 30 = 150.
  // Near its end the ramp's rate is 0.1 (60 − t), so the last 0.1 of area takes √2 seconds.
  const ArrivalProcess ramp(Ramp(6, 0, 60), kNever);
  EXPECT_NEAR(ramp.InverseCumulative(179.9), 60.0 - std::sqrt(2.0), 1e-6);
  EXPECT_TRUE(std::isinf(ramp.InverseCumulative(180.5)));
  const ArrivalProcess step(Step(5, 30, 0), kNever);
  EXPECT_NEAR(step.InverseCumulative(149), 149.0 / 5, 1e-12);
  EXPECT_TRUE(std::isinf(step.InverseCumulative(151)));
  // And the streams end: exactly 180 and 150 evenly spaced arrivals, none after the rate reached 0.
  const std::vector<Nanos> ramp_times = Arrivals(AsEvenlySpaced(Ramp(6, 0, 60)), FromSeconds(1000));
  EXPECT_NEAR(static_cast<double>(ramp_times.size()), 180, 1.0);
  EXPECT_LE(ramp_times.back(), FromSeconds(60));
  const std::vector<Nanos> step_times = Arrivals(AsEvenlySpaced(Step(5, 30, 0)), FromSeconds(1000));
  EXPECT_NEAR(static_cast<double>(step_times.size()), 150, 1.0);
  EXPECT_LE(step_times.back(), FromSeconds(30));
}

TEST(ArrivalShapes, OnOffSendsNothingDuringOffPeriods) {
  for (const TrafficShape& base : {OnOff(7, 10, 5), OnOff(0.7, 3, 1.3), OnOff(3.3, 10, 20),
                                   OnOff(123.4, 0.25, 0.5)}) {
    for (const TrafficShape& shape : {AsEvenlySpaced(base), AsPoisson(base)}) {
      const Nanos on = shape.on_duration;
      const Nanos period = on + shape.off_duration;
      const std::vector<Nanos> times = Arrivals(shape, FromSeconds(2000));
      ASSERT_FALSE(times.empty());
      int64_t in_off = 0;
      for (Nanos t : times) {
        if (t % period >= on) ++in_off;
      }
      EXPECT_EQ(in_off, 0) << "rate " << shape.rate_per_s << (shape.poisson ? " poisson" : " even")
                           << ": arrivals in [on, on + off) of their cycle";
      // Every on period is used: evenly spaced, rate × on arrivals per cycle (within 1).
      if (!shape.poisson) {
        const int64_t cycles = FromSeconds(2000) / period;
        for (int64_t k = 0; k < cycles; k += std::max<int64_t>(1, cycles / 20)) {
          const int64_t count = CountIn(times, ToSeconds(k * period), ToSeconds(k * period + on));
          EXPECT_NEAR(static_cast<double>(count), shape.rate_per_s * ToSeconds(on), 1.0) << "cycle " << k;
        }
      }
    }
  }
}

TEST(ArrivalShapes, StepSwitchesRateAtItsInstant) {
  const double r1 = 4.0, r2 = 10.0, at = 10.0;
  const std::vector<Nanos> times = Arrivals(AsEvenlySpaced(Step(r1, at, r2)), FromSeconds(30));
  const Nanos step = FromSeconds(at);
  int before = 0, after = 0;
  for (size_t i = 1; i < times.size(); ++i) {
    const Nanos gap = times[i] - times[i - 1];
    if (times[i] <= step) {
      EXPECT_NEAR(static_cast<double>(gap), 1e9 / r1, 1.0) << "gap ending at " << times[i];
      ++before;
    } else if (times[i - 1] >= step) {
      EXPECT_NEAR(static_cast<double>(gap), 1e9 / r2, 1.0) << "gap starting at " << times[i - 1];
      ++after;
    }
  }
  EXPECT_GT(before, 30);
  EXPECT_GT(after, 150);
  // r1 × at arrivals up to the step, r2 per second after it.
  EXPECT_NEAR(static_cast<double>(CountIn(times, 0, at)), r1 * at, 1.0);
  EXPECT_NEAR(static_cast<double>(CountIn(times, at, 30)), r2 * (30 - at), 1.0);
}

TEST(ArrivalShapes, DiurnalPeakAndTroughFollowOnePlusAndMinusAmplitude) {
  const double rate = 20, amplitude = 0.5, period = 1000, width = 20;
  for (double phase : {0.0, 130.0}) {
    for (bool poisson : {false, true}) {
      TrafficShape shape = Diurnal(rate, amplitude, period, phase);
      shape.poisson = poisson;
      const std::vector<Nanos> times = Arrivals(shape, FromSeconds(10 * period));
      // sin(2π (t + φ) / T) is 1 at t = T/4 − φ and −1 at t = 3T/4 − φ (mod T). Over a window of
      // width w centred there, ∫λ = r (w ± a T/π sin(π w / T)) ≈ r w (1 ± a).
      const double swing = amplitude * period / M_PI * std::sin(M_PI * width / period);
      const double peak_expected = rate * (width + swing);
      const double trough_expected = rate * (width - swing);
      EXPECT_NEAR(peak_expected / (rate * width), 1 + amplitude, 0.01);
      EXPECT_NEAR(trough_expected / (rate * width), 1 - amplitude, 0.01);
      int64_t peak_total = 0, trough_total = 0;
      for (int k = 1; k < 9; ++k) {
        const double peak = k * period + period / 4 - phase;
        const double trough = k * period + 3 * period / 4 - phase;
        const int64_t peak_count = CountIn(times, peak - width / 2, peak + width / 2);
        const int64_t trough_count = CountIn(times, trough - width / 2, trough + width / 2);
        peak_total += peak_count;
        trough_total += trough_count;
        if (!poisson) {
          EXPECT_NEAR(static_cast<double>(peak_count), peak_expected, 1.0) << "peak " << k;
          EXPECT_NEAR(static_cast<double>(trough_count), trough_expected, 1.0) << "trough " << k;
        }
      }
      EXPECT_NEAR(static_cast<double>(peak_total), 8 * peak_expected, 5 * std::sqrt(8 * peak_expected));
      EXPECT_NEAR(static_cast<double>(trough_total), 8 * trough_expected,
                  5 * std::sqrt(8 * trough_expected));
    }
  }
}

TEST(ArrivalShapes, PoissonDiurnalArrivalsNeverGoBackInTime) {
  // Many arrivals far into the run: the inverse is found numerically, and an imprecise one would
  // return a later arrival before an earlier one when their areas differ by less than its error.
  TrafficShape shape = Diurnal(1000, 0.9, 600, 45);
  shape.poisson = true;
  const std::vector<Nanos> times = Arrivals(shape, FromSeconds(1200));
  ASSERT_GT(times.size(), 1'000'000u);
  size_t backwards = 0;
  for (size_t i = 1; i < times.size(); ++i) backwards += times[i] < times[i - 1];
  EXPECT_EQ(backwards, 0u);
}

TEST(ArrivalShapes, ArrivalsStopAtStopOrEndWhicheverIsFirst) {
  for (const TrafficShape& base :
       {ConstantShape(5), PoissonShape(50), AsEvenlySpaced(Ramp(1, 9, 20)), Step(2, 10, 6),
        OnOff(8, 7, 1), Diurnal(5, 0.5, 40, 3)}) {
    for (const auto& [stop_s, end_s] : {std::pair{30.0, 50.0}, std::pair{50.0, 30.0}}) {
      TrafficShape shape = base;
      shape.stop = FromSeconds(stop_s);
      ArrivalProcess process(shape, FromSeconds(end_s));
      Rng rng = Rng::ForStream(3, 0);
      Nanos last = -1;
      int64_t count = 0;
      for (Nanos t = process.Next(rng); t != kNever; t = process.Next(rng)) {
        ASSERT_GE(t, last);
        last = t;
        ++count;
      }
      EXPECT_LT(last, FromSeconds(30));
      // The last one is close to the limit (these rates leave no gap of half a second) ...
      EXPECT_GT(last, FromSeconds(29.5));
      // ... and once over, the stream stays over.
      for (int i = 0; i < 10; ++i) EXPECT_EQ(process.Next(rng), kNever);
      // About ∫λ over [0, 30) of them.
      const double expected = Integral(shape, 30.0);
      EXPECT_NEAR(static_cast<double>(count), expected, 6 * std::sqrt(expected) + 1.0);
    }
  }
}

TEST(ArrivalShapes, StartShiftsAnEvenlySpacedStreamByExactlyTheStart) {
  for (const TrafficShape& base : {Ramp(1, 9, 20), Step(2, 10, 6), OnOff(8, 3, 2), ConstantShape(3)}) {
    TrafficShape shifted = AsEvenlySpaced(base);
    shifted.start = FromSeconds(12.5);
    const std::vector<Nanos> from_zero = Arrivals(AsEvenlySpaced(base), FromSeconds(100));
    const std::vector<Nanos> later = Arrivals(shifted, FromSeconds(112.5));
    ASSERT_EQ(later.size(), from_zero.size());
    for (size_t i = 0; i < later.size(); ++i) {
      EXPECT_NEAR(static_cast<double>(later[i] - shifted.start), static_cast<double>(from_zero[i]), 1.0);
    }
  }
}

TEST(ArrivalShapes, ConstantSpacingIsExactOverMillionsOfArrivals) {
  // The n-th arrival of a constant stream of rate r (an integer here) is at start + round(n / r s):
  // computed in integers, no drift after three million of them.
  for (int64_t rate : {3, 7}) {
    TrafficShape shape = ConstantShape(static_cast<double>(rate));
    shape.start = 250;  // ns
    const Nanos end = shape.start + 3'000'000 / rate * kNanosPerSecond;
    ArrivalProcess process(shape, end);
    Rng rng(1);
    int64_t n = 0;
    int64_t mismatches = 0;
    for (Nanos t = process.Next(rng); t != kNever; t = process.Next(rng), ++n) {
      const Nanos expected = shape.start + (2 * n * kNanosPerSecond + rate) / (2 * rate);
      mismatches += t != expected;
    }
    EXPECT_EQ(mismatches, 0);
    // Arrivals n with n / r < (end - start): exactly r × (end − start) of them.
    EXPECT_EQ(n, 3'000'000 / rate * rate);
  }
}

// Bursts of 5 requests within 1 s, every 10 s, from 2 s on.
TrafficShape FiveInOneSecondEveryTenFromTwo() {
  TrafficShape shape;
  shape.kind = TrafficShape::Kind::kBursts;
  shape.burst_count = 5;
  shape.burst_window = FromSeconds(1);
  shape.burst_period = FromSeconds(10);
  shape.start = FromSeconds(2);
  return shape;
}

TEST(ArrivalShapes, BurstsAreEvenlySpreadOverTheirWindowEveryPeriod) {
  TrafficShape shape = FiveInOneSecondEveryTenFromTwo();
  std::vector<Nanos> times = Arrivals(shape, FromSeconds(35));
  ASSERT_EQ(times.size(), 20u);  // bursts at 2, 12, 22, 32
  for (size_t i = 0; i < times.size(); ++i) {
    EXPECT_EQ(times[i], FromSeconds(2) + static_cast<Nanos>(i / 5) * FromSeconds(10) +
                            static_cast<Nanos>(i % 5) * FromSeconds(0.2));
  }
  shape.stop = FromSeconds(32.5);
  times = Arrivals(shape, FromSeconds(35));
  EXPECT_EQ(times.size(), 18u);  // the last burst cut after 32, 32.2, 32.4
}

TEST(ArrivalShapes, ExpectedCountOfBurstsCountsEveryBurstThatStartsBeforeTheEnd) {
  TrafficShape shape = FiveInOneSecondEveryTenFromTwo();
  for (const double end_s : {2.5, 12.0, 12.001, 35.0, 100.0}) {
    const double bursts = std::ceil((end_s - 2) / 10);
    EXPECT_EQ(ArrivalProcess(shape, FromSeconds(end_s)).ExpectedCount(), 5 * bursts) << end_s;
    // An upper bound: a burst cut by the end is counted whole.
    EXPECT_GE(ArrivalProcess(shape, FromSeconds(end_s)).ExpectedCount(),
              static_cast<double>(Arrivals(shape, FromSeconds(end_s)).size()));
  }
  shape.kind = TrafficShape::Kind::kClosedLoop;
  shape.workers = 3;
  EXPECT_EQ(ArrivalProcess(shape, FromSeconds(100)).ExpectedCount(), 0.0);
}

TEST(ArrivalShapes, ARampDownWhoseAreaOverflowsIsInfiniteNotNaN) {
  // from·t alone is beyond a double here; the area, 5e308 over the ramp, is too, and is +inf.
  const ArrivalProcess huge(Ramp(1e308, 0, 10), FromSeconds(60));
  EXPECT_EQ(huge.Cumulative(10), std::numeric_limits<double>::infinity());
  EXPECT_EQ(huge.ExpectedCount(), std::numeric_limits<double>::infinity());
  // Just inside a double's range the area is still the mean rate times the length.
  const ArrivalProcess large(Ramp(1e307, 0, 10), FromSeconds(60));
  EXPECT_DOUBLE_EQ(large.Cumulative(4), 4 * (1e307 - 0.5 * 1e307 * 0.4));
  EXPECT_DOUBLE_EQ(large.ExpectedCount(), 5e307);
}

TEST(ArrivalShapes, ClosedLoopStreamsHaveNoClock) {
  TrafficShape shape;
  shape.kind = TrafficShape::Kind::kClosedLoop;
  shape.workers = 3;
  ArrivalProcess process(shape, FromSeconds(100));
  Rng rng(1);
  EXPECT_EQ(process.Next(rng), kNever);
}

TEST(ArrivalShapes, SimulateOffersExactlyTheStreamsArrivalsBetweenStartAndStop) {
  Scenario scenario = testing::BareScenario(100, 1, 100, testing::ConstantService(0.1),
                                            testing::Policy("none"));
  TrafficShape shape = testing::ConstantShape(2);
  shape.start = FromSeconds(10);
  shape.stop = FromSeconds(50);
  TrafficShape ramp = AsEvenlySpaced(Ramp(0, 4, 100));
  ramp.stop = FromSeconds(75);
  scenario.orgs.push_back(testing::Org("a", {testing::Stream(shape), testing::Stream(ramp)}));
  const RunResult result = testing::RunScenario(scenario);
  ASSERT_EQ(result.metrics.per_org.size(), 1u);
  // 2/s over [10, 50): 80; the ramp's n-th arrival where 0.02 t² = n, for t < 75: n = 1 .. 112.
  EXPECT_EQ(result.metrics.overall.counts.offered, 80 + 112);
  EXPECT_EQ(result.metrics.overall.counts.ok, 80 + 112);
}

}  // namespace
}  // namespace ratesim

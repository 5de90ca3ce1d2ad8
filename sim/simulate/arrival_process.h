// When one open-loop traffic stream's requests arrive. Every shape but bursts is a rate function λ(t)
// and a way of placing arrivals on it: evenly spaced (the n-th arrival where ∫λ = n) or Poisson
// (where ∫λ reaches a sum of unit exponentials: the time-change theorem). Bursts are placed directly;
// closed-loop streams have no clock of their own (Next is kNever).
//
// Thread-safety: none; each stream owns one.
#ifndef RATESIM_SIM_SIMULATE_ARRIVAL_PROCESS_H_
#define RATESIM_SIM_SIMULATE_ARRIVAL_PROCESS_H_

#include <cstdint>

#include "engine/time.h"
#include "sim/des/random.h"
#include "sim/scenario/scenario.h"

namespace ratesim {

// The mean arrival rate, per second, of a stream of `shape` while it sends: its expected arrivals
// over the part of a run of `duration` it spans (a stream that starts late or stops early sends at
// its own rate, not at the run's average). 0 for a closed loop, or a stream that never starts.
double MeanRateWhileSending(const TrafficShape& shape, Nanos duration);

class ArrivalProcess {
 public:
  // Arrivals of `shape` strictly before `end` (the run's duration or the shape's stop, if earlier).
  ArrivalProcess(const TrafficShape& shape, Nanos end);

  // The next arrival time, never earlier than the previous one; kNever once the stream is over.
  // Draws from `rng` only for Poisson placements.
  Nanos Next(Rng& rng);

  // ∫λ from the shape's start over `elapsed_s` seconds, and its inverse (+inf when the stream never
  // accumulates `area`); for the rate-function shapes.
  double Cumulative(double elapsed_s) const;
  double InverseCumulative(double area) const;

  // How many arrivals the stream is expected to have before its end: ∫λ over its span, for bursts
  // the whole bursts that start before it (an upper bound), 0 for a closed loop (whose arrivals
  // follow completions, so the models' capacity bounds them).
  double ExpectedCount() const;

 private:

  TrafficShape shape_;
  Nanos end_;
  double span_s_;       // ToSeconds(end_ - shape_.start): arrivals lie before it
  bool poisson_ = false;
  double area_ = 0.0;   // ∫λ up to the last arrival, rate-function shapes
  int64_t count_ = 0;   // arrivals so far
};

}  // namespace ratesim

#endif  // RATESIM_SIM_SIMULATE_ARRIVAL_PROCESS_H_

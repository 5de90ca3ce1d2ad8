// How many requests a scenario's traffic is expected to send, checked before any run starts. A rate
// mistyped by orders of magnitude ("1e30rps" for "1e3rps") or a `copies` count with digits to spare
// would otherwise start a run that takes years, with nothing to show for it but a progress line that
// hardly moves; a rate fast enough to round every gap between arrivals to 0 ns would never end.
#ifndef RATESIM_SIM_SIMULATE_RUN_VOLUME_H_
#define RATESIM_SIM_SIMULATE_RUN_VOLUME_H_

#include "absl/status/status.h"
#include "sim/scenario/scenario.h"

namespace ratesim {

// The most requests a run's generated traffic may be expected to send: hours of simulating for each
// policy at the simulator's speed (about a million requests a second on a many-org platform,
// bench/README.md), and far beyond any scenario in scenarios/ (the largest sends about 3 million).
inline constexpr double kMaxExpectedRequests = 1e10;

// Fails (InvalidArgument) when the open-loop streams of `scenario` are expected to send more than
// kMaxExpectedRequests requests before its duration ends (first attempts: retries come on top). The
// error is at the [[orgs.traffic]] entry that sends the most, a group of copies counted as one entry.
// Closed loops and traces are not counted: capacity bounds the one, the file's length the other.
//
// It also fails when, in a run that drains, a client's `pace` would take more than
// kMaxPacedBacklogRuns times the run's duration to send its expected requests (of one org's stream;
// of a trace's rows, which its clients pace org by org): the drain would go on as long, simulated
// interval after interval, and a pace mistyped by orders of magnitude ("1e-30rps") would fill the
// disk with a time series centuries long. The error is at the stream's entry.
absl::Status CheckRunVolume(const Scenario& scenario);

// How many run durations a paced client's backlog may take to send, in a run that drains.
inline constexpr double kMaxPacedBacklogRuns = 100;

}  // namespace ratesim

#endif  // RATESIM_SIM_SIMULATE_RUN_VOLUME_H_

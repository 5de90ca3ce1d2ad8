// Stopping runs early on request: a process-wide flag that a signal handler may set (setting it is
// async-signal-safe) and that the simulator reads every few thousand events, so that Ctrl-C or a
// scheduler's SIGTERM ends a long run, sweep or comparison promptly, on every thread, through the
// ordinary error path (a Cancelled status), which discards whatever was staged for output.
//
// The engine never sees it: it stays clock- and signal-free. Thread-safety: every function may be
// called from any thread; RequestCancellation also from a signal handler.
#ifndef RATESIM_SIM_SIMULATE_CANCELLATION_H_
#define RATESIM_SIM_SIMULATE_CANCELLATION_H_

#include <csignal>

#include "absl/status/status.h"

namespace ratesim {

// Asks every run in progress, and every run started later, to stop. `signal` is the signal that
// asked (SIGINT, SIGTERM), kept for the exit code; the first request's signal is kept.
void RequestCancellation(int signal = SIGINT);

// True once RequestCancellation was called. One relaxed atomic load: cheap enough for a hot loop
// that calls it every few thousand iterations.
bool CancellationRequested();

// The signal of the first request, or 0 if none was made.
int CancellationSignal();

// Forgets any request, for tests that cancel one command and then run another in the same process.
void ClearCancellation();

// The status a cancelled run returns: Cancelled, "interrupted".
absl::Status CancelledStatus();

}  // namespace ratesim

#endif  // RATESIM_SIM_SIMULATE_CANCELLATION_H_

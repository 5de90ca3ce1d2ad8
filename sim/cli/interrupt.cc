#include "sim/cli/interrupt.h"

#include "sim/simulate/cancellation.h"

namespace ratesim {
namespace {

// Only async-signal-safe work here: RequestCancellation stores to a lock-free atomic.
extern "C" void OnInterrupt(int signal) { RequestCancellation(signal); }

struct sigaction Handler() {
  struct sigaction action = {};
  action.sa_handler = OnInterrupt;
  sigemptyset(&action.sa_mask);
  // Not SA_RESETHAND: one interrupt often comes twice (GNU timeout signals the child, then its
  // process group), and a second one killing the process would leave the staging directory
  // behind. SA_RESTART: a write under way when the signal comes resumes instead of failing with
  // EINTR, which would read as a disk error.
  action.sa_flags = SA_RESTART;
  return action;
}

}  // namespace

InterruptScope::InterruptScope() {
  const struct sigaction action = Handler();
  sigaction(SIGINT, &action, &previous_int_);
  sigaction(SIGTERM, &action, &previous_term_);
}

InterruptScope::~InterruptScope() {
  sigaction(SIGINT, &previous_int_, nullptr);
  sigaction(SIGTERM, &previous_term_, nullptr);
}

int InterruptedExitCode() {
  const int signal = CancellationSignal();
  return 128 + (signal > 0 ? signal : SIGINT);
}

int ReportInterrupted(std::ostream& err, const std::string& dir) {
  err << (dir.empty() ? "interrupted\n" : "interrupted; nothing written to " + dir + "\n");
  return InterruptedExitCode();
}

}  // namespace ratesim

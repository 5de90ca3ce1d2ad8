// Ctrl-C and SIGTERM during a command that writes results: such a signal asks the runs to stop
// (sim/simulate/cancellation.h) rather than killing the process, so that the command can remove
// its staging directory and say so before it exits, within milliseconds. Later ones change
// nothing; SIGQUIT (Ctrl-\) and SIGKILL still end the process at once.
#ifndef RATESIM_SIM_CLI_INTERRUPT_H_
#define RATESIM_SIM_CLI_INTERRUPT_H_

#include <csignal>
#include <ostream>
#include <string>

namespace ratesim {

// While alive, SIGINT and SIGTERM call RequestCancellation (every time; the first one's signal is
// the one kept). The previous handlers come back when it is destroyed. It never clears an earlier
// request, so a test may request a cancellation before it runs a command. Not nestable; main
// thread only.
class InterruptScope {
 public:
  InterruptScope();
  ~InterruptScope();
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;

 private:
  struct sigaction previous_int_;
  struct sigaction previous_term_;
};

// The exit code of a command stopped by a cancellation: 128 + the signal, as a shell reports a
// process the signal killed (130 for SIGINT, 143 for SIGTERM).
int InterruptedExitCode();

// Prints "interrupted; nothing written to <dir>" (without a directory: "interrupted") to `err` and
// returns InterruptedExitCode(). For a command whose staged output was discarded.
int ReportInterrupted(std::ostream& err, const std::string& dir);

}  // namespace ratesim

#endif  // RATESIM_SIM_CLI_INTERRUPT_H_

// The progress line of `ratesim run`, `compare` and `sweep` on stderr while their runs go:
//
//   3/8 runs done, 2 running at 41%, 12s elapsed, ~25s left
//
// redrawn in place ("\r") four times a second from a thread of its own, and cleared (overwritten
// with spaces) when the runs end, fail or are interrupted, before the command prints anything
// more. Shown by default only when stderr is a terminal; --progress forces it (tests, logs kept
// with tee), --no-progress suppresses it. It reads a RunProgress (sim/simulate/run_progress.h)
// and writes to stderr only: stdout and the output files never depend on it.
#ifndef RATESIM_SIM_CLI_PROGRESS_LINE_H_
#define RATESIM_SIM_CLI_PROGRESS_LINE_H_

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "sim/cli/flags.h"
#include "sim/simulate/run_progress.h"

namespace ratesim {

// The flags, for the tables of the commands that take them.
extern const FlagSpec kProgressFlag;
extern const FlagSpec kNoProgressFlag;

// Whether to show the line: with --progress yes, with --no-progress no, with neither whether
// stderr is a terminal. Fails (InvalidArgument) when both are given.
absl::StatusOr<bool> ShowProgress(const ParsedArgs& args, bool err_is_terminal);

// The line's text for `snapshot`, `elapsed_seconds` after the runs began. The estimate of the time
// left extrapolates the share of simulated time done; until a second has passed and some of it is
// done it says "estimating time left".
std::string ProgressText(const RunProgress::Snapshot& snapshot, double elapsed_seconds);

// Draws the line for as long as it lives or until Stop(). Thread-safety: one owner thread; the
// line's own thread is the only writer to `err` until Stop() returns, so the owner must not write
// to `err` meanwhile.
class ProgressLine {
 public:
  // With a non-null `progress`, starts a thread that draws the line on `err` at once and then every
  // `interval`. With null, does nothing. Neither is owned; both must outlive this.
  ProgressLine(const RunProgress* progress, std::ostream& err,
               std::chrono::milliseconds interval = std::chrono::milliseconds(250));
  ~ProgressLine();  // Stop()
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // Stops the thread and clears the line, leaving the cursor at its start. Returns at once (the
  // thread waits on a condition variable, not a sleep). Idempotent.
  void Stop();

  // How many times the line was drawn so far (tests wait on it rather than on a clock).
  size_t draws() const;

 private:
  void Draw();  // REQUIRES: mutex_ held

  const RunProgress* const progress_;
  std::ostream& err_;
  const std::chrono::milliseconds interval_;
  const std::chrono::steady_clock::time_point start_;
  mutable std::mutex mutex_;
  std::condition_variable stop_requested_;
  bool stopping_ = false;  // guarded by mutex_
  size_t drawn_ = 0;       // the width of the line on screen; guarded by mutex_
  size_t draws_ = 0;       // guarded by mutex_
  std::thread thread_;
};

}  // namespace ratesim

#endif  // RATESIM_SIM_CLI_PROGRESS_LINE_H_

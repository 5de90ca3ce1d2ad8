// How far the runs of one command have got, for a progress line (sim/cli/progress_line.h): how
// many runs ended, and how far in simulated time each run under way is. The runs write it (the
// runner when a run starts and ends; the event loop, at its cancellation check every 4096 events,
// stores the run's simulated time to a relaxed atomic); a reader takes a Snapshot a few times per
// second. It costs a relaxed store per 4096 events and a mutex per run started or ended, and no
// result ever depends on it.
//
// Thread-safety: every method may be called from any thread.
#ifndef RATESIM_SIM_SIMULATE_RUN_PROGRESS_H_
#define RATESIM_SIM_SIMULATE_RUN_PROGRESS_H_

#include <atomic>
#include <cstddef>
#include <deque>
#include <mutex>

#include "engine/time.h"

namespace ratesim {

class RunProgress {
  struct Slot;

 public:
  // What a reader sees at one moment.
  struct Snapshot {
    size_t total = 0;     // runs the command will start
    size_t finished = 0;  // runs that ended (with a result or an error)
    size_t running = 0;   // runs under way
    // The mean over the runs under way of their simulated time as a share of their duration, in
    // [0, 1]; 0 when none is.
    double running_share = 0;
    // The share of the whole command's simulated time done, in [0, 1]: the durations of the runs
    // that ended plus the simulated time reached by those under way, over the sum of every run's
    // duration (so a long run weighs more than a short one).
    double done_share = 0;
  };

  // One run under way, from its construction to its destruction (which counts it as finished).
  // With a null `progress` it tracks nothing and clock() is null.
  class Run {
   public:
    Run(RunProgress* progress, Nanos duration);
    ~Run();
    Run(const Run&) = delete;
    Run& operator=(const Run&) = delete;

    // Where the run stores its simulated time (relaxed; SimulationOptions::progress). Null without
    // a RunProgress. Valid while this Run lives.
    std::atomic<Nanos>* clock() const;

   private:
    RunProgress* const progress_;
    Slot* slot_ = nullptr;  // null without a RunProgress
  };

  // `total_runs` runs will start, whose durations sum to `total_seconds` of simulated time.
  RunProgress(size_t total_runs, double total_seconds);
  RunProgress(const RunProgress&) = delete;
  RunProgress& operator=(const RunProgress&) = delete;

  Snapshot Read() const;

 private:
  // A run under way, or a free place for one. Slots are reused and never move (a deque), so that
  // a run's clock stays where the run writes it; there are as many as runs ever ran at once.
  struct Slot {
    std::atomic<Nanos> now{0};
    Nanos duration = 0;
    bool busy = false;
  };

  const size_t total_runs_;
  const double total_seconds_;
  mutable std::mutex mutex_;  // guards what follows, but not the slots' `now`
  std::deque<Slot> slots_;
  size_t finished_ = 0;
  double finished_seconds_ = 0;
};

}  // namespace ratesim

#endif  // RATESIM_SIM_SIMULATE_RUN_PROGRESS_H_

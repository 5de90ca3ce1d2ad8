// The warning that a traffic stream or trace of a scenario sends no request at all, because it
// begins at or after the end of the run: a `start` past the duration, or a trace whose rows all lie
// after it (often a trace recorded in absolute times, or a duration shortened by --set). The run
// would otherwise go ahead with nothing from it, and its results would not say why. Likewise for
// the other parts a run's duration can leave idle: a model's capacity change scheduled after the end
// (which only a drain can meet), and a time-series resolution longer than the run.
#ifndef RATESIM_SIM_REPORT_IDLE_STREAM_WARNING_H_
#define RATESIM_SIM_REPORT_IDLE_STREAM_WARNING_H_

#include <string>
#include <vector>

#include "sim/scenario/scenario.h"

namespace ratesim {

// A stream that sends nothing: which one ("org 'a' to model 'm' (s.toml:16)", "trace 't.csv'",
// "the schedule of model 'm' (s.toml:9)", "the time series"), the same whatever the run's
// duration, and its "warning: ...\n" line, which gives the duration.
struct IdleStream {
  std::string stream;
  std::string warning;
};

// Every such stream, in scenario order. A trace's first row is its census's (taken at load); a trace
// without a census gives none (the run refuses it).
std::vector<IdleStream> IdleStreams(const Scenario& scenario);

// Their warning lines, one per stream; "" when every stream may send.
std::string IdleStreamWarnings(const Scenario& scenario);

}  // namespace ratesim

#endif  // RATESIM_SIM_REPORT_IDLE_STREAM_WARNING_H_

// The warning that a traffic stream or trace of a scenario sends no request at all, because it
// begins at or after the end of the run: a `start` past the duration, or a trace whose rows all lie
// after it (often a trace recorded in absolute times, or a duration shortened by --set). The run
// would otherwise go ahead with nothing from it, and its results would not say why.
#ifndef RATESIM_SIM_REPORT_IDLE_STREAM_WARNING_H_
#define RATESIM_SIM_REPORT_IDLE_STREAM_WARNING_H_

#include <string>

#include "sim/scenario/scenario.h"

namespace ratesim {

// One "warning: ..." line per such stream, naming it (org and model with file:line, or the trace
// file) and the run's duration; "" when every stream may send. Reads only the first row of each
// trace; a trace that cannot be read or whose first row is malformed gives no warning (the run
// reports it as an error).
std::string IdleStreamWarnings(const Scenario& scenario);

}  // namespace ratesim

#endif  // RATESIM_SIM_REPORT_IDLE_STREAM_WARNING_H_

// The warning that a client holds back more than its stream sends: a `pace` below the stream's
// mean rate, or a `max_in_flight` that lets fewer requests a second through, at the model's mean
// service time, than the stream sends (Little's law: at most max_in_flight / service). The client's
// own queue then grows all run long; its requests are sent, and served, hours late, and the results
// read as a high success with an absurd latency. Most often a unit slip: pace = "2rpm" for "2rps".
#ifndef RATESIM_SIM_REPORT_CLIENT_HOLDBACK_WARNING_H_
#define RATESIM_SIM_REPORT_CLIENT_HOLDBACK_WARNING_H_

#include <string>

#include "sim/scenario/scenario.h"

namespace ratesim {

// One "warning: ...\n" line per [[orgs.traffic]] whose client holds back more than it sends (once
// for a group of copies), in scenario order; "" when none does. Closed loops, which wait for their
// own replies, and traces are not judged.
std::string ClientHoldbackWarnings(const Scenario& scenario);

}  // namespace ratesim

#endif  // RATESIM_SIM_REPORT_CLIENT_HOLDBACK_WARNING_H_

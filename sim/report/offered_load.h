// What `validate` says of each model's load: the requests its traffic streams offer per second on
// average over the run, against the requests per second its replicas at the start can serve. A unit
// slip that still parses ("2rpm" meant as "2rps", a service time in ms meant as s) validates, and a
// scenario meant to overload a model may not: the ratio says which at a glance.
#ifndef RATESIM_SIM_REPORT_OFFERED_LOAD_H_
#define RATESIM_SIM_REPORT_OFFERED_LOAD_H_

#include <string>

#include "sim/scenario/scenario.h"

namespace ratesim {

// A line per model: "load: model 'm': about 9.0 requests/s offered on average, against 8.0
// requests/s of capacity (24 slots at the start): 113%". A trace's rows for the model count as
// offered within the run; closed loops, whose pace follows their replies, are named but not
// counted. "" for a scenario without models.
std::string OfferedLoadLines(const Scenario& scenario);

}  // namespace ratesim

#endif  // RATESIM_SIM_REPORT_OFFERED_LOAD_H_

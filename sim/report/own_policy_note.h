// The note that a model keeps a smoothing policy of its own (a batch lane's day-long queue, a
// dedicated deployment) whatever policy a run compares: without it, a `none` row showing seconds of
// queue wait reads as a contradiction.
#ifndef RATESIM_SIM_REPORT_OWN_POLICY_NOTE_H_
#define RATESIM_SIM_REPORT_OWN_POLICY_NOTE_H_

#include <string>

#include "sim/scenario/scenario.h"

namespace ratesim {

// "note: model 'batch' keeps its own policy 'batch' (fifo) in every run; the rows' policies are
// those of the other models\n", one line for all such models; "" when there is none.
std::string OwnPolicyNote(const Scenario& scenario);

}  // namespace ratesim

#endif  // RATESIM_SIM_REPORT_OWN_POLICY_NOTE_H_

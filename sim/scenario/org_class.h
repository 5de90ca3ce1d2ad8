// Whether an org is a steady or a spiking sender, for the sweep's scores (sim/sweep/scores.h) and
// the comparison's verdict (sim/report/policy_verdict.h). The class
// follows from the shapes of the org's own traffic streams, so scenario files need no extra key:
//   steady:  every stream is constant, poisson, diurnal or closed: a rate that the org's own recent
//            average predicts (diurnal changes over hours, far slower than any formula's window);
//   spiking: at least one stream is bursts, onoff, step or ramp: its rate leaves its recent
//            average, which is what an earned-rate formula reacts to (a ramp included: a fast one
//            is a jump, and a slow one is exactly the case researchers check does not get 429s);
//   neither: the org has no traffic streams of its own (it only appears in a replayed trace, whose
//            shape is unknown). Such orgs count in neither score but still count in fairness.
#ifndef RATESIM_SIM_SCENARIO_ORG_CLASS_H_
#define RATESIM_SIM_SCENARIO_ORG_CLASS_H_

#include <string_view>

#include "sim/scenario/scenario.h"

namespace ratesim {

enum class OrgClass { kSteady, kSpiking, kUnclassified };

bool IsSpikingShape(TrafficShape::Kind kind);

OrgClass ClassifyOrg(const OrgSpec& org);

// The class of the org named `name` in `scenario`; kUnclassified when it declares no such org.
OrgClass ClassifyOrgNamed(const Scenario& scenario, std::string_view name);

std::string_view OrgClassName(OrgClass org_class);  // "steady", "spiking", "unclassified"

}  // namespace ratesim

#endif  // RATESIM_SIM_SCENARIO_ORG_CLASS_H_

// Which smoothing policies a command runs: the scenario's own, or those named by labels on the
// command line (--policy, --policies), where a label the file does not declare but that names a
// registered policy runs that policy with its defaults. Shared by run, compare and sweep, so that
// each accepts the same names and refuses the same mistakes in the same words.
#ifndef RATESIM_SIM_SCENARIO_POLICY_CHOICE_H_
#define RATESIM_SIM_SCENARIO_POLICY_CHOICE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "sim/scenario/scenario.h"

namespace ratesim {

// The labels of scenario.policies, in file order.
std::vector<std::string> Labels(const Scenario& scenario);

// Appends to scenario.policies, with its defaults, each registered policy that `labels` names and
// the scenario does not declare: `--policies none,codel` compares a policy the file never mentions
// without editing it. Labels the file declares keep the file's parameters.
absl::Status AddRegisteredPolicies(const std::vector<std::string>& labels, Scenario& scenario);

// Fails unless the scenario declares every label of `labels` (after AddRegisteredPolicies),
// suggesting the nearest of the labels accepted: the file's and the registered policies' names.
absl::Status CheckLabels(const Scenario& scenario, const std::vector<std::string>& labels);

// Leaves scenario.policies as the policies of `labels`, in their order, registered ones added as
// AddRegisteredPolicies adds them; fails as CheckLabels. Empty `labels`: the scenario's own, as
// they are.
absl::Status KeepPolicies(const std::vector<std::string>& labels, Scenario& scenario);

}  // namespace ratesim

#endif  // RATESIM_SIM_SCENARIO_POLICY_CHOICE_H_

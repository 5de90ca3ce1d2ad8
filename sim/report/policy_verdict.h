// The lines under a comparison that answer "which policy, and at what cost": for each question a
// platform engineer asks of a smoothing policy, the policy that does best, its figure, the runner-up
// and its figure, and whether the two can be told apart.
//
//   most served           success share of finished requests (higher is better)
//   best for worst org    the lowest success share of any org (higher): whom the policy leaves
//                         behind; only with two orgs or more
//   worst steady org      the lowest success share of a steady org (sim/scenario/org_class.h;
//                         higher), where the scenario has steady orgs and others: the worst org
//                         may be a burst sender refused for its own rate, a steady one is owed
//   fairest across orgs   Jain's index over the orgs' success shares (higher; sim/metrics/
//                         fairness.h): whether the orgs fare alike; only with two orgs or more
//   fewest 503s           503 share of finished requests (lower): failures that are the
//                         platform's fault, not the org's
//   lowest p99 (served)   latency of successful requests, queueing included (lower): a policy
//                         that fails requests at once can win it, so the label says so
//
// Told apart: with replications, "clear" when the 95% Student-t interval of the paired differences
// (best − runner-up, replication by replication: both ran on the same seeds) excludes 0, "within
// noise" when it does not; where replications do not pair, on whether the two 95% intervals are
// disjoint. A run of one replication has no interval, and a last line says so and how to get one. No line for a question fewer than two policies answer (no finished request, no success).
#ifndef RATESIM_SIM_REPORT_POLICY_VERDICT_H_
#define RATESIM_SIM_REPORT_POLICY_VERDICT_H_

#include <string>
#include <vector>

#include "sim/metrics/run_metrics.h"
#include "sim/scenario/scenario.h"

namespace ratesim {

// The verdict for policy-major `runs` (runs[p * replications + r]); "" with fewer than two
// policies. A single run names the worst org; with `scenario`, one of an [[orgs]]'s copies is named
// as the per-org table shows them ("one of tenant-1..400"). REQUIRES: replications >= 1 and divides
// runs.size().
std::string PolicyVerdict(const std::vector<RunResult>& runs, int replications,
                          const Scenario* scenario = nullptr);

}  // namespace ratesim

#endif  // RATESIM_SIM_REPORT_POLICY_VERDICT_H_

// Scenarios built in code for tests that check the simulator against theory: no file, no loader,
// every field stated.
#ifndef RATESIM_TESTS_SUPPORT_SCENARIO_BUILDER_H_
#define RATESIM_TESTS_SUPPORT_SCENARIO_BUILDER_H_

#include <string>

#include "sim/scenario/scenario.h"

namespace ratesim::testing {

// A limit so high that every request is within rate: what queueing theory, which knows no limits,
// describes.
inline LimitSpec NoLimits() {
  LimitSpec limits;
  limits.formula = "fixed";
  limits.params = {{"rpm", 1e12}, {"tpm", 1e15}};
  return limits;
}

inline PolicySpec Policy(const std::string& type, ParamValues params = {}) {
  PolicySpec policy;
  policy.label = type;
  policy.type = type;
  policy.params = std::move(params);
  return policy;
}

// One model of `slots` slots with exponential service of mean `mean_service_s`, one org sending
// Poisson arrivals at `arrival_rate` per second for `duration_s`, no limits, `policy`.
inline Scenario QueueScenario(int slots, double mean_service_s, double arrival_rate, double duration_s,
                              PolicySpec policy, uint64_t seed = 1) {
  Scenario scenario;
  scenario.path = "<test>";
  scenario.run.duration = FromSeconds(duration_s);
  scenario.run.seed = seed;
  scenario.run.resolution = FromSeconds(duration_s / 10);
  scenario.run.drain = true;
  scenario.limits = NoLimits();
  ModelSpec model;
  model.name = "m";
  model.replicas = 1;
  model.concurrency = slots;
  model.service.kind = ServiceTime::Kind::kExponential;
  model.service.mean = FromSeconds(mean_service_s);
  scenario.models.push_back(model);
  OrgSpec org;
  org.name = "org";
  TrafficSpec traffic;
  traffic.model = "m";
  traffic.shape.kind = TrafficShape::Kind::kPoisson;
  traffic.shape.rate_per_s = arrival_rate;
  traffic.input_tokens.mean = 100;
  traffic.max_output_tokens.mean = 100;
  traffic.output_tokens.mean = 100;
  org.traffic.push_back(traffic);
  scenario.orgs.push_back(org);
  scenario.policies.push_back(std::move(policy));
  return scenario;
}

}  // namespace ratesim::testing

#endif  // RATESIM_TESTS_SUPPORT_SCENARIO_BUILDER_H_

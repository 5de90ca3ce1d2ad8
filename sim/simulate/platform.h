// The platform a scenario describes, built for one policy: an engine with the scenario's models,
// formulas and keys, and the traffic streams that feed it. Names become ids here, once.
#ifndef RATESIM_SIM_SIMULATE_PLATFORM_H_
#define RATESIM_SIM_SIMULATE_PLATFORM_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/engine.h"
#include "sim/scenario/scenario.h"

namespace ratesim {

// One (org, traffic) entry of the scenario, resolved to ids.
struct StreamSpec {
  const TrafficSpec* traffic;    // points into the Scenario, which outlives the platform
  const ServiceTime* service;    // of the stream's model
  KeyId key;
  ModelId model;
};

struct Platform {
  Engine engine;
  std::vector<StreamSpec> streams;  // in scenario order: orgs, then each org's traffic
};

// The nominal throughput of `model` that the formulas see: slots / mean service time, and that
// times the mean tokens per request of the traffic sent to it.
ModelCapacity NominalCapacity(const Scenario& scenario, const ModelSpec& model);

// REQUIRES: `scenario` outlives the result. Fails (InvalidArgument) on an unknown formula, policy or
// model name or a rejected parameter: what the scenario loader checks.
absl::StatusOr<std::unique_ptr<Platform>> BuildPlatform(const Scenario& scenario,
                                                        const PolicySpec& policy);

}  // namespace ratesim

#endif  // RATESIM_SIM_SIMULATE_PLATFORM_H_

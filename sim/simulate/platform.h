// The platform a scenario describes, built for one policy: an engine with the scenario's models,
// formulas and keys, and the traffic streams that feed it. Names become ids here, once.
#ifndef RATESIM_SIM_SIMULATE_PLATFORM_H_
#define RATESIM_SIM_SIMULATE_PLATFORM_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "engine/engine.h"
#include "sim/scenario/scenario.h"

namespace ratesim {

// One source of requests, resolved to ids: an (org, traffic) entry of the scenario, or a trace.
struct StreamSpec {
  const TrafficSpec* traffic = nullptr;  // generated traffic (open or closed loop), or
  const TraceSpec* trace = nullptr;      // a recorded trace whose rows name their own keys
  const ClientSpec* client = nullptr;
  KeyId key = 0;      // generated traffic only
  ModelId model = 0;  // generated traffic only
  // Its index in its org's [[orgs.traffic]] list (0, 1, ...), which tells an org's streams apart
  // in the audit; -1 for a trace, whose rows name their own orgs.
  int org_stream = -1;
};

// Everything here points into the Scenario, which outlives the platform.
struct Platform {
  Engine engine;
  std::vector<StreamSpec> streams;  // orgs' traffic in scenario order, then the traces
  std::vector<const ModelSpec*> models;              // by ModelId
  std::vector<ModelCapacity> capacity_per_replica;   // by ModelId
  OrgModelMap<KeyId> trace_keys;  // a trace's (org, model) -> its key

  // The key of a trace row's (org, model); nullopt for a pair the trace did not hold when the
  // scenario loaded (the file changed since).
  std::optional<KeyId> TraceKey(std::string_view org, std::string_view model) const;
};

// The nominal throughput of one replica of `model` that the formulas see: concurrency / mean service
// time, and that times the mean tokens per request of the traffic sent to it: the mean over its
// streams, each [[orgs.traffic]] entry one and each trace with rows for it one.
ModelCapacity NominalCapacityPerReplica(const Scenario& scenario, const ModelSpec& model);

inline ModelCapacity Scaled(const ModelCapacity& per_replica, int64_t replicas) {
  const double n = static_cast<double>(replicas);
  return ModelCapacity{per_replica.requests_per_s * n, per_replica.tokens_per_s * n};
}

// REQUIRES: `scenario` outlives the result, and was loaded (its traces' censuses taken). Fails
// (InvalidArgument) on an unknown formula, policy or model name or a rejected parameter (what the
// loader checks), and on traffic too large to simulate (CheckRunVolume).
absl::StatusOr<std::unique_ptr<Platform>> BuildPlatform(const Scenario& scenario,
                                                        const PolicySpec& policy);

}  // namespace ratesim

#endif  // RATESIM_SIM_SIMULATE_PLATFORM_H_

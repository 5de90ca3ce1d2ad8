#include "sim/simulate/platform.h"

#include "absl/container/flat_hash_map.h"
#include "fmt/format.h"
#include "sim/simulate/request_sampler.h"

namespace ratesim {
namespace {

double MeanServiceSeconds(const ServiceTime& service, double input, double output) {
  if (service.kind != ServiceTime::Kind::kTokens) return ToSeconds(service.mean);
  return ToSeconds(service.overhead) + input / service.prefill_tokens_per_s +
         output / service.decode_tokens_per_s;
}

}  // namespace

ModelCapacity NominalCapacity(const Scenario& scenario, const ModelSpec& model) {
  double input = 0.0;
  double output = 0.0;
  int streams = 0;
  for (const OrgSpec& org : scenario.orgs) {
    for (const TrafficSpec& traffic : org.traffic) {
      if (traffic.model != model.name) continue;
      input += MeanTokens(traffic.input_tokens);
      output += std::min(MeanTokens(traffic.output_tokens), MeanTokens(traffic.max_output_tokens));
      ++streams;
    }
  }
  if (streams > 0) {
    input /= streams;
    output /= streams;
  }
  const double mean_service_s = MeanServiceSeconds(model.service, input, output);
  const double slots = static_cast<double>(model.replicas * model.concurrency);
  ModelCapacity capacity;
  capacity.requests_per_s = mean_service_s > 0 ? slots / mean_service_s : 0.0;
  capacity.tokens_per_s = capacity.requests_per_s * (input + output);
  return capacity;
}

absl::StatusOr<std::unique_ptr<Platform>> BuildPlatform(const Scenario& scenario,
                                                        const PolicySpec& policy) {
  auto platform = std::make_unique<Platform>();
  Engine& engine = platform->engine;
  absl::flat_hash_map<std::string, ModelId> model_ids;
  for (const ModelSpec& model : scenario.models) {
    absl::StatusOr<std::unique_ptr<SmoothingPolicy>> instance = MakePolicy(policy.type, policy.params);
    if (!instance.ok()) return instance.status();
    model_ids[model.name] =
        engine.AddModel(model.name, model.replicas * model.concurrency,
                        NominalCapacity(scenario, model), *std::move(instance));
  }

  absl::StatusOr<std::unique_ptr<LimitFormula>> base =
      MakeFormula(scenario.limits.formula, scenario.limits.params);
  if (!base.ok()) return base.status();
  const FormulaId base_formula = engine.AddFormula(*std::move(base));

  for (const OrgSpec& org : scenario.orgs) {
    FormulaId formula = base_formula;
    if (!org.limit_overrides.empty()) {
      ParamValues params = scenario.limits.params;
      for (const auto& [name, value] : org.limit_overrides) params[name] = value;
      absl::StatusOr<std::unique_ptr<LimitFormula>> own = MakeFormula(scenario.limits.formula, params);
      if (!own.ok()) {
        return absl::InvalidArgumentError(fmt::format("org '{}': {}", org.name, std::string(own.status().message())));
      }
      formula = engine.AddFormula(*std::move(own));
    }
    for (const TrafficSpec& traffic : org.traffic) {
      auto model = model_ids.find(traffic.model);
      if (model == model_ids.end()) {
        return absl::InvalidArgumentError(
            fmt::format("org '{}' sends to unknown model '{}'", org.name, traffic.model));
      }
      const KeyId key = engine.AddKey(org.name, model->second, formula, 0);
      const ServiceTime* service = &scenario.models[model->second].service;
      platform->streams.push_back(StreamSpec{&traffic, service, key, model->second});
    }
  }
  return platform;
}

}  // namespace ratesim

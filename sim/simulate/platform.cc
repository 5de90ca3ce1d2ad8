#include "sim/simulate/platform.h"

#include "fmt/format.h"
#include "sim/scenario/scenario_formulas.h"
#include "sim/simulate/request_sampler.h"
#include "sim/simulate/run_volume.h"

namespace ratesim {
namespace {

double MeanServiceSeconds(const ServiceTime& service, double input, double output) {
  if (service.kind != ServiceTime::Kind::kTokens) return ToSeconds(service.mean);
  return ToSeconds(service.overhead) + input / service.prefill_tokens_per_s +
         output / service.decode_tokens_per_s;
}

// Builds formulas on demand: the scenario's own, shared by every org without overrides, and one
// per org that overrides its parameters, or per [[orgs]] whose copies do (a formula keeps no
// per-key state of its own, so sharing one changes nothing but memory).
class FormulaBook {
 public:
  FormulaBook(const Scenario& scenario, Engine& engine) : scenario_(scenario), engine_(engine) {
    // Looked up once per key: a scan of the orgs per lookup made building a 10,000-org platform
    // quadratic (a quarter of a 15-minute platform run went to comparing names).
    orgs_.reserve(scenario.orgs.size());
    for (const OrgSpec& org : scenario.orgs) orgs_.insert_or_assign(org.name, &org);
  }

  absl::StatusOr<FormulaId> For(std::string_view org_name) {
    const auto found = orgs_.find(org_name);
    const OrgSpec* org = found == orgs_.end() ? nullptr : found->second;
    const bool own = org != nullptr && !org->limit_overrides.empty();
    // A copy's template name is no org's (the loader reserves it), so it cannot clash.
    const std::string book_key =
        !own ? std::string() : std::string(org->copy_of.empty() ? org_name : org->copy_of);
    if (auto it = ids_.find(book_key); it != ids_.end()) return it->second;
    const ParamValues params = own ? scenario_.limits.ParamsFor(*org) : scenario_.limits.params;
    absl::StatusOr<std::unique_ptr<LimitFormula>> formula =
        MakeLimitsFormula(scenario_.limits, params);
    if (!formula.ok()) {
      return absl::InvalidArgumentError(
          fmt::format("org '{}': {}", org_name, std::string(formula.status().message())));
    }
    return ids_[book_key] = engine_.AddFormula(*std::move(formula));
  }

 private:
  const Scenario& scenario_;
  Engine& engine_;
  absl::flat_hash_map<std::string_view, const OrgSpec*> orgs_;  // names live in scenario_
  absl::flat_hash_map<std::string, FormulaId> ids_;  // "" is the scenario's own
};

absl::Status AddTraceKeys(const TraceSpec& trace, Nanos now, FormulaBook& formulas,
                          const absl::flat_hash_map<std::string, ModelId>& model_ids,
                          Platform& platform) {
  if (trace.census == nullptr) {
    return absl::FailedPreconditionError(fmt::format(
        "trace '{}' was not read before the run; call TakeTraceCensuses (scenario_loader.h) on a "
        "scenario built in code", trace.path));
  }
  for (const OrgModel& seen : trace.census->keys) {
    if (platform.trace_keys.contains(seen)) continue;  // also in an earlier trace
    absl::StatusOr<FormulaId> formula = formulas.For(seen.org);
    if (!formula.ok()) return formula.status();
    const auto model = model_ids.find(seen.model);
    if (model == model_ids.end()) {  // the loader checks; a scenario edited in code may not match
      return absl::InvalidArgumentError(fmt::format(
          "trace '{}' sends to model '{}', which the scenario does not have", trace.path, seen.model));
    }
    platform.trace_keys[seen] = platform.engine.AddKey(seen.org, model->second, *formula, now);
  }
  return absl::OkStatus();
}

}  // namespace

std::optional<KeyId> Platform::TraceKey(std::string_view org, std::string_view model) const {
  const auto found = trace_keys.find(OrgModelView{org, model});
  if (found == trace_keys.end()) return std::nullopt;
  return found->second;
}

ModelCapacity NominalCapacityPerReplica(const Scenario& scenario, const ModelSpec& model) {
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
  // A trace counts as one stream of each model its rows go to, with those rows' mean tokens.
  for (const TraceSpec& trace : scenario.traces) {
    if (trace.census == nullptr) continue;  // BuildPlatform refuses to run it
    const auto totals = trace.census->by_model.find(model.name);
    if (totals == trace.census->by_model.end()) continue;
    input += totals->second.mean_input();
    output += totals->second.mean_output();
    ++streams;
  }
  if (streams > 0) {
    input /= streams;
    output /= streams;
  }
  const double mean_service_s = MeanServiceSeconds(model.service, input, output);
  ModelCapacity capacity;
  capacity.requests_per_s =
      mean_service_s > 0 ? static_cast<double>(model.concurrency) / mean_service_s : 0.0;
  capacity.tokens_per_s = capacity.requests_per_s * (input + output);
  return capacity;
}

absl::StatusOr<std::unique_ptr<Platform>> BuildPlatform(const Scenario& scenario,
                                                        const PolicySpec& policy) {
  if (absl::Status volume = CheckRunVolume(scenario); !volume.ok()) return volume;
  auto platform = std::make_unique<Platform>();
  Engine& engine = platform->engine;
  absl::flat_hash_map<std::string, ModelId> model_ids;
  for (const ModelSpec& model : scenario.models) {
    const PolicySpec& chosen = model.own_policy.type.empty() ? policy : model.own_policy;
    absl::StatusOr<std::unique_ptr<SmoothingPolicy>> instance = MakePolicy(chosen.type, chosen.params);
    if (!instance.ok()) return instance.status();
    const ModelCapacity per_replica = NominalCapacityPerReplica(scenario, model);
    model_ids[model.name] =
        engine.AddModel(model.name, model.replicas * model.concurrency,
                        Scaled(per_replica, model.replicas), *std::move(instance));
    platform->models.push_back(&model);
    platform->capacity_per_replica.push_back(per_replica);
  }

  FormulaBook formulas(scenario, engine);
  for (const OrgSpec& org : scenario.orgs) {
    absl::StatusOr<FormulaId> formula = formulas.For(org.name);
    if (!formula.ok()) return formula.status();
    for (size_t index = 0; index < org.traffic.size(); ++index) {
      const TrafficSpec& traffic = org.traffic[index];
      auto model = model_ids.find(traffic.model);
      if (model == model_ids.end()) {
        return absl::InvalidArgumentError(
            fmt::format("org '{}' sends to unknown model '{}'", org.name, traffic.model));
      }
      const KeyId key = engine.AddKey(org.name, model->second, *formula, 0);
      platform->streams.push_back(StreamSpec{&traffic, nullptr, &traffic.client, key, model->second,
                                             static_cast<int>(index)});
    }
  }
  for (const TraceSpec& trace : scenario.traces) {
    if (absl::Status status = AddTraceKeys(trace, 0, formulas, model_ids, *platform); !status.ok()) {
      return status;
    }
    platform->streams.push_back(StreamSpec{nullptr, &trace, &trace.client, 0, 0});
  }
  return platform;
}

}  // namespace ratesim

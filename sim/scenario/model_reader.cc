// Reading [[models]]: capacity (replicas x concurrency slots, and how it changes: ReadCapacity), the
// service-time distribution, a smoothing policy of its own, if it keeps one, and what it does with a
// request whose client gave up waiting.
#include <string>
#include <vector>

#include "fmt/format.h"
#include "sim/scenario/section_readers.h"

namespace ratesim {
namespace scenario_internal {
namespace {

const std::vector<std::string>& ServiceDists() {
  static const std::vector<std::string>* const dists =
      new std::vector<std::string>{"constant", "exponential", "tokens"};
  return *dists;
}

// In the order of ModelSpec::OnDisconnect.
const std::vector<std::string>& OnDisconnectNames() {
  static const std::vector<std::string>* const names =
      new std::vector<std::string>{"cancel", "cancel_queued", "ignore"};
  return *names;
}

ServiceTime ReadService(TableReader& reader) {
  ServiceTime service;
  const std::optional<std::string> dist = reader.String("dist", Need::kRequired);
  if (!dist) {
    reader.AcceptAllKeys();
    return service;
  }
  if (*dist == "constant" || *dist == "exponential") {
    service.kind = *dist == "constant" ? ServiceTime::Kind::kConstant : ServiceTime::Kind::kExponential;
    service.mean = reader.Duration("mean", Need::kRequired, Bound::kPositive).value_or(service.mean);
  } else if (*dist == "tokens") {
    service.kind = ServiceTime::Kind::kTokens;
    service.overhead = reader.Duration("overhead", Need::kOptional, Bound::kNonNegative).value_or(0);
    service.prefill_tokens_per_s =
        reader.Number("prefill_tps", Need::kRequired, Bound::kPositive).value_or(0.0);
    service.decode_tokens_per_s =
        reader.Number("decode_tps", Need::kRequired, Bound::kPositive).value_or(0.0);
  } else {
    reader.ValueError("dist", fmt::format("unknown service time distribution '{}'{}", *dist,
                                          SuggestionFor(*dist, ServiceDists(), true)));
    reader.AcceptAllKeys();
  }
  reader.ReportUnknownKeys();
  return service;
}

}  // namespace

std::vector<ModelSpec> ReadModels(TableReader& root) {
  std::vector<ModelSpec> models;
  UniqueNames names("model name", "give each [[models]] its own name");
  ForEachTable(
      root, "models", "[[models]]", Need::kRequired,
      "no [[models]]; add at least one, with name, concurrency and service", [&](TableReader& reader) {
        ModelSpec model;
        model.pos = reader.pos();
        if (std::optional<std::string> name = reader.String("name", Need::kRequired)) {
          model.name = *name;
          if (name->empty()) {
            reader.ValueError("name", "got an empty string; expected a model name such as \"llama-70b\"");
          } else {
            names.Add(*name, reader, "name");
          }
        }
        const std::optional<int64_t> replicas = reader.Integer("replicas", Need::kOptional, 0, kMaxReplicas);
        model.replicas = replicas.value_or(1);
        const bool replicas_ok = replicas || reader.Find("replicas") == nullptr;
        model.concurrency = reader.Integer("concurrency", Need::kRequired, 1, kMaxConcurrency).value_or(1);
        if (const toml::table* service = reader.Table(
                "service", Need::kRequired, "a table such as { dist = \"constant\", mean = \"2s\" }")) {
          TableReader service_reader = reader.Child(*service, "'service' of [[models]]");
          model.service = ReadService(service_reader);
        }
        ReadCapacity(reader, replicas_ok, model);
        if (const toml::table* policy = reader.Table(
                "policy", Need::kOptional,
                "a table such as { type = \"fifo\", max_depth = 100000, max_wait = \"24h\" }")) {
          TableReader policy_reader = reader.Child(*policy, "'policy' of [[models]]");
          model.own_policy = ReadPolicy(policy_reader);
          policy_reader.ReportUnknownKeys();
        }
        if (const std::optional<size_t> on_disconnect = ReadChoice(
                reader, "on_disconnect", OnDisconnectNames(), "disconnect handling")) {
          model.on_disconnect = static_cast<ModelSpec::OnDisconnect>(*on_disconnect);
        }
        reader.ReportUnknownKeys();
        models.push_back(std::move(model));
      });
  return models;
}

}  // namespace scenario_internal
}  // namespace ratesim

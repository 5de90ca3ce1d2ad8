// The whole scenario loader (TOML syntax, every section reader, `expr` formulas, --set overrides)
// on any text. A refusal is InvalidArgument whose every line points at the file (or at the --set
// that is wrong): "<path>:<line>:<column>: error: <what>", or a trace file's own line. A scenario
// that loads keeps the promises scenario.h writes beside its fields (durations > 0, rates finite
// and >= 0, min <= max, ...), since the simulator relies on them without checking again; its
// streams' expected counts are numbers >= 0 (+inf at most), and the volume check every run makes
// (run_volume.h) passes it or refuses it as the loader would, located.
// The warnings `ratesim validate` prints for a scenario that loads (client hold-back, per-stream
// limit lines) come out of it without a crash and without a "nan" or "inf" figure.
// The input's form, and where a trace it names is read: scenario_input.h.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/scenario_input.h"
#include "sim/report/client_holdback_warning.h"
#include "sim/report/stream_limits.h"
#include "sim/scenario/scenario.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/scenario/toml_reader.h"
#include "sim/simulate/arrival_process.h"
#include "sim/simulate/run_volume.h"

namespace ratesim {
namespace {

// Every line "<origin>: error: <message>", the origin "<path>:<line>:<column>" with line, column
// >= 1, or "<--set ...>", or a trace file's "<trace>:<line>:<column>".
void CheckLocated(const absl::Status& status, const std::string& path) {
  const std::string message(status.message());
  FUZZ_CHECK(!message.empty(), "a refusal without a message");
  const absl::string_view override_origin(scenario_internal::kOverrideOriginPrefix.data(),
                                          scenario_internal::kOverrideOriginPrefix.size());
  for (absl::string_view line : absl::StrSplit(message, '\n')) {
    const size_t error = line.find(": error: ");
    FUZZ_CHECK(error != absl::string_view::npos && error + 9 < line.size(),
               "no \": error: <message>\" in line: %.*s", static_cast<int>(line.size()), line.data());
    const absl::string_view origin = line.substr(0, error);
    if (absl::StartsWith(origin, override_origin)) continue;
    // "<file>:<line>:<column>", the file being the scenario or a trace in its folder.
    const size_t folder = path.rfind('/');
    FUZZ_CHECK(absl::StartsWith(origin, path.substr(0, folder + 1)), "no file in line: %.*s",
               static_cast<int>(line.size()), line.data());
    const std::vector<absl::string_view> parts = absl::StrSplit(origin, ':');
    FUZZ_CHECK(parts.size() == 3, "no line and column in line: %.*s", static_cast<int>(line.size()),
               line.data());
    for (const absl::string_view number : {parts[1], parts[2]}) {
      FUZZ_CHECK(!number.empty() && number[0] != '0' &&
                     number.find_first_not_of("0123456789") == absl::string_view::npos,
                 "line or column not a number >= 1 in line: %.*s", static_cast<int>(line.size()),
                 line.data());
    }
  }
}

bool FiniteNonNegative(double value) { return std::isfinite(value) && value >= 0; }

void CheckTokens(const TokenCount& count, const char* what) {
  FUZZ_CHECK(FiniteNonNegative(count.mean) && FiniteNonNegative(count.cv), "%s: mean %g, cv %g", what,
             count.mean, count.cv);
  FUZZ_CHECK(0 <= count.min && count.min <= count.max && count.max <= kMaxTokens, "%s: [%lld, %lld]",
             what, static_cast<long long>(count.min), static_cast<long long>(count.max));
}

void CheckClient(const ClientSpec& client) {
  FUZZ_CHECK(client.max_attempts >= 1 && client.max_attempts <= kMaxAttempts, "max_attempts %lld",
             static_cast<long long>(client.max_attempts));
  FUZZ_CHECK(client.base_backoff >= 0 && client.max_backoff >= 0, "a negative backoff");
  FUZZ_CHECK(std::isfinite(client.multiplier) && client.multiplier >= 1, "multiplier %g",
             client.multiplier);
  FUZZ_CHECK(client.jitter >= 0 && client.jitter <= 1, "jitter %g", client.jitter);
}

void CheckParams(const ParamValues& params, const char* what) {
  for (const auto& [name, value] : params) {
    FUZZ_CHECK(std::isfinite(value), "%s: %s = %g", what, name.c_str(), value);
  }
}

// The promises of scenario.h that the simulator relies on.
void CheckScenario(const Scenario& s) {
  FUZZ_CHECK(s.run.duration > 0 && s.run.resolution > 0, "duration %lld, resolution %lld",
             static_cast<long long>(s.run.duration), static_cast<long long>(s.run.resolution));
  FUZZ_CHECK(!s.policies.empty(), "no policy");
  FUZZ_CHECK(!s.orgs.empty() || !s.traces.empty(), "no traffic");
  CheckParams(s.limits.params, "[limits]");
  for (const ModelSpec& model : s.models) {
    FUZZ_CHECK(model.replicas >= 0 && model.concurrency >= 1, "model %s: replicas %lld, concurrency %lld",
               model.name.c_str(), static_cast<long long>(model.replicas),
               static_cast<long long>(model.concurrency));
    const ServiceTime& service = model.service;
    if (service.kind == ServiceTime::Kind::kTokens) {
      FUZZ_CHECK(service.overhead >= 0 && std::isfinite(service.prefill_tokens_per_s) &&
                     service.prefill_tokens_per_s > 0 && std::isfinite(service.decode_tokens_per_s) &&
                     service.decode_tokens_per_s > 0,
                 "model %s: token service %lld ns + /%g + /%g", model.name.c_str(),
                 static_cast<long long>(service.overhead), service.prefill_tokens_per_s,
                 service.decode_tokens_per_s);
    } else {
      FUZZ_CHECK(service.mean > 0, "model %s: service mean %lld", model.name.c_str(),
                 static_cast<long long>(service.mean));
    }
    for (size_t i = 0; i < model.schedule.size(); ++i) {
      FUZZ_CHECK(model.schedule[i].replicas >= 0 && model.schedule[i].at >= 0 &&
                     (i == 0 || model.schedule[i].at > model.schedule[i - 1].at),
                 "model %s: schedule entry %zu", model.name.c_str(), i);
    }
    const AutoscalerSpec& a = model.autoscaler;
    if (a.enabled) {
      FUZZ_CHECK(a.target_utilisation > 0 && a.target_utilisation <= 1 && a.interval > 0 &&
                     a.window > 0 && a.provisioning_delay >= 0 && a.scale_down_cooldown >= 0 &&
                     0 <= a.min_replicas && a.min_replicas <= a.max_replicas,
                 "model %s: autoscaler", model.name.c_str());
    }
    CheckParams(model.own_policy.params, "a model's policy");
  }
  for (const OrgSpec& org : s.orgs) {
    CheckParams(org.limit_overrides, org.name.c_str());
    for (const TrafficSpec& traffic : org.traffic) {
      const TrafficShape& shape = traffic.shape;
      for (const double rate : {shape.rate_per_s, shape.ramp_from_per_s, shape.ramp_to_per_s,
                                shape.step_to_per_s}) {
        FUZZ_CHECK(FiniteNonNegative(rate), "org %s: a rate of %g", org.name.c_str(), rate);
      }
      FUZZ_CHECK(shape.diurnal_amplitude >= 0 && shape.diurnal_amplitude <= 1, "amplitude %g",
                 shape.diurnal_amplitude);
      FUZZ_CHECK(shape.burst_count >= 0 && shape.burst_count <= kMaxBurstCount && shape.workers >= 0 &&
                     shape.workers <= kMaxWorkers,
                 "org %s: count %lld, workers %lld", org.name.c_str(),
                 static_cast<long long>(shape.burst_count), static_cast<long long>(shape.workers));
      for (const Nanos time : {shape.burst_window, shape.burst_period, shape.ramp_over, shape.step_at,
                               shape.on_duration, shape.off_duration, shape.diurnal_phase,
                               shape.think_time, shape.start, shape.stop}) {
        FUZZ_CHECK(time >= 0, "org %s: a negative duration", org.name.c_str());
      }
      CheckTokens(traffic.input_tokens, "input_tokens");
      CheckTokens(traffic.max_output_tokens, "max_output_tokens");
      CheckTokens(traffic.output_tokens, "output_tokens");
      CheckClient(traffic.client);
      const double expected = ArrivalProcess(shape, s.run.duration).ExpectedCount();
      FUZZ_CHECK(expected >= 0, "org %s: an expected count of %g", org.name.c_str(), expected);
    }
  }
  for (const TraceSpec& trace : s.traces) {
    FUZZ_CHECK(trace.census != nullptr, "trace %s without its census", trace.path.c_str());
    FUZZ_CHECK(trace.max_output_tokens >= 0, "max_output_tokens %lld",
               static_cast<long long>(trace.max_output_tokens));
    CheckClient(trace.client);
  }
  for (const PolicySpec& policy : s.policies) CheckParams(policy.params, policy.label.c_str());
}

// Whether `text` shows a figure that is not a number: "nan" or "inf" as fmt writes them, not part
// of a word ("info", "infinite") nor of a name in quotes (org 'nan').
bool HasNonFiniteFigure(std::string_view quoted) {
  std::string text;
  bool in_quotes = false;
  for (const char c : quoted) {
    if (c == '\'') in_quotes = !in_quotes;
    if (!in_quotes) text += c;
  }
  const auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  for (const std::string_view word : {"nan", "inf"}) {
    for (size_t at = text.find(word); at != std::string_view::npos; at = text.find(word, at + 1)) {
      const bool before = at > 0 && letter(text[at - 1]);
      const bool after = at + word.size() < text.size() && letter(text[at + word.size()]) &&
                         text[at + word.size()] != 'x';  // "infx its request limit"
      if (!before && !after) return true;
    }
  }
  return false;
}

void CheckMessages(const Scenario& s) {
  for (const std::string& text : {ClientHoldbackWarnings(s), StreamLimitLines(s)}) {
    FUZZ_CHECK(!HasNonFiniteFigure(text), "a non-finite figure in: %s", text.c_str());
  }
}

}  // namespace
}  // namespace ratesim

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::optional<std::vector<std::string>> overrides = ratesim::fuzz::SafeOverrides(text);
  if (!overrides) return 0;
  const std::string& path = ratesim::fuzz::ScenarioPath();
  absl::StatusOr<ratesim::Scenario> scenario = ratesim::ParseScenario(text, path, *overrides);
  if (!scenario.ok()) {
    FUZZ_CHECK(scenario.status().code() == absl::StatusCode::kInvalidArgument, "%s",
               scenario.status().ToString().c_str());
    ratesim::CheckLocated(scenario.status(), path);
    return 0;
  }
  ratesim::CheckScenario(*scenario);
  ratesim::CheckMessages(*scenario);
  const absl::Status volume = ratesim::CheckRunVolume(*scenario);
  if (!volume.ok()) {
    FUZZ_CHECK(volume.code() == absl::StatusCode::kInvalidArgument, "%s", volume.ToString().c_str());
    ratesim::CheckLocated(volume, path);
  }
  return 0;
}

// More scenario building blocks for simulator tests: a bare scenario to add streams to, token and
// service shorthands, an observer that keeps every attempt record, and series look-ups.
#ifndef RATESIM_TESTS_SUPPORT_SCENARIO_BUILDER_MORE_H_
#define RATESIM_TESTS_SUPPORT_SCENARIO_BUILDER_MORE_H_

#include <cmath>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "sim/metrics/run_metrics.h"
#include "sim/scenario/scenario.h"
#include "sim/simulate/attempt_record.h"
#include "sim/simulate/simulation.h"
#include "tests/support/scenario_builder.h"

namespace ratesim::testing {

inline TokenCount Tokens(double fixed) {
  TokenCount count;
  count.mean = fixed;
  return count;
}

inline ServiceTime ConstantService(double seconds) {
  ServiceTime service;
  service.kind = ServiceTime::Kind::kConstant;
  service.mean = FromSeconds(seconds);
  return service;
}

inline ServiceTime ExponentialService(double mean_seconds) {
  ServiceTime service;
  service.kind = ServiceTime::Kind::kExponential;
  service.mean = FromSeconds(mean_seconds);
  return service;
}

inline LimitSpec FixedLimits(double rpm, double tpm) {
  LimitSpec limits;
  limits.formula = "fixed";
  limits.params = {{"rpm", rpm}, {"tpm", tpm}};
  return limits;
}

inline ModelSpec Model(const std::string& name, int64_t replicas, int64_t concurrency,
                       ServiceTime service) {
  ModelSpec model;
  model.name = name;
  model.replicas = replicas;
  model.concurrency = concurrency;
  model.service = service;
  return model;
}

// A scenario of `duration_s` with one model "m", no limits, no orgs, no traces, and `policy`.
inline Scenario BareScenario(double duration_s, int64_t replicas, int64_t concurrency,
                             ServiceTime service, PolicySpec policy) {
  Scenario scenario;
  scenario.path = "<test>";
  scenario.run.duration = FromSeconds(duration_s);
  scenario.run.seed = 1;
  scenario.run.resolution = FromSeconds(duration_s / 10);
  scenario.run.drain = true;
  scenario.limits = NoLimits();
  scenario.models.push_back(Model("m", replicas, concurrency, service));
  scenario.policies.push_back(std::move(policy));
  return scenario;
}

// One stream of `shape` to `model`, 100 input and 100 output tokens, a client that gives up.
inline TrafficSpec Stream(const TrafficShape& shape, const std::string& model = "m") {
  TrafficSpec traffic;
  traffic.model = model;
  traffic.shape = shape;
  traffic.input_tokens = Tokens(100);
  traffic.max_output_tokens = Tokens(100);
  traffic.output_tokens = Tokens(100);
  return traffic;
}

inline OrgSpec Org(const std::string& name, std::vector<TrafficSpec> traffic) {
  OrgSpec org;
  org.name = name;
  org.traffic = std::move(traffic);
  return org;
}

inline TrafficShape ConstantShape(double rate_per_s) {
  TrafficShape shape;
  shape.kind = TrafficShape::Kind::kConstant;
  shape.rate_per_s = rate_per_s;
  return shape;
}

inline TrafficShape PoissonShape(double rate_per_s) {
  TrafficShape shape;
  shape.kind = TrafficShape::Kind::kPoisson;
  shape.rate_per_s = rate_per_s;
  return shape;
}

// Keeps every attempt record of a run, with the org and model names resolved.
class RecordingObserver : public AttemptObserver {
 public:
  struct Entry {
    AttemptRecord record;
    std::string org;
    std::string model;
  };
  void OnAttemptEnd(const AttemptRecord& record, const KeyRegistry& names) override {
    entries.push_back(Entry{record, names.org_name(record.org), names.model_name(record.model)});
  }
  std::vector<Entry> entries;
};

// Simulate with the scenario's first policy and seed, and an optional observer.
inline RunResult RunScenario(const Scenario& scenario, AttemptObserver* observer = nullptr) {
  SimulationOptions options;
  options.observer = observer;
  options.keep_series = true;
  absl::StatusOr<RunResult> result =
      Simulate(scenario, scenario.policies[0], scenario.run.seed, options);
  if (!result.ok()) {
    ADD_FAILURE() << result.status();
    return RunResult{"", 0, {}, {}, RunMetrics(0, 0)};
  }
  return *std::move(result);
}

// The (time, value) points of a per-model series metric, in time order.
inline std::vector<std::pair<Nanos, double>> ModelSeries(const RunMetrics& metrics,
                                                         SeriesMetric metric, uint32_t model = 0) {
  std::vector<std::pair<Nanos, double>> points;
  for (const SeriesPoint& point : metrics.series) {
    if (point.metric == metric && point.org == kNoOrg && point.model == model) {
      points.emplace_back(point.time, point.value);
    }
  }
  return points;
}

struct Estimate {
  double mean = 0.0;
  double standard_error = 0.0;
};

inline Estimate MeanAndStandardError(const std::vector<double>& values) {
  double mean = 0.0;
  for (double v : values) mean += v;
  mean /= static_cast<double>(values.size());
  double variance = 0.0;
  for (double v : values) variance += (v - mean) * (v - mean);
  variance /= static_cast<double>(values.size() - 1);
  return {mean, std::sqrt(variance / static_cast<double>(values.size()))};
}

}  // namespace ratesim::testing

#endif  // RATESIM_TESTS_SUPPORT_SCENARIO_BUILDER_MORE_H_

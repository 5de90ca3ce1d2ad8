#include "sim/report/summary_json.h"

#include <optional>

#include "engine/fail_reason.h"
#include "fmt/format.h"
#include "sim/metrics/fairness.h"
#include "sim/report/comparison_table.h"
#include "sim/report/json_writer.h"
#include "sim/report/replication_stats.h"

namespace ratesim {
namespace {

double Seconds(int64_t ns) { return ToSeconds(ns); }

// The time average of the model's buffer over the measured part of the run (after its warm-up).
double MeanBuffered(const RunMetrics& metrics, const ModelUsage& usage) {
  const Nanos span = metrics.measured_span();
  return span > 0 ? usage.buffered_ns / static_cast<double>(span) : 0.0;
}

constexpr const char* kFailedAttemptsByReason = "failed_attempts_by_reason";

void WriteOptional(const std::optional<double>& value, JsonWriter& json) {
  if (value) {
    json.Double(*value);
  } else {
    json.Null();
  }
}

// A histogram's quantile, mean and max in seconds; nullopt (null) when it recorded nothing, as
// the terminal shows "-": a slice where nothing finished has no latency, which 0 would call instant.
std::optional<double> QuantileSeconds(const LogHistogram& histogram, double q) {
  const std::optional<double> ns = QuantileNs(histogram, q);
  return ns ? std::optional<double>(*ns / kNanosPerSecond) : std::nullopt;
}
std::optional<double> MeanSeconds(const LogHistogram& histogram) {
  if (histogram.Count() == 0) return std::nullopt;
  return histogram.Mean() / kNanosPerSecond;
}
std::optional<double> MaxSeconds(const LogHistogram& histogram) {
  if (histogram.Count() == 0) return std::nullopt;
  return Seconds(histogram.Max());
}

constexpr std::pair<const char*, double> kQuantiles[] = {{"p50", 0.5}, {"p90", 0.9}, {"p99", 0.99}};

void WriteDistribution(const LogHistogram& histogram, JsonWriter& json) {
  json.BeginObject();
  json.Key("count");
  json.Uint(histogram.Count());
  for (const auto& [name, q] : kQuantiles) {
    json.Key(name);
    WriteOptional(QuantileSeconds(histogram, q), json);
  }
  json.Key("mean");
  WriteOptional(MeanSeconds(histogram), json);
  json.Key("max");
  WriteOptional(MaxSeconds(histogram), json);
  json.EndObject();
}

// The counts of every slice, by name, in the order they are written: a single run's as integers,
// replications' as estimates.
const std::pair<const char*, int64_t (*)(const OutcomeCounts&)> kCountFields[] = {
    {"offered", [](const OutcomeCounts& c) { return c.offered; }},
    {"ok", [](const OutcomeCounts& c) { return c.ok; }},
    {"r429_request", [](const OutcomeCounts& c) { return c.r429_request; }},
    {"r429_token", [](const OutcomeCounts& c) { return c.r429_token; }},
    {"r429", [](const OutcomeCounts& c) { return c.r429(); }},
    {"r503", [](const OutcomeCounts& c) { return c.r503; }},
    {"timed_out", [](const OutcomeCounts& c) { return c.timed_out; }},
    {"in_flight", [](const OutcomeCounts& c) { return c.in_flight; }},
    {"retries", [](const OutcomeCounts& c) { return c.retries; }},
    {"timeouts", [](const OutcomeCounts& c) { return c.timeouts; }},
    {"served_after_timeout", [](const OutcomeCounts& c) { return c.served_after_timeout; }},
    {"failed_after_timeout", [](const OutcomeCounts& c) { return c.failed_after_timeout; }},
    {"over_rate_attempts", [](const OutcomeCounts& c) { return c.over_rate_attempts; }},
};

// The fields of a slice, inside an object the caller opened (so it can add its own).
void WriteSliceFields(const SliceMetrics& slice, JsonWriter& json) {
  const OutcomeCounts& counts = slice.counts;
  for (const auto& [name, count] : kCountFields) {
    json.Key(name);
    json.Int(count(counts));
  }
  json.Key(kFailedAttemptsByReason);
  json.BeginObject();
  for (size_t reason = 0; reason < kFailReasonCount; ++reason) {
    json.Key(FailReasonName(static_cast<FailReason>(reason)));
    json.Int(counts.failed_attempts[reason]);
  }
  json.EndObject();
  // Null when nothing finished, as the replications' estimate leaves such a run out.
  json.Key("success_rate");
  WriteOptional(SuccessShare(counts), json);
  json.Key("latency");
  WriteDistribution(slice.latency, json);
  json.Key("queue_wait");
  WriteDistribution(slice.queue_wait, json);
}

// Fairness across orgs is written for runs of two orgs or more (with one it is 1 by definition),
// null where fewer than two finished a request (FairnessAcrossOrgs).
bool HasFairness(const RunMetrics& metrics) { return metrics.per_org.size() > 1; }

void WriteRateStats(const RateStats& stats, JsonWriter& json) {
  json.BeginObject();
  json.Key("mean");
  json.Double(stats.mean);
  json.Key("min");
  json.Double(stats.min);
  json.Key("max");
  json.Double(stats.max);
  json.Key("last");
  json.Double(stats.last);
  json.EndObject();
}

// "rates": {model: {"rpm": {...}, "tpm": {...}}} of `org`'s keys, in key order; nothing when the
// run summarised no rates.
void WriteOrgRates(const RunResult& run, const std::vector<const KeyRates*>& keys, JsonWriter& json) {
  if (keys.empty()) return;
  json.Key("rates");
  json.BeginObject();
  for (const KeyRates* key : keys) {
    json.Key(run.model_name(key->model));
    json.BeginObject();
    json.Key("rpm");
    WriteRateStats(key->requests_per_min, json);
    json.Key("tpm");
    WriteRateStats(key->tokens_per_min, json);
    json.EndObject();
  }
  json.EndObject();
}

void WriteRun(const RunResult& run, JsonWriter& json) {
  const RunMetrics& metrics = run.metrics;
  json.BeginObject();
  json.Key("seed");
  json.Uint(run.seed);
  json.Key("end_time_s");
  json.Double(Seconds(metrics.end_time));

  json.Key("overall");
  json.BeginObject();
  WriteSliceFields(metrics.overall, json);
  json.Key("utilisation");
  json.Double(OverallUtilisation(metrics));
  if (HasFairness(metrics)) {
    json.Key("fairness");
    WriteOptional(FairnessAcrossOrgs(metrics), json);
  }
  json.EndObject();

  std::vector<std::vector<const KeyRates*>> rates_of_org(metrics.per_org.size());
  for (const KeyRates& key : metrics.rates) {
    if (key.org < rates_of_org.size()) rates_of_org[key.org].push_back(&key);
  }
  json.Key("per_org");
  json.BeginObject();
  for (size_t org = 0; org < metrics.per_org.size(); ++org) {
    json.Key(run.org_name(org));
    json.BeginObject();
    WriteSliceFields(metrics.per_org[org], json);
    WriteOrgRates(run, rates_of_org[org], json);
    json.EndObject();
  }
  json.EndObject();

  json.Key("per_model");
  json.BeginObject();
  for (size_t model = 0; model < metrics.per_model.size(); ++model) {
    json.Key(run.model_name(model));
    json.BeginObject();
    WriteSliceFields(metrics.per_model[model], json);
    if (model < metrics.model_usage.size()) {
      const ModelUsage& usage = metrics.model_usage[model];
      json.Key("utilisation");
      json.Double(usage.utilisation());
      json.Key("slots");
      json.Int(usage.slots);
      json.Key("started");
      json.Int(usage.started);
      json.Key("mean_buffered");
      json.Double(MeanBuffered(metrics, usage));
    }
    json.EndObject();
  }
  json.EndObject();

  // Only when it happened: a run of a sound formula writes what it always wrote.
  if (!metrics.non_finite_rates.empty()) {
    json.Key("non_finite_rates");
    json.BeginArray();
    for (const NonFiniteRate& fault : metrics.non_finite_rates) {
      json.BeginObject();
      json.Key("org");
      json.String(run.org_name(fault.org));
      json.Key("model");
      json.String(run.model_name(fault.model));
      json.Key("requests_per_s");
      json.Int(fault.counts.requests);
      json.Key("tokens_per_s");
      json.Int(fault.counts.tokens);
      json.EndObject();
    }
    json.EndArray();
  }
  json.EndObject();
}

// --- With replications --------------------------------------------------------------------------

// A slice of a run (overall, one org, one model), or nullptr where the run lacks it.
using SliceOf = std::function<const SliceMetrics*(const RunResult&)>;

// {"mean": ..., "ci95": ...} of `metric` over `group`; null where undefined.
void WriteEstimate(const PolicyReplications& group, const RunMetric& metric, JsonWriter& json) {
  const MeanCi estimate = Estimate(group, metric);
  json.BeginObject();
  json.Key("mean");
  json.Double(estimate.mean);
  json.Key("ci95");
  json.Double(estimate.ci95);
  json.EndObject();
}

// `metric` of the slice `slice_of` picks, undefined where the run lacks the slice.
RunMetric OfSlice(const SliceOf& slice_of,
                  std::function<std::optional<double>(const SliceMetrics&)> metric) {
  return [slice_of, metric = std::move(metric)](const RunResult& run) -> std::optional<double> {
    const SliceMetrics* slice = slice_of(run);
    return slice == nullptr ? std::nullopt : metric(*slice);
  };
}

void WriteDistributionEstimates(const PolicyReplications& group, const SliceOf& slice_of,
                                LogHistogram SliceMetrics::*histogram, JsonWriter& json) {
  json.BeginObject();
  json.Key("count");
  WriteEstimate(group, OfSlice(slice_of, [histogram](const SliceMetrics& slice) {
                  return std::optional<double>(static_cast<double>((slice.*histogram).Count()));
                }),
                json);
  for (const auto& [name, q] : kQuantiles) {
    json.Key(name);
    WriteEstimate(group, OfSlice(slice_of, [histogram, q = q](const SliceMetrics& slice) {
                    return QuantileSeconds(slice.*histogram, q);
                  }),
                  json);
  }
  json.Key("mean");
  WriteEstimate(group, OfSlice(slice_of, [histogram](const SliceMetrics& slice) {
                  return MeanSeconds(slice.*histogram);
                }),
                json);
  json.Key("max");
  WriteEstimate(group, OfSlice(slice_of, [histogram](const SliceMetrics& slice) {
                  return MaxSeconds(slice.*histogram);
                }),
                json);
  json.EndObject();
}

// The estimates of a slice, inside an object the caller opened: the SLICE fields, each an
// estimate, plus the 429 and 503 shares of finished requests.
void WriteSliceEstimates(const PolicyReplications& group, const SliceOf& slice_of,
                         JsonWriter& json) {
  for (const auto& [name, count] : kCountFields) {
    json.Key(name);
    WriteEstimate(group, OfSlice(slice_of, [count = count](const SliceMetrics& slice) {
                    return std::optional<double>(static_cast<double>(count(slice.counts)));
                  }),
                  json);
  }
  json.Key(kFailedAttemptsByReason);
  json.BeginObject();
  for (size_t reason = 0; reason < kFailReasonCount; ++reason) {
    json.Key(FailReasonName(static_cast<FailReason>(reason)));
    WriteEstimate(group,
                  OfSlice(slice_of,
                          [reason](const SliceMetrics& slice) {
                            return std::optional<double>(
                                static_cast<double>(slice.counts.failed_attempts[reason]));
                          }),
                  json);
  }
  json.EndObject();
  const std::pair<const char*, std::optional<double> (*)(const OutcomeCounts&)> shares[] = {
      {"success_rate", &SuccessShare}, {"r429_share", &Share429}, {"r503_share", &Share503}};
  for (const auto& [name, share] : shares) {
    json.Key(name);
    WriteEstimate(group, OfSlice(slice_of, [share = share](const SliceMetrics& slice) {
                    return share(slice.counts);
                  }),
                  json);
  }
  json.Key("latency");
  WriteDistributionEstimates(group, slice_of, &SliceMetrics::latency, json);
  json.Key("queue_wait");
  WriteDistributionEstimates(group, slice_of, &SliceMetrics::queue_wait, json);
}

// A number of a model's usage, undefined where the run lacks the model.
RunMetric OfUsage(size_t model, double (*value)(const RunMetrics&, const ModelUsage&)) {
  return [model, value](const RunResult& run) -> std::optional<double> {
    if (model >= run.metrics.model_usage.size()) return std::nullopt;
    return value(run.metrics, run.metrics.model_usage[model]);
  };
}

void WriteReplications(const PolicyReplications& group, JsonWriter& json) {
  const RunResult& first = *group.runs.front();
  json.BeginObject();
  json.Key("replications");
  json.Int(static_cast<int64_t>(group.runs.size()));
  json.Key("seeds");
  json.BeginArray();
  for (const RunResult* run : group.runs) json.Uint(run->seed);
  json.EndArray();
  json.Key("end_time_s");
  WriteEstimate(group, [](const RunResult& run) {
    return std::optional<double>(Seconds(run.metrics.end_time));
  }, json);

  json.Key("overall");
  json.BeginObject();
  WriteSliceEstimates(group, [](const RunResult& run) { return &run.metrics.overall; }, json);
  json.Key("utilisation");
  WriteEstimate(group, [](const RunResult& run) {
    return std::optional<double>(OverallUtilisation(run.metrics));
  }, json);
  if (HasFairness(first.metrics)) {
    json.Key("fairness");
    WriteEstimate(group, [](const RunResult& run) { return FairnessAcrossOrgs(run.metrics); },
                  json);
  }
  json.EndObject();

  json.Key("per_org");
  json.BeginObject();
  for (size_t org = 0; org < first.metrics.per_org.size(); ++org) {
    json.Key(first.org_name(org));
    json.BeginObject();
    WriteSliceEstimates(group, [org](const RunResult& run) { return OrgSlice(run, org); }, json);
    json.EndObject();
  }
  json.EndObject();

  json.Key("per_model");
  json.BeginObject();
  for (size_t model = 0; model < first.metrics.per_model.size(); ++model) {
    json.Key(first.model_name(model));
    json.BeginObject();
    WriteSliceEstimates(group, [model](const RunResult& run) { return ModelSlice(run, model); },
                        json);
    if (model < first.metrics.model_usage.size()) {
      const std::pair<const char*, double (*)(const RunMetrics&, const ModelUsage&)> usages[] = {
          {"utilisation", [](const RunMetrics&, const ModelUsage& u) { return u.utilisation(); }},
          {"slots",
           [](const RunMetrics&, const ModelUsage& u) { return static_cast<double>(u.slots); }},
          {"started",
           [](const RunMetrics&, const ModelUsage& u) { return static_cast<double>(u.started); }},
          {"mean_buffered", MeanBuffered},
      };
      for (const auto& [name, value] : usages) {
        json.Key(name);
        WriteEstimate(group, OfUsage(model, value), json);
      }
    }
    json.EndObject();
  }
  json.EndObject();

  json.Key("runs");
  json.BeginArray();
  for (const RunResult* run : group.runs) WriteRun(*run, json);
  json.EndArray();
  json.EndObject();
}

}  // namespace

std::string SummaryJson(const std::vector<RunResult>& runs, int replications) {
  JsonWriter json;
  json.BeginObject();
  json.Key("policies");
  json.BeginObject();
  if (replications <= 1) {
    for (const RunResult& run : runs) {
      json.Key(run.policy);
      WriteRun(run, json);
    }
  } else {
    for (const PolicyReplications& group : GroupReplications(runs, replications)) {
      json.Key(group.policy);
      WriteReplications(group, json);
    }
  }
  json.EndObject();
  json.EndObject();
  return json.Take();
}

}  // namespace ratesim

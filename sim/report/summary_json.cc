#include "sim/report/summary_json.h"

#include "fmt/format.h"
#include "sim/report/comparison_table.h"
#include "sim/report/json_writer.h"

namespace ratesim {
namespace {

double Seconds(int64_t ns) { return ToSeconds(ns); }

void WriteDistribution(const LogHistogram& histogram, JsonWriter& json) {
  json.BeginObject();
  json.Key("count");
  json.Uint(histogram.Count());
  json.Key("p50");
  json.Double(Seconds(histogram.Quantile(0.5)));
  json.Key("p90");
  json.Double(Seconds(histogram.Quantile(0.9)));
  json.Key("p99");
  json.Double(Seconds(histogram.Quantile(0.99)));
  json.Key("mean");
  json.Double(histogram.Mean() / static_cast<double>(kNanosPerSecond));
  json.Key("max");
  json.Double(Seconds(histogram.Max()));
  json.EndObject();
}

// The fields of a slice, inside an object the caller opened (so it can add its own).
void WriteSliceFields(const SliceMetrics& slice, JsonWriter& json) {
  const OutcomeCounts& counts = slice.counts;
  const std::pair<const char*, int64_t> fields[] = {
      {"offered", counts.offered},         {"ok", counts.ok},
      {"r429_request", counts.r429_request}, {"r429_token", counts.r429_token},
      {"r429", counts.r429()},             {"r503", counts.r503},
      {"in_flight", counts.in_flight},
  };
  for (const auto& [name, value] : fields) {
    json.Key(name);
    json.Int(value);
  }
  json.Key("success_rate");
  json.Double(counts.success_rate());
  json.Key("latency");
  WriteDistribution(slice.latency, json);
  json.Key("queue_wait");
  WriteDistribution(slice.queue_wait, json);
}

std::string NameOr(const std::vector<std::string>& names, size_t id, const char* kind) {
  return id < names.size() ? names[id] : fmt::format("{}#{}", kind, id);
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
  json.EndObject();

  json.Key("per_org");
  json.BeginObject();
  for (size_t org = 0; org < metrics.per_org.size(); ++org) {
    json.Key(NameOr(run.org_names, org, "org"));
    json.BeginObject();
    WriteSliceFields(metrics.per_org[org], json);
    json.EndObject();
  }
  json.EndObject();

  json.Key("per_model");
  json.BeginObject();
  for (size_t model = 0; model < metrics.per_model.size(); ++model) {
    json.Key(NameOr(run.model_names, model, "model"));
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
      json.Double(metrics.end_time > 0 ? usage.buffered_ns / static_cast<double>(metrics.end_time)
                                       : 0.0);
    }
    json.EndObject();
  }
  json.EndObject();

  json.EndObject();
}

}  // namespace

std::string SummaryJson(const std::vector<RunResult>& runs) {
  JsonWriter json;
  json.BeginObject();
  json.Key("policies");
  json.BeginObject();
  for (const RunResult& run : runs) {
    json.Key(run.policy);
    WriteRun(run, json);
  }
  json.EndObject();
  json.EndObject();
  return json.Take();
}

}  // namespace ratesim

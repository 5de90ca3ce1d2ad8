#include "sim/report/timeseries_csv.h"

#include <cmath>

#include "fmt/format.h"

namespace ratesim {
namespace {

// The quoted names of `names`, so that each is quoted once per run rather than once per row.
std::vector<std::string> QuotedNames(const std::vector<std::string>& names) {
  std::vector<std::string> quoted;
  quoted.reserve(names.size());
  for (const std::string& name : names) quoted.push_back(CsvField(name));
  return quoted;
}

// The name of id `id`, or "<kind>#<id>" for an id the run has no name for.
std::string_view NameOf(const std::vector<std::string>& names, uint32_t id, const char* kind,
                        std::string& fallback) {
  if (id < names.size()) return names[id];
  fallback = fmt::format("{}#{}", kind, id);
  return fallback;
}

}  // namespace

std::string CsvField(std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(field);
  std::string out = "\"";
  for (const char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

TimeseriesCsvRows::TimeseriesCsvRows(std::string_view policy, int replication, std::ostream& out)
    : policy_(replication >= 0 ? fmt::format("{},{}", CsvField(policy), replication)
                               : CsvField(policy)),
      out_(out) {}

void TimeseriesCsvRows::SetNames(const std::vector<std::string>& orgs,
                                 const std::vector<std::string>& models) {
  orgs_ = QuotedNames(orgs);
  models_ = QuotedNames(models);
}

void TimeseriesCsvRows::Write(const std::vector<SeriesPoint>& points) {
  for (const SeriesPoint& point : points) {
    line_.clear();
    const std::string_view org =
        point.org == kNoOrg ? std::string_view() : NameOf(orgs_, point.org, "org", org_fallback_);
    const std::string_view model = NameOf(models_, point.model, "model", model_fallback_);
    fmt::format_to(std::back_inserter(line_), "{},{},{},{},{},", policy_, ToSeconds(point.time),
                   SeriesMetricName(point.metric), org, model);
    if (std::isfinite(point.value)) fmt::format_to(std::back_inserter(line_), "{}", point.value);
    line_.push_back('\n');
    out_.write(line_.data(), static_cast<std::streamsize>(line_.size()));
  }
}

void WriteTimeseriesCsv(const std::vector<RunResult>& runs, std::ostream& out, int replications) {
  const bool replicated = replications > 1;
  out << (replicated ? kReplicatedTimeseriesCsvHeader : kTimeseriesCsvHeader) << '\n';
  for (size_t i = 0; i < runs.size(); ++i) {
    const RunResult& run = runs[i];
    TimeseriesCsvRows rows(run.policy, replicated ? static_cast<int>(i % replications) : -1, out);
    rows.SetNames(run.org_names, run.model_names);
    rows.Write(run.metrics.series);
  }
}

// One run's part file and the rows streaming into it; names come with the first interval.
class TimeseriesLog::PartWriter : public SeriesSink {
 public:
  PartWriter(std::unique_ptr<RunParts::Part> part, std::string_view policy, int replication)
      : part_(std::move(part)), rows_(policy, replication, part_->stream()) {}
  void OnInterval(const std::vector<SeriesPoint>& points, const KeyRegistry& names) override {
    if (!named_) {
      std::vector<std::string> orgs;
      std::vector<std::string> models;
      for (OrgId org = 0; org < names.org_count(); ++org) orgs.push_back(names.org_name(org));
      for (ModelId model = 0; model < names.model_count(); ++model) {
        models.push_back(names.model_name(model));
      }
      rows_.SetNames(orgs, models);
      named_ = true;
    }
    rows_.Write(points);
  }

 private:
  std::unique_ptr<RunParts::Part> part_;
  TimeseriesCsvRows rows_;
  bool named_ = false;
};

TimeseriesLog::TimeseriesLog(StagedOutput& output, std::vector<std::string> policies,
                             int replications)
    : parts_(output, std::string(kTimeseriesCsvFileName), "time series", std::move(policies),
             replications),
      replicated_(replications > 1) {}

std::unique_ptr<SeriesSink> TimeseriesLog::Open(size_t policy, int replication) {
  std::unique_ptr<RunParts::Part> part = parts_.Open(policy, replication);
  if (part == nullptr) return nullptr;
  return std::make_unique<PartWriter>(std::move(part), parts_.policy(policy),
                                      replicated_ ? replication : -1);
}

absl::Status TimeseriesLog::Finish() {
  return parts_.Join(replicated_ ? kReplicatedTimeseriesCsvHeader : kTimeseriesCsvHeader);
}

}  // namespace ratesim

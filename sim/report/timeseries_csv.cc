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

void WriteTimeseriesCsv(const std::vector<RunResult>& runs, std::ostream& out, int replications) {
  const bool replicated = replications > 1;
  out << (replicated ? kReplicatedTimeseriesCsvHeader : kTimeseriesCsvHeader) << '\n';
  fmt::memory_buffer line;
  for (size_t i = 0; i < runs.size(); ++i) {
    const RunResult& run = runs[i];
    // The policy field, and with replications the replication field after it.
    const std::string policy =
        replicated ? fmt::format("{},{}", CsvField(run.policy), i % replications)
                   : CsvField(run.policy);
    const std::vector<std::string> orgs = QuotedNames(run.org_names);
    const std::vector<std::string> models = QuotedNames(run.model_names);
    std::string org_fallback;
    std::string model_fallback;

    for (const SeriesPoint& point : run.metrics.series) {
      line.clear();
      const std::string_view org =
          point.org == kNoOrg ? std::string_view() : NameOf(orgs, point.org, "org", org_fallback);
      const std::string_view model = NameOf(models, point.model, "model", model_fallback);
      fmt::format_to(std::back_inserter(line), "{},{},{},{},{},", policy, ToSeconds(point.time),
                     SeriesMetricName(point.metric), org, model);
      if (std::isfinite(point.value)) fmt::format_to(std::back_inserter(line), "{}", point.value);
      line.push_back('\n');
      out.write(line.data(), static_cast<std::streamsize>(line.size()));
    }
  }
}

}  // namespace ratesim

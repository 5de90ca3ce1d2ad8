#include "sim/report/report_writer.h"

#include "sim/report/output_dir.h"
#include "sim/report/summary_json.h"
#include "sim/report/timeseries_csv.h"

namespace ratesim {

const std::vector<ReportFormat>& ReportFormats() {
  static const std::vector<ReportFormat>* const formats = new std::vector<ReportFormat>{
      {"summary.json", "counts, success rate, latency and queue wait per policy, org and model",
       [](const ReportInput& input, std::ostream& out) { out << SummaryJson(input.runs); }},
      {"timeseries.csv", "every time-series point in long form (policy,time_s,metric,org,model,value)",
       [](const ReportInput& input, std::ostream& out) { WriteTimeseriesCsv(input.runs, out); }},
      {"run.json", "scenario path, title and hash, seed, duration, version, policies, command line",
       [](const ReportInput& input, std::ostream& out) { out << RunJson(input.metadata); }},
  };
  return *formats;
}

absl::Status WriteReports(const std::string& dir, const RunMetadata& metadata,
                          const std::vector<RunResult>& runs) {
  const ReportInput input{metadata, runs};
  std::vector<OutputFile> files;
  for (const ReportFormat& format : ReportFormats()) {
    files.push_back({format.file_name, [&input, &format](std::ostream& out) {
                       format.write(input, out);
                     }});
  }
  return PublishFiles(dir, files);
}

}  // namespace ratesim

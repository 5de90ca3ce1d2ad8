#include "sim/report/report_writer.h"

#include <algorithm>

#include "sim/report/summary_json.h"
#include "sim/report/timeseries_csv.h"

namespace ratesim {

const std::vector<ReportFormat>& ReportFormats() {
  static const std::vector<ReportFormat>* const formats = new std::vector<ReportFormat>{
      {"summary.json", "counts, success rate, latency and queue wait per policy, org and model",
       [](const ReportInput& input, std::ostream& out) {
         out << SummaryJson(input.runs, input.metadata.replications);
       }},
      {"timeseries.csv", "every time-series point in long form (policy,time_s,metric,org,model,value)",
       [](const ReportInput& input, std::ostream& out) {
         WriteTimeseriesCsv(input.runs, out, input.metadata.replications);
       }},
      {"run.json",
       "scenario path, title and hash, seed, replications and their seeds, duration, version, "
       "policies, command line",
       [](const ReportInput& input, std::ostream& out) { out << RunJson(input.metadata); }},
  };
  return *formats;
}

absl::Status PublishReports(StagedOutput& output, const RunMetadata& metadata,
                            const std::vector<RunResult>& runs,
                            const std::vector<std::string>& staged, const OwnedFiles& owned) {
  const ReportInput input{metadata, runs};
  std::vector<std::string> names;
  for (const ReportFormat& format : ReportFormats()) {
    names.push_back(format.file_name);
    if (std::find(staged.begin(), staged.end(), format.file_name) != staged.end()) continue;
    const OutputFile file = {format.file_name, [&input, &format](std::ostream& out) {
                               format.write(input, out);
                             }};
    if (absl::Status status = output.Write(file); !status.ok()) return status;
  }
  for (const std::string& name : staged) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  return output.Publish(names, owned);
}

absl::Status WriteReports(const std::string& dir, const RunMetadata& metadata,
                          const std::vector<RunResult>& runs) {
  absl::StatusOr<std::unique_ptr<StagedOutput>> output = StagedOutput::Create(dir);
  if (!output.ok()) return output.status();
  return PublishReports(**output, metadata, runs);
}

}  // namespace ratesim

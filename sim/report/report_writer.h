// The seam between results and output formats: every machine-readable report, by file name, and the
// one call that writes them all into an output directory atomically (see output_dir.h).
#ifndef RATESIM_SIM_REPORT_REPORT_WRITER_H_
#define RATESIM_SIM_REPORT_REPORT_WRITER_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "sim/metrics/run_metrics.h"
#include "sim/report/output_dir.h"
#include "sim/report/run_metadata.h"

namespace ratesim {

// What every report reads: the runs of one command and what produced them. `runs` holds
// runs[p * metadata.replications + r], as RunComparison returns them.
struct ReportInput {
  const RunMetadata& metadata;
  const std::vector<RunResult>& runs;
};

struct ReportFormat {
  std::string file_name;  // "summary.json"
  std::string summary;    // one line for --help
  void (*write)(const ReportInput& input, std::ostream& out);
};

// Every report written into an output directory, in a stable order: summary.json, timeseries.csv,
// run.json.
const std::vector<ReportFormat>& ReportFormats();

// Writes every ReportFormats() file for `runs` into `output`, then publishes them together with the
// files already staged there that `staged` names (such as audit.csv): all of them, or on failure
// none (and an error naming the path and the reason). A format whose file `staged` names was
// staged while the runs went (timeseries.csv, streamed by a TimeseriesLog) and is not written again.
// Files of the directory that `owned` accepts and this call does not publish are removed.
absl::Status PublishReports(StagedOutput& output, const RunMetadata& metadata,
                            const std::vector<RunResult>& runs,
                            const std::vector<std::string>& staged = {},
                            const OwnedFiles& owned = {});

// PublishReports into a new StagedOutput for `dir`.
absl::Status WriteReports(const std::string& dir, const RunMetadata& metadata,
                          const std::vector<RunResult>& runs);

}  // namespace ratesim

#endif  // RATESIM_SIM_REPORT_REPORT_WRITER_H_

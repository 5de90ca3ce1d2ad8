// timeseries.csv: every SeriesPoint of every run in long form, one row each, for plotting:
//
//   policy,time_s,metric,org,model,value
//   fifo,10,offered,acme,llama-70b,412
//   fifo,10,utilisation,,llama-70b,0.83
//
// `org` is empty for per-model metrics; names come from the run's org_names and model_names, metric
// names from SeriesMetricName. Fields are quoted per RFC 4180 when they hold a comma, quote or line
// break. A non-finite value is written as an empty field. Rows follow run order, then series order.
//
// With N > 1 replications per policy, a `replication` column (0 .. N-1) follows `policy`:
//
//   policy,replication,time_s,metric,org,model,value
//   fifo,0,10,offered,acme,llama-70b,412
//
// The series is not kept in memory by the command: a TimeseriesLog gives each run a SeriesSink that
// streams its rows into a part file of the staged output (run_parts.h), joined in run order at the
// end. WriteTimeseriesCsv writes the same bytes from runs that kept their series.
#ifndef RATESIM_SIM_REPORT_TIMESERIES_CSV_H_
#define RATESIM_SIM_REPORT_TIMESERIES_CSV_H_

#include <cstddef>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "fmt/format.h"
#include "sim/metrics/run_metrics.h"
#include "sim/metrics/series_sink.h"
#include "sim/report/output_dir.h"
#include "sim/report/run_parts.h"

namespace ratesim {

inline constexpr std::string_view kTimeseriesCsvFileName = "timeseries.csv";

inline constexpr std::string_view kTimeseriesCsvHeader = "policy,time_s,metric,org,model,value";
inline constexpr std::string_view kReplicatedTimeseriesCsvHeader =
    "policy,replication,time_s,metric,org,model,value";

// The rows (no header) of one run, written as its points come.
class TimeseriesCsvRows {
 public:
  // `replication` < 0: no replication column. `out` is not owned and must outlive this.
  TimeseriesCsvRows(std::string_view policy, int replication, std::ostream& out);
  // The names of the run's org and model ids. REQUIRES: called before the points it names.
  void SetNames(const std::vector<std::string>& orgs, const std::vector<std::string>& models);
  void Write(const std::vector<SeriesPoint>& points);

 private:
  std::string policy_;                // the policy field, with the replication field after it
  std::ostream& out_;
  std::vector<std::string> orgs_;     // quoted names by id
  std::vector<std::string> models_;
  std::string org_fallback_;
  std::string model_fallback_;
  fmt::memory_buffer line_;
};

// `runs` holds runs[p * replications + r] (RunComparison's order), each with its series kept.
// REQUIRES: replications >= 1.
void WriteTimeseriesCsv(const std::vector<RunResult>& runs, std::ostream& out,
                        int replications = 1);

// The staged timeseries.csv of the runs of one comparison, streamed as they go.
class TimeseriesLog {
 public:
  // `output` is not owned and must outlive the log.
  TimeseriesLog(StagedOutput& output, std::vector<std::string> policies, int replications);

  // The sink of run (policy, replication), streaming to its part file until destroyed. Thread-safe
  // for distinct runs. Returns null if the part cannot be created (Finish reports it).
  std::unique_ptr<SeriesSink> Open(size_t policy, int replication);

  // Writes the staged timeseries.csv: the header, then every run's rows in run order.
  // REQUIRES: every sink Open returned has been destroyed.
  absl::Status Finish();

 private:
  class PartWriter;
  RunParts parts_;
  bool replicated_;
};

// `field` as one CSV field: unchanged, or quoted with inner quotes doubled when it needs it.
std::string CsvField(std::string_view field);

}  // namespace ratesim

#endif  // RATESIM_SIM_REPORT_TIMESERIES_CSV_H_

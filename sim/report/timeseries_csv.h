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
#ifndef RATESIM_SIM_REPORT_TIMESERIES_CSV_H_
#define RATESIM_SIM_REPORT_TIMESERIES_CSV_H_

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "sim/metrics/run_metrics.h"

namespace ratesim {

inline constexpr std::string_view kTimeseriesCsvHeader = "policy,time_s,metric,org,model,value";
inline constexpr std::string_view kReplicatedTimeseriesCsvHeader =
    "policy,replication,time_s,metric,org,model,value";

// `runs` holds runs[p * replications + r] (RunComparison's order). REQUIRES: replications >= 1.
void WriteTimeseriesCsv(const std::vector<RunResult>& runs, std::ostream& out,
                        int replications = 1);

// `field` as one CSV field: unchanged, or quoted with inner quotes doubled when it needs it.
std::string CsvField(std::string_view field);

}  // namespace ratesim

#endif  // RATESIM_SIM_REPORT_TIMESERIES_CSV_H_

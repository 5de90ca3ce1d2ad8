// The rows of a sweep: one per (point, policy), as formatted text cells, and the columns they fill.
// Rows are text from the moment they are made, so an unsharded run and `ratesim merge` write the
// same bytes from the same cells and merging never reformats a number.
//
// Columns, in order (NA is an empty cell):
//   scenario                   the scenario file, as given
//   <one per --grid key>       that key's value at this point, as given
//   policy                     the policy's label; a scenario with several policies gives one row
//                              each
//   replications               runs the estimates are over
//   offered                    mean requests offered per run
//   success_rate               ok / finished
//   share_429, share_503       429 / finished, 503 / finished
//   share_timed_out            requests whose client gave up waiting (its timeout) / finished
//   latency_p50_s, latency_p99_s, wait_p99_s
//                              successful-request latency and queue-wait quantiles
//   utilisation                busy share of all slots
//   steady_success, steady_worst_success, spiking_429_share, fairness, recovery_s
//                              the scores of scores.h; recovery_s over the replications that
//                              recovered only (at any time, even past the horizon)
//   rate_low_share, rate_recovery_s, rate_after_share
//                              the dynamic rate of the model that went down in the last restored
//                              outage, its keys' summed (recovery.h): at its lowest from the drop
//                              to 10 minutes after the restore, over its value before the drop;
//                              the seconds from the restore until it is back within 5% of that
//                              value, over the replications where it came back; its share of that
//                              value 10 minutes after the restore
//   failed_no_capacity, failed_buffer_full, failed_would_expire, failed_expired,
//   failed_displaced, failed_shed
//                              attempts per run that failed for that reason of the policy's
//                              (FailReason), those its client retried included
//   recovered_share            of the replications whose spiral could be judged (recovery.h), the
//                              share that recovered within the horizon: 1 - spiral_share
//   spiral                     true / false: more than half the replications that could be judged
//                              spiralled (recovery.h)
//   spiral_share               the share of those replications that spiralled
//   rate_returned_share        of the replications whose rate was measured in the outage
//                              (rate_low_share defined), the share where it came back within 5%
//                              before the traffic ended: the replications rate_recovery_s is over
//   non_finite_rates           request and token rates, summed over the replications, that the
//                              limit formula computed as NaN or infinite and that were set to
//                              their floor instead (RunMetrics::non_finite_rates): 0 but for a
//                              faulty `expr`
// recovered_share, spiral and spiral_share are NA when no replication could be judged (no restored
// outage, among others). Each metric from success_rate to failed_shed is the mean over the
// replications that define it, followed by `<name>_ci95`, the half-width of its 95% Student-t
// interval (NA for fewer than two such replications). Numbers have 6 significant digits.
#ifndef RATESIM_SIM_SWEEP_SWEEP_ROWS_H_
#define RATESIM_SIM_SWEEP_SWEEP_ROWS_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "sim/metrics/run_metrics.h"
#include "sim/scenario/scenario.h"
#include "sim/sweep/grid.h"
#include "sim/sweep/recovery.h"

namespace ratesim {

// How a cell is written in sweep.json (the csv writes every cell as it is): kText as a string;
// kGridValue as the JSON of the TOML value the text is (GridValueJson: 1.5 a number, "1m" and 1m
// the string "1m"); kNumber a number and kBool true / false, empty as null.
enum class CellKind { kText, kGridValue, kNumber, kBool };

struct SweepColumn {
  std::string name;
  CellKind kind;
};

using SweepRow = std::vector<std::string>;  // one cell per column

// Of one row, the replications' values of each score the sweep's verdict weighs
// (VerdictMetricNames): values[m][r] is metric m in replication r, NaN where undefined. Two rows
// are compared replication by replication, since replication r of every row ran on the same seed.
using RowSamples = std::vector<std::vector<double>>;

// The rows of one point, in policy order, and their samples (one per row; none where they were
// not kept, as in a shard file written without them).
struct PointRows {
  size_t point = 0;
  std::vector<SweepRow> rows;
  std::vector<RowSamples> samples;
};

// Whether the metric column `column` is of the slice a row judges (the org of --org: offered to
// wait_p99_s and the failed attempts), not of the whole platform.
bool IsOfJudgedSlice(const std::string& column);

// The metric columns the verdict weighs, whose samples a row keeps, in RowSamples order.
const std::vector<std::string>& VerdictMetricNames();

// The columns of a sweep over `grid`.
std::vector<SweepColumn> SweepColumns(const std::vector<GridAxis>& grid);

// The rows of one point. `runs` are policy-major with `replications` runs per policy (as
// RunComparison returns them) of `scenario` at grid values `values`; `scenario_path` fills the
// scenario column; `recoveries[i]` is run i's recovery (ScoreRun), judged while it ran.
// REQUIRES: replications >= 1 divides runs.size(); recoveries.size() == runs.size().
// `samples`, when not null, receives each row's RowSamples. With an `org`, the row's outcomes (offered
// to wait_p99_s, and the failed attempts) are that org's, or its copies' together when `org` is
// the name an [[orgs]] with `copies` wrote; the scores of the whole platform
// (utilisation, the steady and spiking orgs', fairness, recovery and the rate in an outage) stay
// the run's.
std::vector<SweepRow> MakePointRows(const std::string& scenario_path,
                                    const std::vector<std::string>& values,
                                    const Scenario& scenario, const std::vector<RunResult>& runs,
                                    const std::vector<std::optional<Recovery>>& recoveries,
                                    int replications, std::string_view org = {},
                                    std::vector<RowSamples>* samples = nullptr);

// Where the column `name` sits in a row of `columns`; columns.size() when there is none.
size_t ColumnIndex(const std::vector<SweepColumn>& columns, const std::string& name);

// A number cell read back: NaN for an empty one (NA).
double CellNumber(const std::string& cell);

// The row's non_finite_rates. REQUIRES: `row` has a cell per column of `columns`.
int64_t NonFiniteRates(const SweepRow& row, const std::vector<SweepColumn>& columns);

// `value` with 6 significant digits; empty (NA) when not finite.
std::string FormatCell(double value);

}  // namespace ratesim

#endif  // RATESIM_SIM_SWEEP_SWEEP_ROWS_H_

#include "sim/sweep/sweep_rows.h"

#include <cmath>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_set.h"
#include "engine/fail_reason.h"
#include "fmt/format.h"
#include "sim/metrics/confidence.h"
#include "sim/report/replication_stats.h"
#include "sim/sweep/scores.h"

namespace ratesim {
namespace {

constexpr char kNonFiniteRatesColumn[] = "non_finite_rates";

// A half-width this small relative to its mean is floating-point rounding, not spread.
constexpr double kRoundingNoise = 1e-12;

// One run with its scores, which take a pass over the run's orgs and series: computed once; and
// the slice its row judges: the whole run's, or the org's a sweep was asked to judge (JudgedSlice).
struct ScoredRun {
  const RunResult* run;
  RunScores scores;
  std::shared_ptr<const SliceMetrics> judged;
};

using ScoredMetric = std::function<std::optional<double>(const ScoredRun&)>;

struct MetricColumn {
  std::string name;
  ScoredMetric metric;
  bool of_judged_slice = false;  // of the slice the row judges (--org), not the whole platform
};

std::optional<double> Seconds(std::optional<double> ns) {
  if (!ns) return std::nullopt;
  return *ns / static_cast<double>(kNanosPerSecond);
}

// The metrics reported as mean and 95% half-width, in column order: the scores, then the failed
// attempts per run by the policy's reason.
std::vector<MetricColumn> MakeMetricColumns() {
  std::vector<MetricColumn> columns = {
      {"success_rate", [](const ScoredRun& r) { return SuccessShare(r.judged->counts); }, true},
      {"share_429", [](const ScoredRun& r) { return Share429(r.judged->counts); }, true},
      {"share_503", [](const ScoredRun& r) { return Share503(r.judged->counts); }, true},
      {"share_timed_out", [](const ScoredRun& r) { return ShareTimedOut(r.judged->counts); },
       true},
      {"latency_p50_s",
       [](const ScoredRun& r) { return Seconds(QuantileNs(r.judged->latency, 0.5)); }, true},
      {"latency_p99_s",
       [](const ScoredRun& r) { return Seconds(QuantileNs(r.judged->latency, 0.99)); }, true},
      {"wait_p99_s",
       [](const ScoredRun& r) { return Seconds(QuantileNs(r.judged->queue_wait, 0.99)); }, true},
      {"utilisation",
       [](const ScoredRun& r) { return std::optional<double>(r.scores.utilisation); }},
      {"steady_success", [](const ScoredRun& r) { return r.scores.steady_success; }},
      {"steady_worst_success", [](const ScoredRun& r) { return r.scores.steady_worst_success; }},
      {"spiking_429_share", [](const ScoredRun& r) { return r.scores.spiking_429_share; }},
      {"fairness", [](const ScoredRun& r) { return r.scores.fairness; }},
      {"recovery_s", [](const ScoredRun& r) { return r.scores.recovery_s; }},
      {"rate_low_share", [](const ScoredRun& r) { return r.scores.rate_low_share; }},
      {"rate_recovery_s", [](const ScoredRun& r) { return r.scores.rate_recovery_s; }},
      {"rate_after_share", [](const ScoredRun& r) { return r.scores.rate_after_share; }},
  };
  for (size_t reason = 0; reason < kFailReasonCount; ++reason) {
    columns.push_back({fmt::format("failed_{}", FailReasonName(static_cast<FailReason>(reason))),
                       [reason](const ScoredRun& r) {
                         return std::optional<double>(
                             static_cast<double>(r.judged->counts.failed_attempts[reason]));
                       },
                       true});
  }
  return columns;
}

const std::vector<MetricColumn>& MetricColumns() {
  static const std::vector<MetricColumn>* const columns =
      new std::vector<MetricColumn>(MakeMetricColumns());
  return *columns;
}

const MetricColumn& MetricNamed(const std::string& name) {
  for (const MetricColumn& column : MetricColumns()) {
    if (column.name == name) return column;
  }
  std::abort();  // VerdictMetricNames names metric columns only
}

// The slice of `run` a row judges: the whole run's when `org` is empty, else the traffic of the
// scenario's org named `org` or of all the copies of it (`copies`, a name as its [[orgs]] wrote
// it), merged. An org the run does not have (its scenario was checked, PlanSweep) judges as one
// that sent nothing.
std::shared_ptr<const SliceMetrics> JudgedSlice(const Scenario& scenario, const RunResult& run,
                                                std::string_view org) {
  if (org.empty()) return {std::shared_ptr<void>(), &run.metrics.overall};  // not owned
  absl::flat_hash_set<std::string_view> names = {org};
  for (const OrgSpec& spec : scenario.orgs) {
    if (spec.copy_of == org) names.insert(spec.name);
  }
  std::shared_ptr<SliceMetrics> judged;
  for (size_t id = 0; id < run.metrics.per_org.size(); ++id) {
    if (!names.contains(run.org_name(id))) continue;
    const SliceMetrics& slice = run.metrics.per_org[id];
    if (judged == nullptr) {
      judged = std::make_shared<SliceMetrics>(slice);
      continue;
    }
    judged->counts.Add(slice.counts);
    judged->latency.Merge(slice.latency);
    judged->queue_wait.Merge(slice.queue_wait);
  }
  return judged != nullptr ? judged
                           : std::make_shared<SliceMetrics>(LogHistogram::kDefaultSubBucketBits);
}

RowSamples Samples(const std::vector<ScoredRun>& runs) {
  RowSamples samples;
  for (const std::string& name : VerdictMetricNames()) {
    const ScoredMetric& metric = MetricNamed(name).metric;
    std::vector<double>& values = samples.emplace_back();
    for (const ScoredRun& run : runs) values.push_back(metric(run).value_or(std::nan("")));
  }
  return samples;
}

MeanCi Estimate(const std::vector<ScoredRun>& runs, const ScoredMetric& metric) {
  std::vector<double> values;
  for (const ScoredRun& run : runs) {
    if (const std::optional<double> value = metric(run)) values.push_back(*value);
  }
  return MeanConfidence(values);
}

// Appends the estimate of `metric` over `runs` to `row`: its mean, then its 95% half-width.
void AppendEstimate(const std::vector<ScoredRun>& runs, const ScoredMetric& metric, SweepRow& row) {
  const MeanCi estimate = Estimate(runs, metric);
  row.push_back(FormatCell(estimate.mean));
  // Equal values give a half-width of rounding noise (1e-15 s); it means 0, so it says 0.
  const bool noise = estimate.ci95 <= kRoundingNoise * std::fabs(estimate.mean);
  row.push_back(FormatCell(noise ? 0.0 : estimate.ci95));
}

}  // namespace

bool IsOfJudgedSlice(const std::string& column) {
  for (const MetricColumn& metric : MetricColumns()) {
    if (metric.name == column) return metric.of_judged_slice;
  }
  return false;
}

const std::vector<std::string>& VerdictMetricNames() {
  static const std::vector<std::string>* const names = new std::vector<std::string>{
      "success_rate",   "steady_success", "steady_worst_success", "share_503",
      "fairness",       "latency_p99_s",  "rate_low_share",       "rate_recovery_s"};
  return *names;
}

size_t ColumnIndex(const std::vector<SweepColumn>& columns, const std::string& name) {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == name) return i;
  }
  return columns.size();
}

double CellNumber(const std::string& cell) {
  return cell.empty() ? std::nan("") : std::strtod(cell.c_str(), nullptr);
}

int64_t NonFiniteRates(const SweepRow& row, const std::vector<SweepColumn>& columns) {
  const size_t column = ColumnIndex(columns, kNonFiniteRatesColumn);
  return column < columns.size() ? std::strtoll(row[column].c_str(), nullptr, 10) : 0;
}

std::string FormatCell(double value) {
  if (!std::isfinite(value)) return "";
  if (value == 0.0) return "0";  // never "-0"
  return fmt::format("{:.6g}", value);
}

std::vector<SweepColumn> SweepColumns(const std::vector<GridAxis>& grid) {
  std::vector<SweepColumn> columns = {{"scenario", CellKind::kText}};
  for (const GridAxis& axis : grid) columns.push_back({axis.key, CellKind::kGridValue});
  columns.push_back({"policy", CellKind::kText});
  columns.push_back({"replications", CellKind::kNumber});
  columns.push_back({"offered", CellKind::kNumber});
  for (const MetricColumn& metric : MetricColumns()) {
    columns.push_back({metric.name, CellKind::kNumber});
    columns.push_back({metric.name + "_ci95", CellKind::kNumber});
  }
  columns.push_back({"recovered_share", CellKind::kNumber});
  columns.push_back({"spiral", CellKind::kBool});
  columns.push_back({"spiral_share", CellKind::kNumber});
  columns.push_back({"rate_returned_share", CellKind::kNumber});
  columns.push_back({kNonFiniteRatesColumn, CellKind::kNumber});
  return columns;
}

std::vector<SweepRow> MakePointRows(const std::string& scenario_path,
                                    const std::vector<std::string>& values,
                                    const Scenario& scenario, const std::vector<RunResult>& runs,
                                    const std::vector<std::optional<Recovery>>& recoveries,
                                    int replications, std::string_view org,
                                    std::vector<RowSamples>* samples) {
  std::vector<SweepRow> rows;
  for (const PolicyReplications& group : GroupReplications(runs, replications)) {
    std::vector<ScoredRun> scored;
    for (const RunResult* run : group.runs) {
      const size_t index = static_cast<size_t>(run - runs.data());
      scored.push_back(
          {run, ScoreRun(scenario, *run, recoveries[index]), JudgedSlice(scenario, *run, org)});
    }

    SweepRow row = {scenario_path};
    row.insert(row.end(), values.begin(), values.end());
    row.push_back(group.policy);
    row.push_back(fmt::format("{}", group.runs.size()));
    row.push_back(FormatCell(Estimate(scored, [](const ScoredRun& r) {
                               return std::optional<double>(
                                   static_cast<double>(r.judged->counts.offered));
                             }).mean));
    for (const MetricColumn& metric : MetricColumns()) AppendEstimate(scored, metric.metric, row);
    int judged = 0;
    int spirals = 0;
    for (const ScoredRun& run : scored) {
      if (!run.scores.spiral) continue;
      ++judged;
      if (*run.scores.spiral) ++spirals;
    }
    row.push_back(judged == 0 ? "" : FormatCell(static_cast<double>(judged - spirals) / judged));
    row.push_back(judged == 0 ? "" : (2 * spirals > judged ? "true" : "false"));
    row.push_back(judged == 0 ? "" : FormatCell(static_cast<double>(spirals) / judged));
    // Of the replications whose rate was measured in the outage, the share where it came back: the
    // replications rate_recovery_s is the mean over.
    int measured = 0;
    int returned = 0;
    for (const ScoredRun& run : scored) {
      if (!run.scores.rate_low_share) continue;
      ++measured;
      if (run.scores.rate_recovery_s) ++returned;
    }
    row.push_back(measured == 0 ? "" : FormatCell(static_cast<double>(returned) / measured));
    int64_t non_finite = 0;
    for (const RunResult* run : group.runs) non_finite += NonFiniteRateCount(run->metrics);
    row.push_back(fmt::format("{}", non_finite));
    rows.push_back(std::move(row));
    if (samples != nullptr) samples->push_back(Samples(scored));
  }
  return rows;
}

}  // namespace ratesim

#include "sim/report/comparison_table.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <optional>

#include "fmt/format.h"
#include "sim/report/human_units.h"
#include "sim/report/replication_stats.h"
#include "sim/report/text_table.h"

namespace ratesim {
namespace {

using Align = TextTable::Align;

std::string Count(int64_t value) { return fmt::format("{}", value); }

// A latency quantile, or "-" when nothing was recorded (so an empty slice does not read as 0ms).
std::string Quantile(const LogHistogram& histogram, double q) {
  return histogram.Count() == 0 ? "-" : FormatLatency(histogram.Quantile(q));
}

std::string Success(const OutcomeCounts& counts) {
  return counts.finished() == 0 ? "-" : FormatPercent(counts.success_rate());
}

// Whether any run's overall `field` (retries, in_flight, timed_out, served_after_timeout) is above
// 0: the tables show its column then.
bool AnyRun(const std::vector<RunResult>& runs, int64_t OutcomeCounts::*field) {
  return std::any_of(runs.begin(), runs.end(),
                     [field](const RunResult& run) { return run.metrics.overall.counts.*field > 0; });
}

std::string PolicyTable(const std::vector<RunResult>& runs) {
  const bool any_in_flight = AnyRun(runs, &OutcomeCounts::in_flight);
  const bool any_retries = AnyRun(runs, &OutcomeCounts::retries);
  const bool any_timed_out = AnyRun(runs, &OutcomeCounts::timed_out);
  const bool any_wasted = AnyRun(runs, &OutcomeCounts::served_after_timeout);
  std::vector<TextTable::Column> columns = {
      {"policy", Align::kLeft}, {"offered"}, {"200"}, {"429 req"}, {"429 tok"}, {"503"}};
  if (any_timed_out) columns.push_back({"timed out"});
  if (any_retries) columns.push_back({"retries"});
  if (any_wasted) columns.push_back({"wasted"});
  if (any_in_flight) columns.push_back({"in flight"});
  for (const char* header : {"success", "p50", "p99", "p99 wait", "util"}) {
    columns.push_back({header});
  }
  TextTable table(std::move(columns));
  for (const RunResult& run : runs) {
    const SliceMetrics& overall = run.metrics.overall;
    const OutcomeCounts& counts = overall.counts;
    std::vector<std::string> row = {run.policy,
                                    Count(counts.offered),
                                    Count(counts.ok),
                                    Count(counts.r429_request),
                                    Count(counts.r429_token),
                                    Count(counts.r503)};
    if (any_timed_out) row.push_back(Count(counts.timed_out));
    if (any_retries) row.push_back(Count(counts.retries));
    if (any_wasted) row.push_back(Count(counts.served_after_timeout));
    if (any_in_flight) row.push_back(Count(counts.in_flight));
    row.push_back(Success(counts));
    row.push_back(Quantile(overall.latency, 0.5));
    row.push_back(Quantile(overall.latency, 0.99));
    row.push_back(Quantile(overall.queue_wait, 0.99));
    row.push_back(FormatPercent(OverallUtilisation(run.metrics)));
    table.AddRow(std::move(row));
  }
  return table.Render();
}

// Ids of the orgs to show: all of them if they fit, else the `max_orgs` busiest, in id order.
std::vector<size_t> OrgsToShow(const RunResult& run, size_t max_orgs) {
  std::vector<size_t> orgs(run.metrics.per_org.size());
  std::iota(orgs.begin(), orgs.end(), 0);
  if (orgs.size() <= max_orgs) return orgs;
  std::stable_sort(orgs.begin(), orgs.end(), [&](size_t a, size_t b) {
    return run.metrics.per_org[a].counts.offered > run.metrics.per_org[b].counts.offered;
  });
  orgs.resize(max_orgs);
  std::sort(orgs.begin(), orgs.end());
  return orgs;
}

std::string OrgName(const RunResult& run, size_t org) {
  return org < run.org_names.size() ? run.org_names[org] : fmt::format("org#{}", org);
}

// The org table's columns of the org's dynamic rate (OrgRateRpm), where the runs summarised rates:
// what the formula gave it, beside what it got; its mean over the traffic, and where it ended (a
// rate earned by use climbs through the run, so the mean alone reads low).
struct RateColumn {
  const char* name;
  double RateStats::*stat;
};
constexpr RateColumn kRateColumns[] = {{"mean rate", &RateStats::mean},
                                       {"rate at end", &RateStats::last}};

std::string RateCell(std::optional<double> rpm) {
  return rpm ? fmt::format("{:.0f} rpm", *rpm) : "-";
}

std::string OrgTable(const std::vector<RunResult>& runs, size_t max_orgs) {
  const size_t org_count = runs.front().metrics.per_org.size();
  if (max_orgs == 0 || org_count < 2) return "";
  const std::vector<size_t> orgs = OrgsToShow(runs.front(), max_orgs);
  // Retries per org, as the policy table has them overall: which org's clients retried how much.
  const bool any_retries = AnyRun(runs, &OutcomeCounts::retries);
  const bool any_timed_out = AnyRun(runs, &OutcomeCounts::timed_out);
  const bool rates = !runs.front().metrics.rates.empty();
  std::vector<TextTable::Column> columns = {
      {"org", Align::kLeft}, {"policy", Align::kLeft}, {"offered"}, {"200"}, {"429"}, {"503"}};
  if (any_timed_out) columns.push_back({"timed out"});
  if (any_retries) columns.push_back({"retries"});
  columns.push_back({"success"});
  columns.push_back({"p99"});
  if (rates) {
    for (const RateColumn& rate : kRateColumns) columns.push_back({rate.name});
  }
  TextTable table(std::move(columns));
  for (const size_t org : orgs) {
    for (const RunResult& run : runs) {
      if (org >= run.metrics.per_org.size()) continue;
      const SliceMetrics& slice = run.metrics.per_org[org];
      std::vector<std::string> row = {OrgName(run, org),          run.policy,
                                      Count(slice.counts.offered), Count(slice.counts.ok),
                                      Count(slice.counts.r429()),  Count(slice.counts.r503)};
      if (any_timed_out) row.push_back(Count(slice.counts.timed_out));
      if (any_retries) row.push_back(Count(slice.counts.retries));
      row.push_back(Success(slice.counts));
      row.push_back(Quantile(slice.latency, 0.99));
      if (rates) {
        for (const RateColumn& rate : kRateColumns) {
          row.push_back(RateCell(OrgRateRpm(run.metrics, static_cast<uint32_t>(org), rate.stat)));
        }
      }
      table.AddRow(std::move(row));
    }
  }
  std::string out = "\nper org:\n" + table.Render();
  if (orgs.size() < org_count) {
    out += fmt::format("({} more orgs with less traffic not shown; summary.json has every org)\n",
                       org_count - orgs.size());
  }
  return out;
}

// --- With replications: means and 95% half-widths ------------------------------------------------

std::string PercentCi(const PolicyReplications& group, const RunMetric& metric) {
  const MeanCi estimate = Estimate(group, metric);
  return FormatPercentCi(estimate.mean, estimate.ci95);
}

std::string CountCi(const PolicyReplications& group, const RunMetric& metric) {
  const MeanCi estimate = Estimate(group, metric);
  return FormatCountCi(estimate.mean, estimate.ci95);
}

std::string LatencyCi(const PolicyReplications& group, const RunMetric& metric) {
  const MeanCi estimate = Estimate(group, metric);
  return FormatLatencyCi(estimate.mean, estimate.ci95);
}

// A metric of one org's slice, undefined where the run lacks the org.
RunMetric OfOrg(size_t org, std::optional<double> (*metric)(const SliceMetrics&)) {
  return [org, metric](const RunResult& run) -> std::optional<double> {
    const SliceMetrics* slice = OrgSlice(run, org);
    return slice == nullptr ? std::nullopt : metric(*slice);
  };
}

std::optional<double> Slice429(const SliceMetrics& slice) {
  return static_cast<double>(slice.counts.r429());
}
std::optional<double> Slice503(const SliceMetrics& slice) {
  return static_cast<double>(slice.counts.r503);
}
std::optional<double> SliceSuccess(const SliceMetrics& slice) { return SuccessShare(slice.counts); }
std::optional<double> SliceP99(const SliceMetrics& slice) {
  return QuantileNs(slice.latency, 0.99);
}

// The same over the replications of every policy.
bool AnyRun(const std::vector<PolicyReplications>& groups, int64_t OutcomeCounts::*field) {
  for (const PolicyReplications& group : groups) {
    for (const RunResult* run : group.runs) {
      if (run->metrics.overall.counts.*field > 0) return true;
    }
  }
  return false;
}

std::string ReplicatedPolicyTable(const std::vector<PolicyReplications>& groups) {
  const bool any_retries = AnyRun(groups, &OutcomeCounts::retries);
  const bool any_in_flight = AnyRun(groups, &OutcomeCounts::in_flight);
  const bool any_timed_out = AnyRun(groups, &OutcomeCounts::timed_out);
  const bool any_wasted = AnyRun(groups, &OutcomeCounts::served_after_timeout);
  std::vector<TextTable::Column> columns = {{"policy", Align::kLeft}, {"offered"}};
  if (any_timed_out) columns.push_back({"timed out"});
  if (any_retries) columns.push_back({"retries"});
  if (any_wasted) columns.push_back({"wasted"});
  if (any_in_flight) columns.push_back({"in flight"});
  for (const char* header :
       {"success", "429 share", "503 share", "p50", "p99", "p99 wait", "util"}) {
    columns.push_back({header});
  }
  TextTable table(std::move(columns));
  for (const PolicyReplications& group : groups) {
    std::vector<std::string> row = {
        group.policy, MeanCount(group, [](const OutcomeCounts& c) { return c.offered; })};
    if (any_timed_out) {
      row.push_back(MeanCountCi(group, [](const OutcomeCounts& c) { return c.timed_out; }));
    }
    if (any_retries) {
      row.push_back(MeanCountCi(group, [](const OutcomeCounts& c) { return c.retries; }));
    }
    if (any_wasted) {
      row.push_back(
          MeanCountCi(group, [](const OutcomeCounts& c) { return c.served_after_timeout; }));
    }
    if (any_in_flight) {
      row.push_back(MeanCount(group, [](const OutcomeCounts& c) { return c.in_flight; }));
    }
    row.push_back(PercentCi(group, [](const RunResult& run) {
      return SuccessShare(run.metrics.overall.counts);
    }));
    row.push_back(PercentCi(group, [](const RunResult& run) {
      return Share429(run.metrics.overall.counts);
    }));
    row.push_back(PercentCi(group, [](const RunResult& run) {
      return Share503(run.metrics.overall.counts);
    }));
    row.push_back(LatencyCi(group, [](const RunResult& run) {
      return QuantileNs(run.metrics.overall.latency, 0.5);
    }));
    row.push_back(LatencyCi(group, [](const RunResult& run) {
      return QuantileNs(run.metrics.overall.latency, 0.99);
    }));
    row.push_back(LatencyCi(group, [](const RunResult& run) {
      return QuantileNs(run.metrics.overall.queue_wait, 0.99);
    }));
    row.push_back(PercentCi(group, [](const RunResult& run) {
      return std::optional<double>(OverallUtilisation(run.metrics));
    }));
    table.AddRow(std::move(row));
  }
  return table.Render();
}

std::string ReplicatedOrgTable(const std::vector<PolicyReplications>& groups, size_t max_orgs) {
  const RunResult& first = *groups.front().runs.front();
  const size_t org_count = first.metrics.per_org.size();
  if (max_orgs == 0 || org_count < 2) return "";
  const std::vector<size_t> orgs = OrgsToShow(first, max_orgs);
  const bool any_retries = AnyRun(groups, &OutcomeCounts::retries);
  const bool any_timed_out = AnyRun(groups, &OutcomeCounts::timed_out);
  const bool rates = !first.metrics.rates.empty();
  // The counts of the single-run table, 200 beside 429 and 503, each a mean and half-width.
  std::vector<TextTable::Column> columns = {
      {"org", Align::kLeft}, {"policy", Align::kLeft}, {"offered"}, {"200"}, {"429"}, {"503"}};
  if (any_timed_out) columns.push_back({"timed out"});
  if (any_retries) columns.push_back({"retries"});
  columns.push_back({"success"});
  columns.push_back({"p99"});
  if (rates) {
    for (const RateColumn& rate : kRateColumns) columns.push_back({rate.name});
  }
  TextTable table(std::move(columns));
  for (const size_t org : orgs) {
    for (const PolicyReplications& group : groups) {
      std::vector<std::string> row = {
          OrgName(first, org), group.policy,
          MeanCount(group, [](const OutcomeCounts& c) { return c.offered; }, org),
          MeanCountCi(group, [](const OutcomeCounts& c) { return c.ok; }, org),
          CountCi(group, OfOrg(org, Slice429)), CountCi(group, OfOrg(org, Slice503))};
      if (any_timed_out) {
        row.push_back(MeanCountCi(group, [](const OutcomeCounts& c) { return c.timed_out; }, org));
      }
      if (any_retries) {
        row.push_back(MeanCountCi(group, [](const OutcomeCounts& c) { return c.retries; }, org));
      }
      row.push_back(PercentCi(group, OfOrg(org, SliceSuccess)));
      row.push_back(LatencyCi(group, OfOrg(org, SliceP99)));
      if (rates) {
        for (const RateColumn& column : kRateColumns) {
          const MeanCi rate = Estimate(group, [org, &column](const RunResult& run) {
            return OrgRateRpm(run.metrics, static_cast<uint32_t>(org), column.stat);
          });
          row.push_back(std::isfinite(rate.mean) ? FormatCountCi(rate.mean, rate.ci95) + " rpm"
                                                 : "-");
        }
      }
      table.AddRow(std::move(row));
    }
  }
  std::string out = "\nper org:\n" + table.Render();
  if (orgs.size() < org_count) {
    out += fmt::format("({} more orgs with less traffic not shown; summary.json has every org)\n",
                       org_count - orgs.size());
  }
  return out;
}

}  // namespace

double OverallUtilisation(const RunMetrics& metrics) {
  double busy = 0.0;
  double slots = 0.0;
  for (const ModelUsage& usage : metrics.model_usage) {
    busy += usage.busy_slot_ns;
    slots += usage.slot_ns;
  }
  return slots > 0.0 ? busy / slots : 0.0;
}

std::string ComparisonTable(const std::vector<RunResult>& runs,
                            const ComparisonTableOptions& options) {
  if (runs.empty()) return "";
  if (options.replications <= 1) return PolicyTable(runs) + OrgTable(runs, options.max_orgs);
  const std::vector<PolicyReplications> groups = GroupReplications(runs, options.replications);
  return fmt::format("mean \u00b1 95% confidence half-width over {} replications (Student t)\n\n",
                     options.replications) +
         ReplicatedPolicyTable(groups) + ReplicatedOrgTable(groups, options.max_orgs);
}

}  // namespace ratesim

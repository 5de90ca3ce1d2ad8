#include "sim/report/policy_verdict.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "sim/metrics/fairness.h"
#include "sim/report/human_units.h"
#include "sim/report/replication_stats.h"
#include "sim/report/text_table.h"

namespace ratesim {
namespace {

using Align = TextTable::Align;

// How a question's figures read.
enum class Unit { kShare, kLatency, kIndex };

struct Question {
  const char* label;
  RunMetric metric;
  bool higher_is_better;
  Unit unit;
};

std::optional<double> WorstOrgSuccess(const RunResult& run) {
  std::optional<double> worst;
  for (const SliceMetrics& org : run.metrics.per_org) {
    const std::optional<double> success = SuccessShare(org.counts);
    if (success && (!worst || *success < *worst)) worst = success;
  }
  return worst;
}

std::vector<Question> Questions(bool several_orgs) {
  std::vector<Question> questions;
  questions.push_back({"most served",
                       [](const RunResult& run) { return SuccessShare(run.metrics.overall.counts); },
                       true, Unit::kShare});
  if (several_orgs) {
    questions.push_back({"best for worst org", &WorstOrgSuccess, true, Unit::kShare});
    questions.push_back({"fairest across orgs",
                         [](const RunResult& run) { return FairnessAcrossOrgs(run.metrics); }, true,
                         Unit::kIndex});
  }
  questions.push_back({"fewest 503s",
                       [](const RunResult& run) { return Share503(run.metrics.overall.counts); },
                       false, Unit::kShare});
  questions.push_back({"lowest p99 latency",
                       [](const RunResult& run) {
                         return QuantileNs(run.metrics.overall.latency, 0.99);
                       },
                       false, Unit::kLatency});
  return questions;
}

struct Standing {
  const std::string* policy;
  MeanCi estimate;
  size_t order;  // the policy's place in the scenario
};

std::string Figure(const Question& question, const MeanCi& estimate) {
  switch (question.unit) {
    case Unit::kShare: return FormatPercentCi(estimate.mean, estimate.ci95);
    case Unit::kLatency: return FormatLatencyCi(estimate.mean, estimate.ci95);
    case Unit::kIndex: return FormatIndexCi(estimate.mean, estimate.ci95);
  }
  return "-";
}

// How many of `standings` from `first` on show the same figure as it (the mean as printed, without
// its interval): at least 1.
size_t TiedWithFirst(const Question& question, const std::vector<Standing>& standings, size_t first) {
  const auto shown = [&question](const Standing& s) {
    return Figure(question, MeanCi{s.estimate.n, s.estimate.mean, std::nan("")});
  };
  size_t tied = 1;
  while (first + tied < standings.size() && shown(standings[first + tied]) == shown(standings[first])) {
    ++tied;
  }
  return tied;
}

// The policies of standings [begin, end), as one tie in the scenario's order: "fifo = within_first".
std::string Names(const std::vector<Standing>& standings, size_t begin, size_t end) {
  std::vector<const Standing*> tie;
  for (size_t i = begin; i < end; ++i) tie.push_back(&standings[i]);
  std::sort(tie.begin(), tie.end(), [](const Standing* a, const Standing* b) { return a->order < b->order; });
  std::string names = *tie.front()->policy;
  for (size_t i = 1; i < tie.size(); ++i) names += " = " + *tie[i]->policy;
  return names;
}

// Whether the 95% intervals of `a` and `b` are disjoint.
bool Apart(const MeanCi& a, const MeanCi& b) {
  return std::abs(a.mean - b.mean) > a.ci95 + b.ci95;
}

}  // namespace

std::string PolicyVerdict(const std::vector<RunResult>& runs, int replications) {
  const std::vector<PolicyReplications> groups = GroupReplications(runs, replications);
  if (groups.size() < 2) return "";
  const bool with_intervals = replications > 1;
  std::vector<TextTable::Column> columns = {{"question", Align::kLeft}, {"best", Align::kLeft},
                                            {"figure"},                 {"runner-up", Align::kLeft},
                                            {"figure"}};
  if (with_intervals) columns.push_back({"told apart", Align::kLeft});
  TextTable table(std::move(columns));
  const bool several_orgs = runs.front().metrics.per_org.size() > 1;
  size_t answered = 0;
  for (const Question& question : Questions(several_orgs)) {
    std::vector<Standing> standings;
    for (size_t g = 0; g < groups.size(); ++g) {
      const MeanCi estimate = Estimate(groups[g], question.metric);
      if (estimate.n > 0) standings.push_back({&groups[g].policy, estimate, g});
    }
    if (standings.size() < 2) continue;
    // Stable: at equal figures the policy listed first in the scenario is named first.
    std::stable_sort(standings.begin(), standings.end(),
                     [&question](const Standing& a, const Standing& b) {
                       return question.higher_is_better ? a.estimate.mean > b.estimate.mean
                                                        : a.estimate.mean < b.estimate.mean;
                     });
    // Policies whose figures read the same are a tie, named together ("fifo = within_first"): the
    // order among them is the scenario's, not a ranking.
    const size_t tied = TiedWithFirst(question, standings, 0);
    const Standing& best = standings[0];
    std::vector<std::string> row = {question.label, Names(standings, 0, tied),
                                    Figure(question, best.estimate)};
    if (tied == standings.size()) {
      row.insert(row.end(), {"-", "-"});
      if (with_intervals) row.push_back("-");
    } else {
      const Standing& next = standings[tied];
      row.push_back(Names(standings, tied, tied + TiedWithFirst(question, standings, tied)));
      row.push_back(Figure(question, next.estimate));
      if (with_intervals) {
        // Every estimate of a replicated run has an interval unless a replication left the
        // metric undefined (no success in it): then nothing can be said.
        const bool known = std::isfinite(best.estimate.ci95) && std::isfinite(next.estimate.ci95);
        row.push_back(!known                                  ? "-"
                      : Apart(best.estimate, next.estimate) ? "clear"
                                                            : "within noise");
      }
    }
    table.AddRow(std::move(row));
    ++answered;
  }
  if (answered == 0) return "";
  std::string out = "\nwhich policy:\n" + table.Render();
  if (!with_intervals) {
    out +=
        "(one run per policy, so no intervals: --replications 5 shows which differences are more "
        "than chance)\n";
  }
  return out;
}

}  // namespace ratesim

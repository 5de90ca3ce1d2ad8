#include "sim/report/policy_verdict.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "fmt/format.h"
#include "sim/metrics/confidence.h"
#include "sim/metrics/fairness.h"
#include "sim/report/human_units.h"
#include "sim/report/replication_stats.h"
#include "sim/report/text_table.h"
#include "sim/scenario/org_class.h"

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
  bool about_one_org = false;  // the figure is one org's: a single run names it
};

// The org with the lowest success share, first in order at a tie; nullopt if none finished a request.
std::optional<size_t> WorstOrg(const RunResult& run) {
  std::optional<size_t> worst;
  std::optional<double> lowest;
  for (size_t i = 0; i < run.metrics.per_org.size(); ++i) {
    const std::optional<double> success = SuccessShare(run.metrics.per_org[i].counts);
    if (success && (!lowest || *success < *lowest)) {
      lowest = success;
      worst = i;
    }
  }
  return worst;
}

// Whether some org was served better than `worst`: otherwise no org is the worst one to name.
bool AnyBetterThan(const RunResult& run, size_t worst) {
  const std::optional<double> lowest = SuccessShare(run.metrics.per_org[worst].counts);
  for (const SliceMetrics& org : run.metrics.per_org) {
    const std::optional<double> success = SuccessShare(org.counts);
    if (success && *success > *lowest) return true;
  }
  return false;
}

std::optional<double> WorstOrgSuccess(const RunResult& run) {
  const std::optional<size_t> worst = WorstOrg(run);
  if (!worst) return std::nullopt;
  return SuccessShare(run.metrics.per_org[*worst].counts);
}

// The names of the scenario's steady orgs (org_class.h), when it has both steady orgs and others:
// then the worst-served org may be a burst sender whose 429s are its own doing, and the worst
// steady org is the one a platform answers for. Empty otherwise.
absl::flat_hash_set<std::string> SteadyOrgsAmongOthers(const Scenario* scenario) {
  absl::flat_hash_set<std::string> steady;
  if (scenario == nullptr) return steady;
  bool others = false;
  for (const OrgSpec& org : scenario->orgs) {
    if (ClassifyOrg(org) == OrgClass::kSteady) {
      steady.insert(org.name);
    } else {
      others = true;
    }
  }
  if (!others) steady.clear();
  return steady;
}

std::vector<Question> Questions(bool several_orgs, bool clients_timed_out,
                                const absl::flat_hash_set<std::string>& steady) {
  std::vector<Question> questions;
  questions.push_back({"most served",
                       [](const RunResult& run) { return SuccessShare(run.metrics.overall.counts); },
                       true, Unit::kShare});
  if (several_orgs) {
    questions.push_back({"best for worst org", &WorstOrgSuccess, true, Unit::kShare, true});
  }
  if (several_orgs && !steady.empty()) {
    questions.push_back({"worst steady org",
                         [steady](const RunResult& run) {
                           std::optional<double> worst;
                           for (size_t org = 0; org < run.metrics.per_org.size(); ++org) {
                             if (!steady.contains(run.org_name(org))) continue;
                             const std::optional<double> success =
                                 SuccessShare(run.metrics.per_org[org].counts);
                             if (success) worst = std::min(worst.value_or(*success), *success);
                           }
                           return worst;
                         },
                         true, Unit::kShare});
  }
  if (several_orgs) {
    questions.push_back({"fairest across orgs",
                         [](const RunResult& run) { return FairnessAcrossOrgs(run.metrics); }, true,
                         Unit::kIndex});
  }
  questions.push_back({"fewest 503s",
                       [](const RunResult& run) { return Share503(run.metrics.overall.counts); },
                       false, Unit::kShare});
  // Where clients gave up waiting, a policy may answer no 503 only because its queue outlasts
  // them: their timeouts are the failures to weigh beside its 503s.
  if (clients_timed_out) {
    questions.push_back({"fewest timed out",
                         [](const RunResult& run) { return ShareTimedOut(run.metrics.overall.counts); },
                         false, Unit::kShare});
  }
  questions.push_back({"lowest p99 (served)",
                       [](const RunResult& run) {
                         return QuantileNs(run.metrics.overall.latency, 0.99);
                       },
                       false, Unit::kLatency});
  return questions;
}

struct Standing {
  const PolicyReplications* group;
  MeanCi estimate;
  size_t order;  // the policy's place in the scenario
  const RunResult* single = nullptr;  // the policy's run, when it has one replication
};

std::string Figure(const Question& question, const MeanCi& estimate) {
  switch (question.unit) {
    case Unit::kShare: return FormatPercentCi(estimate.mean, estimate.ci95);
    case Unit::kLatency: return FormatLatencyCi(estimate.mean, estimate.ci95);
    case Unit::kIndex: return FormatIndexCi(estimate.mean, estimate.ci95);
  }
  return "-";
}

// The org a single run's figure is about, as the per-org table shows it: its name, or for a copy
// of an [[orgs]] "one of tenant-1..400" (which copy is chance); empty when no org is worse off than
// another, or when the figure is a mean over replications (each with its own worst org).
std::string OrgOf(const Standing& standing, const Scenario* scenario) {
  if (standing.single == nullptr) return "";
  const std::optional<size_t> org = WorstOrg(*standing.single);
  if (!org || !AnyBetterThan(*standing.single, *org)) return "";
  const std::string name = standing.single->org_name(*org);
  if (scenario != nullptr) {
    for (const OrgSpec& spec : scenario->orgs) {
      if (spec.name != name) continue;
      if (!spec.copy_of.empty()) return fmt::format("one of {}-1..{}", spec.copy_of, spec.copies);
      break;
    }
  }
  return name;
}

// The figure of standings [begin, end), a tie, as the table shows it: with the org it is about where
// the question is about one ("67.7% (b)") and every tied policy's is the same one.
std::string Shown(const Question& question, const std::vector<Standing>& standings, size_t begin,
                  size_t end, const Scenario* scenario) {
  std::string figure = Figure(question, standings[begin].estimate);
  if (!question.about_one_org) return figure;
  const std::string org = OrgOf(standings[begin], scenario);
  for (size_t i = begin + 1; i < end; ++i) {
    if (OrgOf(standings[i], scenario) != org) return figure;
  }
  return org.empty() ? figure : fmt::format("{} ({})", figure, org);
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
  std::string names = tie.front()->group->policy;
  for (size_t i = 1; i < tie.size(); ++i) names += " = " + tie[i]->group->policy;
  return names;
}

// The differences a_r - b_r of `metric` between the replications of two policies that ran on the
// same seeds (common random numbers: replication r of every policy has one), or nullopt where they
// do not pair: another count or seed, or a replication that leaves the metric undefined for one.
std::optional<std::vector<double>> PairedDifferences(const PolicyReplications& a,
                                                     const PolicyReplications& b,
                                                     const RunMetric& metric) {
  if (a.runs.size() != b.runs.size()) return std::nullopt;
  std::vector<double> differences;
  for (size_t r = 0; r < a.runs.size(); ++r) {
    if (a.runs[r]->seed != b.runs[r]->seed) return std::nullopt;
    const std::optional<double> x = metric(*a.runs[r]);
    const std::optional<double> y = metric(*b.runs[r]);
    if (!x || !y) return std::nullopt;
    differences.push_back(*x - *y);
  }
  return differences;
}

// Whether `a` and `b` differ by more than chance; nullopt when it cannot be said. Their replications
// ran on the same traffic, replication by replication, so the difference is judged on the paired
// differences: the luck of the traffic, shared by both, cancels, and a difference too small for
// the two intervals to separate can still be told apart when it keeps its sign from replication to
// replication (a paired Student-t interval of the mean difference that excludes 0). Where the
// replications do not pair, on whether the two 95% intervals are disjoint.
std::optional<bool> Apart(const Question& question, const Standing& a, const Standing& b) {
  // Every estimate of a replicated run has an interval unless a replication left the metric
  // undefined (no success in it): then nothing can be said.
  return DifferBeyondChance(PairedDifferences(*a.group, *b.group, question.metric), a.estimate,
                            b.estimate);
}

}  // namespace

std::string PolicyVerdict(const std::vector<RunResult>& runs, int replications,
                          const Scenario* scenario) {
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
  const bool clients_timed_out = std::any_of(runs.begin(), runs.end(), [](const RunResult& run) {
    return run.metrics.overall.counts.timed_out > 0;
  });
  for (const Question& question :
       Questions(several_orgs, clients_timed_out, SteadyOrgsAmongOthers(scenario))) {
    std::vector<Standing> standings;
    for (size_t g = 0; g < groups.size(); ++g) {
      const MeanCi estimate = Estimate(groups[g], question.metric);
      const RunResult* single = groups[g].runs.size() == 1 ? groups[g].runs.front() : nullptr;
      if (estimate.n > 0) standings.push_back({&groups[g], estimate, g, single});
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
                                    Shown(question, standings, 0, tied, scenario)};
    if (tied == standings.size()) {
      row.insert(row.end(), {"-", "-"});
      if (with_intervals) row.push_back("-");
    } else {
      const Standing& next = standings[tied];
      const size_t next_end = tied + TiedWithFirst(question, standings, tied);
      row.push_back(Names(standings, tied, next_end));
      row.push_back(Shown(question, standings, tied, next_end, scenario));
      if (with_intervals) {
        const std::optional<bool> apart = Apart(question, best, next);
        row.push_back(!apart ? "-" : *apart ? "clear" : "within noise");
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

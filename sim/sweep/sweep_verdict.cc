#include "sim/sweep/sweep_verdict.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <optional>

#include "fmt/format.h"
#include "sim/metrics/confidence.h"
#include "sim/report/text_table.h"
#include "sim/sweep/grid_labels.h"
#include "sim/sweep/recovery.h"
#include "sim/sweep/sweep_table.h"

namespace ratesim {
namespace {

using Align = TextTable::Align;

struct Question {
  const char* label;
  const char* column;  // a metric column, one of VerdictMetricNames()
  bool higher_is_better;
  ScoreFormat format;
  bool about_a_dip = false;  // asked only where some row's rate dipped in the outage
  // Only of rows whose rate dipped and came back in every replication: a mean over the few that
  // came back, or a rate that never left, is no time to return.
  bool of_rates_that_returned = false;
};

constexpr Question kQuestions[] = {
    {"most served", "success_rate", true, ScoreFormat::kPercent},
    {"steady orgs served", "steady_success", true, ScoreFormat::kPercent},
    {"worst steady org", "steady_worst_success", true, ScoreFormat::kPercent},
    {"fewest 503s", "share_503", false, ScoreFormat::kPercent},
    {"fairest across orgs", "fairness", true, ScoreFormat::kIndex},
    {"lowest p99 (served)", "latency_p99_s", false, ScoreFormat::kSeconds},
    {"smallest rate dip", "rate_low_share", true, ScoreFormat::kPercent, true},
    {"fastest rate return", "rate_recovery_s", false, ScoreFormat::kSeconds, true, true},
};

// The question as the table asks it: with --org, those of the row's own outcomes name the org they
// are judged on (the platform-wide ones, the steady orgs' and the rates', stay as they are).
std::string LabelOf(const Question& question, const std::string& org) {
  if (org.empty() || !IsOfJudgedSlice(question.column)) return question.label;
  const std::string_view label = question.label;
  // "lowest p99 (served)" becomes "lowest p99 (served, org)".
  if (label.back() == ')') return fmt::format("{}, {})", label.substr(0, label.size() - 1), org);
  return fmt::format("{} ({})", label, org);
}

// One row of the sweep as a candidate answer to one question.
struct Candidate {
  size_t order;  // the row's place in the sweep
  const SweepRow* row;
  const std::vector<double>* samples;  // the metric's replications; null where not kept
  double mean;
  double ci95;  // NaN without one
};

// Whether `a` and `b` differ by more than chance; nullopt when it cannot be said (sweep_verdict.h).
std::optional<bool> Apart(const Candidate& a, const Candidate& b) {
  const auto all_defined = [](const std::vector<double>* values) {
    return values != nullptr && std::all_of(values->begin(), values->end(),
                                            [](double v) { return std::isfinite(v); });
  };
  std::optional<std::vector<double>> differences;
  if (all_defined(a.samples) && all_defined(b.samples) && a.samples->size() == b.samples->size()) {
    differences.emplace();
    for (size_t r = 0; r < a.samples->size(); ++r) differences->push_back((*a.samples)[r] - (*b.samples)[r]);
  }
  return DifferBeyondChance(differences, MeanCi{0, a.mean, a.ci95}, MeanCi{0, b.mean, b.ci95});
}

// The verdict table of the rows of one scenario file.
class ScenarioVerdict {
 public:
  ScenarioVerdict(const SweepDefinition& definition, const std::vector<PointRows>& points,
                  const std::string& scenario)
      : definition_(definition),
        columns_(SweepColumns(definition.grid)),
        // Replication r of every row ran on the same seed, unless the grid varies the seed.
        paired_(std::none_of(definition.grid.begin(), definition.grid.end(),
                             [](const GridAxis& axis) { return axis.key == "run.seed"; })) {
    const size_t policy = 1 + definition.grid.size();
    for (const PointRows& point : points) {
      for (size_t r = 0; r < point.rows.size(); ++r) {
        if (point.rows[r][0] != scenario) continue;
        rows_.push_back(&point.rows[r]);
        samples_.push_back(r < point.samples.size() ? &point.samples[r] : nullptr);
        if (std::find(policies_.begin(), policies_.end(), point.rows[r][policy]) == policies_.end()) {
          policies_.push_back(point.rows[r][policy]);
        }
      }
    }
  }

  // "" when no question has two rows to compare.
  std::string Render() const {
    const bool with_intervals = definition_.replications > 1;
    std::vector<TextTable::Column> headers = {{"question", Align::kLeft}, {"best", Align::kLeft},
                                              {"figure"},                 {"runner-up", Align::kLeft},
                                              {"figure"}};
    if (with_intervals) headers.push_back({"told apart", Align::kLeft});
    TextTable table(std::move(headers));
    size_t answered = 0;
    const bool dipped = AnyRateDipped();
    for (const Question& question : kQuestions) {
      if (question.about_a_dip && !dipped) continue;
      std::vector<Candidate> candidates = Candidates(question);
      if (candidates.size() < 2) continue;
      std::stable_sort(candidates.begin(), candidates.end(),
                       [&question](const Candidate& a, const Candidate& b) {
                         return question.higher_is_better ? a.mean > b.mean : a.mean < b.mean;
                       });
      // Rows that read the same are one answer, named by the first of them in the sweep.
      const size_t tied = TiedWithFirst(question, candidates, 0);
      const size_t next_end =
          tied < candidates.size() ? tied + TiedWithFirst(question, candidates, tied) : tied;
      const auto by_order = [](const Candidate& a, const Candidate& b) { return a.order < b.order; };
      const auto at = [&candidates](size_t i) { return candidates.begin() + static_cast<std::ptrdiff_t>(i); };
      std::sort(at(0), at(tied), by_order);
      std::sort(at(tied), at(next_end), by_order);
      std::vector<std::string> row = {LabelOf(question, definition_.org), Name(candidates, 0, tied),
                                      Figure(question, candidates[0])};
      if (tied == candidates.size()) {
        row.insert(row.end(), {"-", "-"});
        if (with_intervals) row.push_back("-");
      } else {
        row.push_back(Name(candidates, tied, next_end));
        row.push_back(Figure(question, candidates[tied]));
        if (with_intervals) {
          const std::optional<bool> apart = Apart(candidates[0], candidates[tied]);
          row.push_back(!apart ? "-" : *apart ? "clear" : "within noise");
        }
      }
      table.AddRow(std::move(row));
      ++answered;
    }
    return answered == 0 ? "" : table.Render();
  }

 private:
  std::vector<Candidate> Candidates(const Question& question) const {
    const size_t column = ColumnIndex(columns_, question.column);
    const size_t ci = ColumnIndex(columns_, std::string(question.column) + "_ci95");
    const std::vector<std::string>& metrics = VerdictMetricNames();
    const size_t metric = static_cast<size_t>(
        std::find(metrics.begin(), metrics.end(), question.column) - metrics.begin());
    std::vector<Candidate> candidates;
    for (size_t i = 0; i < rows_.size(); ++i) {
      const SweepRow& row = *rows_[i];
      if (column >= row.size() || row[column].empty()) continue;
      if (question.of_rates_that_returned && !(Dipped(row) && ReturnedEveryTime(row))) continue;
      const std::vector<double>* samples =
          samples_[i] != nullptr && metric < samples_[i]->size() ? &(*samples_[i])[metric] : nullptr;
      candidates.push_back({i, &row, paired_ ? samples : nullptr, CellNumber(row[column]),
                            ci < row.size() ? CellNumber(row[ci]) : NAN});
    }
    return candidates;
  }

  // Whether the row's rate fell below its value before the outage by more than the rule's
  // tolerance.
  bool Dipped(const SweepRow& row) const {
    const size_t column = ColumnIndex(columns_, "rate_low_share");
    const double back = 1.0 - RecoveryRule().rate_tolerance;
    return column < row.size() && !row[column].empty() && CellNumber(row[column]) < back;
  }
  bool ReturnedEveryTime(const SweepRow& row) const {
    const size_t column = ColumnIndex(columns_, "rate_returned_share");
    return column < row.size() && CellNumber(row[column]) == 1.0;
  }
  // Whether some row's rate dipped: otherwise the rate questions would crown a dip that never
  // happened.
  bool AnyRateDipped() const {
    return std::any_of(rows_.begin(), rows_.end(), [&](const SweepRow* row) { return Dipped(*row); });
  }

  // As the table shows the figure, seconds with their unit: "27.7s ±1.0", "120s ±0".
  std::string Figure(const Question& question, const Candidate& candidate, bool with_ci = true) const {
    std::string figure = ScoreCell(columns_, *candidate.row, question.column, question.format, with_ci);
    if (question.format == ScoreFormat::kSeconds) {
      const size_t space = figure.find(' ');  // before the interval, if there is one
      figure.insert(space == std::string::npos ? figure.size() : space, "s");
    }
    return figure;
  }

  // How many of `candidates` from `first` on show the same figure as it, without its interval.
  size_t TiedWithFirst(const Question& question, const std::vector<Candidate>& candidates,
                       size_t first) const {
    size_t tied = 1;
    while (first + tied < candidates.size() &&
           Figure(question, candidates[first + tied], false) == Figure(question, candidates[first], false)) {
      ++tied;
    }
    return tied;
  }

  // The row's grid values (as the table shows them) and, with several policies, its policy:
  // "window=10m, headroom=3 (fifo)"; with `tied` rows sharing the figure, how many more.
  std::string Name(const std::vector<Candidate>& candidates, size_t first, size_t end) const {
    const SweepRow& row = *candidates[first].row;
    std::string name;
    const std::vector<std::string> axis_names = AxisNames(definition_.grid);
    for (size_t a = 0; a < definition_.grid.size(); ++a) {
      if (!name.empty()) name += ", ";
      name += fmt::format("{}={}", axis_names[a], GridValueLabel(definition_.grid[a], row[1 + a]));
    }
    const std::string& policy = row[1 + definition_.grid.size()];
    if (name.empty()) {
      name = policy;
    } else if (policies_.size() > 1) {
      name += fmt::format(" ({})", policy);
    }
    if (end - first > 1) name += fmt::format(" and {} more", end - first - 1);
    return name;
  }

  const SweepDefinition& definition_;
  std::vector<SweepColumn> columns_;
  std::vector<const SweepRow*> rows_;
  bool paired_;
  std::vector<const RowSamples*> samples_;  // per row; null where not kept
  std::vector<std::string> policies_;
};

}  // namespace

std::string SweepVerdict(const SweepDefinition& definition, const std::vector<PointRows>& points) {
  std::string out;
  for (const SweepScenario& scenario : definition.scenarios) {
    const std::string table = ScenarioVerdict(definition, points, scenario.path).Render();
    if (table.empty()) continue;
    out += definition.scenarios.size() > 1 ? fmt::format("\nwhich point, {}:\n", scenario.path)
                                           : std::string("\nwhich point:\n");
    out += table;
  }
  if (!out.empty() && definition.replications == 1) {
    out +=
        "(one replication per point, so no intervals: --replications 5 shows which differences are "
        "more than chance)\n";
  }
  return out;
}

}  // namespace ratesim

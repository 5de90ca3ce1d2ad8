#include "sim/sweep/sweep_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "absl/strings/str_join.h"
#include "fmt/format.h"
#include "sim/report/svg_chart.h"
#include "sim/sweep/grid_labels.h"

namespace ratesim {
namespace {

struct Metric {
  const char* column;
  const char* title;
  bool outage_only = false;  // NA everywhere without a restored outage: no panel then
  bool may_exceed_one = false;  // its axis reaches a value above 1 (others are shares, 0 to 1)
};

// The scores a researcher reads first, as shares (0 to 1).
constexpr Metric kMetrics[] = {
    {"success_rate", "success rate"},
    {"share_429", "429 share"},
    {"share_503", "503 share"},
    {"steady_success", "steady orgs' success"},
    {"spiking_429_share", "spiking orgs' 429 share"},
    {"fairness", "fairness (Jain)"},
    {"recovered_share", "recovered within 10 min after the outage", true},
    {"rate_low_share", "lowest rate in the outage (of the rate before)", true, true},
};

}  // namespace

std::string SweepSvg(const SweepDefinition& definition, const std::vector<PointRows>& points) {
  const std::vector<SweepColumn> columns = SweepColumns(definition.grid);
  const size_t axes = definition.grid.size();
  const size_t policy_column = 1 + axes;  // scenario, the grid values, then policy
  const bool several_scenarios = definition.scenarios.size() > 1;
  // The x axis: the first grid axis' values or, without a grid, the scenarios.
  std::vector<std::string> categories;  // matched against the rows' cells
  std::vector<std::string> category_names;  // what the axis shows (grid_labels.h)
  if (axes > 0) {
    categories = definition.grid[0].values;
    category_names = GridValueLabels(definition.grid[0]);
  } else {
    for (const SweepScenario& scenario : definition.scenarios) categories.push_back(scenario.path);
    category_names = categories;
  }

  // The other axes as a legend names them (grid_labels.h).
  const std::vector<std::string> axis_names = AxisNames(definition.grid);
  // A series per (scenario, values of the other axes, policy), in the order rows first show them.
  struct Series {
    std::string label;
    std::string tip;  // the label with every grid value in full
    std::vector<size_t> rows;  // into `all`
  };
  std::vector<const SweepRow*> all;
  std::vector<Series> series;
  for (const PointRows& point : points) {
    for (const SweepRow& row : point.rows) {
      std::vector<std::string> parts = {row[policy_column]};
      std::vector<std::string> full = parts;
      if (several_scenarios && axes > 0) {
        parts.push_back(row[0]);
        full.push_back(row[0]);
      }
      for (size_t a = 1; a < axes; ++a) {
        parts.push_back(
            fmt::format("{}={}", axis_names[a], GridValueLabel(definition.grid[a], row[1 + a])));
        full.push_back(fmt::format("{}={}", axis_names[a], row[1 + a]));
      }
      const std::string label = absl::StrJoin(parts, ", ");
      auto found = std::find_if(series.begin(), series.end(),
                                [&](const Series& s) { return s.label == label; });
      if (found == series.end()) {
        series.push_back({label, absl::StrJoin(full, ", "), {}});
        found = series.end() - 1;
      }
      found->rows.push_back(all.size());
      all.push_back(&row);
    }
  }
  const size_t shown = std::min(series.size(), kMaxSweepLines);

  ChartFigure figure;
  figure.title = fmt::format("sweep of {}{}: means with 95% intervals over {} replication{}",
                             definition.scenarios.empty() ? "" : definition.scenarios[0].path,
                             several_scenarios ? " and others" : "", definition.replications,
                             definition.replications == 1 ? "" : "s");
  if (shown < series.size()) {
    figure.title += fmt::format(" (the first {} of {} lines)", shown, series.size());
  }
  figure.x_label = axes > 0 ? definition.grid[0].key : "scenario";
  figure.columns = 3;
  for (const Metric& metric : kMetrics) {
    const size_t value = ColumnIndex(columns, metric.column);
    const size_t ci = ColumnIndex(columns, std::string(metric.column) + "_ci95");  // may be none
    if (metric.outage_only && std::none_of(all.begin(), all.end(),
                                 [&](const SweepRow* row) { return !(*row)[value].empty(); })) {
      continue;
    }
    ChartPanel panel;
    panel.title = metric.title;
    panel.categories = category_names;
    if (category_names != categories) panel.category_tips = categories;
    for (size_t i = 0; i < categories.size(); ++i) panel.x.push_back(static_cast<double>(i));
    panel.y_max = 1.0;
    for (size_t s = 0; s < shown; ++s) {
      ChartLine line;
      line.label = series[s].label;
      panel.legend_tips.push_back(series[s].tip != series[s].label ? series[s].tip : "");
      line.y.assign(categories.size(), NAN);
      line.error.assign(categories.size(), NAN);
      for (const size_t r : series[s].rows) {
        const SweepRow& row = *all[r];
        const std::string& category = axes > 0 ? row[1] : row[0];
        const size_t x = static_cast<size_t>(
            std::find(categories.begin(), categories.end(), category) - categories.begin());
        if (x >= categories.size()) continue;
        line.y[x] = CellNumber(row[value]);
        if (ci < row.size()) line.error[x] = CellNumber(row[ci]);
      }
      panel.lines.push_back(std::move(line));
    }
    // Shares, on one scale from 0 to 1 (an interval past 1 is cut at the frame); but a rate's
    // lowest in an outage is above 1 when the formula kept raising it, and then the axis reaches
    // it (0: the panel's largest value).
    for (const ChartLine& line : panel.lines) {
      for (size_t x = 0; x < line.y.size() && metric.may_exceed_one; ++x) {
        if (line.y[x] + (std::isnan(line.error[x]) ? 0.0 : line.error[x]) > 1.0) panel.y_max = 0.0;
      }
    }
    figure.panels.push_back(std::move(panel));
  }
  return RenderSvg(figure);
}

}  // namespace ratesim

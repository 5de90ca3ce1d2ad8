#include "sim/report/plots_svg.h"

#include <algorithm>

#include "fmt/format.h"
#include "sim/report/svg_chart.h"

namespace ratesim {
namespace {

constexpr int kColumns = 4;
constexpr int kUtilisationColumn = 2;

ChartPanel Panel(std::string title, const RunOverview& overview) {
  ChartPanel panel;
  panel.title = std::move(title);
  panel.x = overview.time_s;
  return panel;
}

void AddLines(const OverviewLines& lines, ChartPanel& panel) {
  for (size_t i = 0; i < lines.labels.size(); ++i) {
    panel.lines.push_back({lines.labels[i], lines.values[i], "", {}});
  }
}

// The reasons any of the runs failed an attempt for, so that every row draws the same lines.
std::vector<FailReason> ReasonsMet(const std::vector<RunOverview>& overviews) {
  std::vector<FailReason> met;
  for (size_t reason = 0; reason < kFailReasonCount; ++reason) {
    for (const RunOverview& overview : overviews) {
      const std::vector<double>& per_s = overview.failed_per_s[reason];
      if (std::any_of(per_s.begin(), per_s.end(), [](double value) { return value > 0.0; })) {
        met.push_back(static_cast<FailReason>(reason));
        break;
      }
    }
  }
  return met;
}

}  // namespace

std::vector<PlotEvent> ScenarioEvents(const Scenario& scenario) {
  std::vector<PlotEvent> events;
  if (scenario.run.warmup > 0) events.push_back({ToSeconds(scenario.run.warmup), "warm-up ends"});
  for (const ModelSpec& model : scenario.models) {
    for (const CapacityChange& change : model.schedule) {
      events.push_back({ToSeconds(change.at),
                        scenario.models.size() > 1
                            ? fmt::format("{}: replicas {}", model.name, change.replicas)
                            : fmt::format("replicas {}", change.replicas)});
    }
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const PlotEvent& a, const PlotEvent& b) { return a.time_s < b.time_s; });
  return events;
}

std::string PlotsSvg(std::string_view title, const std::vector<std::string>& policies,
                     const std::vector<RunOverview>& overviews, double duration_s,
                     const std::vector<PlotEvent>& events) {
  ChartFigure figure;
  figure.title = std::string(title);
  figure.x_label = "time (s)";
  figure.columns = kColumns;
  const std::vector<FailReason> reasons = ReasonsMet(overviews);
  for (size_t p = 0; p < policies.size(); ++p) {
    const RunOverview& overview = overviews[p];
    ChartPanel outcomes = Panel(fmt::format("{}: requests per second", policies[p]), overview);
    // Colours that read as what they are: offered grey, served green, the org's fault orange,
    // the platform's red.
    outcomes.lines = {{"offered", overview.offered_per_s, "#9a9a9a", {}},
                      {"200", overview.ok_per_s, "#2e8b57", {}},
                      {"429", overview.r429_per_s, "#e69500", {}},
                      {"503", overview.r503_per_s, "#c0392b", {}}};
    // The clients' own failures, in a colour of their own, where any client gave up waiting.
    if (std::any_of(overview.timed_out_per_s.begin(), overview.timed_out_per_s.end(),
                    [](double v) { return v > 0; })) {
      outcomes.lines.push_back({"timed out", overview.timed_out_per_s, "#8e44ad", {}});
    }
    ChartPanel rates = Panel(fmt::format("{}: dynamic rate (RPM)", policies[p]), overview);
    AddLines(overview.rate_rpm, rates);
    ChartPanel utilisation = Panel(fmt::format("{}: utilisation", policies[p]), overview);
    AddLines(overview.utilisation, utilisation);
    ChartPanel failed =
        Panel(fmt::format("{}: failed attempts per second, by reason", policies[p]), overview);
    for (const FailReason reason : reasons) {
      failed.lines.push_back({std::string(FailReasonName(reason)),
                              overview.failed_per_s[static_cast<size_t>(reason)], "", {}});
    }
    figure.panels.push_back(std::move(outcomes));
    figure.panels.push_back(std::move(rates));
    figure.panels.push_back(std::move(utilisation));
    figure.panels.push_back(std::move(failed));
  }
  // One y axis per column, over every policy's row.
  for (size_t column = 0; column < kColumns; ++column) {
    double y_max = 0.0;
    for (size_t p = column; p < figure.panels.size(); p += kColumns) {
      y_max = std::max(y_max, LargestFinite(figure.panels[p]));
    }
    for (size_t p = column; p < figure.panels.size(); p += kColumns) {
      // Utilisation is a share: its axis reaches 1 at least, so a half-busy model looks half busy.
      figure.panels[p].y_max = column == kUtilisationColumn ? std::max(y_max, 1.0) : y_max;
    }
  }
  // One time axis for every row (runs that drain end at different times), and where the traffic
  // stops, so that a run's last, draining interval does not read as traffic collapsing.
  double end_s = duration_s;
  for (const RunOverview& overview : overviews) {
    if (!overview.time_s.empty()) end_s = std::max(end_s, overview.time_s.back());
  }
  for (ChartPanel& panel : figure.panels) {
    panel.x_max = end_s;
    for (const PlotEvent& event : events) panel.marks.push_back({event.time_s, event.label});
    if (end_s > duration_s) panel.marks.push_back({duration_s, "traffic stops"});
  }
  return RenderSvg(figure);
}

}  // namespace ratesim

// plots.svg: what a comparison looks like over time, one row of panels per policy (its first
// replication) on the identical traffic: outcomes per second (offered, 200, 429, 503), the dynamic
// request rate per key (RPM), each model's utilisation, and the failed attempts per second by the
// policy's reason (a line for each reason any row met). Panels of one column share their y axis,
// so the rows compare at a glance; the numbers behind them are in timeseries.csv.
#ifndef RATESIM_SIM_REPORT_PLOTS_SVG_H_
#define RATESIM_SIM_REPORT_PLOTS_SVG_H_

#include <string>
#include <string_view>
#include <vector>

#include "sim/metrics/overview_sink.h"
#include "sim/scenario/scenario.h"

namespace ratesim {

inline constexpr char kPlotsSvgFileName[] = "plots.svg";

// A moment the panels mark with a dashed line: a scheduled capacity change ("replicas 0").
struct PlotEvent {
  double time_s = 0.0;
  std::string label;
};

// The moments of `scenario` that its plots mark, in time order: the end of its warm-up ("warm-up
// ends"), whose results leave out what comes before; and every scheduled change of a model's
// replicas, labelled "replicas N" (with the model's name first where the scenario has several
// models). Autoscaler changes are not scheduled and are not among them.
std::vector<PlotEvent> ScenarioEvents(const Scenario& scenario);

// `duration_s` is when the scenario's traffic stops: runs that drain go on past it, and a dashed
// line marks it; so does each of `events`, so that a drop in served requests or a full model can
// be read against the capacity change that caused it. Every panel shares one time axis, to the
// latest end of any run. REQUIRES: overviews.size() == policies.size().
std::string PlotsSvg(std::string_view title, const std::vector<std::string>& policies,
                     const std::vector<RunOverview>& overviews, double duration_s,
                     const std::vector<PlotEvent>& events = {});

}  // namespace ratesim

#endif  // RATESIM_SIM_REPORT_PLOTS_SVG_H_

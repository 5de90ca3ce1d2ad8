#include "sim/report/idle_stream_warning.h"

#include "fmt/format.h"
#include "sim/report/human_units.h"

namespace ratesim {

std::vector<IdleStream> IdleStreams(const Scenario& scenario) {
  const Nanos duration = scenario.run.duration;  // arrivals happen in [0, duration)
  const std::string end = fmt::format("the run's duration of {}", FormatDuration(duration));
  std::vector<IdleStream> idle;
  for (const OrgSpec& org : scenario.orgs) {
    for (const TrafficSpec& traffic : org.traffic) {
      if (traffic.shape.start < duration) continue;
      std::string stream = fmt::format("org '{}' to model '{}' ({}:{})", org.name, traffic.model,
                                       scenario.path, traffic.pos.line);
      std::string warning =
          fmt::format("warning: the traffic of {} starts at {}, at or after {}: it sends no "
                      "requests\n",
                      stream, FormatDuration(traffic.shape.start), end);
      idle.push_back({std::move(stream), std::move(warning)});
    }
  }
  for (const TraceSpec& trace : scenario.traces) {
    if (trace.census == nullptr) continue;  // not loaded: the run refuses it
    std::string stream = fmt::format("trace '{}'", trace.path);
    const std::optional<TraceCensus::FirstRow>& first = trace.census->first_row;
    if (!first.has_value()) {
      std::string warning = fmt::format("warning: {} has no rows: it sends no requests\n", stream);
      idle.push_back({std::move(stream), std::move(warning)});
    } else if (first->time >= duration) {
      std::string warning = fmt::format(
          "warning: every row of {} is at or after {} (the first, line {}, is at {}): it sends no "
          "requests\n",
          stream, end, first->line, FormatDuration(first->time));
      idle.push_back({std::move(stream), std::move(warning)});
    }
  }
  return idle;
}

std::string IdleStreamWarnings(const Scenario& scenario) {
  std::string warnings;
  for (const IdleStream& idle : IdleStreams(scenario)) warnings += idle.warning;
  return warnings;
}

}  // namespace ratesim

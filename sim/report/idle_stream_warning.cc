#include "sim/report/idle_stream_warning.h"

#include "fmt/format.h"
#include "sim/report/human_units.h"
#include "sim/scenario/trace_reader.h"

namespace ratesim {

std::string IdleStreamWarnings(const Scenario& scenario) {
  const Nanos duration = scenario.run.duration;  // arrivals happen in [0, duration)
  const std::string end = fmt::format("the run's duration of {}", FormatDuration(duration));
  std::string warnings;
  for (const OrgSpec& org : scenario.orgs) {
    for (const TrafficSpec& traffic : org.traffic) {
      if (traffic.shape.start < duration) continue;
      warnings += fmt::format(
          "warning: the traffic of org '{}' to model '{}' ({}:{}) starts at {}, at or after {}: "
          "it sends no requests\n",
          org.name, traffic.model, scenario.path, traffic.pos.line,
          FormatDuration(traffic.shape.start), end);
    }
  }
  for (const TraceSpec& trace : scenario.traces) {
    absl::StatusOr<TraceReader> reader = TraceReader::Open(trace.path);
    if (!reader.ok()) continue;
    TraceRow first;
    absl::StatusOr<bool> any = reader->Next(&first);
    if (!any.ok()) continue;
    if (!*any) {
      warnings += fmt::format("warning: trace '{}' has no rows: it sends no requests\n",
                              trace.path);
    } else if (first.time >= duration) {
      warnings += fmt::format(
          "warning: every row of trace '{}' is at or after {} (the first, line {}, is at {}): it "
          "sends no requests\n",
          trace.path, end, reader->line(), FormatDuration(first.time));
    }
  }
  return warnings;
}

}  // namespace ratesim

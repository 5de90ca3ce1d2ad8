#include "sim/report/idle_stream_warning.h"

#include "fmt/format.h"
#include "sim/scenario/units.h"

namespace ratesim {

std::vector<IdleStream> IdleStreams(const Scenario& scenario) {
  const Nanos duration = scenario.run.duration;  // arrivals happen in [0, duration)
  const std::string end = fmt::format("the run's duration of {}", FormatDuration(duration));
  std::vector<IdleStream> idle;
  const std::vector<OrgSpec>& orgs = scenario.orgs;
  for (size_t first = 0; first < orgs.size();) {
    // The copies of one [[orgs]] are warned of once a stream.
    const size_t group = OrgsOfOneEntry(orgs, first);
    const OrgSpec& org = orgs[first];
    for (size_t t = 0; t < org.traffic.size(); ++t) {
      // The earliest idle copy: with a stagger the later copies start later.
      const TrafficSpec* earliest = nullptr;
      size_t idle_copies = 0;
      for (size_t c = first; c < first + group && t < orgs[c].traffic.size(); ++c) {
        const TrafficSpec& traffic = orgs[c].traffic[t];
        if (traffic.shape.start < duration) continue;
        ++idle_copies;
        if (earliest == nullptr) earliest = &traffic;
      }
      if (earliest == nullptr) continue;
      const std::string where =
          fmt::format("to model '{}' ({}:{})", earliest->model, scenario.path, earliest->pos.line);
      std::string stream = org.copy_of.empty()
                               ? fmt::format("org '{}' {}", org.name, where)
                               : fmt::format("the copies of org '{}' {}", org.copy_of, where);
      const std::string which =
          org.copy_of.empty() || idle_copies == group
              ? stream
              : fmt::format("{} of the {} copies of org '{}' {}", idle_copies, group, org.copy_of,
                            where);
      std::string warning =
          fmt::format("warning: the traffic of {} starts at {}{}, at or after {}: it sends no "
                      "requests\n",
                      which, FormatDuration(earliest->shape.start), idle_copies > 1 ? " or later" : "",
                      end);
      idle.push_back({std::move(stream), std::move(warning)});
    }
    first += group;
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
  // A capacity change after the last arrival: the first such entry of a model's schedule (the rest
  // are later still). The run processes events up to its duration inclusive, and with a drain on
  // until the last request ends, so a change then can still meet requests in flight, but no arrival.
  for (const ModelSpec& model : scenario.models) {
    for (const CapacityChange& change : model.schedule) {
      if (change.at <= duration) continue;
      std::string what = fmt::format("the schedule of model '{}' ({}:{})", model.name, scenario.path,
                                     change.pos.line);
      std::string warning = fmt::format(
          "warning: {} changes its replicas at {}, after {}: {}\n", what, FormatDuration(change.at),
          end,
          scenario.run.drain ? "no arrival meets the change, only the drain of requests still in flight"
                             : "the change never happens");
      idle.push_back({std::move(what), std::move(warning)});
      break;
    }
  }
  // A time series whose first row covers the whole run: a resolution meant for a longer run, or
  // mistyped ("10m" for "10s").
  if (scenario.run.resolution > duration) {
    idle.push_back({"the time series",
                    fmt::format("warning: the resolution of {} is longer than {}: the time series' "
                                "first row covers the whole run\n",
                                FormatDuration(scenario.run.resolution), end)});
  }
  return idle;
}

std::string IdleStreamWarnings(const Scenario& scenario) {
  std::string warnings;
  for (const IdleStream& idle : IdleStreams(scenario)) warnings += idle.warning;
  return warnings;
}

}  // namespace ratesim

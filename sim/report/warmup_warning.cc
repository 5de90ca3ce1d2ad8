#include "sim/report/warmup_warning.h"

#include "fmt/format.h"
#include "sim/scenario/units.h"

namespace ratesim {

std::string WarmupWarnings(const Scenario& scenario) {
  const Nanos warmup = scenario.run.warmup;
  if (warmup <= 0) return "";
  const std::string hidden = fmt::format(
      "within the warm-up of {}: the results measure only what comes after it", FormatDuration(warmup));
  std::string out;
  for (const ModelSpec& model : scenario.models) {
    for (const CapacityChange& change : model.schedule) {
      if (change.at >= warmup) break;  // the schedule is in time order
      out += fmt::format(
          "warning: the schedule of model '{}' ({}:{}) changes its replicas at {}, {}; shorten "
          "the warm-up to before {} to measure the change\n",
          model.name, scenario.path, change.pos.line, FormatDuration(change.at), hidden,
          FormatDuration(change.at));
      break;
    }
  }
  const std::vector<OrgSpec>& orgs = scenario.orgs;
  for (size_t first = 0; first < orgs.size(); first += OrgsOfOneEntry(orgs, first)) {
    const OrgSpec& org = orgs[first];
    for (const TrafficSpec& traffic : org.traffic) {
      if (traffic.shape.stop > warmup) continue;
      out += fmt::format("warning: the traffic of {} to model '{}' ({}:{}) stops at {}, {}\n",
                         OrgEntryName(orgs, first), traffic.model, scenario.path, traffic.pos.line,
                         FormatDuration(traffic.shape.stop), hidden);
    }
  }
  return out;
}

}  // namespace ratesim

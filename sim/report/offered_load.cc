#include "sim/report/offered_load.h"

#include <cmath>

#include "fmt/format.h"
#include "sim/simulate/arrival_process.h"
#include "sim/simulate/platform.h"

namespace ratesim {
namespace {

// "9.0", "0.25", "1200": two significant digits at least, no exponent for everyday figures.
std::string Figure(double value) {
  if (value >= 100.0) return fmt::format("{:.0f}", value);
  if (value >= 1.0) return fmt::format("{:.1f}", value);
  return fmt::format("{:.2g}", value);
}

}  // namespace

std::string OfferedLoadLines(const Scenario& scenario) {
  const double duration_s = ToSeconds(scenario.run.duration);
  std::string out;
  for (const ModelSpec& model : scenario.models) {
    double offered = 0.0;
    size_t closed = 0;
    for (const OrgSpec& org : scenario.orgs) {
      for (const TrafficSpec& traffic : org.traffic) {
        if (traffic.model != model.name) continue;
        if (traffic.shape.kind == TrafficShape::Kind::kClosedLoop) {
          ++closed;
          continue;
        }
        offered += ArrivalProcess(traffic.shape, scenario.run.duration).ExpectedCount();
      }
    }
    // A trace's rows for the model, all counted: the census knows where a trace starts, not where
    // it ends, and a trace is most often recorded for the run that replays it.
    bool traced = false;
    for (const TraceSpec& trace : scenario.traces) {
      if (trace.census == nullptr) continue;
      if (const auto found = trace.census->by_model.find(model.name); found != trace.census->by_model.end()) {
        offered += static_cast<double>(found->second.rows);
        traced = true;
      }
    }
    const double per_s = duration_s > 0.0 ? offered / duration_s : 0.0;
    const double capacity =
        Scaled(NominalCapacityPerReplica(scenario, model), model.replicas).requests_per_s;
    std::string also;
    if (traced) also += " (every trace row counted as within the run)";
    if (closed > 0) {
      also += fmt::format(", and {} closed loop{} paced by {} replies", closed, closed == 1 ? "" : "s",
                          closed == 1 ? "its" : "their");
    }
    const std::string share =
        capacity > 0.0 && std::isfinite(capacity) ? fmt::format(": {:.0f}%", 100.0 * per_s / capacity) : "";
    out += fmt::format(
        "load: model '{}': about {} requests/s offered on average{}, against "
        "{} requests/s of capacity ({} slots at the start){}\n",
        model.name, Figure(per_s), also, Figure(capacity), model.replicas * model.concurrency, share);
  }
  return out;
}

}  // namespace ratesim

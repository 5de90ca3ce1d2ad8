#include "sim/report/client_holdback_warning.h"

#include <algorithm>

#include "fmt/format.h"
#include "sim/scenario/units.h"
#include "sim/simulate/arrival_process.h"
#include "sim/simulate/platform.h"

namespace ratesim {
namespace {

// "0.0333", "2", "120", "4500": enough digits to tell a per-minute slip from a per-second one.
std::string Rate(double per_s) {
  return per_s >= 1000.0 ? fmt::format("{:.0f}", per_s) : fmt::format("{:.3g}", per_s);
}

// What lets the client's requests through, when it is less than `sending` a second: "paces at ..."
// or "caps ... in flight", with the most it lets through, and what to check.
struct Bottleneck {
  std::string what;  // "" when the client keeps up
  std::string hint;
};

Bottleneck FindBottleneck(const Scenario& scenario, const TrafficSpec& traffic, double sending) {
  const ClientSpec& client = traffic.client;
  if (client.pace_per_s > 0.0 && sending > client.pace_per_s) {
    const double per_minute = client.pace_per_s * 60.0;
    // A pace whose number per minute would keep up was most likely meant per second.
    return {fmt::format("paces at {} requests/s ({} rpm)", Rate(client.pace_per_s), Rate(per_minute)),
            per_minute >= sending ? fmt::format("; if the pace was meant per second, write pace = "
                                                "\"{}rps\"",
                                                Rate(per_minute))
                                  : "; raise the pace or lower the stream's rate"};
  }
  if (client.max_in_flight <= 0) return {};
  const auto model = std::find_if(scenario.models.begin(), scenario.models.end(),
                                  [&](const ModelSpec& m) { return m.name == traffic.model; });
  if (model == scenario.models.end()) return {};
  const double per_replica = NominalCapacityPerReplica(scenario, *model).requests_per_s;
  if (!(per_replica > 0.0)) return {};
  const double service_s = static_cast<double>(model->concurrency) / per_replica;
  const double most = static_cast<double>(client.max_in_flight) / service_s;
  if (sending <= most) return {};
  return {fmt::format("caps its requests in flight at {}, which at the model's mean service time of "
                      "{:.3g}s lets at most {} requests/s through",
                      client.max_in_flight, service_s, Rate(most)),
          "; raise max_in_flight or lower the stream's rate"};
}

}  // namespace

std::string ClientHoldbackWarnings(const Scenario& scenario) {
  std::string out;
  const std::vector<OrgSpec>& orgs = scenario.orgs;
  for (size_t first = 0; first < orgs.size(); first += OrgsOfOneEntry(orgs, first)) {
    const OrgSpec& org = orgs[first];
    for (const TrafficSpec& traffic : org.traffic) {
      if (traffic.shape.kind == TrafficShape::Kind::kClosedLoop) continue;
      const double sending = MeanRateWhileSending(traffic.shape, scenario.run.duration);
      const Bottleneck bottleneck = FindBottleneck(scenario, traffic, sending);
      if (bottleneck.what.empty()) continue;
      out += fmt::format(
          "warning: the client of {} to model '{}' ({}:{}) {}, but the stream sends about {} "
          "requests/s: the client's own queue grows all run long, its requests wait there before "
          "they are sent (their latency counts it), {}{}\n",
          OrgEntryName(orgs, first), traffic.model, scenario.path, traffic.pos.line, bottleneck.what, Rate(sending),
          scenario.run.drain ? "and the run drains them long after its traffic ends"
                             : "and those still waiting when the run stops count as in flight",
          bottleneck.hint);
    }
  }
  return out;
}

}  // namespace ratesim

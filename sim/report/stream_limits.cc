#include "sim/report/stream_limits.h"

#include <algorithm>
#include <memory>
#include <vector>

#include "engine/enforcement_window.h"
#include "fmt/format.h"
#include "sim/scenario/units.h"
#include "sim/simulate/arrival_process.h"
#include "sim/simulate/platform.h"

namespace ratesim {
namespace {

// "0.5", "120", "84000": a per-minute figure as the headers would show it.
std::string PerMinute(double value) {
  return value < 10.0 ? fmt::format("{:.2g}", value) : fmt::format("{:.0f}", value);
}

struct StreamLine {
  std::string text;
  bool over = false;
};

StreamLine Describe(const Scenario& scenario, size_t first, size_t copies,
                    const TrafficSpec& traffic, const RateState& limit) {
  const OrgSpec& org = scenario.orgs[first];
  const double per_s = MeanRateWhileSending(traffic.shape, scenario.run.duration);
  const double tokens = traffic.input_tokens.mean + traffic.max_output_tokens.mean;
  const double rpm = per_s * 60.0;
  const double tpm = per_s * tokens * 60.0;
  const double limit_rpm = limit.request_rate * 60.0;
  const double limit_tpm = limit.token_rate * 60.0;
  std::vector<std::string> over;
  if (rpm > limit_rpm) over.push_back(fmt::format("{:.1f}x its request limit", rpm / limit_rpm));
  if (tpm > limit_tpm) over.push_back(fmt::format("{:.1f}x its token limit", tpm / limit_tpm));
  std::string bursts;
  if (traffic.shape.kind == TrafficShape::Kind::kBursts) {
    bursts = fmt::format(" in bursts of {} within {}", traffic.shape.burst_count,
                         FormatDuration(traffic.shape.burst_window));
    // What one second of a burst holds (all of it, for a burst within a second), against the
    // window's depth, rate × 1 s: the rest of that second's requests arrive over rate.
    const double window_s = ToSeconds(traffic.shape.burst_window);
    const double in_a_second =
        static_cast<double>(traffic.shape.burst_count) / std::max(1.0, window_s);
    const double depth = WindowDepth(limit.request_rate);
    if (in_a_second > depth + 1e-9) {
      over.push_back(fmt::format("about {:.3g} of each burst's requests within a second, against "
                                 "a one-second window of {:.3g}",
                                 in_a_second, depth));
    }
  }
  const std::string who =
      copies > 1 ? fmt::format("each of the {} copies of org '{}'", copies, org.copy_of)
                 : fmt::format("org '{}'", org.name);
  std::string verdict = "within it";
  if (!over.empty()) {
    verdict = "over it: ";
    for (size_t i = 0; i < over.size(); ++i) verdict += (i > 0 ? ", " : "") + over[i];
  }
  return {fmt::format("limits: {} to '{}' sends about {} RPM and {} TPM{} ({}:{}), against a "
                      "starting limit of {} RPM and {} TPM: {}\n",
                      who, traffic.model, PerMinute(rpm), PerMinute(tpm), bursts, scenario.path,
                      traffic.pos.line, PerMinute(limit_rpm), PerMinute(limit_tpm), verdict),
          !over.empty()};
}

}  // namespace

std::string StreamLimitLines(const Scenario& scenario) {
  if (scenario.policies.empty()) return "";
  absl::StatusOr<std::unique_ptr<Platform>> platform = BuildPlatform(scenario, scenario.policies[0]);
  if (!platform.ok()) return "";
  const Engine& engine = (*platform)->engine;
  // The platform makes a stream per org's traffic, copies included, in scenario order.
  std::vector<StreamLine> lines;
  size_t stream = 0;
  const std::vector<OrgSpec>& orgs = scenario.orgs;
  for (size_t first = 0; first < orgs.size();) {
    const size_t copies = OrgsOfOneEntry(orgs, first);
    for (const TrafficSpec& traffic : orgs[first].traffic) {
      const KeyId key = (*platform)->streams[stream++].key;
      if (traffic.shape.kind == TrafficShape::Kind::kClosedLoop) continue;
      lines.push_back(Describe(scenario, first, copies, traffic, engine.RateAt(key, 0)));
    }
    for (size_t c = first + 1; c < first + copies; ++c) stream += orgs[c].traffic.size();
    first += copies;
  }
  std::string out;
  const bool all = lines.size() <= kStreamLimitLinesListed;
  size_t listed = 0;
  size_t within = 0;
  for (const StreamLine& line : lines) {
    if (!line.over) ++within;
    if (!all && (!line.over || listed == kStreamLimitLinesListed)) continue;
    out += line.text;
    ++listed;
  }
  if (!all) {
    out += fmt::format("limits: {} of {} streams start over their limit ({} listed), {} within it\n",
                       lines.size() - within, lines.size(), listed, within);
  }
  return out;
}

}  // namespace ratesim

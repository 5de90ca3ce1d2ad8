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

// The streams of one [[orgs]] entry to one model: they share the org's limit for that model, and
// its one-second window.
struct KeyTraffic {
  size_t first = 0;  // the entry's first org
  std::string model;
  std::vector<const TrafficSpec*> streams;
  RateState limit;
};

// What the streams send together at their busiest: the most of their mean rates (while each sends)
// that overlap, in requests and tokens per second. Evaluated at each stream's start, where the sum
// can only have grown.
struct Together {
  double requests_per_s = 0.0;
  double tokens_per_s = 0.0;
};

Together BusiestTogether(const std::vector<const TrafficSpec*>& streams, Nanos duration) {
  Together busiest;
  for (const TrafficSpec* at : streams) {
    const Nanos t = std::min(at->shape.start, duration);
    Together sum;
    for (const TrafficSpec* stream : streams) {
      const TrafficShape& shape = stream->shape;
      if (shape.start > t || std::min(shape.stop, duration) <= t) continue;
      const double per_s = MeanRateWhileSending(shape, duration);
      sum.requests_per_s += per_s;
      sum.tokens_per_s += per_s * (stream->input_tokens.mean + stream->max_output_tokens.mean);
    }
    busiest.requests_per_s = std::max(busiest.requests_per_s, sum.requests_per_s);
    busiest.tokens_per_s = std::max(busiest.tokens_per_s, sum.tokens_per_s);
  }
  return busiest;
}

struct StreamLine {
  std::string text;
  bool over = false;
};

StreamLine Describe(const Scenario& scenario, const KeyTraffic& key) {
  const Together sent = BusiestTogether(key.streams, scenario.run.duration);
  const double rpm = sent.requests_per_s * 60.0;
  const double tpm = sent.tokens_per_s * 60.0;
  const double limit_rpm = key.limit.request_rate * 60.0;
  const double limit_tpm = key.limit.token_rate * 60.0;
  std::vector<std::string> over;
  if (rpm > limit_rpm) over.push_back(fmt::format("{:.1f}x its request limit", rpm / limit_rpm));
  if (tpm > limit_tpm) over.push_back(fmt::format("{:.1f}x its token limit", tpm / limit_tpm));
  const bool several = key.streams.size() > 1;
  std::string bursts;
  for (const TrafficSpec* stream : key.streams) {
    const TrafficShape& shape = stream->shape;
    if (shape.kind != TrafficShape::Kind::kBursts) continue;
    const std::string line = several ? fmt::format(" (line {})", stream->pos.line) : "";
    bursts += fmt::format(" in bursts of {} within {}{}", shape.burst_count,
                          FormatDuration(shape.burst_window), line);
    // What one second of a burst holds (all of it, for a burst within a second), against the
    // window's depth, rate × 1 s: the rest of that second's requests arrive over rate.
    const double in_a_second =
        static_cast<double>(shape.burst_count) / std::max(1.0, ToSeconds(shape.burst_window));
    const double depth = WindowDepth(key.limit.request_rate);
    if (in_a_second > depth + 1e-9) {
      over.push_back(fmt::format("about {:.3g} of each burst's requests within a second{}, "
                                 "against a one-second window of {:.3g}",
                                 in_a_second, line, depth));
    }
  }
  std::string where = fmt::format("{}:{}", scenario.path, key.streams.front()->pos.line);
  for (size_t i = 1; i < key.streams.size(); ++i) {
    where += fmt::format(", {}", key.streams[i]->pos.line);
  }
  const std::string sends =
      several ? fmt::format("sends in {} streams up to about {} RPM and {} TPM together",
                            key.streams.size(), PerMinute(rpm), PerMinute(tpm))
              : fmt::format("sends about {} RPM and {} TPM", PerMinute(rpm), PerMinute(tpm));
  std::string verdict = "within it";
  if (!over.empty()) {
    verdict = "over it: ";
    for (size_t i = 0; i < over.size(); ++i) verdict += (i > 0 ? ", " : "") + over[i];
  }
  return {fmt::format("limits: {} to '{}' {}{} ({}), against a starting limit of {} RPM and {} "
                      "TPM: {}\n",
                      OrgEntryName(scenario.orgs, key.first), key.model, sends, bursts, where,
                      PerMinute(limit_rpm), PerMinute(limit_tpm), verdict),
          !over.empty()};
}

// The streams of each [[orgs]] entry (its first org's, for copies alike) to each model, in scenario
// order, with the org's starting limit for the model from `platform`, which made a stream per org's
// traffic, copies included, in scenario order.
std::vector<KeyTraffic> KeysOf(const Scenario& scenario, const Platform& platform) {
  std::vector<KeyTraffic> keys;
  size_t stream = 0;
  const std::vector<OrgSpec>& orgs = scenario.orgs;
  for (size_t first = 0; first < orgs.size();) {
    const size_t copies = OrgsOfOneEntry(orgs, first);
    const size_t entry_start = keys.size();
    for (const TrafficSpec& traffic : orgs[first].traffic) {
      const StreamSpec& spec = platform.streams[stream++];
      if (traffic.shape.kind == TrafficShape::Kind::kClosedLoop) continue;
      const auto same_model = std::find_if(
          keys.begin() + static_cast<std::ptrdiff_t>(entry_start), keys.end(),
          [&](const KeyTraffic& key) { return key.model == traffic.model; });
      if (same_model != keys.end()) {
        same_model->streams.push_back(&traffic);
        continue;
      }
      keys.push_back(KeyTraffic{first, traffic.model, {&traffic}, platform.engine.RateAt(spec.key, 0)});
    }
    for (size_t c = first + 1; c < first + copies; ++c) stream += orgs[c].traffic.size();
    first += copies;
  }
  return keys;
}

}  // namespace

std::string StreamLimitLines(const Scenario& scenario) {
  if (scenario.policies.empty()) return "";
  absl::StatusOr<std::unique_ptr<Platform>> platform = BuildPlatform(scenario, scenario.policies[0]);
  if (!platform.ok()) return "";
  std::vector<StreamLine> lines;
  for (const KeyTraffic& key : KeysOf(scenario, **platform)) lines.push_back(Describe(scenario, key));
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
    out += fmt::format(
        "limits: {} of {} (org, model) pairs start over their limit ({} listed), {} within it\n",
                       lines.size() - within, lines.size(), listed, within);
  }
  return out;
}

}  // namespace ratesim

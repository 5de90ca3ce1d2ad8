#include "sim/simulate/run_volume.h"

#include <cmath>
#include <string>

#include "absl/strings/str_replace.h"
#include "fmt/format.h"
#include "sim/scenario/units.h"
#include "sim/simulate/arrival_process.h"

namespace ratesim {
namespace {

// `value` in two significant digits, as a scenario file would write it: "6e301", "2.1e10".
std::string Scientific(double value) {
  return absl::StrReplaceAll(fmt::format("{:.2g}", value), {{"e+0", "e"}, {"e+", "e"}});
}

// A count that may be astronomically large: "about 6e301"; beyond a double (or not a number,
// ∞ − ∞), "more than 1e308".
std::string RoughCount(double count) {
  return std::isfinite(count) ? "about " + Scientific(count) : "more than 1e308";
}

// The streams of one [[orgs.traffic]] entry: of one org, or of every copy of one [[orgs]].
struct Entry {
  const OrgSpec* org = nullptr;  // the first org the entry makes
  size_t traffic = 0;            // its index in the org's traffic
  size_t copies = 1;
  double expected = 0.0;
};

// Fails if a client paced at `client`'s pace would take longer than kMaxPacedBacklogRuns run
// durations to send `expected` requests. `where` names the entry, `what` the requests.
absl::Status CheckPacedBacklog(const Scenario& scenario, const ClientSpec& client, double expected,
                               const SourcePos& pos, std::string_view what) {
  if (client.pace_per_s <= 0.0 || !scenario.run.drain) return absl::OkStatus();
  const double duration_s = ToSeconds(scenario.run.duration);
  const double backlog_s = expected / client.pace_per_s;
  if (!(backlog_s > kMaxPacedBacklogRuns * duration_s)) return absl::OkStatus();
  return absl::InvalidArgumentError(fmt::format(
      "{}:{}:{}: error: the client's pace of {} requests/s would take {}s to send {} {}, more than "
      "{} times the run's {}, and the run drains for as long: raise the pace, lower the traffic, "
      "or set run.drain = false",
      scenario.path, pos.line, pos.column, Scientific(client.pace_per_s), Scientific(backlog_s),
      RoughCount(expected), what, kMaxPacedBacklogRuns, FormatDuration(scenario.run.duration)));
}

absl::Status CheckPacedBacklogs(const Scenario& scenario) {
  for (const OrgSpec& org : scenario.orgs) {
    for (const TrafficSpec& traffic : org.traffic) {
      const double expected = ArrivalProcess(traffic.shape, scenario.run.duration).ExpectedCount();
      if (absl::Status status = CheckPacedBacklog(scenario, traffic.client, expected, traffic.pos,
                                                  "requests of this [[orgs.traffic]]");
          !status.ok()) {
        return status;
      }
    }
  }
  for (const TraceSpec& trace : scenario.traces) {
    if (trace.census == nullptr) continue;
    double rows = 0.0;
    for (const auto& [model, totals] : trace.census->by_model) rows += static_cast<double>(totals.rows);
    if (absl::Status status =
            CheckPacedBacklog(scenario, trace.client, rows, trace.pos, "rows of this trace");
        !status.ok()) {
      return status;
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckRunVolume(const Scenario& scenario) {
  if (absl::Status status = CheckPacedBacklogs(scenario); !status.ok()) return status;
  const std::vector<OrgSpec>& orgs = scenario.orgs;
  double total = 0.0;
  Entry largest;
  size_t sending = 0;  // entries expected to send anything
  for (size_t first = 0; first < orgs.size();) {
    const size_t group = OrgsOfOneEntry(orgs, first);
    for (size_t t = 0; t < orgs[first].traffic.size(); ++t) {
      Entry entry{&orgs[first], t, group, 0.0};
      for (size_t c = first; c < first + group && t < orgs[c].traffic.size(); ++c) {
        entry.expected += ArrivalProcess(orgs[c].traffic[t].shape, scenario.run.duration).ExpectedCount();
      }
      total += entry.expected;
      sending += entry.expected != 0.0;
      // NaN counts as the largest: it is refused below, and this entry is its cause.
      if (largest.org == nullptr || entry.expected > largest.expected || std::isnan(entry.expected)) {
        largest = entry;
      }
    }
    first += group;
  }
  if (total <= kMaxExpectedRequests) return absl::OkStatus();  // NaN is not: refused
  const TrafficSpec& traffic = largest.org->traffic[largest.traffic];
  const std::string source =
      largest.copies > 1 ? fmt::format("the {} copies of org '{}'", largest.copies, largest.org->copy_of)
                         : fmt::format("org '{}'", largest.org->name);
  const std::string share =
      sending == 1 ? "all of them" : fmt::format("{} of them", RoughCount(largest.expected));
  return absl::InvalidArgumentError(fmt::format(
      "{}:{}:{}: error: the traffic would send {} requests in the run's {}, {} from {} to "
      "model '{}' (this [[orgs.traffic]]); expected at most {}, which takes hours to simulate for "
      "each policy: lower the rate or shorten run.duration",
      scenario.path, traffic.pos.line, traffic.pos.column, RoughCount(total),
      FormatDuration(scenario.run.duration), share, source, traffic.model, Scientific(kMaxExpectedRequests)));
}

}  // namespace ratesim

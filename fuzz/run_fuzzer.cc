// A scenario that loads, run through the simulator under each of its policies: every run succeeds,
// and its counts are conserved (each offered request ends in exactly one outcome or is in flight,
// slices add up to the whole) and never negative, its usage finite. So a value the loader lets
// through that the simulator cannot use shows up here, as a crash, a hang or nonsense.
//
// To stay fast (hundreds of runs a second) a run is cut to a minute, and a scenario whose traffic
// could offer more than kMostAttempts attempts in it, or whose autoscaler would wake more than
// kMostTicks times, is skipped: fuzzing the loader's limits is scenario_fuzzer's job, not this one's.
// The input is as scenario_fuzzer's (scenario_input.h).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/scenario_input.h"
#include "sim/metrics/run_metrics.h"
#include "sim/scenario/scenario.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/simulate/simulation.h"

namespace ratesim {
namespace {

constexpr Nanos kLongestRun = 60 * kNanosPerSecond;
constexpr double kMostAttempts = 2000;
constexpr double kMostTicks = 1000;

// At most how many requests `traffic` offers in `duration` (roughly: a bound, not a count).
double MostRequests(const TrafficSpec& traffic, Nanos duration) {
  const TrafficShape& s = traffic.shape;
  const double seconds = static_cast<double>(duration) / kNanosPerSecond;
  const auto per = [&](Nanos period) {
    return seconds / std::max(static_cast<double>(period) / kNanosPerSecond, 1e-9) + 1;
  };
  // Poisson arrivals may beat the mean: twice it, and some, is beyond any draw that matters here.
  const auto at = [&](double rate) { return 2 * rate * seconds + 20; };
  switch (s.kind) {
    case TrafficShape::Kind::kConstant:
    case TrafficShape::Kind::kPoisson:
    case TrafficShape::Kind::kOnOff:
      return at(s.rate_per_s);
    case TrafficShape::Kind::kBursts:
      return static_cast<double>(s.burst_count) * per(s.burst_period);
    case TrafficShape::Kind::kRamp:
      return at(std::max(s.ramp_from_per_s, s.ramp_to_per_s));
    case TrafficShape::Kind::kStep:
      return at(std::max(s.rate_per_s, s.step_to_per_s));
    case TrafficShape::Kind::kDiurnal:
      return at(s.rate_per_s * (1 + s.diurnal_amplitude));
    case TrafficShape::Kind::kClosedLoop:  // a worker sends again at least 1 ms after an answer
      return static_cast<double>(s.workers) * per(std::max(s.think_time, kNanosPerMillisecond));
  }
  return 0;
}

// Whether a run of `scenario` stays small (see the top of the file).
bool Small(const Scenario& scenario) {
  double attempts = 0;
  for (const OrgSpec& org : scenario.orgs) {
    for (const TrafficSpec& traffic : org.traffic) {
      attempts += MostRequests(traffic, scenario.run.duration) *
                  static_cast<double>(traffic.client.max_attempts);
    }
  }
  for (const TraceSpec& trace : scenario.traces) {
    for (const auto& [model, totals] : trace.census->by_model) {
      attempts += static_cast<double>(totals.rows * trace.client.max_attempts);
    }
  }
  double ticks = 0;
  for (const ModelSpec& model : scenario.models) {
    if (model.autoscaler.enabled) {
      ticks += static_cast<double>(scenario.run.duration) /
               static_cast<double>(std::max<Nanos>(model.autoscaler.interval, 1));
    }
  }
  return attempts <= kMostAttempts && ticks <= kMostTicks;
}

void CheckCounts(const OutcomeCounts& c, const char* slice) {
  FUZZ_CHECK(c.offered == c.ok + c.r429_request + c.r429_token + c.r503 + c.timed_out + c.in_flight,
             "%s: offered %lld != ok %lld + 429 %lld + %lld + 503 %lld + timed out %lld + in flight "
             "%lld",
             slice, static_cast<long long>(c.offered), static_cast<long long>(c.ok),
             static_cast<long long>(c.r429_request), static_cast<long long>(c.r429_token),
             static_cast<long long>(c.r503), static_cast<long long>(c.timed_out),
             static_cast<long long>(c.in_flight));
  for (const int64_t count : {c.offered, c.ok, c.r429_request, c.r429_token, c.r503, c.timed_out,
                              c.in_flight, c.retries, c.timeouts, c.served_after_timeout,
                              c.failed_after_timeout, c.over_rate_attempts}) {
    FUZZ_CHECK(count >= 0, "%s: a negative count", slice);
  }
  // Every attempt given up on is, for the platform, withdrawn, stopped, served or failed once.
  FUZZ_CHECK(c.timed_out <= c.timeouts && c.served_after_timeout + c.failed_after_timeout <= c.timeouts,
             "%s: %lld timed out, %lld served and %lld failed after %lld timeouts", slice,
             static_cast<long long>(c.timed_out), static_cast<long long>(c.served_after_timeout),
             static_cast<long long>(c.failed_after_timeout), static_cast<long long>(c.timeouts));
  for (const int64_t count : c.failed_attempts) FUZZ_CHECK(count >= 0, "%s: negative failures", slice);
}

void CheckRun(const Scenario& scenario, const RunResult& result) {
  const RunMetrics& m = result.metrics;
  CheckCounts(m.overall.counts, "overall");
  for (const std::vector<SliceMetrics>* slices : {&m.per_org, &m.per_model}) {
    OutcomeCounts sum;
    for (const SliceMetrics& slice : *slices) {
      CheckCounts(slice.counts, "a slice");
      sum.Add(slice.counts);
    }
    FUZZ_CHECK(sum.offered == m.overall.counts.offered && sum.ok == m.overall.counts.ok &&
                   sum.r429() == m.overall.counts.r429() && sum.r503 == m.overall.counts.r503 &&
                   sum.timed_out == m.overall.counts.timed_out,
               "slices do not add up to the whole");
  }
  FUZZ_CHECK(static_cast<int64_t>(m.overall.latency.Count()) == m.overall.counts.ok,
             "%lld latencies for %lld successes", static_cast<long long>(m.overall.latency.Count()),
             static_cast<long long>(m.overall.counts.ok));
  if (scenario.run.drain) {
    FUZZ_CHECK(m.overall.counts.in_flight == 0, "%lld in flight after draining",
               static_cast<long long>(m.overall.counts.in_flight));
  }
  for (const ModelUsage& usage : m.model_usage) {
    for (const double value : {usage.busy_slot_ns, usage.slot_ns, usage.buffered_ns}) {
      FUZZ_CHECK(std::isfinite(value) && value >= 0, "model usage %g", value);
    }
    FUZZ_CHECK(usage.slots >= 0 && usage.started >= 0, "negative slots or starts");
    FUZZ_CHECK(usage.utilisation() >= 0 && usage.utilisation() <= 1 + 1e-9, "utilisation %g",
               usage.utilisation());
  }
  FUZZ_CHECK(m.end_time >= 0, "end time %lld", static_cast<long long>(m.end_time));
  for (const NonFiniteRate& key : m.non_finite_rates) {
    FUZZ_CHECK(key.counts.requests >= 0 && key.counts.tokens >= 0, "negative non-finite counts");
  }
}

}  // namespace
}  // namespace ratesim

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::optional<std::vector<std::string>> overrides = ratesim::fuzz::SafeOverrides(text);
  if (!overrides) return 0;
  absl::StatusOr<ratesim::Scenario> scenario =
      ratesim::ParseScenario(text, ratesim::fuzz::ScenarioPath(), *overrides);
  if (!scenario.ok()) return 0;
  scenario->run.duration = std::min(scenario->run.duration, ratesim::kLongestRun);
  // A warm-up the cut leaves no run after (the loader refuses one as long as the run) is halved.
  if (scenario->run.warmup >= scenario->run.duration) scenario->run.warmup = scenario->run.duration / 2;
  if (!ratesim::Small(*scenario)) return 0;
  for (const ratesim::PolicySpec& policy : scenario->policies) {
    absl::StatusOr<ratesim::RunResult> result =
        ratesim::Simulate(*scenario, policy, scenario->run.seed);
    FUZZ_CHECK(result.ok(), "the run of a scenario that loaded failed: %s",
               result.status().ToString().c_str());
    ratesim::CheckRun(*scenario, *result);
  }
  return 0;
}

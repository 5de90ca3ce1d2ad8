// Failed attempts counted by the policy's reason (OutcomeCounts::failed_attempts), through the
// whole simulator: for each reason a small run that produces it a number of times worked out by
// hand (constant service times, bursts a fraction of a millisecond long), in the slices of the org
// and model it belongs to and in the model's time series (failed_<reason>, in the interval it
// failed in); every failed attempt counted, those its client retried included; and the totals
// against the 429 and 503 counts.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/fail_reason.h"
#include "gtest/gtest.h"
#include "sim/metrics/run_metrics.h"
#include "tests/support/scenario_builder.h"
#include "tests/support/scenario_builder_more.h"

namespace ratesim {
namespace {

using ::ratesim::testing::BareScenario;
using ::ratesim::testing::ConstantService;
using ::ratesim::testing::FixedLimits;
using ::ratesim::testing::ModelSeries;
using ::ratesim::testing::Org;
using ::ratesim::testing::Policy;
using ::ratesim::testing::RunScenario;
using ::ratesim::testing::Stream;

// `count` requests spread evenly over one millisecond from `start_s`, once.
TrafficShape OneBurst(int64_t count, double start_s = 0.0) {
  TrafficShape shape;
  shape.kind = TrafficShape::Kind::kBursts;
  shape.burst_count = count;
  shape.burst_window = kNanosPerMillisecond;
  shape.burst_period = 3600 * kNanosPerSecond;
  shape.start = FromSeconds(start_s);
  return shape;
}

// One slot busy for `service_s` per request, one org sending `burst` requests at once.
Scenario BurstOnOneSlot(PolicySpec policy, int64_t burst, double service_s = 10.0) {
  Scenario scenario = BareScenario(60, 1, 1, ConstantService(service_s), std::move(policy));
  scenario.orgs.push_back(Org("org", {Stream(OneBurst(burst))}));
  return scenario;
}

// The reasons' counts in FailReason order.
std::vector<int64_t> ByReason(const OutcomeCounts& counts) {
  return std::vector<int64_t>(counts.failed_attempts.begin(), counts.failed_attempts.end());
}

// `count` attempts failed for `reason`, none for any other.
std::vector<int64_t> Only(FailReason reason, int64_t count) {
  std::vector<int64_t> counts(kFailReasonCount, 0);
  counts[static_cast<size_t>(reason)] = count;
  return counts;
}

// The model's failed attempts by reason as its time series counts them, summed over the intervals.
std::vector<int64_t> SeriesByReason(const RunMetrics& metrics, uint32_t model = 0) {
  std::vector<int64_t> counts(kFailReasonCount, 0);
  for (size_t reason = 0; reason < kFailReasonCount; ++reason) {
    const SeriesMetric metric = FailedAttemptsMetric(static_cast<FailReason>(reason));
    for (const auto& [time, value] : ModelSeries(metrics, metric, model)) {
      counts[reason] += static_cast<int64_t>(value);
    }
  }
  return counts;
}

// Overall, the one org and the one model agree, with the model's time series too, and with
// nothing retried or in flight the failed attempts are the failed requests.
void ExpectOneSliceOfEverything(const RunMetrics& metrics) {
  ASSERT_EQ(metrics.per_org.size(), 1u);
  ASSERT_EQ(metrics.per_model.size(), 1u);
  const OutcomeCounts& overall = metrics.overall.counts;
  EXPECT_EQ(ByReason(metrics.per_org[0].counts), ByReason(overall));
  EXPECT_EQ(ByReason(metrics.per_model[0].counts), ByReason(overall));
  EXPECT_EQ(SeriesByReason(metrics), ByReason(overall));
  EXPECT_EQ(overall.retries, 0);
  EXPECT_EQ(overall.in_flight, 0);
  EXPECT_EQ(overall.failed_attempts_total(), overall.r429() + overall.r503);
}

TEST(FailedAttemptsByReason, NoBufferFailsWhatFindsNoSlotAsNoCapacity) {
  // The first of 5 takes the slot for 10 s; the other 4 find it busy. No limits: all are 503s.
  const RunResult result = RunScenario(BurstOnOneSlot(Policy("none"), 5));
  const OutcomeCounts& counts = result.metrics.overall.counts;
  EXPECT_EQ(ByReason(counts), Only(FailReason::kNoCapacity, 4));
  EXPECT_EQ(counts.r503, 4);
  ExpectOneSliceOfEverything(result.metrics);
}

TEST(FailedAttemptsByReason, AFullBufferFailsTheRestAsBufferFull) {
  // One runs, two wait (served at 10 s and 20 s, within the 60 s wait), two find the buffer full.
  const RunResult result =
      RunScenario(BurstOnOneSlot(Policy("fifo", {{"max_depth", 2}, {"max_wait", 60.0}}), 5));
  EXPECT_EQ(ByReason(result.metrics.overall.counts), Only(FailReason::kBufferFull, 2));
  EXPECT_EQ(result.metrics.overall.counts.ok, 3);
  ExpectOneSliceOfEverything(result.metrics);
}

TEST(FailedAttemptsByReason, AWaitPastMaxWaitFailsAsExpired) {
  // One runs for 10 s; the four waiting behind it reach their 5 s max wait first.
  const RunResult result =
      RunScenario(BurstOnOneSlot(Policy("fifo", {{"max_depth", 10}, {"max_wait", 5.0}}), 5));
  EXPECT_EQ(ByReason(result.metrics.overall.counts), Only(FailReason::kExpired, 4));
  ExpectOneSliceOfEverything(result.metrics);
}

TEST(FailedAttemptsByReason, PacingRefusesWhatCouldNotStartInTimeAsWouldExpire) {
  // 60 RPM, so the window holds one request: the first of 5 is within rate and starts. The others
  // are paced 1 s apart from 1 s: the second at 1 s and the third at 2 s start within their
  // 2.5 s max wait (ten slots: never short); the fourth and fifth would be due at 3 s and 4 s, past
  // it, and are refused at once, as 429s.
  Scenario scenario =
      BareScenario(60, 1, 10, ConstantService(10.0), Policy("pacing", {{"max_wait", 2.5}}));
  scenario.limits = FixedLimits(60, 1e9);
  scenario.orgs.push_back(Org("org", {Stream(OneBurst(5))}));
  const RunResult result = RunScenario(scenario);
  EXPECT_EQ(ByReason(result.metrics.overall.counts), Only(FailReason::kWouldExpire, 2));
  EXPECT_EQ(result.metrics.overall.counts.r429_request, 2);
  EXPECT_EQ(result.metrics.overall.counts.ok, 3);
  ExpectOneSliceOfEverything(result.metrics);
}

TEST(FailedAttemptsByReason, AWithinRateArrivalDisplacesAnOverRateOneInItsOrgsSlice) {
  // 60 RPM. "over" sends 3 at once: the first is within rate and takes the slot, the other two
  // fill the buffer of 2. At 1 s one request of "within", within its own rate, finds the buffer
  // full and displaces the newer of the two: one displaced attempt, over's, a 429.
  Scenario scenario = BareScenario(
      60, 1, 1, ConstantService(10.0),
      Policy("within_first", {{"max_depth", 2}, {"max_wait", 60.0}, {"max_wait_over", 60.0}}));
  scenario.limits = FixedLimits(60, 1e9);
  scenario.orgs.push_back(Org("over", {Stream(OneBurst(3))}));
  scenario.orgs.push_back(Org("within", {Stream(OneBurst(1, 1.0))}));
  const RunResult result = RunScenario(scenario);
  const RunMetrics& metrics = result.metrics;
  EXPECT_EQ(ByReason(metrics.overall.counts), Only(FailReason::kDisplaced, 1));
  EXPECT_EQ(ByReason(metrics.per_org[0].counts), Only(FailReason::kDisplaced, 1));
  EXPECT_EQ(ByReason(metrics.per_org[1].counts), Only(FailReason::kDisplaced, 0));
  EXPECT_EQ(ByReason(metrics.per_model[0].counts), Only(FailReason::kDisplaced, 1));
  EXPECT_EQ(metrics.per_org[0].counts.r429_request, 1);
  EXPECT_EQ(metrics.per_org[1].counts.ok, 1);
  EXPECT_EQ(SeriesByReason(metrics), ByReason(metrics.per_model[0].counts));
}

TEST(FailedAttemptsByReason, TheSeriesCountsEachInTheIntervalItFailedIn) {
  // One runs for 10 s; the four waiting behind it reach their 7 s max wait at 7 s, in the second
  // interval of 6 s, (6 s, 12 s]: each interval has them there and nowhere else.
  const RunResult result =
      RunScenario(BurstOnOneSlot(Policy("fifo", {{"max_depth", 10}, {"max_wait", 7.0}}), 5));
  ASSERT_EQ(result.metrics.overall.counts.failed_attempts_total(), 4);
  for (size_t reason = 0; reason < kFailReasonCount; ++reason) {
    const SeriesMetric metric = FailedAttemptsMetric(static_cast<FailReason>(reason));
    const bool expired = static_cast<FailReason>(reason) == FailReason::kExpired;
    const auto points = ModelSeries(result.metrics, metric);
    ASSERT_EQ(points.size(), 10u) << SeriesMetricName(metric);
    for (const auto& [time, value] : points) {
      const bool second_interval = time == FromSeconds(12.0);
      EXPECT_EQ(value, expired && second_interval ? 4.0 : 0.0)
          << SeriesMetricName(metric) << " at " << ToSeconds(time) << " s";
    }
  }
}

TEST(FailedAttemptsByReason, EachReasonHasAMetricNamedAfterIt) {
  for (size_t index = 0; index < kFailReasonCount; ++index) {
    const FailReason reason = static_cast<FailReason>(index);
    const SeriesMetric metric = FailedAttemptsMetric(reason);
    EXPECT_EQ(SeriesMetricName(metric), "failed_" + std::string(FailReasonName(reason)));
    EXPECT_EQ(FailReasonCounted(metric), reason);
  }
  EXPECT_EQ(FailReasonCounted(SeriesMetric::kSlots), std::nullopt);
  EXPECT_EQ(FailReasonCounted(SeriesMetric::kRejected503), std::nullopt);
}

TEST(FailedAttemptsByReason, CodelShedsTheStandingQueueOnceOverloaded) {
  // 20 at once on one slot serving 1 s each. The queue's oldest has waited past the 0.5 s target
  // at the dequeues of 1 s and 2 s, which serve FIFO; at 3 s it has been above target for the 2 s
  // interval: overloaded, every remaining request (waiting 3 s > 0.5 s) is shed: 20 - 3 = 17.
  const RunResult result = RunScenario(BurstOnOneSlot(
      Policy("codel", {{"target", 0.5}, {"interval", 2.0}, {"max_wait", 60.0}}), 20, 1.0));
  EXPECT_EQ(ByReason(result.metrics.overall.counts), Only(FailReason::kShed, 17));
  EXPECT_EQ(result.metrics.overall.counts.ok, 3);
  ExpectOneSliceOfEverything(result.metrics);
}

// A client that retries twice, 1 s apart, on the one-slot model busy for 10 s.
Scenario RetriedBurst(bool drain, double duration_s) {
  Scenario scenario = BurstOnOneSlot(Policy("none"), 3);
  TrafficSpec& stream = scenario.orgs[0].traffic[0];
  stream.client.on_failure = ClientSpec::OnFailure::kBackoff;
  stream.client.max_attempts = 3;
  stream.client.base_backoff = kNanosPerSecond;
  stream.client.multiplier = 1.0;
  stream.client.jitter = 0.0;
  scenario.run.drain = drain;
  scenario.run.duration = FromSeconds(duration_s);
  return scenario;
}

TEST(FailedAttemptsByReason, CountsEveryFailedAttemptTheRetriedOnesToo) {
  // Two requests find the slot busy at 0 s, 1 s and 2 s: 6 failed attempts, 2 failed requests.
  const RunResult result = RunScenario(RetriedBurst(/*drain=*/true, 60));
  const OutcomeCounts& counts = result.metrics.overall.counts;
  EXPECT_EQ(ByReason(counts), Only(FailReason::kNoCapacity, 6));
  EXPECT_EQ(counts.r503, 2);
  EXPECT_EQ(counts.retries, 4);
  EXPECT_EQ(counts.failed_attempts_total(), counts.r429() + counts.r503 + counts.retries);
}

TEST(FailedAttemptsByReason, ARunStoppedWhileClientsWaitToRetryStaysWithinTheStatedBounds) {
  // Stopped at 1.5 s: each of the two has failed twice and waits to retry at 2 s; none has ended.
  const RunResult result = RunScenario(RetriedBurst(/*drain=*/false, 1.5));
  const OutcomeCounts& counts = result.metrics.overall.counts;
  EXPECT_EQ(ByReason(counts), Only(FailReason::kNoCapacity, 4));
  EXPECT_EQ(counts.r503, 0);
  EXPECT_EQ(counts.retries, 2);
  EXPECT_EQ(counts.in_flight, 3);
  EXPECT_LT(counts.r429() + counts.r503 + counts.retries, counts.failed_attempts_total());
  EXPECT_LE(counts.failed_attempts_total(),
            counts.r429() + counts.r503 + counts.retries + counts.in_flight);
}

}  // namespace
}  // namespace ratesim

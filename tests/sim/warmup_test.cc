// run.warmup: a run's first part left out of its results. The run itself must not change (only what
// is measured does), every measured request must be one that first arrived after the warm-up with
// all of its outcome, and the occupancy and rates must be those after it. The unfiltered time series
// is the oracle: it keeps every request, warm-up or not.
#include <algorithm>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sim/simulate/simulation.h"
#include "tests/support/scenario_builder.h"
#include "tests/support/scenario_builder_more.h"
#include "tests/support/scenario_library.h"

namespace ratesim {
namespace {

RunResult Simulated(const Scenario& scenario) {
  SimulationOptions options;
  options.keep_series = true;
  options.summarise_rates = true;
  absl::StatusOr<RunResult> result =
      Simulate(scenario, scenario.policies[0], scenario.run.seed, options);
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() ? *std::move(result) : RunResult{"", 0, {}, {}, RunMetrics(0, 0)};
}

Scenario WithWarmup(Scenario scenario, double seconds) {
  scenario.run.warmup = FromSeconds(seconds);
  return scenario;
}

// The sum of a per-key series metric over the intervals that end after `after`.
double SeriesSumAfter(const RunMetrics& metrics, SeriesMetric metric, Nanos after) {
  double sum = 0.0;
  for (const SeriesPoint& point : metrics.series) {
    if (point.metric == metric && point.time > after) sum += point.value;
  }
  return sum;
}

void ExpectEveryRequestEndsOnce(const OutcomeCounts& c) {
  EXPECT_EQ(c.offered, c.ok + c.r429() + c.r503 + c.timed_out + c.in_flight);
  EXPECT_LE(c.served_after_timeout + c.failed_after_timeout, c.timeouts);
}

// A warm-up changes what is measured, never what happens: the autoscaler reads the platform's own
// occupancy, warm-up included, so the replicas it orders, and every point of the series, are the
// same as without one.
TEST(Warmup, TheRunItselfIsUnchanged) {
  const Scenario cold = testing::LoadLibraryScenario("autoscale_headroom.toml");
  const RunResult a = Simulated(cold);
  const RunResult b = Simulated(WithWarmup(cold, 600));
  ASSERT_EQ(a.metrics.series.size(), b.metrics.series.size());
  for (size_t i = 0; i < a.metrics.series.size(); ++i) {
    ASSERT_EQ(a.metrics.series[i].time, b.metrics.series[i].time) << "row " << i;
    ASSERT_EQ(a.metrics.series[i].value, b.metrics.series[i].value) << "row " << i;
  }
  const std::vector<std::pair<Nanos, double>> slots =
      testing::ModelSeries(a.metrics, SeriesMetric::kSlots);
  ASSERT_FALSE(slots.empty());
  const auto [fewest, most] = std::minmax_element(
      slots.begin(), slots.end(), [](const auto& x, const auto& y) { return x.second < y.second; });
  EXPECT_LT(fewest->second, most->second)
      << "the check needs the autoscaler to act";
  EXPECT_EQ(a.metrics.end_time, b.metrics.end_time);
  EXPECT_LT(b.metrics.overall.counts.offered, a.metrics.overall.counts.offered);
  EXPECT_EQ(b.metrics.measured_from, FromSeconds(600));
  EXPECT_EQ(a.metrics.measured_from, 0);
}

// Requests are counted by their first arrival, with everything that later happens to them: under
// timeouts, retries and a platform that serves requests no one waits for, each measured request
// still ends in exactly one outcome, and the measured ones are exactly those the series saw arrive
// after the warm-up.
TEST(Warmup, MeasuresExactlyTheRequestsThatArriveAfterIt) {
  Scenario scenario = testing::LoadLibraryScenario(
      "client_timeouts.toml", {"models.0.on_disconnect=ignore", "run.resolution=10s"});
  ASSERT_EQ(scenario.policies.at(1).label, "fifo");  // a 60 s buffer, longer than the timeout
  scenario.policies = {scenario.policies[1]};
  for (const double warmup_s : {0.0, 200.0, 250.0}) {  // 250: during the surge
    SCOPED_TRACE(warmup_s);
    const RunResult run = Simulated(WithWarmup(scenario, warmup_s));
    const RunMetrics& m = run.metrics;
    ExpectEveryRequestEndsOnce(m.overall.counts);
    for (const SliceMetrics& org : m.per_org) ExpectEveryRequestEndsOnce(org.counts);
    EXPECT_EQ(static_cast<double>(m.overall.counts.offered),
              SeriesSumAfter(m, SeriesMetric::kOffered, FromSeconds(warmup_s)));
    EXPECT_EQ(static_cast<int64_t>(m.overall.latency.Count()), m.overall.counts.ok);
    EXPECT_EQ(m.model_usage[0].started, static_cast<int64_t>(m.overall.queue_wait.Count()));
    EXPECT_GT(m.overall.counts.timed_out, 0) << "the check needs timeouts";
    EXPECT_GT(m.overall.counts.served_after_timeout, 0) << "and responses no one read";
  }
}

// A request is measured when its first attempt arrives at or after the warm-up's end, wherever
// that falls: here exactly on an arrival and in the middle of a time-series interval. Every
// attempt's record (the audit) is the oracle.
TEST(Warmup, MeasuresARequestArrivingAtItsEndExactly) {
  Scenario scenario = testing::BareScenario(600, 1, 4, testing::ConstantService(1.0),
                                            testing::Policy("none"));
  scenario.run.resolution = 10 * kNanosPerSecond;
  scenario.orgs.push_back(testing::Org("org", {testing::Stream(testing::ConstantShape(1))}));
  testing::RecordingObserver observer;
  const Nanos warmup = 305 * kNanosPerSecond;
  const RunResult run = testing::RunScenario(WithWarmup(scenario, ToSeconds(warmup)), &observer);
  int64_t first_attempts_after = 0;
  bool one_at_the_end = false;
  for (const auto& entry : observer.entries) {
    if (entry.record.attempt != 1) continue;
    first_attempts_after += entry.record.arrival >= warmup ? 1 : 0;
    one_at_the_end = one_at_the_end || entry.record.arrival == warmup;
  }
  ASSERT_TRUE(one_at_the_end) << "the check needs an arrival at the warm-up's end";
  EXPECT_EQ(run.metrics.overall.counts.offered, first_attempts_after);
  EXPECT_EQ(run.metrics.overall.counts.ok, first_attempts_after);  // capacity to spare
}

// Occupancy is integrated from the warm-up on, exactly: what the warm-up leaves out is what the
// series' intervals before it hold.
TEST(Warmup, OccupancyIsIntegratedFromItsEnd) {
  const Scenario scenario = testing::QueueScenario(
      4, 1.0, 3.6, 2000, testing::Policy("fifo", {{"max_depth", 1e9}, {"max_wait", 1e9}}));
  const Nanos warmup = 3 * scenario.run.resolution;
  const RunResult cold = Simulated(scenario);
  const RunResult warm = Simulated(WithWarmup(scenario, ToSeconds(warmup)));
  const ModelUsage& all = cold.metrics.model_usage[0];
  const ModelUsage& after = warm.metrics.model_usage[0];
  // Four slots all along.
  EXPECT_DOUBLE_EQ(after.slot_ns, 4.0 * static_cast<double>(warm.metrics.end_time - warmup));
  double busy_before = 0.0;
  for (const auto& [time, utilisation] :
       testing::ModelSeries(cold.metrics, SeriesMetric::kUtilisation)) {
    if (time <= warmup) busy_before += utilisation * 4.0 * static_cast<double>(scenario.run.resolution);
  }
  ASSERT_GT(busy_before, 0.0);
  EXPECT_NEAR(after.busy_slot_ns, all.busy_slot_ns - busy_before, 1e-9 * all.busy_slot_ns);
  EXPECT_EQ(warm.metrics.measured_span(), warm.metrics.end_time - warmup);
}

// Little's law on the measured part: the time-average of the buffer after the warm-up is the
// measured throughput times the measured requests' mean wait, up to the few requests that were
// waiting as the warm-up ended (counted in the buffer, not in the waits). Counting the warm-up's
// requests, or its occupancy, would miss by about warm-up / duration, here 10%.
TEST(Warmup, LittlesLawHoldsOnTheMeasuredPart) {
  const Scenario scenario = testing::QueueScenario(
      4, 1.0, 3.6, 20000, testing::Policy("fifo", {{"max_depth", 1e9}, {"max_wait", 1e9}}));
  const RunResult run = Simulated(WithWarmup(scenario, 2000));
  const RunMetrics& m = run.metrics;
  const double span = static_cast<double>(m.measured_span());
  const double mean_buffered = m.model_usage[0].buffered_ns / span;
  ASSERT_GT(mean_buffered, 1.0);
  const double throughput = static_cast<double>(m.overall.counts.ok) / span;
  EXPECT_NEAR(mean_buffered, throughput * m.overall.queue_wait.Mean(), 2e-3 * mean_buffered);
}

// The rates' summary takes the samples after the warm-up: its min, max and mean are those of the
// series' rates sampled then (and before the traffic ends).
TEST(Warmup, RatesAreSummarisedAfterIt) {
  const Scenario scenario = testing::LoadLibraryScenario("quickstart.toml");
  // The steady org's rate has grown above its base by then.
  const Nanos warmup = 8 * 60 * kNanosPerSecond;
  const RunResult run = Simulated(WithWarmup(scenario, ToSeconds(warmup)));
  const RunResult cold = Simulated(scenario);
  ASSERT_FALSE(run.metrics.rates.empty());
  for (size_t k = 0; k < run.metrics.rates.size(); ++k) {
    const KeyRates& rates = run.metrics.rates[k];
    std::vector<double> seen;
    Nanos interval_start = 0;
    for (const SeriesPoint& point : run.metrics.series) {
      if (point.metric != SeriesMetric::kRateRpm || point.org != rates.org ||
          point.model != rates.model) {
        continue;
      }
      if (point.time > warmup && interval_start < scenario.run.duration) seen.push_back(point.value);
      interval_start = point.time;
    }
    ASSERT_FALSE(seen.empty());
    EXPECT_EQ(rates.requests_per_min.min, *std::min_element(seen.begin(), seen.end()));
    EXPECT_EQ(rates.requests_per_min.max, *std::max_element(seen.begin(), seen.end()));
    EXPECT_EQ(rates.requests_per_min.last, seen.back());
    // `earned` only grows for a steady sender: its warm rates start where the cold ones ended up.
    EXPECT_GE(rates.requests_per_min.mean, cold.metrics.rates[k].requests_per_min.mean);
  }
  EXPECT_GT(run.metrics.rates[0].requests_per_min.min, cold.metrics.rates[0].requests_per_min.min)
      << "the steady org earns above its base during the warm-up";
}

}  // namespace
}  // namespace ratesim

// What a time-series row at t holds when something happens at t itself: the row closes the
// interval [t - resolution, t), so it is taken before the events at t. A capacity change scheduled
// at a sample time shows in the next row, and the rate a sweep takes as its baseline at an outage's
// drop is the rate just before the drop.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sim/simulate/simulation.h"
#include "tests/support/scenario_builder.h"
#include "tests/support/scenario_builder_more.h"

namespace ratesim {
namespace {

TEST(SampleInstant, ACapacityChangeAtASampleTimeShowsInTheNextRow) {
  // One replica of 4 slots, a second one from 20 s; sampled every 10 s.
  Scenario scenario = testing::BareScenario(60, 1, 4, testing::ConstantService(1.0),
                                            testing::Policy("none"));
  scenario.run.resolution = 10 * kNanosPerSecond;
  scenario.models[0].schedule = {CapacityChange{20 * kNanosPerSecond, 2, {}}};
  scenario.orgs.push_back(testing::Org("org", {testing::Stream(testing::ConstantShape(1))}));
  const RunResult run = testing::RunScenario(scenario);
  std::vector<std::pair<Nanos, double>> slots =
      testing::ModelSeries(run.metrics, SeriesMetric::kSlots);
  ASSERT_GE(slots.size(), 3u);
  EXPECT_EQ(slots[0], (std::pair<Nanos, double>{10 * kNanosPerSecond, 4}));
  EXPECT_EQ(slots[1], (std::pair<Nanos, double>{20 * kNanosPerSecond, 4}))
      << "the row at 20 s closes [10 s, 20 s), before the change at 20 s";
  EXPECT_EQ(slots[2], (std::pair<Nanos, double>{30 * kNanosPerSecond, 8}));
}

TEST(SampleInstant, AnArrivalAtASampleTimeCountsInTheIntervalItOpens) {
  // Bursts of 5 within 1 ms every 10 s, the first at 10 s exactly: each burst's first request
  // arrives at a sample time, whatever order the events were scheduled in.
  Scenario scenario = testing::BareScenario(60, 1, 100, testing::ConstantService(0.5),
                                            testing::Policy("none"));
  scenario.run.resolution = 10 * kNanosPerSecond;
  TrafficShape bursts;
  bursts.kind = TrafficShape::Kind::kBursts;
  bursts.burst_count = 5;
  bursts.burst_window = kNanosPerMillisecond;
  bursts.burst_period = 10 * kNanosPerSecond;
  bursts.start = 10 * kNanosPerSecond;
  scenario.orgs.push_back(testing::Org("org", {testing::Stream(bursts)}));
  const RunResult run = testing::RunScenario(scenario);
  std::vector<double> offered;
  for (const SeriesPoint& point : run.metrics.series) {
    if (point.metric == SeriesMetric::kOffered) offered.push_back(point.value);
  }
  ASSERT_EQ(offered.size(), 6u);
  EXPECT_EQ(offered, (std::vector<double>{0, 5, 5, 5, 5, 5}));
}

}  // namespace
}  // namespace ratesim

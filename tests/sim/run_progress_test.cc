// The progress of runs (sim/simulate/run_progress.h): runs ended and under way, their simulated
// time weighted by duration, and the event loop publishing its time without changing a result.
#include <atomic>
#include <string>

#include "gtest/gtest.h"
#include "sim/report/summary_json.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/simulate/run_progress.h"
#include "sim/simulate/simulation.h"
#include "tests/support/tiny_scenario.h"

namespace ratesim {
namespace {

constexpr Nanos kSecond = kNanosPerSecond;

TEST(RunProgress, CountsRunsEndedAndUnderWayWeightedByDuration) {
  RunProgress progress(4, 10 + 10 + 20 + 40);
  EXPECT_EQ(progress.Read().running, 0u);
  {
    const RunProgress::Run a(&progress, 10 * kSecond);
    const RunProgress::Run b(&progress, 20 * kSecond);
    a.clock()->store(5 * kSecond);
    b.clock()->store(5 * kSecond);
    const RunProgress::Snapshot snapshot = progress.Read();
    EXPECT_EQ(snapshot.total, 4u);
    EXPECT_EQ(snapshot.finished, 0u);
    EXPECT_EQ(snapshot.running, 2u);
    EXPECT_DOUBLE_EQ(snapshot.running_share, (0.5 + 0.25) / 2);
    EXPECT_DOUBLE_EQ(snapshot.done_share, 10.0 / 80);
  }
  // Both ended: their whole durations count, and a third run reuses a slot from zero.
  const RunProgress::Run c(&progress, 10 * kSecond);
  const RunProgress::Snapshot snapshot = progress.Read();
  EXPECT_EQ(snapshot.finished, 2u);
  EXPECT_EQ(snapshot.running, 1u);
  EXPECT_DOUBLE_EQ(snapshot.running_share, 0);
  EXPECT_DOUBLE_EQ(snapshot.done_share, 30.0 / 80);
}

TEST(RunProgress, ARunDrainingPastItsDurationCountsAsAtItsEnd) {
  RunProgress progress(1, 10);
  const RunProgress::Run run(&progress, 10 * kSecond);
  run.clock()->store(14 * kSecond);
  EXPECT_DOUBLE_EQ(progress.Read().running_share, 1);
  EXPECT_DOUBLE_EQ(progress.Read().done_share, 1);
}

TEST(RunProgress, WithoutAProgressARunTracksNothing) {
  const RunProgress::Run run(nullptr, 10 * kSecond);
  EXPECT_EQ(run.clock(), nullptr);
}

// Reads the published time at every attempt's end: it lags the event loop, never leads it.
class ClockReader : public AttemptObserver {
 public:
  explicit ClockReader(const std::atomic<Nanos>& clock) : clock_(clock) {}
  void OnAttemptEnd(const AttemptRecord& record, const KeyRegistry&) override {
    const Nanos published = clock_.load(std::memory_order_relaxed);
    if (published > record.ended) ++ahead;
    if (published < last) ++backwards;
    last = published;
  }
  int ahead = 0;
  int backwards = 0;
  Nanos last = 0;

 private:
  const std::atomic<Nanos>& clock_;
};

TEST(RunProgress, TheEventLoopPublishesItsSimulatedTimeAndNoResultChanges) {
  // The tiny scenario for an hour: some 20,000 events, so the time is published a few times.
  absl::StatusOr<Scenario> scenario =
      ParseScenario(testing::kTinyScenario, "tiny.toml", {"run.duration=1h"});
  ASSERT_TRUE(scenario.ok()) << scenario.status();
  const PolicySpec& policy = scenario->policies[1];
  const absl::StatusOr<RunResult> plain = Simulate(*scenario, policy, 3);
  ASSERT_TRUE(plain.ok()) << plain.status();

  std::atomic<Nanos> clock{0};
  ClockReader reader(clock);
  SimulationOptions options;
  options.progress = &clock;
  options.observer = &reader;
  const absl::StatusOr<RunResult> tracked = Simulate(*scenario, policy, 3, options);
  ASSERT_TRUE(tracked.ok()) << tracked.status();
  EXPECT_EQ(reader.ahead, 0);
  EXPECT_EQ(reader.backwards, 0);
  // Published every 4096 events, some 12 simulated minutes apart here.
  EXPECT_GT(clock.load(), 30 * 60 * kSecond);
  EXPECT_LE(clock.load(), reader.last + 20 * 60 * kSecond);
  EXPECT_EQ(SummaryJson({*tracked}), SummaryJson({*plain}));
}

}  // namespace
}  // namespace ratesim

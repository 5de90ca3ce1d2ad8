// Stopping runs on request (sim/simulate/cancellation.h) and the signal handling of the command
// (sim/cli/interrupt.h): a run stops within a few thousand events of the request, with Cancelled; a
// request made before a run stops it before it starts, on every thread of a comparison; SIGINT and
// SIGTERM make the request and give the exit code 128 + signal.
#include <atomic>
#include <csignal>

#include "gtest/gtest.h"
#include "sim/cli/interrupt.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/simulate/cancellation.h"
#include "sim/simulate/runner.h"
#include "sim/simulate/simulation.h"
#include "tests/support/tiny_scenario.h"

namespace ratesim {
namespace {

// Clears the process-wide request at the end of each test, whatever it asserted.
class CancellationTest : public ::testing::Test {
 protected:
  void SetUp() override { ClearCancellation(); }
  void TearDown() override { ClearCancellation(); }

  // The tiny scenario for an hour: about 7,000 requests, some 20,000 events.
  static Scenario HourLong() {
    absl::StatusOr<Scenario> scenario =
        ParseScenario(testing::kTinyScenario, "tiny.toml", {"run.duration=1h"});
    EXPECT_TRUE(scenario.ok()) << scenario.status();
    return *scenario;
  }
};

// Requests the cancellation at its `at`-th attempt, and counts every attempt it sees.
class CancelAt : public AttemptObserver {
 public:
  explicit CancelAt(int at) : at_(at) {}
  void OnAttemptEnd(const AttemptRecord&, const KeyRegistry&) override {
    if (++seen == at_) RequestCancellation(SIGTERM);
  }
  int seen = 0;

 private:
  int at_;
};

TEST_F(CancellationTest, ARunStopsWithinAFewThousandEventsOfTheRequest) {
  const Scenario scenario = HourLong();
  CancelAt whole(-1);
  SimulationOptions options;
  options.observer = &whole;
  ASSERT_TRUE(Simulate(scenario, scenario.policies[0], 3, options).ok());
  ASSERT_GT(whole.seen, 6000);

  CancelAt early(10);
  options.observer = &early;
  const absl::StatusOr<RunResult> stopped = Simulate(scenario, scenario.policies[0], 3, options);
  EXPECT_TRUE(absl::IsCancelled(stopped.status())) << stopped.status();
  // The loop looks every 4096 events; each attempt takes at least two (arrival, end).
  EXPECT_LT(early.seen, 10 + 4096);
  EXPECT_EQ(CancellationSignal(), SIGTERM);
}

TEST_F(CancellationTest, ARequestBeforeARunStopsItBeforeItStarts) {
  const Scenario scenario = HourLong();
  RequestCancellation();
  CancelAt observer(-1);
  SimulationOptions options;
  options.observer = &observer;
  EXPECT_TRUE(absl::IsCancelled(Simulate(scenario, scenario.policies[0], 3, options).status()));
  EXPECT_EQ(observer.seen, 0);
  EXPECT_EQ(CancellationSignal(), SIGINT);
}

TEST_F(CancellationTest, EveryThreadOfAComparisonStops) {
  const Scenario scenario = HourLong();
  ComparisonOptions options;
  options.threads = 3;
  options.replications = 4;
  std::atomic<int> made{0};  // observers made: each run about to start makes one
  options.observers = [&made](size_t, int) -> std::unique_ptr<AttemptObserver> {
    ++made;
    return nullptr;
  };
  RequestCancellation();
  const absl::StatusOr<std::vector<RunResult>> runs = RunComparison(scenario, {}, options);
  EXPECT_TRUE(absl::IsCancelled(runs.status())) << runs.status();
  EXPECT_EQ(made, 0);
}

TEST_F(CancellationTest, TheFirstRequestsSignalIsKept) {
  RequestCancellation(SIGTERM);
  RequestCancellation(SIGINT);
  EXPECT_EQ(CancellationSignal(), SIGTERM);
  EXPECT_EQ(InterruptedExitCode(), 143);
  ClearCancellation();
  EXPECT_FALSE(CancellationRequested());
  EXPECT_EQ(CancellationSignal(), 0);
}

TEST_F(CancellationTest, SignalsRequestACancellationOnlyWhileTheScopeLives) {
  struct sigaction before = {};
  sigaction(SIGINT, nullptr, &before);
  {
    const InterruptScope scope;
    std::raise(SIGINT);  // handled on this thread before raise returns
    EXPECT_TRUE(CancellationRequested());
    EXPECT_EQ(InterruptedExitCode(), 130);
  }
  struct sigaction after = {};
  sigaction(SIGINT, nullptr, &after);
  EXPECT_EQ(after.sa_handler, before.sa_handler);
  ClearCancellation();
  {
    const InterruptScope scope;
    std::raise(SIGTERM);
    EXPECT_EQ(CancellationSignal(), SIGTERM);
    EXPECT_EQ(InterruptedExitCode(), 143);
    // A repeated signal (GNU timeout sends one to the child and one to its group) is absorbed:
    // were it to kill, this test process would end here.
    std::raise(SIGTERM);
    std::raise(SIGINT);
    EXPECT_EQ(InterruptedExitCode(), 143);
  }
}

}  // namespace
}  // namespace ratesim

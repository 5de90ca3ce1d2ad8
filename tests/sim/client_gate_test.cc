// A client that holds its requests back: a cap on the attempts it has in flight (max_in_flight)
// and a pacer (pace). Each is a queue in the client, which queueing theory describes: a cap of c in
// front of a model with room to spare is M/M/c, a pacer at rate r is M/D/1 with service 1/r. And
// what each promises is checked attempt by attempt: never more than c outstanding, never two sends
// closer than 1/r.
#include <algorithm>
#include <cmath>
#include <functional>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "sim/simulate/client_gate.h"
#include "sim/simulate/simulation.h"
#include "tests/support/minimal_scenario.h"
#include "tests/support/queueing_theory.h"
#include "tests/support/scenario_builder.h"

namespace ratesim {
namespace {

using testing::ErrorLines;
using testing::HasError;
using testing::Minimal;
using testing::MmcMeanWait;
using testing::Parse;
using testing::Policy;
using testing::QueueScenario;

constexpr double kForever = 1e9;  // seconds

class Attempts : public AttemptObserver {
 public:
  void OnAttemptEnd(const AttemptRecord& record, const KeyRegistry&) override {
    records.push_back(record);
  }
  std::vector<AttemptRecord> records;
};

// A Poisson stream at `lambda` on a model of `slots` exponential servers (mean 1 s) behind a
// never-expiring FIFO buffer, its client changed by `client`.
Scenario ClientQueue(double lambda, int slots, double duration_s,
                     const std::function<void(ClientSpec&)>& client) {
  Scenario scenario =
      QueueScenario(slots, 1.0, lambda, duration_s,
                    Policy("fifo", {{"max_depth", kForever}, {"max_wait", kForever}}));
  client(scenario.orgs[0].traffic[0].client);
  return scenario;
}

// Mean latency (first send due to success) over `replications` seeds, with its standard error.
std::pair<double, double> MeanLatency(const Scenario& scenario, int replications) {
  std::vector<double> values;
  for (int seed = 1; seed <= replications; ++seed) {
    absl::StatusOr<RunResult> result = Simulate(scenario, scenario.policies[0], seed);
    EXPECT_TRUE(result.ok()) << result.status();
    const OutcomeCounts& counts = result->metrics.overall.counts;
    EXPECT_EQ(counts.ok, counts.offered);  // the model never turns anyone away
    values.push_back(result->metrics.overall.latency.Mean() / 1e9);
  }
  double mean = 0.0;
  for (const double v : values) mean += v;
  mean /= static_cast<double>(values.size());
  double variance = 0.0;
  for (const double v : values) variance += (v - mean) * (v - mean);
  variance /= static_cast<double>(values.size() - 1);
  return {mean, std::sqrt(variance / static_cast<double>(values.size()))};
}

TEST(ClientGate, ACapOnRequestsInFlightIsAnMMcQueueInTheClient) {
  // 8 in flight at most, 6 requests/s, 1 s each: the model's 64 slots never fill, so the wait is
  // the client's own, Erlang C's.
  const int c = 8;
  const double lambda = 6.0;
  const Scenario scenario =
      ClientQueue(lambda, 64, 10000, [c](ClientSpec& client) { client.max_in_flight = c; });
  const auto [mean, standard_error] = MeanLatency(scenario, 8);
  const double theory = MmcMeanWait(c, lambda, 1.0) + 1.0;
  EXPECT_NEAR(mean, theory, 4 * standard_error) << "standard error " << standard_error;
  EXPECT_NEAR(mean, theory, 0.03 * theory);
  // Without the cap the same traffic waits for nothing but its service.
  const auto [uncapped, uncapped_error] = MeanLatency(ClientQueue(lambda, 64, 10000, [](ClientSpec&) {}), 4);
  EXPECT_NEAR(uncapped, 1.0, 0.02);
}

TEST(ClientGate, APacerIsAnMD1QueueInTheClient) {
  // Sends at most one per 1/r; Poisson arrivals at half that: Pollaczek-Khinchine's
  // Wq = ρ / (2 r (1 − ρ)) on top of the 1 s service.
  const double lambda = 0.5;
  const double pace = 1.0;
  const Scenario scenario =
      ClientQueue(lambda, 64, 40000, [pace](ClientSpec& client) { client.pace_per_s = pace; });
  const auto [mean, standard_error] = MeanLatency(scenario, 8);
  const double rho = lambda / pace;
  const double theory = rho / (2 * pace * (1 - rho)) + 1.0;
  EXPECT_NEAR(mean, theory, 4 * standard_error) << "standard error " << standard_error;
  EXPECT_NEAR(mean, theory, 0.03 * theory);
}

TEST(ClientGate, NeverHasMoreInFlightThanItsCapAndNeverSendsFasterThanItsPace) {
  // Overloaded on purpose, with failures and retries: a 2-slot model with a buffer of 2 and a
  // short wait, so that the server could hold 4 of the client's attempts at once.
  Scenario scenario =
      QueueScenario(2, 1.0, 5.0, 600, Policy("fifo", {{"max_depth", 2}, {"max_wait", 1.5}}));
  ClientSpec& client = scenario.orgs[0].traffic[0].client;
  client.on_failure = ClientSpec::OnFailure::kBackoff;
  client.max_attempts = 3;
  client.max_in_flight = 3;
  client.pace_per_s = 4.0;
  Attempts attempts;
  SimulationOptions options;
  options.observer = &attempts;
  absl::StatusOr<RunResult> result = Simulate(scenario, scenario.policies[0], 1, options);
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_GT(attempts.records.size(), 1000u);
  EXPECT_GT(result->metrics.overall.counts.retries, 0);

  // Sends, in time order, at least 1/pace apart.
  std::vector<Nanos> sends;
  // +1 at a send, -1 at an end; ends before sends at one instant (a place freed is taken at once).
  std::vector<std::pair<Nanos, int>> changes;
  for (const AttemptRecord& record : attempts.records) {
    sends.push_back(record.arrival);
    changes.push_back({record.arrival, +1});
    changes.push_back({record.ended, -1});
  }
  std::sort(sends.begin(), sends.end());
  Nanos closest = kNever;
  for (size_t i = 1; i < sends.size(); ++i) closest = std::min(closest, sends[i] - sends[i - 1]);
  EXPECT_EQ(closest, kNanosPerSecond / 4);  // as close as the pacer allows, and no closer

  std::sort(changes.begin(), changes.end());
  int in_flight = 0;
  int most = 0;
  for (const auto& [time, change] : changes) {
    in_flight += change;
    most = std::max(most, in_flight);
  }
  EXPECT_EQ(most, 3);  // reached, never passed
}

TEST(ClientGate, PacedAtItsLimitAClientSendsNothingOverRate) {
  // 60 requests in a second, once a minute, at a 60 RPM limit: paced at 60 RPM, none is over.
  const std::string burst = "  shape = \"bursts\"\n  count = 60\n  window = \"1s\"\n  every = \"1m\"";
  const std::string limits = "[limits]\nformula = \"fixed\"\nrpm = 60\ntpm = 100000000\n";
  for (const bool paced : {false, true}) {
    SCOPED_TRACE(paced);
    absl::StatusOr<Scenario> scenario = Parse(
        limits + Minimal({{6, "concurrency = 100"},
                          {13, burst},
                          {14, paced ? "  client = { pace = \"60rpm\" }" : ""},
                          {2, "duration = \"5m\""}}));
    ASSERT_TRUE(scenario.ok()) << scenario.status();
    absl::StatusOr<RunResult> result = Simulate(*scenario, scenario->policies[0], 1);
    ASSERT_TRUE(result.ok()) << result.status();
    const OutcomeCounts& counts = result->metrics.overall.counts;
    if (paced) {
      EXPECT_EQ(counts.over_rate_attempts, 0);
    } else {
      EXPECT_EQ(counts.over_rate_attempts, counts.offered - 5);  // all but each burst's first
    }
  }
}

TEST(ClientGate, HoldsBackInOrderAndAsksToBeWokenOnlyWhenOneMayGo) {
  ClientSpec client;
  client.max_in_flight = 2;
  client.pace_per_s = 2.0;  // one send per 0.5 s
  ClientGate gate;
  Nanos at = -1;
  EXPECT_TRUE(gate.Admit(client, 10, 0));  // free: sent at once
  EXPECT_FALSE(gate.Admit(client, 11, 0));  // the pacer's next instant is 0.5 s
  EXPECT_FALSE(gate.Admit(client, 12, 0));  // behind 11
  ASSERT_TRUE(gate.NeedsWake(client, 0, &at));
  EXPECT_EQ(at, kNanosPerSecond / 2);
  EXPECT_FALSE(gate.NeedsWake(client, 0, &at));  // already asked for
  gate.Woken();
  uint64_t slot = 0;
  EXPECT_FALSE(gate.Release(client, kNanosPerSecond / 4, &slot));  // too early
  ASSERT_TRUE(gate.Release(client, kNanosPerSecond / 2, &slot));
  EXPECT_EQ(slot, 11u);
  // Two in flight: 12 waits for an end, whatever the pacer says; no wake-up until one ends.
  EXPECT_FALSE(gate.Release(client, 10 * kNanosPerSecond, &slot));
  EXPECT_FALSE(gate.NeedsWake(client, 10 * kNanosPerSecond, &at));
  gate.Ended();
  ASSERT_TRUE(gate.NeedsWake(client, 10 * kNanosPerSecond, &at));
  EXPECT_EQ(at, 10 * kNanosPerSecond);  // the pacer's instant has long passed
  gate.Woken();
  ASSERT_TRUE(gate.Release(client, at, &slot));
  EXPECT_EQ(slot, 12u);
  EXPECT_FALSE(gate.NeedsWake(client, at, &at));  // nothing waits
}

TEST(ClientGate, ChecksItsKeys) {
  EXPECT_TRUE(HasError(ErrorLines(Minimal({{15, "  client = { max_in_flight = 0 }"}})),
                       "s.toml:15:", {"max_in_flight"}));
  EXPECT_TRUE(HasError(ErrorLines(Minimal({{15, "  client = { pace = \"0rps\" }"}})), "s.toml:15:",
                       {"pace"}));
  // A whole number written as a float (1e12) is told the bounds it is outside, not "not an
  // integer"; 2.5 is not an integer.
  const std::vector<std::string> huge = ErrorLines(Minimal({{15, "  client = { max_in_flight = 1e12 }"}}));
  EXPECT_TRUE(HasError(huge, "s.toml:15:", {"expected an integer from 1 to 1000000"}));
  EXPECT_FALSE(HasError(huge, "s.toml:15:", {"not an integer"}));
  EXPECT_TRUE(HasError(ErrorLines(Minimal({{15, "  client = { max_in_flight = 2.5 }"}})),
                       "s.toml:15:", {"not an integer"}));
  absl::StatusOr<Scenario> s =
      Parse(Minimal({{15, "  client = { max_in_flight = 4, pace = \"120rpm\" }"}}));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->orgs[0].traffic[0].client.max_in_flight, 4);
  EXPECT_DOUBLE_EQ(s->orgs[0].traffic[0].client.pace_per_s, 2.0);
  EXPECT_TRUE(s->orgs[0].traffic[0].client.holds_back());
  s = Parse(Minimal());
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_FALSE(s->orgs[0].traffic[0].client.holds_back());
}

}  // namespace
}  // namespace ratesim

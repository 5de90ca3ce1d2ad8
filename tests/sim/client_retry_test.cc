// Clients after a failed attempt: RetryDelay on its own (give up, exponential backoff with jitter,
// honouring x-ratelimit-reset), then retries through Simulate: how they are counted, that every
// request still ends exactly once, that honouring the reset header beats giving up against a fixed
// limit, and that retries never disturb the first attempts of any stream.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "sim/simulate/client_retry.h"
#include "sim/simulate/simulation.h"
#include "tests/support/scenario_builder_more.h"

namespace ratesim {
namespace {

using testing::RecordingObserver;

constexpr Nanos kSecond = kNanosPerSecond;

ClientSpec Backoff(Nanos base, double multiplier, Nanos max, double jitter, int64_t max_attempts) {
  ClientSpec client;
  client.on_failure = ClientSpec::OnFailure::kBackoff;
  client.base_backoff = base;
  client.multiplier = multiplier;
  client.max_backoff = max;
  client.jitter = jitter;
  client.max_attempts = max_attempts;
  return client;
}

ClientSpec HonorReset(int64_t max_attempts, Nanos base = kSecond, double jitter = 0.0) {
  ClientSpec client = Backoff(base, 2.0, 60 * kSecond, jitter, max_attempts);
  client.on_failure = ClientSpec::OnFailure::kHonorReset;
  return client;
}

// Whether `rng` is still at the state of `before`: both give the same next numbers.
bool SameState(Rng a, Rng b) {
  for (int i = 0; i < 4; ++i) {
    if (a.NextU64() != b.NextU64()) return false;
  }
  return true;
}

TEST(ClientRetry, GiveUpNeverRetries) {
  ClientSpec client;
  client.on_failure = ClientSpec::OnFailure::kGiveUp;
  client.max_attempts = 10;  // irrelevant: giving up is giving up
  Rng rng(1);
  const Rng before = rng;
  for (int64_t attempt = 1; attempt <= 5; ++attempt) {
    EXPECT_EQ(RetryDelay(client, attempt, 0.0, rng), kNever);
    EXPECT_EQ(RetryDelay(client, attempt, 3.5, rng), kNever);
  }
  EXPECT_TRUE(SameState(rng, before));
}

TEST(ClientRetry, BackoffCeilingGrowsGeometricallyUpToTheMaximum) {
  const ClientSpec client = Backoff(250 * kNanosPerMillisecond, 3.0, 20 * kSecond, 0.0, 100);
  double expected = 0.25;
  for (int64_t attempt = 1; attempt <= 40; ++attempt) {
    EXPECT_NEAR(static_cast<double>(BackoffCeiling(client, attempt)),
                std::min(expected, 20.0) * 1e9, 1.0)
        << "attempt " << attempt;
    expected *= 3.0;
  }
  // 0.25, 0.75, 2.25, 6.75, then 20.25 > 20: capped from the fifth on.
  EXPECT_LT(BackoffCeiling(client, 4), 20 * kSecond);
  EXPECT_EQ(BackoffCeiling(client, 5), 20 * kSecond);
  EXPECT_EQ(BackoffCeiling(client, 1000), 20 * kSecond);  // no overflow far out
  // A multiplier of 1 is a constant delay.
  const ClientSpec flat = Backoff(3 * kSecond, 1.0, 60 * kSecond, 0.0, 100);
  for (int64_t attempt = 1; attempt <= 10; ++attempt) EXPECT_EQ(BackoffCeiling(flat, attempt), 3 * kSecond);
}

TEST(ClientRetry, WithoutJitterTheDelayIsExactlyTheCeiling) {
  const ClientSpec client = Backoff(kSecond, 2.0, 60 * kSecond, 0.0, 10);
  Rng rng(5);
  for (int64_t attempt = 1; attempt < 10; ++attempt) {
    for (int draw = 0; draw < 100; ++draw) {
      EXPECT_EQ(RetryDelay(client, attempt, 0.0, rng), BackoffCeiling(client, attempt));
    }
  }
}

TEST(ClientRetry, JitterDrawsUniformlyBetweenOneMinusJitterAndOneTimesTheCeiling) {
  for (double jitter : {1.0, 0.5, 0.1}) {
    const ClientSpec client = Backoff(kSecond, 2.0, 60 * kSecond, jitter, 10);
    Rng rng(11);
    for (int64_t attempt : {1, 3, 8}) {
      const double d = static_cast<double>(BackoffCeiling(client, attempt));
      const double low = (1.0 - jitter) * d;
      constexpr int kDraws = 20000;
      double sum = 0.0, smallest = d, largest = 0.0;
      for (int i = 0; i < kDraws; ++i) {
        const double delay = static_cast<double>(RetryDelay(client, attempt, 0.0, rng));
        ASSERT_GE(delay, std::max(1.0, std::floor(low))) << "jitter " << jitter;
        ASSERT_LE(delay, d);
        sum += delay;
        smallest = std::min(smallest, delay);
        largest = std::max(largest, delay);
      }
      // Uniform on [low, d]: mean (low + d) / 2, standard deviation (d − low) / √12; the extremes of
      // 20000 draws come within 0.1 % of the range of its ends.
      const double width = d - low;
      EXPECT_NEAR(sum / kDraws, (low + d) / 2, 5 * width / std::sqrt(12.0 * kDraws));
      EXPECT_LT(smallest, low + 0.001 * width);
      EXPECT_GT(largest, d - 0.001 * width);
    }
  }
}

TEST(ClientRetry, AResetPastTheEndOfTimeIsNoRetry) {
  // A token debt of 10^15 tokens at 60 TPM is a reset of 10^15 s; converting it to nanoseconds as
  // it is would be undefined, and used to schedule the retry at a negative time.
  const ClientSpec client = HonorReset(10);
  Rng rng(3);
  EXPECT_EQ(RetryDelay(client, 1, 1e15, rng), kNever);
  EXPECT_EQ(RetryDelay(client, 1, 1e300, rng), kNever);
  // The longest reset Nanos holds (about 292 years) is still waited for.
  const Nanos long_wait = RetryDelay(client, 1, 9e9, rng);
  EXPECT_NE(long_wait, kNever);
  EXPECT_GT(long_wait, 0);
  EXPECT_EQ(AfterWait(kNever - 10, 1.0), kNever);
  EXPECT_EQ(AfterWait(5, 2.0), 5 + 2 * kSecond);
}

TEST(ClientRetry, MaxAttemptsCountsTheFirstAttempt) {
  for (const ClientSpec& client : {Backoff(kSecond, 2.0, 60 * kSecond, 0.5, 4), HonorReset(4)}) {
    Rng rng(2);
    for (int64_t attempt = 1; attempt <= 3; ++attempt) {
      EXPECT_NE(RetryDelay(client, attempt, 0.0, rng), kNever) << "attempt " << attempt;
      EXPECT_NE(RetryDelay(client, attempt, 2.0, rng), kNever) << "attempt " << attempt;
    }
    EXPECT_EQ(RetryDelay(client, 4, 0.0, rng), kNever);
    EXPECT_EQ(RetryDelay(client, 4, 2.0, rng), kNever);
    EXPECT_EQ(RetryDelay(client, 9, 2.0, rng), kNever);
  }
  // One attempt in all: never a retry.
  ClientSpec once = Backoff(kSecond, 2.0, 60 * kSecond, 0.5, 1);
  Rng rng(2);
  EXPECT_EQ(RetryDelay(once, 1, 0.0, rng), kNever);
}

TEST(ClientRetry, HonouringResetWaitsTheResetPlusASmallMargin) {
  // A jittered backoff behind it, to show it is not what is used when the header says when.
  const ClientSpec client = HonorReset(10, 7 * kSecond, 1.0);
  Rng rng(3);
  for (double reset : {0.001, 0.25, 1.0, 2.75, 59.5}) {
    const Rng before = rng;
    const Nanos delay = RetryDelay(client, 2, reset, rng);
    EXPECT_GE(delay, FromSeconds(reset));
    EXPECT_LE(delay, FromSeconds(reset) + kNanosPerMillisecond) << "reset " << reset;
    EXPECT_TRUE(SameState(rng, before)) << "no draw when the header says when";
  }
  // A reset of 0 (the failure was not the org's rate: a 503) falls back to the backoff.
  const ClientSpec exact = HonorReset(10, 3 * kSecond, 0.0);
  for (int64_t attempt = 1; attempt < 5; ++attempt) {
    EXPECT_EQ(RetryDelay(exact, attempt, 0.0, rng), BackoffCeiling(exact, attempt));
  }
  for (int i = 0; i < 1000; ++i) {
    const Nanos delay = RetryDelay(client, 2, 0.0, rng);
    EXPECT_LE(delay, BackoffCeiling(client, 2));
    EXPECT_GE(delay, 1);
  }
}

// --- Through Simulate --------------------------------------------------------------------------

// A model of `slots` slots and constant service, a fixed limit of `rpm`, the `none` policy: a request
// fails only when every slot is busy, as a 429 if it is over the org's rate, else as a 503.
Scenario LimitedScenario(double duration_s, double rpm, int64_t slots, double service_s) {
  Scenario scenario = testing::BareScenario(duration_s, 1, slots, testing::ConstantService(service_s),
                                            testing::Policy("none"));
  scenario.limits = testing::FixedLimits(rpm, 1e12);
  return scenario;
}

void ExpectConserved(const OutcomeCounts& c) {
  EXPECT_EQ(c.offered, c.ok + c.r429_request + c.r429_token + c.r503 + c.in_flight);
}

TEST(ClientRetry, OfferedCountsRequestsAndRetriesCountExtraAttempts) {
  for (bool drain : {true, false}) {
    Scenario scenario = LimitedScenario(300, 60, 2, 0.5);  // 1 request/s; 4.5 offered for 4
    scenario.run.drain = drain;
    TrafficSpec eager = testing::Stream(testing::PoissonShape(3));
    eager.client = Backoff(kSecond, 2.0, 20 * kSecond, 1.0, 4);
    TrafficSpec calm = testing::Stream(testing::ConstantShape(1.5));
    calm.client = HonorReset(3);
    scenario.orgs.push_back(testing::Org("eager", {eager}));
    scenario.orgs.push_back(testing::Org("calm", {calm}));
    RecordingObserver observer;
    const RunResult result = testing::RunScenario(scenario, &observer);
    const RunMetrics& m = result.metrics;

    std::map<std::string, int64_t> first_attempts, later_attempts, finals;
    std::map<uint64_t, int64_t> attempts_of;
    for (const RecordingObserver::Entry& e : observer.entries) {
      (e.record.attempt == 1 ? first_attempts : later_attempts)[e.org]++;
      if (e.record.final) finals[e.org]++;
      attempts_of[e.record.request] = std::max(attempts_of[e.record.request], e.record.attempt);
      EXPECT_LE(e.record.attempt, e.org == "eager" ? 4 : 3);
    }
    for (OrgId org = 0; org < result.org_names.size(); ++org) {
      const std::string& name = result.org_names[org];
      const OutcomeCounts& c = m.per_org[org].counts;
      SCOPED_TRACE(name + (drain ? " drained" : " cut at the end"));
      ExpectConserved(c);
      EXPECT_GT(c.retries, 0);
      // Every request that ended had a first attempt; those in flight at the cut may not have
      // ended any attempt yet, or be between attempts.
      EXPECT_EQ(finals[name], c.finished());
      EXPECT_LE(first_attempts[name], c.offered);
      EXPECT_GE(first_attempts[name], c.offered - c.in_flight);
      // Each retry is one more attempt; a retry still running at the cut has not ended yet.
      EXPECT_LE(later_attempts[name], c.retries);
      EXPECT_GE(later_attempts[name], c.retries - c.in_flight);
      if (drain) {
        EXPECT_EQ(c.in_flight, 0);
        EXPECT_EQ(first_attempts[name], c.offered);
        EXPECT_EQ(later_attempts[name], c.retries);
      }
    }
    ExpectConserved(m.overall.counts);
    EXPECT_EQ(m.overall.counts.retries, m.per_org[0].counts.retries + m.per_org[1].counts.retries);
    int64_t series_retries = 0;
    for (const SeriesPoint& p : m.series) {
      if (p.metric == SeriesMetric::kRetries) series_retries += static_cast<int64_t>(p.value);
    }
    EXPECT_EQ(series_retries, m.overall.counts.retries);
    if (!drain) {
      EXPECT_GT(m.overall.counts.in_flight, 0) << "the cut should catch some retries";
    }
  }
}

TEST(ClientRetry, HonouringResetAgainstAFixedLimitFailsLessThanGivingUp) {
  // Bursts of 5 requests within 0.1 s every 10 s against 60 RPM (1 request/s, a window of depth 1),
  // on a model of one slot that serves a request in 0.5 s. Giving up: the first of each burst is
  // within rate and takes the slot; the other 4 find it full and are over rate: 429. Honouring the
  // reset: each round of retries lands when the window holds one request again (and the slot has
  // been free since the last one ended), one gets in, the rest are told to wait another second;
  // with 5 attempts all 5 get through, using 4 + 3 + 2 + 1 = 10 retries per burst.
  const int64_t bursts = 30;
  auto run = [&](const ClientSpec& client) {
    Scenario scenario = LimitedScenario(10.0 * bursts, 60, 1, 0.5);
    TrafficShape shape;
    shape.kind = TrafficShape::Kind::kBursts;
    shape.burst_count = 5;
    shape.burst_window = kSecond / 10;
    shape.burst_period = 10 * kSecond;
    TrafficSpec traffic = testing::Stream(shape);
    traffic.client = client;
    scenario.orgs.push_back(testing::Org("org", {traffic}));
    return testing::RunScenario(scenario).metrics.overall.counts;
  };
  ClientSpec give_up;
  give_up.on_failure = ClientSpec::OnFailure::kGiveUp;
  const OutcomeCounts gave_up = run(give_up);
  const OutcomeCounts honoured = run(HonorReset(5));
  EXPECT_EQ(gave_up.offered, 5 * bursts);
  EXPECT_EQ(honoured.offered, 5 * bursts);
  EXPECT_EQ(gave_up.r429_request, 4 * bursts);
  EXPECT_EQ(gave_up.ok, bursts);
  EXPECT_EQ(gave_up.retries, 0);
  EXPECT_LT(honoured.r429() + honoured.r503, gave_up.r429() + gave_up.r503);
  EXPECT_EQ(honoured.r429(), 0);
  EXPECT_EQ(honoured.r503, 0);
  EXPECT_EQ(honoured.ok, 5 * bursts);
  EXPECT_EQ(honoured.retries, 10 * bursts);
}

// A request's identity as it first arrived: when, and what it carried.
using FirstAttempt = std::tuple<Nanos, int64_t, int64_t>;

std::map<std::string, std::vector<FirstAttempt>> FirstAttempts(const RecordingObserver& observer) {
  std::map<std::string, std::vector<FirstAttempt>> by_org;
  for (const RecordingObserver::Entry& e : observer.entries) {
    if (e.record.attempt != 1) continue;
    by_org[e.org].emplace_back(e.record.arrival, e.record.input_tokens, e.record.output_tokens);
  }
  for (auto& [org, list] : by_org) std::sort(list.begin(), list.end());
  return by_org;
}

TEST(ClientRetry, RetriesNeverChangeAnyStreamsFirstAttempts) {
  // Two orgs share a small model with random token counts and service times. Org "b" either gives
  // up or retries with jittered backoff; the first attempts of both orgs must be identical either
  // way (common random numbers: retries draw from their own generator).
  auto run = [](bool b_retries) {
    Scenario scenario = testing::BareScenario(400, 1, 3, testing::ExponentialService(0.5),
                                              testing::Policy("none"));
    scenario.limits = testing::FixedLimits(90, 1e12);
    TrafficSpec a = testing::Stream(testing::PoissonShape(2));
    a.input_tokens = TokenCount{TokenCount::Kind::kLognormal, 500, 1.0, 1, 100000};
    a.output_tokens = TokenCount{TokenCount::Kind::kLognormal, 200, 0.5, 1, 100000};
    a.max_output_tokens = testing::Tokens(1000);
    TrafficSpec b = a;
    b.shape = testing::PoissonShape(3);
    if (b_retries) b.client = Backoff(kSecond / 2, 2.0, 10 * kSecond, 1.0, 5);
    scenario.orgs.push_back(testing::Org("a", {a}));
    scenario.orgs.push_back(testing::Org("b", {b}));
    RecordingObserver observer;
    const RunResult result = testing::RunScenario(scenario, &observer);
    return std::pair{result.metrics.overall.counts, FirstAttempts(observer)};
  };
  const auto [without_counts, without] = run(false);
  const auto [with_counts, with] = run(true);
  ASSERT_EQ(without_counts.retries, 0);
  ASSERT_GT(with_counts.retries, 100);
  ASSERT_GT(without_counts.r429() + without_counts.r503, 100) << "b must actually fail to retry";
  EXPECT_EQ(with_counts.offered, without_counts.offered);
  for (const std::string org : {"a", "b"}) {
    ASSERT_GT(without.at(org).size(), 500u);
    EXPECT_EQ(with.at(org), without.at(org)) << "first attempts of org " << org;
  }
}

}  // namespace
}  // namespace ratesim

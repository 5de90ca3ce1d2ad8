// Attribution end to end through the Engine (DESIGN.md 1, 1.3): a request that fails is the
// platform's fault (503 model_overloaded) if it was within its org's rate at arrival and the org's
// (429 dynamic_request_limited / dynamic_token_limited) otherwise, whether it fails at once, on a
// full buffer, after waiting in one or pushed out of one. And every request ends exactly once,
// started or failed.
#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <queue>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "engine/attribution.h"
#include "engine/engine.h"
#include "engine/limit_formula.h"
#include "engine/smoothing_policy.h"
#include "engine/time.h"
#include "gtest/gtest.h"
#include "tests/support/tight_policy_params.h"

namespace ratesim {
namespace {

Nanos Ms(int64_t ms) { return ms * kNanosPerMillisecond; }
Nanos Sec(int64_t s) { return s * kNanosPerSecond; }

std::unique_ptr<LimitFormula> Fixed(double rpm, double tpm) {
  absl::StatusOr<std::unique_ptr<LimitFormula>> formula =
      MakeFormula("fixed", {{"rpm", rpm}, {"tpm", tpm}});
  EXPECT_TRUE(formula.ok()) << formula.status();
  return formula.ok() ? std::move(*formula) : nullptr;
}

std::unique_ptr<SmoothingPolicy> Policy(std::string_view name, const ParamValues& params) {
  absl::StatusOr<std::unique_ptr<SmoothingPolicy>> policy = MakePolicy(name, params);
  EXPECT_TRUE(policy.ok()) << policy.status();
  return policy.ok() ? std::move(*policy) : nullptr;
}

void ExpectAttribution(const Failure& failure, HttpStatus status, ErrorType type) {
  EXPECT_EQ(failure.attribution.status, status);
  EXPECT_EQ(failure.attribution.error_type, type);
}

// `failure` is of `request`, for `reason`, attributed `status` and `type`.
void ExpectFailure(const Failure& failure, uint64_t request, FailReason reason, HttpStatus status,
                   ErrorType type) {
  EXPECT_EQ(failure.ticket.request, request);
  EXPECT_EQ(failure.reason, reason);
  ExpectAttribution(failure, status, type);
}

// A one-slot model, a fixed limit, and the first slot already taken by another org's request.
class BusyModel {
 public:
  BusyModel(std::unique_ptr<SmoothingPolicy> policy, double rpm, double tpm) {
    model_ = engine_.AddModel("model", 1, ModelCapacity{}, std::move(policy));
    const FormulaId formula = engine_.AddFormula(Fixed(rpm, tpm));
    key_ = engine_.AddKey("org", model_, formula, 0);
    const KeyId occupier = engine_.AddKey("occupier", model_, formula, 0);
    engine_.Arrive(occupier, /*request=*/999, 1, 0, &effects_);
    EXPECT_EQ(effects_.started.size(), 1u);
    occupying_ = effects_.started.front();
    effects_.Clear();
  }

  Engine engine_;
  ModelId model_ = 0;
  KeyId key_ = 0;
  Ticket occupying_;
  Effects effects_;
};

TEST(EngineAttribution, WithinRateArrivalOnAFullModelFails503ModelOverloaded) {
  BusyModel m(Policy("none", {}), /*rpm=*/60, /*tpm=*/6000);
  const Engine::ArrivalResult result = m.engine_.Arrive(m.key_, 1, 10, Ms(1), &m.effects_);
  EXPECT_EQ(result.rate_class, RateClass::kWithin);
  EXPECT_EQ(result.admission, SmoothingPolicy::Admission::kRejected);
  ASSERT_EQ(m.effects_.failed.size(), 1u);
  EXPECT_TRUE(m.effects_.started.empty());
  EXPECT_EQ(m.effects_.failed[0].ticket.request, 1u);
  EXPECT_EQ(m.effects_.failed[0].reason, FailReason::kNoCapacity);
  ExpectAttribution(m.effects_.failed[0], HttpStatus::kServiceUnavailable, ErrorType::kModelOverloaded);
}

TEST(EngineAttribution, OverRequestRateArrivalOnAFullModelFails429DynamicRequestLimited) {
  BusyModel m(Policy("none", {}), /*rpm=*/60, /*tpm=*/6000);
  m.engine_.Arrive(m.key_, 1, 10, Ms(1), &m.effects_);  // uses the one request of the window
  m.effects_.Clear();
  const Engine::ArrivalResult result = m.engine_.Arrive(m.key_, 2, 10, Ms(2), &m.effects_);
  EXPECT_EQ(result.rate_class, RateClass::kOverRequests);
  ASSERT_EQ(m.effects_.failed.size(), 1u);
  EXPECT_EQ(m.effects_.failed[0].ticket.request, 2u);
  EXPECT_EQ(m.effects_.failed[0].reason, FailReason::kNoCapacity);
  ExpectAttribution(m.effects_.failed[0], HttpStatus::kTooManyRequests,
                    ErrorType::kDynamicRequestLimited);
}

TEST(EngineAttribution, OverTokenRateArrivalOnAFullModelFails429DynamicTokenLimited) {
  // 6000 TPM: the window holds 100 tokens; 60 + 60 does not fit.
  BusyModel m(Policy("none", {}), /*rpm=*/6000, /*tpm=*/6000);
  m.engine_.Arrive(m.key_, 1, 60, Ms(1), &m.effects_);
  m.effects_.Clear();
  const Engine::ArrivalResult result = m.engine_.Arrive(m.key_, 2, 60, Ms(1), &m.effects_);
  EXPECT_EQ(result.rate_class, RateClass::kOverTokens);
  ASSERT_EQ(m.effects_.failed.size(), 1u);
  ExpectAttribution(m.effects_.failed[0], HttpStatus::kTooManyRequests,
                    ErrorType::kDynamicTokenLimited);
}

TEST(EngineAttribution, OverRateArrivalWithAFreeSlotIsServed) {
  // Limiting applies to requests that fail; an over-rate request that finds capacity is served.
  Engine engine;
  const ModelId model = engine.AddModel("model", 4, ModelCapacity{}, Policy("none", {}));
  const KeyId key = engine.AddKey("org", model, engine.AddFormula(Fixed(60, 6000)), 0);
  Effects effects;
  engine.Arrive(key, 1, 10, 0, &effects);
  const Engine::ArrivalResult result = engine.Arrive(key, 2, 10, 0, &effects);
  EXPECT_EQ(result.rate_class, RateClass::kOverRequests);
  EXPECT_EQ(result.admission, SmoothingPolicy::Admission::kServe);
  ASSERT_EQ(effects.started.size(), 2u);
  EXPECT_EQ(effects.started[1].rate_class, RateClass::kOverRequests);
  EXPECT_TRUE(effects.failed.empty());
  EXPECT_EQ(engine.busy(model), 2);
}

TEST(EngineAttribution, ExpiredBufferedRequestIsAttributedByItsClassAtArrival) {
  constexpr int64_t kMaxWaitS = 1;
  BusyModel m(Policy("fifo", {{"max_depth", 10}, {"max_wait", kMaxWaitS}}), /*rpm=*/60,
              /*tpm=*/6000);
  // At t=0: a within-rate request (1), then an over-requests one (2). Both wait.
  EXPECT_EQ(m.engine_.Arrive(m.key_, 1, 10, 0, &m.effects_).admission,
            SmoothingPolicy::Admission::kBuffered);
  EXPECT_EQ(m.engine_.Arrive(m.key_, 2, 10, 0, &m.effects_).rate_class, RateClass::kOverRequests);
  // At 0.5 s only half a request has refilled: request 3 is over requests too.
  EXPECT_EQ(m.engine_.Arrive(m.key_, 3, 10, Ms(500), &m.effects_).rate_class,
            RateClass::kOverRequests);
  EXPECT_TRUE(m.effects_.failed.empty());
  EXPECT_EQ(m.engine_.NextWakeup(m.model_), Sec(kMaxWaitS));

  // Deadline of 1 and 2: arrival + max_wait, and not a nanosecond before.
  m.engine_.Wake(m.model_, Sec(kMaxWaitS) - 1, &m.effects_);
  EXPECT_TRUE(m.effects_.failed.empty());
  // An arrival at that very instant meets the deadlines first. At 1 s the request window is full
  // again and the 100-token window too: request 4 (95 tokens) is within.
  EXPECT_EQ(m.engine_.Arrive(m.key_, 4, 95, Sec(kMaxWaitS), &m.effects_).rate_class,
            RateClass::kWithin);
  ASSERT_EQ(m.effects_.failed.size(), 2u);
  EXPECT_EQ(m.effects_.failed[0].ticket.request, 1u);
  EXPECT_EQ(m.effects_.failed[0].reason, FailReason::kExpired);
  ExpectAttribution(m.effects_.failed[0], HttpStatus::kServiceUnavailable,
                    ErrorType::kModelOverloaded);
  EXPECT_EQ(m.effects_.failed[1].ticket.request, 2u);
  EXPECT_EQ(m.effects_.failed[1].reason, FailReason::kExpired);
  // The key's window is full again by now: still a 429, because it was over when it arrived.
  ExpectAttribution(m.effects_.failed[1], HttpStatus::kTooManyRequests,
                    ErrorType::kDynamicRequestLimited);
  EXPECT_EQ(m.engine_.NextWakeup(m.model_), Ms(500) + Sec(kMaxWaitS));
  EXPECT_EQ(m.engine_.buffered(m.model_), 2u);
}

TEST(EngineAttribution, ExpiredOverTokenRequestIs429DynamicTokenLimited) {
  BusyModel m(Policy("fifo", {{"max_depth", 10}, {"max_wait", 2.0}}), /*rpm=*/6000,
              /*tpm=*/6000);
  m.engine_.Arrive(m.key_, 1, 80, 0, &m.effects_);
  EXPECT_EQ(m.engine_.Arrive(m.key_, 2, 80, 0, &m.effects_).rate_class, RateClass::kOverTokens);
  m.engine_.Wake(m.model_, Sec(2), &m.effects_);
  ASSERT_EQ(m.effects_.failed.size(), 2u);
  EXPECT_EQ(m.effects_.failed[1].ticket.request, 2u);
  EXPECT_EQ(m.effects_.failed[1].reason, FailReason::kExpired);
  ExpectAttribution(m.effects_.failed[1], HttpStatus::kTooManyRequests,
                    ErrorType::kDynamicTokenLimited);
}

TEST(EngineAttribution, ArrivalOnAFullBufferFailsBufferFullAttributedByItsClass) {
  BusyModel m(Policy("fifo", {{"max_depth", 1}, {"max_wait", 30.0}}), /*rpm=*/120, /*tpm=*/6000);
  // 120 RPM: two requests fit in the window. 1 waits, 2 (within) and 3 (over) find the buffer full.
  EXPECT_EQ(m.engine_.Arrive(m.key_, 1, 1, 0, &m.effects_).admission,
            SmoothingPolicy::Admission::kBuffered);
  EXPECT_EQ(m.engine_.Arrive(m.key_, 2, 1, 0, &m.effects_).admission,
            SmoothingPolicy::Admission::kRejected);
  EXPECT_EQ(m.engine_.Arrive(m.key_, 3, 1, 0, &m.effects_).rate_class, RateClass::kOverRequests);
  ASSERT_EQ(m.effects_.failed.size(), 2u);
  EXPECT_EQ(m.effects_.failed[0].ticket.request, 2u);
  EXPECT_EQ(m.effects_.failed[0].reason, FailReason::kBufferFull);
  ExpectAttribution(m.effects_.failed[0], HttpStatus::kServiceUnavailable,
                    ErrorType::kModelOverloaded);
  EXPECT_EQ(m.effects_.failed[1].ticket.request, 3u);
  EXPECT_EQ(m.effects_.failed[1].reason, FailReason::kBufferFull);
  ExpectAttribution(m.effects_.failed[1], HttpStatus::kTooManyRequests,
                    ErrorType::kDynamicRequestLimited);
  EXPECT_EQ(m.engine_.buffered(m.model_), 1u);
}

TEST(EngineAttribution, CompleteStartsBufferedRequestsInFifoOrder) {
  BusyModel m(Policy("fifo", {{"max_depth", 10}, {"max_wait", 30.0}}), /*rpm=*/6000, /*tpm=*/1e9);
  const KeyId other = m.engine_.AddKey("other", m.model_, 0, 0);
  for (uint64_t request = 1; request <= 4; ++request) {
    m.engine_.Arrive(request % 2 == 0 ? other : m.key_, request, 1, Ms(request), &m.effects_);
  }
  EXPECT_EQ(m.engine_.buffered(m.model_), 4u);
  Ticket running = m.occupying_;
  for (uint64_t expected = 1; expected <= 4; ++expected) {
    m.effects_.Clear();
    m.engine_.Complete(running, 1, Ms(10 * expected), &m.effects_);
    ASSERT_EQ(m.effects_.started.size(), 1u);
    EXPECT_EQ(m.effects_.started[0].request, expected);
    EXPECT_EQ(m.engine_.busy(m.model_), 1);
    running = m.effects_.started[0];
  }
  m.effects_.Clear();
  m.engine_.Complete(running, 1, Ms(100), &m.effects_);
  EXPECT_TRUE(m.effects_.started.empty());
  EXPECT_EQ(m.engine_.busy(m.model_), 0);
}

TEST(EngineAttribution, CompleteFailsTheExpiredAndStartsTheFirstStillWaiting) {
  BusyModel m(Policy("fifo", {{"max_depth", 10}, {"max_wait", 1.0}}), /*rpm=*/6000, /*tpm=*/1e9);
  m.engine_.Arrive(m.key_, 1, 1, 0, &m.effects_);
  m.engine_.Arrive(m.key_, 2, 1, Ms(600), &m.effects_);
  // At 1.2 s, without an Expire call in between, 1 is past its deadline and 2 is not.
  m.engine_.Complete(m.occupying_, 1, Ms(1200), &m.effects_);
  ASSERT_EQ(m.effects_.failed.size(), 1u);
  EXPECT_EQ(m.effects_.failed[0].ticket.request, 1u);
  EXPECT_EQ(m.effects_.failed[0].reason, FailReason::kExpired);
  ExpectAttribution(m.effects_.failed[0], HttpStatus::kServiceUnavailable,
                    ErrorType::kModelOverloaded);
  ASSERT_EQ(m.effects_.started.size(), 1u);
  EXPECT_EQ(m.effects_.started[0].request, 2u);
}

// --- A real deadline, under every buffering policy ---------------------------------------------

// The registered policies that buffer: those with a max_wait.
std::vector<std::string> BufferingPolicyNames() {
  std::vector<std::string> names;
  for (const PolicyInfo& info : Policies()) {
    for (const ParamSpec& spec : info.params) {
      if (spec.name == "max_wait") names.push_back(info.name);
    }
  }
  return names;
}

class EveryBufferingPolicy : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryBufferingPolicy, ARequestThatWaitsItsMaxWaitOutFailsExpiredAttributedByItsClass) {
  // Every max wait 2 s; codel's target 1 s, but its interval (30 s) is far longer than the wait:
  // it never turns to shedding, and the request expires.
  ParamValues params;
  for (const PolicyInfo& info : Policies()) {
    if (info.name != GetParam()) continue;
    for (const ParamSpec& spec : info.params) {
      if (spec.name == "max_wait" || spec.name == "max_wait_over") params[spec.name] = 2.0;
      if (spec.name == "target") params[spec.name] = 1.0;
    }
  }
  BusyModel m(Policy(GetParam(), params), /*rpm=*/60, /*tpm=*/6000);
  // 60 RPM: 1 is within rate, 2 over it (pacing spaces it to 1 s, within its max wait). Both wait.
  EXPECT_EQ(m.engine_.Arrive(m.key_, 1, 10, 0, &m.effects_).admission,
            SmoothingPolicy::Admission::kBuffered);
  EXPECT_EQ(m.engine_.Arrive(m.key_, 2, 10, 0, &m.effects_).admission,
            SmoothingPolicy::Admission::kBuffered);
  m.engine_.Wake(m.model_, Sec(2) - 1, &m.effects_);
  EXPECT_TRUE(m.effects_.failed.empty());
  m.engine_.Wake(m.model_, Sec(2), &m.effects_);
  ASSERT_EQ(m.effects_.failed.size(), 2u);
  ExpectFailure(m.effects_.failed[0], 1, FailReason::kExpired, HttpStatus::kServiceUnavailable,
                ErrorType::kModelOverloaded);
  ExpectFailure(m.effects_.failed[1], 2, FailReason::kExpired, HttpStatus::kTooManyRequests,
                ErrorType::kDynamicRequestLimited);
  EXPECT_EQ(m.engine_.buffered(m.model_), 0u);
}

INSTANTIATE_TEST_SUITE_P(Registered, EveryBufferingPolicy,
                         ::testing::ValuesIn(BufferingPolicyNames()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

TEST(EngineAttribution, AWithinFirstDisplacementFailsDisplaced429OfItsType) {
  // 6000 TPM: the window holds 100 tokens. 1 (80 tokens) is within rate, 2 (80) over tokens; both
  // wait and fill the buffer. 3 (10 tokens, within the 20 left) displaces 2.
  BusyModel m(Policy("within_first", {{"max_depth", 2}}), /*rpm=*/6000, /*tpm=*/6000);
  m.engine_.Arrive(m.key_, 1, 80, 0, &m.effects_);
  EXPECT_EQ(m.engine_.Arrive(m.key_, 2, 80, 0, &m.effects_).rate_class, RateClass::kOverTokens);
  const Engine::ArrivalResult result = m.engine_.Arrive(m.key_, 3, 10, Ms(1), &m.effects_);
  EXPECT_EQ(result.rate_class, RateClass::kWithin);
  EXPECT_EQ(result.admission, SmoothingPolicy::Admission::kBuffered);
  EXPECT_TRUE(m.effects_.failed.empty());
  m.engine_.Wake(m.model_, Ms(1), &m.effects_);
  ASSERT_EQ(m.effects_.failed.size(), 1u);
  ExpectFailure(m.effects_.failed[0], 2, FailReason::kDisplaced, HttpStatus::kTooManyRequests,
                ErrorType::kDynamicTokenLimited);
  EXPECT_EQ(m.engine_.buffered(m.model_), 2u);
}

// --- Conservation, over every registered policy --------------------------------------------------

ParamValues SmallBuffer(const PolicyInfo& info) { return testing::BufferParams(info.name, 8, 0.5); }

std::vector<std::string> PolicyNames() {
  std::vector<std::string> names;
  for (const PolicyInfo& info : Policies()) names.push_back(info.name);
  return names;
}

class EngineConservation : public ::testing::TestWithParam<std::string> {};

TEST_P(EngineConservation, EveryRequestEndsExactlyOnceStartedOrFailed) {
  const PolicyInfo* info = nullptr;
  for (const PolicyInfo& candidate : Policies()) {
    if (candidate.name == GetParam()) info = &candidate;
  }
  ASSERT_NE(info, nullptr);
  constexpr int64_t kSlots = 3;
  constexpr int kOrgs = 4;
  constexpr int kRequests = 20000;
  Engine engine;
  const ModelId model = engine.AddModel("model", kSlots, ModelCapacity{3, 3000},
                                        Policy(info->name, SmallBuffer(*info)));
  const FormulaId formula = engine.AddFormula(Fixed(/*rpm=*/240, /*tpm=*/24000));
  std::vector<KeyId> keys;
  for (int org = 0; org < kOrgs; ++org) {
    keys.push_back(engine.AddKey("org" + std::to_string(org), model, formula, 0));
  }

  // Offered load about twice capacity: 20 arrivals/s against 3 slots of 0.3 s mean service.
  std::mt19937_64 rng(20240611);
  std::exponential_distribution<double> gap_s(20.0);
  std::exponential_distribution<double> service_s(1.0 / 0.3);
  std::uniform_int_distribution<int> org_of(0, kOrgs - 1);
  std::uniform_int_distribution<int64_t> tokens_of(1, 200);

  using Running = std::pair<Nanos, Ticket>;
  auto later = [](const Running& a, const Running& b) { return a.first > b.first; };
  std::priority_queue<Running, std::vector<Running>, decltype(later)> running(later);
  std::vector<int> outcomes(kRequests, 0);
  std::vector<RateClass> class_at_arrival(kRequests, RateClass::kWithin);
  std::vector<Nanos> arrival_time(kRequests, 0);
  int64_t started_count = 0;
  int64_t failed_count = 0;
  Effects effects;
  auto absorb = [&](Nanos now) {
    for (const Ticket& ticket : effects.started) {
      ++outcomes[ticket.request];
      ++started_count;
      running.push({now + FromSeconds(service_s(rng)), ticket});
    }
    for (const Failure& failure : effects.failed) {
      ++outcomes[failure.ticket.request];
      ++failed_count;
      EXPECT_EQ(failure.attribution.status,
                AttributeFailure(class_at_arrival[failure.ticket.request]).status);
      EXPECT_EQ(failure.attribution.error_type,
                AttributeFailure(class_at_arrival[failure.ticket.request]).error_type);
      EXPECT_EQ(failure.ticket.arrival, arrival_time[failure.ticket.request]);
    }
    effects.Clear();
    EXPECT_LE(engine.busy(model), kSlots);
  };

  Nanos next_arrival = 0;
  int arrived = 0;
  while (arrived < kRequests || !running.empty() || engine.NextWakeup(model) != kNever) {
    const Nanos next_completion = running.empty() ? kNever : running.top().first;
    const Nanos next_deadline = engine.NextWakeup(model);
    const Nanos arrival = arrived < kRequests ? next_arrival : kNever;
    if (next_deadline <= next_completion && next_deadline <= arrival) {
      engine.Wake(model, next_deadline, &effects);
      // Expire at a deadline must remove what was due, or this loop would never advance.
      ASSERT_TRUE(!effects.failed.empty() || engine.NextWakeup(model) > next_deadline)
          << "Expire at the next deadline " << next_deadline << " removed nothing";
      absorb(next_deadline);
    } else if (next_completion <= arrival) {
      const Running done = running.top();
      running.pop();
      engine.Complete(done.second, done.second.request % 100, done.first, &effects);
      absorb(done.first);
    } else {
      const KeyId key = keys[org_of(rng)];
      arrival_time[arrived] = arrival;
      const Engine::ArrivalResult result =
          engine.Arrive(key, static_cast<uint64_t>(arrived), tokens_of(rng), arrival, &effects);
      class_at_arrival[arrived] = result.rate_class;
      ++arrived;
      absorb(arrival);
      next_arrival = arrival + FromSeconds(gap_s(rng));
    }
  }

  EXPECT_EQ(started_count + failed_count, kRequests);
  EXPECT_EQ(engine.buffered(model), 0u);
  EXPECT_EQ(engine.busy(model), 0);
  for (int request = 0; request < kRequests; ++request) {
    ASSERT_EQ(outcomes[request], 1) << "request " << request;
  }
  // The load was high enough that both outcomes occurred.
  EXPECT_GT(started_count, 0);
  EXPECT_GT(failed_count, 0);
}

INSTANTIATE_TEST_SUITE_P(EngineEveryPolicy, EngineConservation, ::testing::ValuesIn(PolicyNames()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace ratesim

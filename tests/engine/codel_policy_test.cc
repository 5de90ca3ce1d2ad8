// CodelPolicy's promise: FIFO while the standing delay stays at or below target (or rises above it
// for less than an interval); once it has stayed above target for an interval, LIFO with every
// request waiting longer than target dropped at dequeue; FIFO again once the queue drains. A hard
// max_wait bounds every wait. Requests dropped past target fail as kShed, those that reach max_wait
// as kExpired, each attributed by its class.
#include "engine/codel_policy.h"

#include <cstdint>
#include <memory>
#include <vector>

#include "engine/engine.h"
#include "engine/limit_formula.h"
#include "engine/param_spec.h"
#include "engine/ticket.h"
#include "engine/time.h"
#include "gtest/gtest.h"
#include "tests/support/dropped.h"

namespace ratesim {
namespace {

using ::ratesim::testing::DroppedIds;
using ::ratesim::testing::DroppedReasons;
using Admission = SmoothingPolicy::Admission;

constexpr Nanos kSecond = kNanosPerSecond;

CodelPolicy MakeCodel(const ParamValues& params) {
  absl::StatusOr<ParamValues> resolved = ResolveParams(CodelPolicy::Params(), params);
  EXPECT_TRUE(resolved.ok()) << resolved.status();
  return CodelPolicy(*resolved);
}

// target 5 s, interval 30 s (the defaults), a max wait long enough not to interfere.
CodelPolicy DefaultCodel() { return MakeCodel({{"max_wait", 1000.0}}); }

void Add(CodelPolicy& codel, uint64_t request, Nanos arrival) {
  Ticket ticket;
  ticket.request = request;
  ticket.arrival = arrival;
  FailReason reason = FailReason::kNoCapacity;
  ASSERT_EQ(codel.OnArrival(ticket, KeyView{}, false, arrival, &reason), Admission::kBuffered);
}

// Next at `now`: the request id started, or -1 if none.
int64_t NextId(CodelPolicy& codel, Nanos now, std::vector<Dropped>* dropped) {
  Ticket next;
  return codel.Next(now, &next, dropped) ? static_cast<int64_t>(next.request) : -1;
}

TEST(CodelPolicy, DefaultsAreForLlmRequests) {
  absl::StatusOr<ParamValues> defaults = ResolveParams(CodelPolicy::Params(), {});
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->at("target"), 5.0);
  EXPECT_EQ(defaults->at("interval"), 30.0);
  EXPECT_GT(defaults->at("max_wait"), defaults->at("target"));
}

TEST(CodelPolicy, FifoWhileTheStandingDelayIsBelowTarget) {
  CodelPolicy codel = DefaultCodel();
  for (uint64_t i = 0; i < 4; ++i) Add(codel, i, static_cast<Nanos>(i) * kSecond);
  std::vector<Dropped> dropped;
  EXPECT_EQ(NextId(codel, 4 * kSecond, &dropped), 0);
  EXPECT_EQ(NextId(codel, 5 * kSecond, &dropped), 1);
  EXPECT_EQ(NextId(codel, 6 * kSecond, &dropped), 2);
  EXPECT_EQ(NextId(codel, 7 * kSecond, &dropped), 3);
  EXPECT_TRUE(dropped.empty());
  EXPECT_FALSE(codel.overloaded());
}

TEST(CodelPolicy, AboveTargetForLessThanAnIntervalStaysFifo) {
  CodelPolicy codel = DefaultCodel();
  for (uint64_t i = 0; i < 10; ++i) Add(codel, i, static_cast<Nanos>(i) * kSecond);
  std::vector<Dropped> dropped;
  // Standing delay 10 s, above target from here: the interval runs to 40 s.
  EXPECT_EQ(NextId(codel, 10 * kSecond, &dropped), 0);
  EXPECT_EQ(NextId(codel, 39 * kSecond, &dropped), 1);
  EXPECT_FALSE(codel.overloaded());
  EXPECT_TRUE(dropped.empty());
}

TEST(CodelPolicy, ADipToTargetRestartsTheInterval) {
  CodelPolicy codel = DefaultCodel();
  Add(codel, 0, 0);
  Add(codel, 1, 10 * kSecond);
  Add(codel, 2, 40 * kSecond);
  std::vector<Dropped> dropped;
  EXPECT_EQ(NextId(codel, 6 * kSecond, &dropped), 0);   // 6 s > 5 s: interval runs to 36 s
  EXPECT_EQ(NextId(codel, 15 * kSecond, &dropped), 1);  // 5 s, not above: the interval is off
  EXPECT_EQ(NextId(codel, 50 * kSecond, &dropped), 2);  // above again: a new interval to 80 s
  EXPECT_FALSE(codel.overloaded());
  EXPECT_TRUE(dropped.empty());
}

TEST(CodelPolicy, AnIntervalAboveTargetSwitchesToLifoAndDropsWhatWaitedPastTarget) {
  CodelPolicy codel = DefaultCodel();
  for (uint64_t i = 0; i < 10; ++i) Add(codel, i, static_cast<Nanos>(i) * kSecond);
  std::vector<Dropped> dropped;
  EXPECT_EQ(NextId(codel, 10 * kSecond, &dropped), 0);  // above target: interval to 40 s
  EXPECT_EQ(NextId(codel, 20 * kSecond, &dropped), 1);
  Add(codel, 10, 38 * kSecond);
  Add(codel, 11, 39 * kSecond);
  // At 40 s the standing delay (38 s) has been above target for an interval: overloaded. Requests
  // 2..9 waited more than 5 s and are dropped; the newest, 11, starts.
  EXPECT_EQ(NextId(codel, 40 * kSecond, &dropped), 11);
  EXPECT_TRUE(codel.overloaded());
  EXPECT_EQ(DroppedIds(dropped), (std::vector<uint64_t>{2, 3, 4, 5, 6, 7, 8, 9}));
  EXPECT_EQ(DroppedReasons(dropped), std::vector<FailReason>(8, FailReason::kShed));
  // Still overloaded (the queue has not drained): newest first, although the delay is now small.
  Add(codel, 12, 41 * kSecond);
  dropped.clear();
  EXPECT_EQ(NextId(codel, 41 * kSecond, &dropped), 12);
  EXPECT_TRUE(codel.overloaded());
  // The last one drains the queue: back to FIFO.
  EXPECT_EQ(NextId(codel, 42 * kSecond, &dropped), 10);
  EXPECT_TRUE(dropped.empty());
  EXPECT_FALSE(codel.overloaded());
  Add(codel, 13, 50 * kSecond);
  Add(codel, 14, 51 * kSecond);
  EXPECT_EQ(NextId(codel, 52 * kSecond, &dropped), 13);
  EXPECT_EQ(NextId(codel, 53 * kSecond, &dropped), 14);
}

TEST(CodelPolicy, ARequestWaitingExactlyTargetIsNotDropped) {
  CodelPolicy codel = DefaultCodel();
  Add(codel, 0, 0);
  Add(codel, 1, 30 * kSecond);
  std::vector<Dropped> dropped;
  EXPECT_EQ(NextId(codel, 6 * kSecond, &dropped), 0);  // interval to 36 s
  Add(codel, 2, 31 * kSecond);
  Add(codel, 3, 36 * kSecond);
  // At 36 s: 1 waited 6 s (dropped), 2 exactly 5 s (kept: not above target), 3 starts.
  EXPECT_EQ(NextId(codel, 36 * kSecond, &dropped), 3);
  EXPECT_EQ(DroppedIds(dropped), (std::vector<uint64_t>{1}));
  EXPECT_EQ(NextId(codel, 36 * kSecond, &dropped), 2);
}

TEST(CodelPolicy, InOverloadWhatWaitedPastTargetIsShedAndWhatReachedMaxWaitExpires) {
  CodelPolicy codel = MakeCodel({{"max_wait", 100.0}});
  for (uint64_t i = 0; i < 4; ++i) Add(codel, i, static_cast<Nanos>(i) * kSecond);
  std::vector<Dropped> dropped;
  EXPECT_EQ(NextId(codel, 10 * kSecond, &dropped), 0);  // above target: interval to 40 s
  Add(codel, 10, 38 * kSecond);
  Add(codel, 11, 39 * kSecond);
  // At 40 s, overloaded: 1..3 waited past target and are shed, 11 starts, 10 stays.
  EXPECT_EQ(NextId(codel, 40 * kSecond, &dropped), 11);
  EXPECT_TRUE(codel.overloaded());
  EXPECT_EQ(DroppedIds(dropped), (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_EQ(DroppedReasons(dropped), std::vector<FailReason>(3, FailReason::kShed));
  // No slot frees, so no dequeue sheds 10: still overloaded, it reaches its max wait at 138 s.
  dropped.clear();
  EXPECT_EQ(codel.NextWakeup(), 138 * kSecond);
  codel.Expire(138 * kSecond, &dropped);
  EXPECT_EQ(DroppedIds(dropped), (std::vector<uint64_t>{10}));
  EXPECT_EQ(DroppedReasons(dropped), (std::vector<FailReason>{FailReason::kExpired}));
}

TEST(CodelPolicy, OverloadThatDropsEverythingStartsNothingAndEndsTheOverload) {
  CodelPolicy codel = DefaultCodel();
  for (uint64_t i = 0; i < 3; ++i) Add(codel, i, static_cast<Nanos>(i) * kSecond);
  std::vector<Dropped> dropped;
  EXPECT_EQ(NextId(codel, 10 * kSecond, &dropped), 0);
  EXPECT_EQ(NextId(codel, 40 * kSecond, &dropped), -1);
  EXPECT_EQ(DroppedIds(dropped), (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(DroppedReasons(dropped), std::vector<FailReason>(2, FailReason::kShed));
  EXPECT_EQ(codel.Depth(), 0u);
  EXPECT_FALSE(codel.overloaded());
}

TEST(CodelPolicy, HardMaxWaitAndMaxDepth) {
  CodelPolicy codel = MakeCodel({{"max_wait", 8.0}, {"max_depth", 2}});
  Add(codel, 0, kSecond);
  Add(codel, 1, 2 * kSecond);
  Ticket third;
  third.request = 2;
  FailReason reason = FailReason::kNoCapacity;
  EXPECT_EQ(codel.OnArrival(third, KeyView{}, false, 3 * kSecond, &reason), Admission::kRejected);
  EXPECT_EQ(reason, FailReason::kBufferFull);
  EXPECT_EQ(codel.NextWakeup(), 9 * kSecond);
  std::vector<Dropped> expired;
  codel.Expire(9 * kSecond - 1, &expired);
  EXPECT_TRUE(expired.empty());
  codel.Expire(9 * kSecond, &expired);
  EXPECT_EQ(DroppedIds(expired), (std::vector<uint64_t>{0}));
  EXPECT_EQ(DroppedReasons(expired), (std::vector<FailReason>{FailReason::kExpired}));
  EXPECT_EQ(codel.NextWakeup(), 10 * kSecond);
}

TEST(CodelPolicy, ThroughTheEngineDroppedRequestsFailShedAttributedByClass) {
  Engine engine;
  absl::StatusOr<std::unique_ptr<SmoothingPolicy>> policy =
      MakePolicy("codel", {{"target", 1.0}, {"interval", 2.0}, {"max_wait", 100.0}});
  ASSERT_TRUE(policy.ok());
  const ModelId model = engine.AddModel("model", 1, ModelCapacity{1, 1e6}, std::move(*policy));
  absl::StatusOr<std::unique_ptr<LimitFormula>> formula =
      MakeFormula("fixed", {{"rpm", 60}, {"tpm", 1e9}});
  ASSERT_TRUE(formula.ok());
  const KeyId key = engine.AddKey("org", model, engine.AddFormula(std::move(*formula)), 0);
  Effects effects;
  const Nanos ms = kNanosPerMillisecond;
  // 60 RPM: one request per second is within rate.
  EXPECT_EQ(engine.Arrive(key, 1, 10, 0, &effects).admission, Admission::kServe);
  EXPECT_EQ(engine.Arrive(key, 2, 10, 0, &effects).rate_class, RateClass::kOverRequests);
  EXPECT_EQ(engine.Arrive(key, 3, 10, 500 * ms, &effects).rate_class, RateClass::kOverRequests);
  Ticket running = effects.started.at(0);
  effects.Clear();
  // 1.5 s: standing delay 1.5 s > 1 s; the interval runs to 3.5 s. FIFO: 2 starts.
  engine.Complete(running, 10, 1500 * ms, &effects);
  ASSERT_EQ(effects.started.size(), 1u);
  EXPECT_EQ(effects.started[0].request, 2u);
  running = effects.started[0];
  effects.Clear();
  EXPECT_EQ(engine.Arrive(key, 4, 10, 1600 * ms, &effects).rate_class, RateClass::kWithin);
  EXPECT_EQ(engine.Arrive(key, 5, 10, 3800 * ms, &effects).rate_class, RateClass::kWithin);
  // 4 s: overloaded. 3 (over rate) and 4 (within) waited more than 1 s: dropped; 5 starts.
  engine.Complete(running, 10, 4 * kSecond, &effects);
  ASSERT_EQ(effects.started.size(), 1u);
  EXPECT_EQ(effects.started[0].request, 5u);
  ASSERT_EQ(effects.failed.size(), 2u);
  EXPECT_EQ(effects.failed[0].ticket.request, 3u);
  EXPECT_EQ(effects.failed[0].reason, FailReason::kShed);
  EXPECT_EQ(effects.failed[0].attribution.status, HttpStatus::kTooManyRequests);
  EXPECT_EQ(effects.failed[0].attribution.error_type, ErrorType::kDynamicRequestLimited);
  EXPECT_EQ(effects.failed[1].ticket.request, 4u);
  EXPECT_EQ(effects.failed[1].reason, FailReason::kShed);
  EXPECT_EQ(effects.failed[1].attribution.status, HttpStatus::kServiceUnavailable);
  EXPECT_EQ(effects.failed[1].attribution.error_type, ErrorType::kModelOverloaded);
  EXPECT_EQ(engine.buffered(model), 0u);
}

}  // namespace
}  // namespace ratesim

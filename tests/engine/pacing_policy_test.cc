// PacingPolicy's promise: a burst above a key's rate is delayed, not failed. Over-rate requests of
// a key start exactly 1/rate apart from the time they would fit, none fails while the last of them
// can start before its max wait, those that cannot are refused at once (kWouldExpire); within-rate
// requests are never paced; `burst` lets that many through unpaced; a key's last place in the
// schedule comes back when its holder expires unstarted, and no other place does. Checked directly,
// through the Engine, and against a naive oracle over a long random sequence.
#include "engine/pacing_policy.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <tuple>
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
using ::ratesim::testing::SortedDrops;
using Admission = SmoothingPolicy::Admission;

constexpr Nanos kSecond = kNanosPerSecond;
constexpr Nanos kHalf = kNanosPerSecond / 2;

PacingPolicy MakePacing(const ParamValues& params) {
  absl::StatusOr<ParamValues> resolved = ResolveParams(PacingPolicy::Params(), params);
  EXPECT_TRUE(resolved.ok()) << resolved.status();
  return PacingPolicy(*resolved);
}

Ticket Request(uint64_t request, Nanos arrival, RateClass rate_class, KeyId key = 0) {
  Ticket ticket;
  ticket.request = request;
  ticket.arrival = arrival;
  ticket.key = key;
  ticket.org = key;
  ticket.rate_class = rate_class;
  ticket.token_estimate = 100;
  return ticket;
}

// Offers `n` over-rate requests of key 0 at `now` with rate 2/s and the given fits_at; returns
// their admissions.
std::vector<Admission> OfferBurst(PacingPolicy& pacing, int n, Nanos now, Nanos fits_at,
                                  bool slot_free, uint64_t first_id = 0,
                                  std::vector<FailReason>* reasons = nullptr) {
  std::vector<Admission> admissions;
  for (int i = 0; i < n; ++i) {
    FailReason reason = FailReason::kNoCapacity;
    admissions.push_back(pacing.OnArrival(Request(first_id + i, now, RateClass::kOverRequests),
                                          KeyView{2.0, 1e6, fits_at}, slot_free, now, &reason));
    if (reasons != nullptr) reasons->push_back(reason);
  }
  return admissions;
}

// Offers over-rate request `id` of a slow key (0.1/s: places 10 s apart) at `at`, fitting its
// window then.
Admission OfferToSlowKey(PacingPolicy& pacing, uint64_t id, Nanos at, bool slot_free,
                         FailReason* reason) {
  return pacing.OnArrival(Request(id, at, RateClass::kOverRequests), KeyView{0.1, 1e6, at},
                          slot_free, at, reason);
}

// With unlimited slots: wakes at every NextWakeup and starts whatever Next gives. Returns the start
// time of each request id.
std::map<uint64_t, Nanos> StartTimesWithSpareSlots(PacingPolicy& pacing) {
  std::map<uint64_t, Nanos> starts;
  std::vector<Dropped> expired;
  for (int guard = 0; pacing.NextWakeup() != kNever && guard < 100000; ++guard) {
    const Nanos now = pacing.NextWakeup();
    pacing.Expire(now, &expired);
    Ticket next;
    while (pacing.Next(now, &next, &expired)) starts[next.request] = now;
    EXPECT_GT(pacing.NextWakeup(), now);
  }
  EXPECT_TRUE(expired.empty());
  return starts;
}

TEST(PacingPolicy, SpacesABurstAtTheKeysRateFromWhenItFits) {
  // Rate 2/s, the window fits the next request at 0.5 s: requests start at 0.5, 1.0, ... 4.5 s.
  PacingPolicy pacing = MakePacing({{"max_wait", 5.0}});
  for (const Admission a : OfferBurst(pacing, 9, 0, kHalf, /*slot_free=*/true)) {
    EXPECT_EQ(a, Admission::kBuffered);
  }
  EXPECT_EQ(pacing.Depth(), 9u);
  EXPECT_EQ(pacing.NextWakeup(), kHalf);
  const std::map<uint64_t, Nanos> starts = StartTimesWithSpareSlots(pacing);
  ASSERT_EQ(starts.size(), 9u);
  for (uint64_t i = 0; i < 9; ++i) EXPECT_EQ(starts.at(i), kHalf * static_cast<Nanos>(i + 1));
  EXPECT_EQ(pacing.Depth(), 0u);
}

TEST(PacingPolicy, RefusesAtOnceWhatCouldNotStartBeforeItsMaxWait) {
  // 12 requests: eligible at 0.5 .. 4.5 s for the first 9; the 10th would be eligible at 5.0 s,
  // its deadline, and could never start: it and the two after it fail now, not 5 s later.
  PacingPolicy pacing = MakePacing({{"max_wait", 5.0}});
  std::vector<FailReason> reasons;
  const std::vector<Admission> admissions = OfferBurst(pacing, 12, 0, kHalf, true, 0, &reasons);
  for (int i = 0; i < 12; ++i) {
    EXPECT_EQ(admissions[i], i < 9 ? Admission::kBuffered : Admission::kRejected) << i;
    if (i >= 9) {
      EXPECT_EQ(reasons[i], FailReason::kWouldExpire);
    }
  }
  // The refused ones took no place in the schedule: the 9 admitted keep their exact times.
  const std::map<uint64_t, Nanos> starts = StartTimesWithSpareSlots(pacing);
  ASSERT_EQ(starts.size(), 9u);
  EXPECT_EQ(starts.at(8), 9 * kHalf);
}

TEST(PacingPolicy, LaterOverRateRequestsQueueBehindTheSchedule) {
  // The schedule carries over: two requests at t=0, one at t=0.2 s with the window fitting at
  // 0.5 s: 0.5, 1.0, 1.5 s. After a quiet spell the schedule restarts from fits_at.
  PacingPolicy pacing = MakePacing({{"max_wait", 30.0}});
  OfferBurst(pacing, 2, 0, kHalf, true, 0);
  OfferBurst(pacing, 1, kSecond / 5, kHalf, true, 2);
  OfferBurst(pacing, 1, 10 * kSecond, 10 * kSecond + kSecond / 10, true, 3);
  const std::map<uint64_t, Nanos> starts = StartTimesWithSpareSlots(pacing);
  EXPECT_EQ(starts.at(0), kHalf);
  EXPECT_EQ(starts.at(1), kSecond);
  EXPECT_EQ(starts.at(2), kSecond + kHalf);
  EXPECT_EQ(starts.at(3), 10 * kSecond + kSecond / 10);
}

TEST(PacingPolicy, WithinRateRequestsAreNeverPaced) {
  PacingPolicy pacing = MakePacing({{"max_wait", 30.0}});
  FailReason reason = FailReason::kNoCapacity;
  EXPECT_EQ(
      pacing.OnArrival(Request(1, 0, RateClass::kWithin), KeyView{2.0, 1e6, 0}, true, 0, &reason),
      Admission::kServe);
  // Behind a paced request of the same key, with no slot free: ready at once, FIFO.
  OfferBurst(pacing, 1, 0, kHalf, false, 2);
  EXPECT_EQ(
      pacing.OnArrival(Request(3, 1, RateClass::kWithin), KeyView{2.0, 1e6, 1}, false, 1, &reason),
      Admission::kBuffered);
  std::vector<Dropped> expired;
  Ticket next;
  ASSERT_TRUE(pacing.Next(2, &next, &expired));
  EXPECT_EQ(next.request, 3u);
  EXPECT_FALSE(pacing.Next(2, &next, &expired));  // the paced one is not eligible before 0.5 s
  EXPECT_EQ(pacing.Depth(), 1u);
  EXPECT_EQ(pacing.NextWakeup(), kHalf);
}

TEST(PacingPolicy, BurstAllowanceLetsThatManyThroughAndRefillsAtTheRate) {
  PacingPolicy pacing = MakePacing({{"max_wait", 30.0}, {"burst", 3}});
  // Three pass unpaced (a slot is free for each); the fourth waits for the 3 schedule places they
  // took: max(0.5 s, 3 × 0.5 s) = 1.5 s.
  const std::vector<Admission> first = OfferBurst(pacing, 4, 0, kHalf, /*slot_free=*/true);
  EXPECT_EQ(first, (std::vector<Admission>{Admission::kServe, Admission::kServe, Admission::kServe,
                                           Admission::kBuffered}));
  EXPECT_EQ(pacing.NextWakeup(), 3 * kHalf);
  std::vector<Dropped> expired;
  Ticket next;
  pacing.Expire(3 * kHalf, &expired);
  ASSERT_TRUE(pacing.Next(3 * kHalf, &next, &expired));
  EXPECT_EQ(next.request, 3u);
  // After 10 quiet seconds the whole allowance is back.
  const std::vector<Admission> later =
      OfferBurst(pacing, 4, 10 * kSecond, 10 * kSecond + kHalf, true, 10);
  EXPECT_EQ(later, (std::vector<Admission>{Admission::kServe, Admission::kServe, Admission::kServe,
                                           Admission::kBuffered}));
  EXPECT_EQ(pacing.NextWakeup(), 10 * kSecond + 3 * kHalf);
}

TEST(PacingPolicy, ReleasedRequestsStartOldestFirstAndExpireAtTheirDeadline) {
  PacingPolicy pacing = MakePacing({{"max_wait", 3.0}});
  OfferBurst(pacing, 2, 0, kHalf, /*slot_free=*/false, 0);  // eligible at 0.5 s and 1.0 s
  FailReason reason;
  // A within-rate request at 0.7 s, no slot free.
  ASSERT_EQ(pacing.OnArrival(Request(5, 7 * kSecond / 10, RateClass::kWithin), KeyView{2, 1e6, 0},
                             false, 7 * kSecond / 10, &reason),
            Admission::kBuffered);
  std::vector<Dropped> expired;
  pacing.Expire(kSecond, &expired);
  EXPECT_TRUE(expired.empty());
  Ticket next;
  // At 1 s both paced are eligible and older than the within-rate one.
  ASSERT_TRUE(pacing.Next(kSecond, &next, &expired));
  EXPECT_EQ(next.request, 0u);
  // Nothing more starts until 3.0 s: request 1 (arrived at 0) expires exactly then.
  EXPECT_EQ(pacing.NextWakeup(), 3 * kSecond);
  pacing.Expire(3 * kSecond - 1, &expired);
  EXPECT_TRUE(expired.empty());
  pacing.Expire(3 * kSecond, &expired);
  EXPECT_EQ(DroppedIds(expired), (std::vector<uint64_t>{1}));
  EXPECT_EQ(DroppedReasons(expired), (std::vector<FailReason>{FailReason::kExpired}));
  EXPECT_EQ(pacing.NextWakeup(), 7 * kSecond / 10 + 3 * kSecond);
}

TEST(PacingPolicy, AKeyWithoutARateCannotBePacedAndFailsAtOnce) {
  PacingPolicy pacing = MakePacing({});
  FailReason reason = FailReason::kNoCapacity;
  EXPECT_EQ(pacing.OnArrival(Request(1, 0, RateClass::kOverTokens), KeyView{0.0, 0.0, kSecond},
                             false, 0, &reason),
            Admission::kRejected);
  EXPECT_EQ(reason, FailReason::kWouldExpire);
}

TEST(PacingPolicy, AFullBufferIsBufferFullAndATooLateRequestWouldExpireWhateverTheDepth) {
  // Room for one: the second request (eligible at 1.0 s, deadline 5 s) finds the buffer full. A
  // third, whose window fits it only at its deadline, is refused as too late, which it would be
  // whatever the buffer held.
  PacingPolicy pacing = MakePacing({{"max_depth", 1}, {"max_wait", 5.0}});
  std::vector<FailReason> reasons;
  OfferBurst(pacing, 2, 0, kHalf, false, 0, &reasons);
  EXPECT_EQ(reasons[1], FailReason::kBufferFull);
  FailReason reason = FailReason::kNoCapacity;
  EXPECT_EQ(pacing.OnArrival(Request(9, 0, RateClass::kOverRequests),
                             KeyView{2.0, 1e6, 5 * kSecond}, false, 0, &reason),
            Admission::kRejected);
  EXPECT_EQ(reason, FailReason::kWouldExpire);
}

TEST(PacingPolicy, AKeysLastPlaceComesBackWhenItsHolderExpiresUnstarted) {
  // A slow key (0.1/s: places 10 s apart) and a 5 s max wait. Its request at 0 is eligible at 1 s,
  // never gets a slot and expires at 5 s. Its next one, at 6 s, fits its window again (the engine
  // refunded the first): kept behind the place the first never used (11 s, at its deadline) it
  // would be refused although the key started nothing; given that place back, it starts at once.
  PacingPolicy pacing = MakePacing({{"max_wait", 5.0}});
  FailReason reason = FailReason::kNoCapacity;
  ASSERT_EQ(pacing.OnArrival(Request(0, 0, RateClass::kOverRequests), KeyView{0.1, 1e6, kSecond},
                             false, 0, &reason),
            Admission::kBuffered);
  std::vector<Dropped> expired;
  pacing.Expire(5 * kSecond, &expired);
  EXPECT_EQ(DroppedReasons(expired), (std::vector<FailReason>{FailReason::kExpired}));
  EXPECT_EQ(OfferToSlowKey(pacing, 1, 6 * kSecond, true, &reason),
            Admission::kServe);
  // It took the place, and the spacing runs from it: the key's next place is 16 s, past the
  // deadline of a request at 7 s.
  EXPECT_EQ(OfferToSlowKey(pacing, 2, 7 * kSecond, true, &reason),
            Admission::kRejected);
  EXPECT_EQ(reason, FailReason::kWouldExpire);
  ASSERT_EQ(pacing.OnArrival(Request(3, 16 * kSecond, RateClass::kOverRequests),
                             KeyView{0.1, 1e6, 6 * kSecond}, false, 16 * kSecond, &reason),
            Admission::kBuffered);
  EXPECT_EQ(pacing.NextWakeup(), 16 * kSecond + 5 * kSecond);  // ready at once: only its deadline
}

TEST(PacingPolicy, AKeyWhosePlacesAllExpiredUnstartedIsScheduledAsIfTheyNeverCame) {
  // Burst 1 at 0.1/s (places 10 s apart), 5 s max wait, no slot free. A at 0 takes place 0 and B
  // at 1 s place 10 s, both through the burst allowance; both expire. Were only B's place given
  // back, C at 7 s would take 10 s and D at 8 s would be refused as too late (20 s), although the
  // key started nothing. With no place held the schedule starts afresh: C takes 7 s, D 17 s.
  PacingPolicy pacing = MakePacing({{"burst", 1.0}, {"max_wait", 5.0}});
  FailReason reason = FailReason::kNoCapacity;
  ASSERT_EQ(OfferToSlowKey(pacing, 0, 0, false, &reason), Admission::kBuffered);
  ASSERT_EQ(OfferToSlowKey(pacing, 1, kSecond, false, &reason), Admission::kBuffered);
  std::vector<Dropped> expired;
  pacing.Expire(6 * kSecond, &expired);
  ASSERT_EQ(DroppedIds(expired), (std::vector<uint64_t>{0, 1}));
  EXPECT_EQ(OfferToSlowKey(pacing, 2, 7 * kSecond, false, &reason), Admission::kBuffered);
  EXPECT_EQ(OfferToSlowKey(pacing, 3, 8 * kSecond, false, &reason), Admission::kBuffered);
}

TEST(PacingPolicy, AKeyThatStartedARequestKeepsItsSpacingWhenItsWaitingPlacesExpire) {
  // The same key, but S at 0 finds a slot and starts (place 0). A at 1 s takes place 10 s and
  // expires unstarted. The schedule returns to S's release, 10 s, not to nothing: B at 7 s takes
  // 10 s, and C at 8 s (next place 20 s, past its deadline of 13 s) is refused.
  PacingPolicy pacing = MakePacing({{"burst", 1.0}, {"max_wait", 5.0}});
  FailReason reason = FailReason::kNoCapacity;
  ASSERT_EQ(OfferToSlowKey(pacing, 0, 0, true, &reason), Admission::kServe);
  ASSERT_EQ(OfferToSlowKey(pacing, 1, kSecond, false, &reason), Admission::kBuffered);
  std::vector<Dropped> expired;
  pacing.Expire(6 * kSecond, &expired);
  ASSERT_EQ(DroppedIds(expired), (std::vector<uint64_t>{1}));
  EXPECT_EQ(OfferToSlowKey(pacing, 2, 7 * kSecond, false, &reason), Admission::kBuffered);
  EXPECT_EQ(OfferToSlowKey(pacing, 3, 8 * kSecond, false, &reason), Admission::kRejected);
  EXPECT_EQ(reason, FailReason::kWouldExpire);
}

TEST(PacingPolicy, APlaceWithLaterPlacesBehindItDoesNotComeBack) {
  // Places 10 s apart: the request at 0 holds 1 s, the one at 5 s holds 11 s. The first expires
  // unstarted at 15 s while the second, released, still waits. Given back, the first's place would
  // let a request at 15 s start beside the second, 0 s apart instead of 10: it must wait for 21 s.
  PacingPolicy pacing = MakePacing({{"max_wait", 15.0}});
  FailReason reason = FailReason::kNoCapacity;
  ASSERT_EQ(pacing.OnArrival(Request(0, 0, RateClass::kOverRequests), KeyView{0.1, 1e6, kSecond},
                             false, 0, &reason),
            Admission::kBuffered);
  ASSERT_EQ(OfferToSlowKey(pacing, 1, 5 * kSecond, false, &reason),
            Admission::kBuffered);
  std::vector<Dropped> expired;
  pacing.Expire(15 * kSecond, &expired);
  EXPECT_EQ(DroppedIds(expired), (std::vector<uint64_t>{0}));
  ASSERT_EQ(OfferToSlowKey(pacing, 2, 15 * kSecond, true, &reason),
            Admission::kBuffered);
  Ticket next;
  ASSERT_TRUE(pacing.Next(15 * kSecond, &next, &expired));
  EXPECT_EQ(next.request, 1u);
  EXPECT_FALSE(pacing.Next(15 * kSecond, &next, &expired));
  EXPECT_EQ(pacing.NextWakeup(), 21 * kSecond);
}

TEST(PacingPolicy, MaxDepthCountsPacedRequests) {
  PacingPolicy pacing = MakePacing({{"max_depth", 2}, {"max_wait", 30.0}});
  std::vector<FailReason> reasons;
  EXPECT_EQ(
      OfferBurst(pacing, 3, 0, kHalf, true, 0, &reasons),
      (std::vector<Admission>{Admission::kBuffered, Admission::kBuffered, Admission::kRejected}));
  EXPECT_EQ(reasons[2], FailReason::kBufferFull);
  FailReason reason;
  EXPECT_EQ(
      pacing.OnArrival(Request(9, 0, RateClass::kWithin), KeyView{2, 1e6, 0}, false, 0, &reason),
      Admission::kRejected);
}

TEST(PacingPolicy, AnArrivalThatFindsARequestJustReleasedQueuesBehindItAndAsksForAWake) {
  // The engine's Arrive runs Expire (releasing a paced request) and then OnArrival with a free
  // slot, and fills no slot afterwards: the older released request must not be left beside that
  // slot.
  PacingPolicy pacing = MakePacing({{"max_wait", 30.0}});
  OfferBurst(pacing, 1, 0, kHalf, false, 0);
  std::vector<Dropped> expired;
  pacing.Expire(kHalf, &expired);
  FailReason reason;
  EXPECT_EQ(pacing.OnArrival(Request(1, kHalf, RateClass::kWithin), KeyView{2, 1e6, kHalf}, true,
                             kHalf, &reason),
            Admission::kBuffered);
  EXPECT_EQ(pacing.NextWakeup(), kHalf);
  Ticket next;
  ASSERT_TRUE(pacing.Next(kHalf, &next, &expired));
  EXPECT_EQ(next.request, 0u);
  ASSERT_TRUE(pacing.Next(kHalf, &next, &expired));
  EXPECT_EQ(next.request, 1u);
  EXPECT_EQ(pacing.NextWakeup(), kNever);
}

// Through the Engine: a fixed 120 RPM (2/s) limit, so the window holds 2 requests. Two within-rate
// requests at t=0 start at once; N more at t=0 are over rate and fit the window at 0.5 s.
struct EngineRun {
  std::map<uint64_t, Nanos> starts;
  std::vector<Failure> failures;
};
EngineRun BurstThroughTheEngine(int over_rate, double max_wait_s) {
  Engine engine;
  absl::StatusOr<std::unique_ptr<SmoothingPolicy>> policy =
      MakePolicy("pacing", {{"max_wait", max_wait_s}, {"max_depth", 1000}});
  EXPECT_TRUE(policy.ok());
  const ModelId model = engine.AddModel("model", 100, ModelCapacity{100, 1e6}, std::move(*policy));
  absl::StatusOr<std::unique_ptr<LimitFormula>> formula =
      MakeFormula("fixed", {{"rpm", 120}, {"tpm", 1e9}});
  EXPECT_TRUE(formula.ok());
  const KeyId key = engine.AddKey("org", model, engine.AddFormula(std::move(*formula)), 0);
  EngineRun run;
  Effects effects;
  auto absorb = [&](Nanos now) {
    for (const Ticket& t : effects.started) run.starts[t.request] = now;
    run.failures.insert(run.failures.end(), effects.failed.begin(), effects.failed.end());
    effects.Clear();
  };
  for (int i = 0; i < 2 + over_rate; ++i) {
    const Engine::ArrivalResult result = engine.Arrive(key, i, 10, 0, &effects);
    EXPECT_EQ(result.rate_class, i < 2 ? RateClass::kWithin : RateClass::kOverRequests);
    absorb(0);
  }
  // Requests run "forever": the slots never free, pacing alone decides the starts.
  for (int guard = 0; engine.NextWakeup(model) != kNever && guard < 10000; ++guard) {
    const Nanos now = engine.NextWakeup(model);
    engine.Wake(model, now, &effects);
    absorb(now);
  }
  return run;
}

TEST(PacingPolicy, ThroughTheEngineABurstIsDelayedNotFailed) {
  const EngineRun run = BurstThroughTheEngine(/*over_rate=*/9, /*max_wait_s=*/5.0);
  EXPECT_TRUE(run.failures.empty());
  ASSERT_EQ(run.starts.size(), 11u);
  EXPECT_EQ(run.starts.at(0), 0);
  EXPECT_EQ(run.starts.at(1), 0);
  for (uint64_t i = 2; i < 11; ++i) EXPECT_EQ(run.starts.at(i), kHalf * static_cast<Nanos>(i - 1));
}

TEST(PacingPolicy, ThroughTheEngineWhatCannotStartInTimeFails429AtOnce) {
  // 10 over-rate at 2/s from 0.5 s: the 10th is due at 5.0 s, its deadline.
  const EngineRun run = BurstThroughTheEngine(10, 5.0);
  EXPECT_EQ(run.starts.size(), 11u);
  ASSERT_EQ(run.failures.size(), 1u);
  EXPECT_EQ(run.failures[0].ticket.request, 11u);
  EXPECT_EQ(run.failures[0].reason, FailReason::kWouldExpire);
  EXPECT_EQ(run.failures[0].attribution.status, HttpStatus::kTooManyRequests);
  EXPECT_EQ(run.failures[0].attribution.error_type, ErrorType::kDynamicRequestLimited);
}

// --- The oracle: one flat list, linear scans, the rules written out. ----------------------------

class NaivePacing {
 public:
  NaivePacing(size_t max_depth, Nanos max_wait, double burst)
      : max_depth_(max_depth), max_wait_(max_wait), burst_(burst) {}

  Admission OnArrival(const Ticket& t, const KeyView& key, bool slot_free, Nanos now,
                      FailReason* reason) {
    if (t.rate_class == RateClass::kWithin) return Ready(t, kNone, kNone, slot_free, now, reason);
    if (key.request_rate <= 0) return Reject(FailReason::kWouldExpire, reason);
    const Nanos spacing = std::max<Nanos>(1, static_cast<Nanos>(1e9 / key.request_rate));
    const Nanos release = next_release_.count(t.key) ? next_release_[t.key] : now;
    const Nanos scheduled = std::max(now, release);
    if (static_cast<double>(scheduled - now) < burst_ * static_cast<double>(spacing)) {
      const Admission a = Ready(t, scheduled, scheduled + spacing, slot_free, now, reason);
      if (a != Admission::kRejected) {
        next_release_[t.key] = scheduled + spacing;
        last_place_[t.key] = scheduled;
      }
      if (a == Admission::kServe) Started(t.key, scheduled + spacing);
      return a;
    }
    const Nanos eligible = std::max(key.fits_at, release);
    if (eligible >= t.arrival + max_wait_) return Reject(FailReason::kWouldExpire, reason);
    if (entries_.size() >= max_depth_) return Reject(FailReason::kBufferFull, reason);
    next_release_[t.key] = eligible + spacing;
    last_place_[t.key] = eligible;
    if (eligible <= now) {
      const Admission a = Ready(t, eligible, eligible + spacing, slot_free, now, reason);
      if (a == Admission::kServe) Started(t.key, eligible + spacing);
      return a;
    }
    entries_.push_back({t, eligible, eligible, eligible + spacing, true, false, seq_++});
    return Admission::kBuffered;
  }

  void Expire(Nanos now, std::vector<Dropped>* expired) {
    for (Entry& e : entries_) {
      if (e.paced && e.eligible <= now) e.released = true;
    }
    std::vector<Entry> kept;
    std::vector<Entry> gone;
    for (const Entry& e : entries_) {
      if (e.ticket.arrival + max_wait_ <= now) {
        expired->push_back({e.ticket, FailReason::kExpired});
        gone.push_back(e);
      } else {
        kept.push_back(e);
      }
    }
    entries_.swap(kept);
    for (const Entry& e : gone) {
      if (e.place == kNone) continue;
      const KeyId key = e.ticket.key;
      bool still_held = false;
      for (const Entry& other : entries_) still_held |= other.ticket.key == key && other.place != kNone;
      if (!still_held) {
        // No place held: the schedule runs from the last started request, or there is none.
        auto started = started_release_.find(key);
        if (started == started_release_.end()) {
          next_release_.erase(key);
        } else {
          next_release_[key] = started->second;
        }
        last_place_.erase(key);
        continue;
      }
      // The key's last place comes back; any other place stays taken.
      auto last = last_place_.find(key);
      if (last != last_place_.end() && last->second == e.place) {
        next_release_[key] = e.place;
        last_place_.erase(last);
      }
    }
  }

  bool Next(Nanos now, Ticket* next, std::vector<Dropped>* expired) {
    Expire(now, expired);
    auto best = entries_.end();
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->paced && !it->released) continue;
      if (best == entries_.end() ||
          std::make_tuple(it->ticket.arrival, it->paced, it->seq) <
              std::make_tuple(best->ticket.arrival, best->paced, best->seq)) {
        best = it;
      }
    }
    if (best == entries_.end()) return false;
    *next = best->ticket;
    if (best->place != kNone) Started(best->ticket.key, best->release);
    entries_.erase(best);
    return true;
  }

  // Whether a request that may start now waits (then a free slot would be a bug).
  bool HasStartable() const {
    for (const Entry& e : entries_) {
      if (!e.paced || e.released) return true;
    }
    return false;
  }
  Nanos NextWakeup() const {
    Nanos wakeup = kNever;
    for (const Entry& e : entries_) {
      wakeup = std::min(wakeup, e.paced && !e.released ? e.eligible : e.ticket.arrival + max_wait_);
    }
    return wakeup;
  }
  size_t Depth() const { return entries_.size(); }

 private:
  static constexpr Nanos kNone = -1;  // no place: a within-rate request (places are >= 0 here)
  struct Entry {
    Ticket ticket;
    Nanos eligible;
    Nanos place;    // in its key's schedule
    Nanos release;  // the key's next_release after this place
    bool paced;
    bool released;
    uint64_t seq;
  };
  Admission Reject(FailReason why, FailReason* reason) {
    *reason = why;
    return Admission::kRejected;
  }
  Admission Ready(const Ticket& t, Nanos place, Nanos release, bool slot_free, Nanos now,
                  FailReason* reason) {
    if (slot_free) return Admission::kServe;
    if (entries_.size() >= max_depth_) return Reject(FailReason::kBufferFull, reason);
    entries_.push_back({t, now, place, release, false, false, seq_++});
    return Admission::kBuffered;
  }
  void Started(KeyId key, Nanos release) {
    Nanos& latest = started_release_.try_emplace(key, release).first->second;
    latest = std::max(latest, release);
  }

  size_t max_depth_;
  Nanos max_wait_;
  double burst_;
  std::vector<Entry> entries_;
  std::map<KeyId, Nanos> next_release_;
  std::map<KeyId, Nanos> last_place_;  // the place of the key's last admitted request
  std::map<KeyId, Nanos> started_release_;  // the release after the key's latest started place
  uint64_t seq_ = 0;
};

TEST(PacingPolicy, MatchesANaiveOracleOverALongRandomSequence) {
  for (const double burst : {0.0, 2.0, 5.5}) {
    SCOPED_TRACE(burst);
    constexpr Nanos kWait = 4 * kNanosPerSecond;
    PacingPolicy pacing = MakePacing({{"max_depth", 40}, {"max_wait", 4.0}, {"burst", burst}});
    NaivePacing oracle(40, kWait, burst);
    std::mt19937_64 rng(5 + static_cast<uint64_t>(burst * 10));
    std::uniform_int_distribution<int> op(0, 99);
    std::uniform_int_distribution<KeyId> key_of(0, 5);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::uniform_int_distribution<Nanos> gap(0, 50 * kNanosPerMillisecond);
    const double rates[6] = {0.5, 1.0, 2.0, 4.0, 10.0, 0.0};
    Nanos now = 0;
    uint64_t id = 0;
    int paced_starts = 0, expirations = 0, rejections = 0;
    for (int step = 0; step < 100000; ++step) {
      const int choice = op(rng);
      if (choice < 5 && oracle.NextWakeup() != kNever) {
        now = std::max(now, oracle.NextWakeup() - (choice % 2));
      } else if (choice % 3 != 0) {
        now += gap(rng);
      }
      std::vector<Dropped> expired, oracle_expired;
      if (choice < 50) {
        pacing.Expire(now, &expired);
        oracle.Expire(now, &oracle_expired);
        const KeyId key = key_of(rng);
        const double u = unit(rng);
        const RateClass rate_class = u < 0.35  ? RateClass::kWithin
                                     : u < 0.8 ? RateClass::kOverRequests
                                               : RateClass::kOverTokens;
        const Ticket ticket = Request(id++, now, rate_class, key);
        const Nanos fits_at =
            rate_class == RateClass::kWithin ? now : now + FromSeconds(unit(rng) * 1.5);
        const KeyView view{rates[key], 1e6, fits_at};
        const bool slot_free = !oracle.HasStartable() && unit(rng) < 0.3;
        FailReason reason = FailReason::kNoCapacity, oracle_reason = FailReason::kNoCapacity;
        const Admission admission = pacing.OnArrival(ticket, view, slot_free, now, &reason);
        ASSERT_EQ(admission, oracle.OnArrival(ticket, view, slot_free, now, &oracle_reason))
            << "step " << step;
        if (admission == Admission::kRejected) {
          ASSERT_EQ(reason, oracle_reason);
          ++rejections;
        }
      } else if (choice < 85) {
        Ticket next, oracle_next;
        const bool got = pacing.Next(now, &next, &expired);
        ASSERT_EQ(got, oracle.Next(now, &oracle_next, &oracle_expired)) << "step " << step;
        if (got) {
          ASSERT_EQ(next.request, oracle_next.request) << "step " << step;
          if (next.rate_class != RateClass::kWithin) ++paced_starts;
        }
      } else {
        pacing.Expire(now, &expired);
        oracle.Expire(now, &oracle_expired);
      }
      ASSERT_EQ(SortedDrops(expired), SortedDrops(oracle_expired)) << "step " << step;
      expirations += static_cast<int>(expired.size());
      ASSERT_EQ(pacing.Depth(), oracle.Depth()) << "step " << step;
      ASSERT_EQ(pacing.NextWakeup(), oracle.NextWakeup()) << "step " << step;
    }
    EXPECT_GT(paced_starts, 1000);
    EXPECT_GT(expirations, 100);
    EXPECT_GT(rejections, 100);
  }
}

}  // namespace
}  // namespace ratesim

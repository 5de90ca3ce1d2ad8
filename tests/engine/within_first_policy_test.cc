// WithinFirstPolicy's promise: a within-rate request always starts before any waiting over-rate
// one; over-rate requests start only on spare capacity; a within-rate arrival on a full buffer
// displaces the newest over-rate request, which fails 429 (kDisplaced) at that instant; each class
// has its own max wait (kExpired). Checked directly, through the Engine, and against a naive
// oracle.
#include "engine/within_first_policy.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
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

WithinFirstPolicy MakeWithinFirst(const ParamValues& params) {
  absl::StatusOr<ParamValues> resolved = ResolveParams(WithinFirstPolicy::Params(), params);
  EXPECT_TRUE(resolved.ok()) << resolved.status();
  return WithinFirstPolicy(*resolved);
}

Ticket Request(uint64_t request, Nanos arrival, RateClass rate_class) {
  Ticket ticket;
  ticket.request = request;
  ticket.arrival = arrival;
  ticket.rate_class = rate_class;
  return ticket;
}

Admission Offer(WithinFirstPolicy& policy, const Ticket& ticket, bool slot_free = false,
                FailReason* reason = nullptr) {
  FailReason ignored = FailReason::kNoCapacity;
  return policy.OnArrival(ticket, KeyView{}, slot_free, ticket.arrival,
                          reason != nullptr ? reason : &ignored);
}

TEST(WithinFirstPolicy, DefaultsGiveOverRateRequestsTheShorterWait) {
  absl::StatusOr<ParamValues> defaults = ResolveParams(WithinFirstPolicy::Params(), {});
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->at("max_wait_over"), 10.0);
  EXPECT_EQ(defaults->at("max_wait"), 30.0);
}

TEST(WithinFirstPolicy, WithinRateRequestsStartBeforeWaitingOverRateOnes) {
  WithinFirstPolicy policy = MakeWithinFirst({});
  // Over-rate requests arrive first; within-rate ones after them still go first.
  ASSERT_EQ(Offer(policy, Request(1, 0, RateClass::kOverRequests)), Admission::kBuffered);
  ASSERT_EQ(Offer(policy, Request(2, 1, RateClass::kOverTokens)), Admission::kBuffered);
  ASSERT_EQ(Offer(policy, Request(3, 2, RateClass::kWithin)), Admission::kBuffered);
  ASSERT_EQ(Offer(policy, Request(4, 3, RateClass::kOverRequests)), Admission::kBuffered);
  ASSERT_EQ(Offer(policy, Request(5, 4, RateClass::kWithin)), Admission::kBuffered);
  std::vector<Dropped> expired;
  Ticket next;
  std::vector<uint64_t> order;
  while (policy.Next(10, &next, &expired)) order.push_back(next.request);
  EXPECT_EQ(order, (std::vector<uint64_t>{3, 5, 1, 2, 4}));
  EXPECT_TRUE(expired.empty());
}

TEST(WithinFirstPolicy, OverRateRequestsGetSpareCapacity) {
  WithinFirstPolicy policy = MakeWithinFirst({});
  // A free slot with nothing waiting: an over-rate arrival takes it.
  EXPECT_EQ(Offer(policy, Request(1, 0, RateClass::kOverRequests), /*slot_free=*/true),
            Admission::kServe);
  // With no within-rate request waiting, a freed slot goes to the oldest over-rate one.
  ASSERT_EQ(Offer(policy, Request(2, 1, RateClass::kOverRequests)), Admission::kBuffered);
  ASSERT_EQ(Offer(policy, Request(3, 2, RateClass::kOverRequests)), Admission::kBuffered);
  std::vector<Dropped> expired;
  Ticket next;
  ASSERT_TRUE(policy.Next(5, &next, &expired));
  EXPECT_EQ(next.request, 2u);
}

TEST(WithinFirstPolicy, AFullBufferDisplacesTheNewestOverRateRequest) {
  WithinFirstPolicy policy = MakeWithinFirst({{"max_depth", 3}});
  ASSERT_EQ(Offer(policy, Request(1, 0, RateClass::kOverRequests)), Admission::kBuffered);
  ASSERT_EQ(Offer(policy, Request(2, 1, RateClass::kWithin)), Admission::kBuffered);
  ASSERT_EQ(Offer(policy, Request(3, 2, RateClass::kOverTokens)), Admission::kBuffered);
  // Full. An over-rate arrival is refused.
  FailReason reason = FailReason::kNoCapacity;
  EXPECT_EQ(Offer(policy, Request(4, 3, RateClass::kOverRequests), false, &reason),
            Admission::kRejected);
  EXPECT_EQ(reason, FailReason::kBufferFull);
  // A within-rate arrival displaces 3 (the newest over-rate), handed back at the next Expire, and
  // the policy asks to be woken at that instant.
  EXPECT_EQ(Offer(policy, Request(5, 4, RateClass::kWithin)), Admission::kBuffered);
  EXPECT_EQ(policy.Depth(), 3u);
  EXPECT_EQ(policy.NextWakeup(), 4);
  std::vector<Dropped> expired;
  policy.Expire(4, &expired);
  EXPECT_EQ(DroppedIds(expired), (std::vector<uint64_t>{3}));
  EXPECT_EQ(DroppedReasons(expired), (std::vector<FailReason>{FailReason::kDisplaced}));
  EXPECT_GT(policy.NextWakeup(), 4);
  // The next displaces 1, the only over-rate left; then within-rate arrivals are refused.
  EXPECT_EQ(Offer(policy, Request(6, 5, RateClass::kWithin)), Admission::kBuffered);
  EXPECT_EQ(Offer(policy, Request(7, 6, RateClass::kWithin), false, &reason), Admission::kRejected);
  EXPECT_EQ(reason, FailReason::kBufferFull);
  expired.clear();
  Ticket next;
  std::vector<uint64_t> order;
  while (policy.Next(7, &next, &expired)) order.push_back(next.request);
  EXPECT_EQ(DroppedIds(expired), (std::vector<uint64_t>{1}));
  EXPECT_EQ(DroppedReasons(expired), (std::vector<FailReason>{FailReason::kDisplaced}));
  EXPECT_EQ(order, (std::vector<uint64_t>{2, 5, 6}));
}

TEST(WithinFirstPolicy, EachClassHasItsOwnMaxWait) {
  WithinFirstPolicy policy = MakeWithinFirst({{"max_wait", 30.0}, {"max_wait_over", 10.0}});
  ASSERT_EQ(Offer(policy, Request(1, 0, RateClass::kWithin)), Admission::kBuffered);
  ASSERT_EQ(Offer(policy, Request(2, kSecond, RateClass::kOverRequests)), Admission::kBuffered);
  EXPECT_EQ(policy.NextWakeup(), 11 * kSecond);
  std::vector<Dropped> expired;
  policy.Expire(11 * kSecond - 1, &expired);
  EXPECT_TRUE(expired.empty());
  policy.Expire(11 * kSecond, &expired);
  EXPECT_EQ(DroppedIds(expired), (std::vector<uint64_t>{2}));
  EXPECT_EQ(policy.NextWakeup(), 30 * kSecond);
  policy.Expire(30 * kSecond, &expired);
  EXPECT_EQ(DroppedIds(expired), (std::vector<uint64_t>{2, 1}));
  EXPECT_EQ(DroppedReasons(expired),
            (std::vector<FailReason>{FailReason::kExpired, FailReason::kExpired}));
  EXPECT_EQ(policy.NextWakeup(), kNever);
}

TEST(WithinFirstPolicy, ThroughTheEngineTheDisplacedRequestFails429AtTheSameInstant) {
  Engine engine;
  absl::StatusOr<std::unique_ptr<SmoothingPolicy>> policy =
      MakePolicy("within_first", {{"max_depth", 2}});
  ASSERT_TRUE(policy.ok());
  const ModelId model = engine.AddModel("model", 1, ModelCapacity{1, 1e6}, std::move(*policy));
  // 60 RPM: one request per window.
  absl::StatusOr<std::unique_ptr<LimitFormula>> formula =
      MakeFormula("fixed", {{"rpm", 60}, {"tpm", 1e9}});
  ASSERT_TRUE(formula.ok());
  const FormulaId id = engine.AddFormula(std::move(*formula));
  const KeyId a = engine.AddKey("a", model, id, 0);
  const KeyId b = engine.AddKey("b", model, id, 0);
  const KeyId c = engine.AddKey("c", model, id, 0);
  Effects effects;
  EXPECT_EQ(engine.Arrive(a, 1, 10, 0, &effects).admission, Admission::kServe);  // takes the slot
  EXPECT_EQ(engine.Arrive(a, 2, 10, 1, &effects).rate_class, RateClass::kOverRequests);
  EXPECT_EQ(engine.Arrive(a, 3, 10, 2, &effects).rate_class, RateClass::kOverRequests);
  effects.Clear();
  // Full of over-rate requests. Org b's within-rate request displaces 3.
  const Engine::ArrivalResult result = engine.Arrive(b, 4, 10, 3, &effects);
  EXPECT_EQ(result.rate_class, RateClass::kWithin);
  EXPECT_EQ(result.admission, Admission::kBuffered);
  ASSERT_EQ(engine.NextWakeup(model), 3);
  engine.Wake(model, 3, &effects);
  ASSERT_EQ(effects.failed.size(), 1u);
  EXPECT_EQ(effects.failed[0].ticket.request, 3u);
  EXPECT_EQ(effects.failed[0].reason, FailReason::kDisplaced);
  EXPECT_EQ(effects.failed[0].attribution.status, HttpStatus::kTooManyRequests);
  EXPECT_EQ(effects.failed[0].attribution.error_type, ErrorType::kDynamicRequestLimited);
  EXPECT_TRUE(effects.started.empty());
  // Org c's within-rate request displaces 2, the last over-rate one; when the slot frees, the
  // within-rate requests start in arrival order.
  effects.Clear();
  EXPECT_EQ(engine.Arrive(c, 5, 10, 4, &effects).admission, Admission::kBuffered);
  engine.Wake(model, 4, &effects);
  ASSERT_EQ(effects.failed.size(), 1u);
  EXPECT_EQ(effects.failed[0].ticket.request, 2u);
  EXPECT_EQ(effects.failed[0].reason, FailReason::kDisplaced);
  EXPECT_EQ(effects.failed[0].attribution.status, HttpStatus::kTooManyRequests);
  effects.Clear();
  engine.Complete(Ticket{1, 0, a, 0, model, RateClass::kWithin, 10}, 10, 5, &effects);
  ASSERT_EQ(effects.started.size(), 1u);
  EXPECT_EQ(effects.started[0].request, 4u);
  EXPECT_EQ(engine.buffered(model), 1u);
}

// --- The oracle: one list, linear scans. ---------------------------------------------------------

class NaiveWithinFirst {
 public:
  NaiveWithinFirst(size_t max_depth, Nanos wait, Nanos wait_over)
      : max_depth_(max_depth), wait_(wait), wait_over_(wait_over) {}

  Admission OnArrival(const Ticket& t, bool slot_free, FailReason* reason,
                      std::vector<Dropped>* displaced) {
    if (slot_free) return Admission::kServe;
    if (list_.size() >= max_depth_) {
      // The newest over-rate request, by scan.
      auto newest = list_.end();
      for (auto it = list_.begin(); it != list_.end(); ++it) {
        if (it->rate_class != RateClass::kWithin) newest = it;
      }
      if (t.rate_class != RateClass::kWithin || newest == list_.end()) {
        *reason = FailReason::kBufferFull;
        return Admission::kRejected;
      }
      displaced->push_back({*newest, FailReason::kDisplaced});
      list_.erase(newest);
    }
    list_.push_back(t);
    return Admission::kBuffered;
  }
  void Expire(Nanos now, std::vector<Dropped>* expired) {
    std::vector<Ticket> kept;
    for (const Ticket& t : list_) {
      if (Deadline(t) <= now) {
        expired->push_back({t, FailReason::kExpired});
      } else {
        kept.push_back(t);
      }
    }
    list_.swap(kept);
  }
  bool Next(Nanos now, Ticket* next, std::vector<Dropped>* expired) {
    Expire(now, expired);
    for (const bool want_within : {true, false}) {
      for (auto it = list_.begin(); it != list_.end(); ++it) {
        if ((it->rate_class == RateClass::kWithin) == want_within) {
          *next = *it;
          list_.erase(it);
          return true;
        }
      }
    }
    return false;
  }
  Nanos NextDeadline() const {
    Nanos earliest = kNever;
    for (const Ticket& t : list_) earliest = std::min(earliest, Deadline(t));
    return earliest;
  }
  size_t Depth() const { return list_.size(); }

 private:
  Nanos Deadline(const Ticket& t) const {
    return t.arrival + (t.rate_class == RateClass::kWithin ? wait_ : wait_over_);
  }
  size_t max_depth_;
  Nanos wait_;
  Nanos wait_over_;
  std::vector<Ticket> list_;  // arrival order
};

TEST(WithinFirstPolicy, MatchesANaiveOracleOverALongRandomSequence) {
  WithinFirstPolicy policy =
      MakeWithinFirst({{"max_depth", 25}, {"max_wait", 3.0}, {"max_wait_over", 1.0}});
  NaiveWithinFirst oracle(25, 3 * kSecond, kSecond);
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<int> op(0, 99);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::uniform_int_distribution<Nanos> gap(0, 30 * kNanosPerMillisecond);
  Nanos now = 0;
  uint64_t id = 0;
  int displacements = 0, expirations = 0, over_served = 0;
  std::vector<Dropped> pending;  // displaced by the oracle, due at the policy's next Expire or Next
  for (int step = 0; step < 100000; ++step) {
    const int choice = op(rng);
    if (choice < 4 && oracle.NextDeadline() != kNever) {
      now = std::max(now, oracle.NextDeadline() - (choice % 2));
    } else if (choice % 3 != 0) {
      now += gap(rng);
    }
    std::vector<Dropped> expired, oracle_expired;
    if (choice < 55) {
      policy.Expire(now, &expired);
      oracle.Expire(now, &oracle_expired);
      oracle_expired.insert(oracle_expired.end(), pending.begin(), pending.end());
      pending.clear();
      ASSERT_EQ(SortedDrops(expired), SortedDrops(oracle_expired)) << "step " << step;
      expired.clear();
      oracle_expired.clear();
      const Ticket ticket =
          Request(id++, now, unit(rng) < 0.5 ? RateClass::kWithin : RateClass::kOverRequests);
      const bool slot_free = oracle.Depth() == 0 && unit(rng) < 0.2;
      FailReason reason = FailReason::kNoCapacity, oracle_reason = FailReason::kNoCapacity;
      const Admission admission = Offer(policy, ticket, slot_free, &reason);
      const size_t before = pending.size();
      ASSERT_EQ(admission, oracle.OnArrival(ticket, slot_free, &oracle_reason, &pending))
          << "step " << step;
      if (admission == Admission::kRejected) {
        ASSERT_EQ(reason, oracle_reason);
      }
      if (pending.size() > before) {
        ++displacements;
        ASSERT_EQ(policy.NextWakeup(), now);
      }
    } else if (choice < 85) {
      Ticket next, oracle_next;
      const bool got = policy.Next(now, &next, &expired);
      oracle_expired.insert(oracle_expired.end(), pending.begin(), pending.end());
      pending.clear();
      ASSERT_EQ(got, oracle.Next(now, &oracle_next, &oracle_expired)) << "step " << step;
      if (got) {
        ASSERT_EQ(next.request, oracle_next.request) << "step " << step;
        if (next.rate_class != RateClass::kWithin) ++over_served;
      }
    } else {
      policy.Expire(now, &expired);
      oracle.Expire(now, &oracle_expired);
      oracle_expired.insert(oracle_expired.end(), pending.begin(), pending.end());
      pending.clear();
    }
    ASSERT_EQ(SortedDrops(expired), SortedDrops(oracle_expired)) << "step " << step;
    expirations += static_cast<int>(expired.size());
    ASSERT_EQ(policy.Depth(), oracle.Depth()) << "step " << step;
    if (pending.empty()) {
      ASSERT_EQ(policy.NextWakeup(), oracle.NextDeadline()) << "step " << step;
    }
  }
  EXPECT_GT(displacements, 100);
  EXPECT_GT(expirations, 100);
  EXPECT_GT(over_served, 100);
}

}  // namespace
}  // namespace ratesim

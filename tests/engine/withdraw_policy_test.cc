// Engine::Withdraw in the cases particular to one policy: fair's deadlines after a request leaves
// from the middle of an org's queue or the front of the arrival list; pacing's refund of the
// window and of the schedule place; within_first's displaced requests.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/engine.h"
#include "engine/limit_formula.h"
#include "engine/smoothing_policy.h"
#include "engine/ticket.h"
#include "engine/time.h"
#include "gtest/gtest.h"

namespace ratesim {
namespace {

using Admission = SmoothingPolicy::Admission;

constexpr double kFastRpm = 6e9;
constexpr double kFastTpm = 6e13;

// One model under `policy`, one key per org with fixed limits (rpm, tpm), and the Effects of every
// call kept in order.
class Fixture {
 public:
  Fixture(const std::string& policy, const ParamValues& params, int64_t slots,
          const std::vector<std::pair<double, double>>& limits) {
    absl::StatusOr<std::unique_ptr<SmoothingPolicy>> made = MakePolicy(policy, params);
    EXPECT_TRUE(made.ok()) << made.status();
    model_ = engine_.AddModel("model", slots, ModelCapacity{static_cast<double>(slots), 8000},
                              std::move(*made));
    for (size_t org = 0; org < limits.size(); ++org) {
      absl::StatusOr<std::unique_ptr<LimitFormula>> formula =
          MakeFormula("fixed", {{"rpm", limits[org].first}, {"tpm", limits[org].second}});
      EXPECT_TRUE(formula.ok()) << formula.status();
      keys_.push_back(
          engine_.AddKey("org" + std::to_string(org), model_,
                         engine_.AddFormula(std::move(*formula)), 0));
    }
  }

  Engine::ArrivalResult Arrive(size_t org, uint64_t request, Nanos now, int64_t tokens = 100) {
    const Engine::ArrivalResult result = engine_.Arrive(keys_[org], request, tokens, now, &all_);
    arrival_[request] = {org, now};
    return result;
  }
  bool Withdraw(uint64_t request, Nanos now) {
    const auto& [org, arrival] = arrival_.at(request);
    return engine_.Withdraw(keys_[org], request, arrival, now);
  }
  // The Effects of one Wake.
  Effects Wake(Nanos now) {
    Effects effects;
    engine_.Wake(model_, now, &effects);
    Keep(effects);
    return effects;
  }
  // Wakes at NextWakeup until it is past `until`; returns when each request started.
  void RunUntil(Nanos until) {
    for (Nanos at = NextWakeup(); at <= until; at = NextWakeup()) {
      const Effects effects = Wake(at);
      for (const Ticket& t : effects.started) started_at_[t.request] = at;
    }
  }
  void Keep(const Effects& effects) {
    all_.started.insert(all_.started.end(), effects.started.begin(), effects.started.end());
    all_.failed.insert(all_.failed.end(), effects.failed.begin(), effects.failed.end());
  }

  Nanos NextWakeup() const { return engine_.NextWakeup(model_); }
  size_t buffered() const { return engine_.buffered(model_); }
  Engine& engine() { return engine_; }
  KeyId key(size_t org) const { return keys_[org]; }
  const Effects& all() const { return all_; }
  // When `request` started, per RunUntil; -1 if it did not.
  Nanos StartedAt(uint64_t request) const {
    const auto it = started_at_.find(request);
    return it == started_at_.end() ? -1 : it->second;
  }
  const Ticket* Started(uint64_t request) const {
    for (const Ticket& t : all_.started) {
      if (t.request == request) return &t;
    }
    return nullptr;
  }
  const Failure* Failed(uint64_t request) const {
    for (const Failure& f : all_.failed) {
      if (f.ticket.request == request) return &f;
    }
    return nullptr;
  }
  bool Reported(uint64_t request) const {
    return Started(request) != nullptr || Failed(request) != nullptr;
  }

 private:
  Engine engine_;
  ModelId model_ = 0;
  std::vector<KeyId> keys_;
  Effects all_;
  std::map<uint64_t, std::pair<size_t, Nanos>> arrival_;
  std::map<uint64_t, Nanos> started_at_;
};

Nanos S(double seconds) { return FromSeconds(seconds); }

// --- fair -----------------------------------------------------------------------------------------

// One slot, held for the whole test; max_wait 10 s. Orgs 0, 1, 2 queue:
//   org 0: a1 (1 s), a2 (3 s), a3 (4 s); org 1: b1 (2 s), b2 (5 s); org 2: c1 (5 s).
// a2 leaves from the middle of org 0's queue, then a1 from the front of the arrival list (and of
// its org's queue). Each remaining request expires at its own deadline, never before, and
// NextWakeup is always the oldest remaining request's deadline.
TEST(FairWithdraw, DeadlinesStayRightAfterWithdrawalsFromTheMiddleAndTheFront) {
  Fixture f("fair", {{"max_wait", 10.0}, {"quantum", 4096.0}}, 1,
            {{kFastRpm, kFastTpm}, {kFastRpm, kFastTpm}, {kFastRpm, kFastTpm}});
  ASSERT_EQ(f.Arrive(0, 100, 0).admission, Admission::kServe);  // holds the slot throughout
  ASSERT_EQ(f.Arrive(0, 1, S(1)).admission, Admission::kBuffered);  // a1
  ASSERT_EQ(f.Arrive(1, 11, S(2)).admission, Admission::kBuffered);  // b1
  ASSERT_EQ(f.Arrive(0, 2, S(3)).admission, Admission::kBuffered);  // a2
  ASSERT_EQ(f.Arrive(0, 3, S(4)).admission, Admission::kBuffered);  // a3
  ASSERT_EQ(f.Arrive(1, 12, S(5)).admission, Admission::kBuffered);  // b2
  ASSERT_EQ(f.Arrive(2, 21, S(5)).admission, Admission::kBuffered);  // c1
  ASSERT_EQ(f.buffered(), 6u);
  EXPECT_EQ(f.NextWakeup(), S(11));

  ASSERT_TRUE(f.Withdraw(2, S(5.5)));  // a2: the middle of org 0's queue
  EXPECT_EQ(f.buffered(), 5u);
  EXPECT_EQ(f.NextWakeup(), S(11)) << "a1 is still the oldest";
  EXPECT_FALSE(f.Withdraw(2, S(5.5))) << "withdrawn twice";

  ASSERT_TRUE(f.Withdraw(1, S(6)));  // a1: the front of the arrival list
  EXPECT_EQ(f.buffered(), 4u);
  EXPECT_EQ(f.NextWakeup(), S(12)) << "b1 (2 s) is now the oldest";

  // Nothing expires before b1's deadline: not at a1's (11 s), not just before 12 s.
  EXPECT_TRUE(f.Wake(S(11)).failed.empty());
  EXPECT_TRUE(f.Wake(S(12) - 1).failed.empty());
  Effects at12 = f.Wake(S(12));
  ASSERT_EQ(at12.failed.size(), 1u);
  EXPECT_EQ(at12.failed[0].ticket.request, 11u);
  EXPECT_EQ(at12.failed[0].reason, FailReason::kExpired);
  EXPECT_EQ(f.NextWakeup(), S(14)) << "a3 (4 s), not a2's stale entry (3 s)";

  EXPECT_TRUE(f.Wake(S(14) - 1).failed.empty());
  Effects at14 = f.Wake(S(14));
  ASSERT_EQ(at14.failed.size(), 1u);
  EXPECT_EQ(at14.failed[0].ticket.request, 3u);
  EXPECT_EQ(f.NextWakeup(), S(15));

  Effects at15 = f.Wake(S(15));
  ASSERT_EQ(at15.failed.size(), 2u);  // b2 and c1, in arrival order
  EXPECT_EQ(at15.failed[0].ticket.request, 12u);
  EXPECT_EQ(at15.failed[1].ticket.request, 21u);
  EXPECT_EQ(f.NextWakeup(), kNever);
  EXPECT_EQ(f.buffered(), 0u);
  EXPECT_FALSE(f.Reported(1));
  EXPECT_FALSE(f.Reported(2));
}

// After a withdrawal from the middle, the org's later request is served in its turn, and an org
// whose only request was withdrawn has left the round: the next slot goes to another org.
TEST(FairWithdraw, ServiceOrderSkipsWithdrawnRequestsAndEmptiedOrgs) {
  Fixture f("fair", {{"max_wait", 100.0}, {"quantum", 4096.0}}, 1,
            {{kFastRpm, kFastTpm}, {kFastRpm, kFastTpm}, {kFastRpm, kFastTpm}});
  ASSERT_EQ(f.Arrive(0, 100, 0).admission, Admission::kServe);
  ASSERT_EQ(f.Arrive(2, 21, S(1)).admission, Admission::kBuffered);  // org 2's only request
  ASSERT_EQ(f.Arrive(0, 1, S(2)).admission, Admission::kBuffered);
  ASSERT_EQ(f.Arrive(0, 2, S(3)).admission, Admission::kBuffered);
  ASSERT_EQ(f.Arrive(1, 11, S(4)).admission, Admission::kBuffered);
  ASSERT_TRUE(f.Withdraw(21, S(5)));  // org 2 leaves the round (it was its head)
  ASSERT_TRUE(f.Withdraw(1, S(5)));   // org 0's front
  EXPECT_EQ(f.NextWakeup(), S(103)) << "request 2 is now the oldest";

  Effects effects;
  const Ticket* running = f.Started(100);
  ASSERT_NE(running, nullptr);
  Ticket done = *running;
  std::vector<uint64_t> order;
  for (int i = 0; i < 3; ++i) {
    effects.Clear();
    f.engine().Complete(done, 10, S(6 + i), &effects);
    f.Keep(effects);
    if (effects.started.empty()) break;
    ASSERT_EQ(effects.started.size(), 1u);
    done = effects.started[0];
    order.push_back(done.request);
  }
  EXPECT_EQ(order, (std::vector<uint64_t>{2, 11}));
  EXPECT_FALSE(f.Reported(21));
  EXPECT_FALSE(f.Reported(1));
}

// --- pacing ---------------------------------------------------------------------------------------

// A key of 1 request/s (a window of one request) under pacing with no burst allowance, on a
// model with slots to spare: at 0 s r0 is within rate and starts, r1 is over rate and paced to
// 1 s, r2 to 2 s (its key's last place), each charged to the window. Three engines: `w` withdraws
// r2 at 0.5 s, `kept` keeps it, `never` never saw it. Then r3, over rate, arrives at 0.5 s.
class PacingWithdraw : public ::testing::Test {
 protected:
  static constexpr int64_t kSlots = 50;
  static ParamValues Params() { return {{"max_wait", 30.0}, {"burst", 0.0}}; }

  static void Start(Fixture& f, bool with_r2) {
    ASSERT_EQ(f.Arrive(0, 0, 0).admission, Admission::kServe);
    const Engine::ArrivalResult r1 = f.Arrive(0, 1, 0);
    ASSERT_EQ(r1.rate_class, RateClass::kOverRequests);
    ASSERT_EQ(r1.admission, Admission::kBuffered);
    if (with_r2) {
      const Engine::ArrivalResult r2 = f.Arrive(0, 2, 0);
      ASSERT_EQ(r2.rate_class, RateClass::kOverRequests);
      ASSERT_EQ(r2.admission, Admission::kBuffered);
    }
  }

  Fixture w_{"pacing", Params(), kSlots, {{60, 6e9}}};
  Fixture kept_{"pacing", Params(), kSlots, {{60, 6e9}}};
  Fixture never_{"pacing", Params(), kSlots, {{60, 6e9}}};
};

// The withdrawn holder of the key's last place: the key gets its window place back (its headers
// are those of the engine that never saw r2, not those of the one that kept it), and r3 takes
// r2's place in the schedule, 2 s, where with r2 kept it waits until 3 s.
TEST_F(PacingWithdraw, LastPlaceAndWindowComeBack) {
  Start(w_, true);
  Start(kept_, true);
  Start(never_, false);
  const size_t before = w_.buffered();
  ASSERT_TRUE(w_.Withdraw(2, S(0.5)));
  EXPECT_EQ(w_.buffered() + 1, before);

  const RateLimitHeaders hw = w_.engine().Headers(w_.key(0), S(0.5), 0);
  const RateLimitHeaders hkept = kept_.engine().Headers(kept_.key(0), S(0.5), 0);
  const RateLimitHeaders hnever = never_.engine().Headers(never_.key(0), S(0.5), 0);
  EXPECT_NEAR(hw.reset_s, hnever.reset_s, 1e-9) << "the window place comes back";
  EXPECT_GT(hkept.reset_s, hw.reset_s + 0.9) << "r2's charge is still in the kept window";
  EXPECT_NEAR(w_.engine().RateAt(w_.key(0), S(0.5)).request_rate,
              never_.engine().RateAt(never_.key(0), S(0.5)).request_rate, 1e-12);

  for (Fixture* f : {&w_, &kept_, &never_}) {
    const Engine::ArrivalResult r3 = f->Arrive(0, 3, S(0.5));
    ASSERT_EQ(r3.rate_class, RateClass::kOverRequests);
    ASSERT_EQ(r3.admission, Admission::kBuffered);
    f->RunUntil(S(10));
  }
  EXPECT_EQ(w_.StartedAt(1), S(1));
  EXPECT_EQ(w_.StartedAt(3), S(2)) << "r3 takes the place r2 gave back";
  EXPECT_EQ(never_.StartedAt(3), S(2));
  EXPECT_EQ(kept_.StartedAt(2), S(2));
  EXPECT_EQ(kept_.StartedAt(3), S(3)) << "behind r2, kept";
  ASSERT_NE(w_.Started(3), nullptr);
  EXPECT_EQ(w_.Started(3)->ready_at, S(2));
  EXPECT_FALSE(w_.Reported(2));
}

// A place in the middle of the schedule (r1's, 1 s, with r2 holding 2 s) is not reused: r3 still
// goes after r2, at 3 s, so that no two requests share an instant; but the window place comes
// back (a charging policy refunds every request that leaves unstarted).
TEST_F(PacingWithdraw, MiddlePlaceRefundsTheWindowOnly) {
  Start(w_, true);
  Start(kept_, true);
  ASSERT_TRUE(w_.Withdraw(1, S(0.5)));
  const RateLimitHeaders hw = w_.engine().Headers(w_.key(0), S(0.5), 0);
  const RateLimitHeaders hkept = kept_.engine().Headers(kept_.key(0), S(0.5), 0);
  EXPECT_NEAR(hkept.reset_s - hw.reset_s, 1.0, 1e-6) << "one request's worth refunded";

  for (Fixture* f : {&w_, &kept_}) {
    ASSERT_EQ(f->Arrive(0, 3, S(0.5)).admission, Admission::kBuffered);
    f->RunUntil(S(10));
  }
  EXPECT_FALSE(w_.Reported(1));
  EXPECT_EQ(w_.StartedAt(2), S(2)) << "r2 keeps its place";
  EXPECT_EQ(w_.StartedAt(3), S(3));
  EXPECT_EQ(kept_.StartedAt(3), S(3));
}

// Every holder withdrawn: the key holds no place, and its schedule runs from its last started
// request alone, as if r1 and r2 had never come: r3 is eligible as soon as its window allows.
TEST_F(PacingWithdraw, AllPlacesWithdrawnLeaveTheScheduleAsIfTheyNeverCame) {
  Start(w_, true);
  Start(never_, false);  // r0 and r1
  ASSERT_TRUE(w_.Withdraw(1, S(0.5)));
  ASSERT_TRUE(w_.Withdraw(2, S(0.5)));
  EXPECT_EQ(w_.buffered(), 0u);
  EXPECT_EQ(w_.NextWakeup(), kNever);
  // The engine that never saw r2 withdraws r1 too: it then never saw either.
  ASSERT_TRUE(never_.Withdraw(1, S(0.5)));
  const RateLimitHeaders hw = w_.engine().Headers(w_.key(0), S(0.5), 0);
  const RateLimitHeaders hnever = never_.engine().Headers(never_.key(0), S(0.5), 0);
  EXPECT_NEAR(hw.reset_s, hnever.reset_s, 1e-9);
  EXPECT_NEAR(hw.reset_s, 0.5, 1e-6) << "only r0's draw is left: the window is full at 1 s";
  for (Fixture* f : {&w_, &never_}) {
    ASSERT_EQ(f->Arrive(0, 3, S(0.5)).admission, Admission::kBuffered);
    f->RunUntil(S(10));
  }
  EXPECT_EQ(w_.StartedAt(3), S(1));
  EXPECT_EQ(never_.StartedAt(3), S(1));
}

// An over-rate request whose place lay past its key's next_release (its window, not the schedule,
// set it): withdrawn as the last place, next_release returns to that place, not to where it was
// before the request came. So "as if it never came" does not hold exactly; what holds is that the
// key's next over-rate request is eligible no later than had the request stayed, and no earlier
// than had it never come.
TEST(PacingWithdrawBounds, NextEligibleLiesBetweenNeverCameAndKept) {
  const ParamValues params = {{"max_wait", 30.0}, {"burst", 0.0}};
  // 1 request/s and 1000 tokens/s (a token window of 1000). r1, 5000 tokens, leaves the token
  // window 4100 in debt; r2, 1000 tokens (a full window), then fits at 5.1 s, past the key's
  // next_release (2 s): its place is 5.1 s. r3, 100 tokens, would fit at 4.2 s.
  Fixture w("pacing", params, 50, {{60, 60000}});
  Fixture kept("pacing", params, 50, {{60, 60000}});
  Fixture never("pacing", params, 50, {{60, 60000}});
  for (Fixture* f : {&w, &kept, &never}) {
    ASSERT_EQ(f->Arrive(0, 0, 0, 100).admission, Admission::kServe);
    ASSERT_EQ(f->Arrive(0, 1, 0, 5000).admission, Admission::kBuffered);  // place 1 s
  }
  for (Fixture* f : {&w, &kept}) {
    ASSERT_EQ(f->Arrive(0, 2, 0, 1000).admission, Admission::kBuffered);
  }
  ASSERT_TRUE(w.Withdraw(2, S(0.5)));
  // The window comes back exactly: as if r2 never came.
  EXPECT_NEAR(w.engine().Headers(w.key(0), S(0.5), 100).reset_s,
              never.engine().Headers(never.key(0), S(0.5), 100).reset_s, 1e-9);
  for (Fixture* f : {&w, &kept, &never}) {
    ASSERT_EQ(f->Arrive(0, 3, S(0.5), 100).admission, Admission::kBuffered);
    f->RunUntil(S(30));
  }
  ASSERT_NE(w.Started(3), nullptr);
  ASSERT_NE(kept.Started(2), nullptr);
  ASSERT_NE(kept.Started(3), nullptr);
  ASSERT_NE(never.Started(3), nullptr);
  const Nanos at_w = w.Started(3)->ready_at;
  const Nanos at_kept = kept.Started(3)->ready_at;
  const Nanos at_never = never.Started(3)->ready_at;
  EXPECT_NEAR(ToSeconds(at_never), 4.2, 1e-6);
  EXPECT_LE(at_never, at_w);
  EXPECT_LT(at_w, at_kept) << "the withdrawal gave something back";
  // What the schedule does: next_release returned to r2's place (where the kept r2 started).
  EXPECT_EQ(at_w, kept.Started(2)->ready_at);
  EXPECT_NEAR(ToSeconds(at_w), 5.1, 1e-6);
  EXPECT_FALSE(w.Reported(2));
}

// --- within_first ---------------------------------------------------------------------------------

// One slot, max_depth 2. Org 0's key is slow (after its first request every one is over rate),
// org 1's fast. o0 (0 s) holds the slot; o1 (1 s) and o2 (2 s) wait over rate; w1 (3 s), within
// rate, finds the buffer full and displaces o2, which is held to be handed back as kDisplaced.
class WithinFirstWithdraw : public ::testing::Test {
 protected:
  static void Fill(Fixture& f) {
    ASSERT_EQ(f.Arrive(0, 0, 0).admission, Admission::kServe);
    ASSERT_EQ(f.Arrive(0, 1, S(1)).rate_class, RateClass::kOverRequests);
    ASSERT_EQ(f.Arrive(0, 2, S(2)).rate_class, RateClass::kOverRequests);
    ASSERT_EQ(f.buffered(), 2u);
    const Engine::ArrivalResult w1 = f.Arrive(1, 11, S(3));
    ASSERT_EQ(w1.rate_class, RateClass::kWithin);
    ASSERT_EQ(w1.admission, Admission::kBuffered);
    EXPECT_EQ(f.NextWakeup(), S(3)) << "a Wake is asked to hand o2 back";
  }
  static ParamValues Params() {
    return {{"max_depth", 2}, {"max_wait", 30.0}, {"max_wait_over", 10.0}};
  }
  Fixture w_{"within_first", Params(), 1, {{0.001, 1e6}, {kFastRpm, kFastTpm}}};
  Fixture kept_{"within_first", Params(), 1, {{0.001, 1e6}, {kFastRpm, kFastTpm}}};
};

// The displaced o2 is withdrawn before it is handed back: never reported, not kDisplaced; the
// engine that kept it fails it kDisplaced at the Wake.
TEST_F(WithinFirstWithdraw, DisplacedRequestCanBeWithdrawnAndIsNotReported) {
  Fill(w_);
  Fill(kept_);
  ASSERT_TRUE(w_.Withdraw(2, S(3)));
  EXPECT_EQ(w_.buffered(), 2u) << "a displaced request is not counted as buffered";
  EXPECT_FALSE(w_.Withdraw(2, S(3)));
  EXPECT_TRUE(w_.Wake(S(3)).failed.empty());

  const Effects kept_wake = kept_.Wake(S(3));
  ASSERT_EQ(kept_wake.failed.size(), 1u);
  EXPECT_EQ(kept_wake.failed[0].ticket.request, 2u);
  EXPECT_EQ(kept_wake.failed[0].reason, FailReason::kDisplaced);

  // The rest goes on as before: o1 expires at 11 s, w1 waits for the slot.
  w_.RunUntil(S(20));
  ASSERT_NE(w_.Failed(1), nullptr);
  EXPECT_EQ(w_.Failed(1)->reason, FailReason::kExpired);
  EXPECT_FALSE(w_.Reported(2));
  EXPECT_FALSE(w_.Reported(11));
  EXPECT_EQ(w_.buffered(), 1u);
}

// Withdrawing the arrival that displaced o2, at its own instant, does not bring o2 back: o2 still
// fails kDisplaced. This is why "as if it had never come" holds for within_first only for an
// arrival that displaced nobody.
TEST_F(WithinFirstWithdraw, WithdrawingTheDisplacerDoesNotUndoTheDisplacement) {
  Fill(w_);
  ASSERT_TRUE(w_.Withdraw(11, S(3)));
  EXPECT_EQ(w_.buffered(), 1u);
  const Effects wake = w_.Wake(S(3));
  ASSERT_EQ(wake.failed.size(), 1u);
  EXPECT_EQ(wake.failed[0].ticket.request, 2u);
  EXPECT_EQ(wake.failed[0].reason, FailReason::kDisplaced);
  EXPECT_FALSE(w_.Reported(11));
}

// --- codel ----------------------------------------------------------------------------------------

// A withdrawal that empties an overloaded queue ends the overload, as any drain does: the next
// requests are served FIFO again. One slot, target 0.2 s, interval 1 s.
TEST(CodelWithdraw, EmptyingAnOverloadedQueueEndsTheOverload) {
  Fixture f("codel", {{"max_wait", 60.0}, {"target", 0.2}, {"interval", 1.0}}, 1,
            {{kFastRpm, kFastTpm}});
  ASSERT_EQ(f.Arrive(0, 0, 0).admission, Admission::kServe);
  for (uint64_t r = 1; r <= 4; ++r) ASSERT_EQ(f.Arrive(0, r, 0).admission, Admission::kBuffered);
  Effects effects;
  // 1 s: the standing delay (1 s) is above target; FIFO still: r1 starts.
  f.engine().Complete(*f.Started(0), 10, S(1), &effects);
  f.Keep(effects);
  ASSERT_EQ(effects.started.size(), 1u);
  ASSERT_EQ(effects.started[0].request, 1u);
  ASSERT_EQ(f.Arrive(0, 5, S(2.4)).admission, Admission::kBuffered);
  ASSERT_EQ(f.Arrive(0, 6, S(2.4)).admission, Admission::kBuffered);
  // 2.5 s: above target for a whole interval: overloaded. r2..r4 (2.5 s old) are shed and the
  // newest, r6, starts (LIFO); r5 is left, the queue still overloaded.
  effects.Clear();
  f.engine().Complete(*f.Started(1), 10, S(2.5), &effects);
  f.Keep(effects);
  ASSERT_EQ(effects.started.size(), 1u);
  ASSERT_EQ(effects.started[0].request, 6u);
  ASSERT_EQ(effects.failed.size(), 3u);
  EXPECT_EQ(effects.failed[0].reason, FailReason::kShed);

  ASSERT_TRUE(f.Withdraw(5, S(2.6)));  // the queue is empty: drained
  EXPECT_EQ(f.buffered(), 0u);
  ASSERT_EQ(f.Arrive(0, 7, S(2.7)).admission, Admission::kBuffered);
  ASSERT_EQ(f.Arrive(0, 8, S(2.75)).admission, Admission::kBuffered);
  effects.Clear();
  f.engine().Complete(*f.Started(6), 10, S(2.8), &effects);
  ASSERT_EQ(effects.started.size(), 1u);
  EXPECT_EQ(effects.started[0].request, 7u) << "FIFO again: the overload ended with the drain";
  EXPECT_TRUE(effects.failed.empty());
  EXPECT_FALSE(f.Reported(5));
}

// --- none -----------------------------------------------------------------------------------------

TEST(NoneWithdraw, HoldsNothingToWithdraw) {
  Fixture f("none", {}, 1, {{kFastRpm, kFastTpm}});
  ASSERT_EQ(f.Arrive(0, 1, 0).admission, Admission::kServe);
  ASSERT_EQ(f.Arrive(0, 2, 0).admission, Admission::kRejected);
  EXPECT_FALSE(f.Withdraw(1, 0));
  EXPECT_FALSE(f.Withdraw(2, 0));
}

}  // namespace
}  // namespace ratesim

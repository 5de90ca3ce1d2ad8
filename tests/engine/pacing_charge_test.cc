// What the engine does for a policy that charges the over-rate requests it admits to the key's
// window (SmoothingPolicy::ChargesOverRateRequests; pacing is the one): a key under sustained
// overload starts at its rate, not twice it; the requests it was served count as within-rate usage,
// so its rate grows as under any other policy; a charged request that expires unstarted is given
// back; and a debt is kept in time when the rate changes, so that it ends with the schedule it was
// charged for. Each checked through the Engine against the same traffic without the cause.
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/enforcement_window.h"
#include "engine/engine.h"
#include "engine/limit_formula.h"
#include "engine/param_spec.h"
#include "engine/ticket.h"
#include "engine/time.h"
#include "gtest/gtest.h"

namespace ratesim {
namespace {

constexpr Nanos kSecond = kNanosPerSecond;
constexpr int64_t kTokens = 10;

std::unique_ptr<SmoothingPolicy> Policy(const std::string& name, const ParamValues& params) {
  absl::StatusOr<std::unique_ptr<SmoothingPolicy>> policy = MakePolicy(name, params);
  EXPECT_TRUE(policy.ok()) << policy.status();
  return std::move(*policy);
}

std::unique_ptr<LimitFormula> Formula(const std::string& name, const ParamValues& params) {
  absl::StatusOr<std::unique_ptr<LimitFormula>> formula = MakeFormula(name, params);
  EXPECT_TRUE(formula.ok()) << formula.status();
  return std::move(*formula);
}

// One key on one model, driven by a fixed stream of arrivals `gap` apart until `end`; every started
// request completes `service` later. Events at one instant: completions, then the policy's wake,
// then the arrival.
struct Outcome {
  int64_t started = 0;
  int64_t expired = 0;
  int64_t within_after_the_first_second = 0;
  RateState rate_at_end;
};

Outcome Drive(Engine& engine, ModelId model, KeyId key, Nanos gap, Nanos end, Nanos service) {
  Outcome outcome;
  Effects effects;
  std::multimap<Nanos, Ticket> running;
  auto absorb = [&](Nanos now) {
    for (const Ticket& ticket : effects.started) running.emplace(now + service, ticket);
    outcome.started += static_cast<int64_t>(effects.started.size());
    for (const Failure& failure : effects.failed) {
      outcome.expired += failure.reason == FailReason::kExpired;
    }
    effects.Clear();
  };
  Nanos next_arrival = 0;
  for (int guard = 0; guard < 10'000'000; ++guard) {
    const Nanos arrival = next_arrival < end ? next_arrival : kNever;
    const Nanos completion = running.empty() ? kNever : running.begin()->first;
    const Nanos now = std::min({arrival, completion, engine.NextWakeup(model)});
    if (now == kNever) break;
    while (!running.empty() && running.begin()->first == now) {
      engine.Complete(running.begin()->second, kTokens, now, &effects);
      running.erase(running.begin());
      absorb(now);
    }
    if (engine.NextWakeup(model) <= now) {
      engine.Wake(model, now, &effects);
      absorb(now);
    }
    if (arrival == now) {
      const RateClass rate_class =
          engine.Arrive(key, static_cast<uint64_t>(now), kTokens, now, &effects).rate_class;
      outcome.within_after_the_first_second += now >= kSecond && rate_class == RateClass::kWithin;
      absorb(now);
      next_arrival += gap;
    }
  }
  outcome.rate_at_end = engine.RateAt(key, end);
  return outcome;
}

TEST(PacingCharge, AKeyUnderSustainedOverloadIsServedAtItsRateNotTwice) {
  // 6 requests/s for a minute against a fixed 2/s, on slots that free at once. Within-rate
  // arrivals find the debt of the paced ones and are paced in turn, so the key starts about 2/s in
  // all. (Uncharged, the window's 2/s of within-rate arrivals came on top of the 2/s paced: 4/s.)
  Engine engine;
  const ModelId model = engine.AddModel("model", 100, ModelCapacity{100, 1e6},
                                        Policy("pacing", {{"max_wait", 5.0}, {"max_depth", 1000}}));
  const KeyId key = engine.AddKey(
      "org", model, engine.AddFormula(Formula("fixed", {{"rpm", 120}, {"tpm", 1e9}})), 0);
  const Outcome outcome = Drive(engine, model, key, kSecond / 6, 60 * kSecond, 0);
  // 2/s over the minute and the 5 s the last paced requests may wait, plus the full window at 0.
  EXPECT_LE(outcome.started, 2 * (60 + 5) + 2);
  EXPECT_GE(outcome.started, 2 * 60);
  // The debt leaves no room for within-rate arrivals while the schedule runs ahead.
  EXPECT_LE(outcome.within_after_the_first_second, 1);
}

TEST(PacingCharge, PacedSuccessesGrowTheRateAsWithinRateSuccessesDoUnderFifo) {
  // 10 requests/s for ten minutes against `earned` (a one-minute usage window) from its floor, on
  // spare slots. Under fifo the
  // within-rate share of them (the rate's worth) is the usage the rate grows on; under pacing the
  // paced requests are that share. Counted as over-rate, paced successes left the rate at its
  // floor for good.
  auto rate_after = [](const std::string& policy) {
    Engine engine;
    const ModelId model = engine.AddModel("model", 1000, ModelCapacity{1000, 1e9},
                                          Policy(policy, {{"max_wait", 30.0}}));
    const KeyId key = engine.AddKey("org", model, engine.AddFormula(Formula("earned", {{"window", 60}})), 0);
    const RateState floor = engine.RateAt(key, 0);
    const Outcome outcome = Drive(engine, model, key, kSecond / 10, 600 * kSecond, kSecond / 10);
    return std::make_pair(floor.request_rate, outcome.rate_at_end.request_rate);
  };
  const auto [floor, under_fifo] = rate_after("fifo");
  const auto [pacing_floor, under_pacing] = rate_after("pacing");
  ASSERT_EQ(floor, pacing_floor);
  ASSERT_GT(under_fifo, 2.0 * floor) << "the traffic must be enough to grow the rate";
  EXPECT_GT(under_pacing, 0.8 * under_fifo);
  EXPECT_LT(under_pacing, 1.25 * under_fifo);
}

// An engine with one slot taken by another org's request that never ends, and key "org" under a
// fixed 2/s: `within` requests within rate and `paced` over it arrive at 0 and wait until their
// max wait of 2 s. Returns the key's headers once they have expired.
RateLimitHeaders HeadersAfterExpiry(int paced) {
  Engine engine;
  const ModelId model = engine.AddModel("model", 1, ModelCapacity{1, 1e6},
                                        Policy("pacing", {{"max_wait", 2.0}, {"max_depth", 100}}));
  const FormulaId fixed = engine.AddFormula(Formula("fixed", {{"rpm", 120}, {"tpm", 1e9}}));
  const KeyId blocker = engine.AddKey("blocker", model, fixed, 0);
  const KeyId key = engine.AddKey("org", model, fixed, 0);
  Effects effects;
  engine.Arrive(blocker, 0, kTokens, 0, &effects);
  EXPECT_EQ(effects.started.size(), 1u);
  for (int i = 0; i < 2 + paced; ++i) {
    const RateClass rate_class = engine.Arrive(key, 1 + i, kTokens, 0, &effects).rate_class;
    EXPECT_EQ(rate_class, i < 2 ? RateClass::kWithin : RateClass::kOverRequests);
  }
  EXPECT_TRUE(effects.failed.empty());
  while (engine.NextWakeup(model) <= 2 * kSecond) engine.Wake(model, engine.NextWakeup(model), &effects);
  EXPECT_EQ(effects.failed.size(), static_cast<size_t>(2 + paced));
  for (const Failure& failure : effects.failed) {
    EXPECT_EQ(failure.reason, FailReason::kExpired);
    EXPECT_EQ(failure.attribution.status,
              failure.ticket.rate_class == RateClass::kWithin ? HttpStatus::kServiceUnavailable
                                                              : HttpStatus::kTooManyRequests);
  }
  return engine.Headers(key, 2 * kSecond);
}

TEST(PacingCharge, AChargedRequestThatExpiresUnstartedIsGivenBack) {
  // Three paced requests charged at 0 (due at 0.5, 1.0 and 1.5 s) left the window at -3; 2 s of
  // refill brings it to 1. Given back, the window is as if they had never come: full, 2.
  const RateLimitHeaders without = HeadersAfterExpiry(0);
  const RateLimitHeaders with = HeadersAfterExpiry(3);
  EXPECT_EQ(without.remaining, 2);
  EXPECT_EQ(with.remaining, without.remaining);
  EXPECT_EQ(with.reset_s, without.reset_s);
  EXPECT_EQ(with.token_remaining, without.token_remaining);
}

// A limit of `before` requests/s until `switch_s`, then `after`: a rate cut the test controls.
class SteppedFormula final : public LimitFormula {
 public:
  SteppedFormula(double before, double after, double switch_s)
      : before_(before), after_(after), switch_s_(switch_s) {}
  RateBounds Bounds(const ModelCapacity&) const override {
    constexpr double kInf = std::numeric_limits<double>::infinity();
    return {0.0, kInf, 0.0, kInf};
  }
  RateState Initial(const ModelCapacity&) const override { return {before_, 1e9, 0.0, 0.0}; }
  void Advance(RateState& state, absl::Span<double>, const Update& update) const override {
    state.request_rate = update.now_s < switch_s_ ? before_ : after_;
  }
  void RecordSuccess(RateState&, absl::Span<double>, const Completion&) const override {}

 private:
  double before_;
  double after_;
  double switch_s_;
};

// Whether an arrival at `probe` is within rate, after 4 within-rate and 20 paced requests at 0
// under a limit of 4/s that drops to 1/s at 1 s (completions are instant).
bool WithinAtProbeAfterRateCut(Nanos probe) {
  Engine engine;
  const ModelId model = engine.AddModel("model", 100, ModelCapacity{100, 1e9},
                                        Policy("pacing", {{"max_wait", 30.0}, {"max_depth", 100}}));
  const KeyId key = engine.AddKey(
      "org", model, engine.AddFormula(std::make_unique<SteppedFormula>(4.0, 1.0, 1.0)), 0);
  Effects effects;
  auto complete_started = [&](Nanos now) {
    const std::vector<Ticket> started = effects.started;
    effects.Clear();
    for (const Ticket& ticket : started) engine.Complete(ticket, kTokens, now, &effects);
    EXPECT_TRUE(effects.failed.empty());
  };
  for (int i = 0; i < 24; ++i) {
    engine.Arrive(key, i, kTokens, 0, &effects);
    complete_started(0);
  }
  while (engine.NextWakeup(model) < probe) {
    const Nanos now = engine.NextWakeup(model);
    engine.Wake(model, now, &effects);
    complete_started(now);
  }
  return engine.Arrive(key, 100, kTokens, probe, &effects).rate_class == RateClass::kWithin;
}

TEST(PacingCharge, ADebtIsKeptInTimeWhenTheRateChanges) {
  // The 20 paced requests are scheduled at 4/s, the last at 5 s, and charged: -20 at 0. At the cut
  // (1 s) the window holds -16, four seconds of the schedule; kept in time it is -4 at 1/s, repaid
  // at 5 s with the schedule, and the window holds a request again at 6 s. Kept in requests, -16
  // at 1/s held the key over its rate until 17 s.
  EXPECT_FALSE(WithinAtProbeAfterRateCut(5 * kSecond + kSecond / 2));
  EXPECT_TRUE(WithinAtProbeAfterRateCut(6 * kSecond));
}

TEST(PacingCharge, DebtAtRateKeepsTimeAndForgivesWhatNoRateCanRepay) {
  EXPECT_EQ(DebtAtRate(-8.0, 4.0, 1.0), -2.0);
  EXPECT_EQ(DebtAtRate(-2.0, 1.0, 4.0), -8.0);
  EXPECT_EQ(DebtAtRate(0.5, 4.0, 1.0), 0.5);  // not a debt: as it was
  EXPECT_EQ(DebtAtRate(-8.0, 4.0, 0.0), 0.0);
  EXPECT_EQ(DebtAtRate(-8.0, 0.0, 4.0), 0.0);
  EXPECT_EQ(DebtAtRate(-8.0, 4.0, std::numeric_limits<double>::infinity()), 0.0);
}

}  // namespace
}  // namespace ratesim

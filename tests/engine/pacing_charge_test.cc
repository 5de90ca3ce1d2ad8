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

// A limit the test controls: `before` requests/s until `switch_s`, then `after`; halved at every
// failure if asked; the latency of every success noted in `latencies` if given.
class ScriptedFormula final : public LimitFormula {
 public:
  struct Script {
    double before = 1.0;
    double after = 1.0;
    double switch_s = std::numeric_limits<double>::infinity();
    bool halve_on_failure = false;
    std::vector<double>* latencies = nullptr;
  };
  explicit ScriptedFormula(const Script& script) : script_(script) {}
  RateBounds Bounds(const ModelCapacity&) const override {
    constexpr double kInf = std::numeric_limits<double>::infinity();
    return {0.0, kInf, 0.0, kInf};
  }
  RateState Initial(const ModelCapacity&) const override {
    return {script_.before, 1e9, 0.0, 0.0};
  }
  void Advance(RateState& state, absl::Span<double>, const Update& update) const override {
    if (update.now_s >= script_.switch_s) state.request_rate = script_.after;
  }
  void RecordSuccess(RateState&, absl::Span<double>, const Completion& completion) const override {
    if (script_.latencies != nullptr) script_.latencies->push_back(completion.latency_s);
  }
  void RecordFailure(RateState& state, absl::Span<double>, HttpStatus) const override {
    if (script_.halve_on_failure) state.request_rate /= 2;
  }

 private:
  Script script_;
};

// An engine with one model of `slots` slots under `policy` (max_wait 1 s) and key "org" under
// `script`.
struct OneKey {
  OneKey(const std::string& policy, int64_t slots, const ScriptedFormula::Script& script)
      : model(engine.AddModel("model", slots, ModelCapacity{100, 1e9},
                              Policy(policy, {{"max_wait", 1.0}, {"max_depth", 100}}))),
        key(engine.AddKey("org", model,
                          engine.AddFormula(std::make_unique<ScriptedFormula>(script)), 0)) {}
  RateClass Arrive(Nanos now) {
    return engine.Arrive(key, next_id++, kTokens, now, &effects).rate_class;
  }
  Engine engine;
  ModelId model;
  KeyId key;
  Effects effects;
  uint64_t next_id = 0;
};

TEST(PacingCharge, AChargedRequestThatExpiresUnstartedIsGivenBackOnce) {
  // 4/s (a window of 4) on 4 slots that never free. At 0: four within rate take the slots, three
  // paced ones (due at 0.25, 0.5, 0.75 s) are charged: -3. At 0.9 s (window -3 + 3.6 = 0.6) ten
  // more: four are paced (due 1.0 to 1.75 s, charged: -3.4), six could not start before their max
  // wait and are refused. At 1 s the first three expire unstarted: -3.4 + 0.4 of refill + 3 given
  // back = 0, and a request fits after a quarter of a second. (Kept: -3, a second. Given back
  // twice: 3 remaining.)
  OneKey run("pacing", 4, {4.0, 4.0});
  for (int i = 0; i < 7; ++i) run.Arrive(0);
  for (int i = 0; i < 10; ++i) run.Arrive(9 * kSecond / 10);
  EXPECT_EQ(run.effects.started.size(), 4u);
  EXPECT_EQ(run.effects.failed.size(), 6u);
  run.effects.Clear();
  run.engine.Wake(run.model, kSecond, &run.effects);
  ASSERT_EQ(run.effects.failed.size(), 3u);
  for (const Failure& failure : run.effects.failed) {
    EXPECT_EQ(failure.reason, FailReason::kExpired);
    EXPECT_EQ(failure.attribution.status, HttpStatus::kTooManyRequests);
  }
  const RateLimitHeaders headers = run.engine.Headers(run.key, kSecond, 0);
  EXPECT_EQ(headers.remaining, 0);
  EXPECT_NEAR(headers.reset_s, 0.25, 1e-9);
}

TEST(PacingCharge, AWithinRateRequestThatExpiresUnderPacingIsGivenBackToo) {
  // 2/s on one slot that never frees. At 0: the first request takes the slot, the second (within
  // rate, window 0) queues, the third is paced to 0.5 s and charged (-1). At 0.5 s (window 0) a
  // fourth is paced to 1.0 s (-1). At 1 s the second and third expire: -1 + 1 of refill, + 2 given
  // back = 2 requests remaining. Under pacing the within-rate one held a place in the schedule as
  // the paced one did; only the paced one given back would leave 1.
  OneKey run("pacing", 1, {2.0, 2.0});
  for (int i = 0; i < 3; ++i) run.Arrive(0);
  run.Arrive(kSecond / 2);  // over rate (window -1 + 1 = 0): due at 1.0 s, charged: -1
  run.effects.Clear();
  run.engine.Wake(run.model, kSecond, &run.effects);
  ASSERT_EQ(run.effects.failed.size(), 2u);  // the within-rate one and the first paced one
  EXPECT_EQ(run.effects.failed[0].attribution.status, HttpStatus::kServiceUnavailable);
  EXPECT_EQ(run.engine.Headers(run.key, kSecond, 0).remaining, 2);
}

TEST(PacingCharge, AFailureThatCutsTheRateKeepsTheDebtInTime) {
  // 4/s on 4 slots that never free, halved at every failure. At 0: four within rate start, three
  // paced (due 0.25, 0.5, 0.75 s) leave the window at -3, three quarters of a second of schedule;
  // the eighth could not start before its max wait: refused, and the rate halves to 2/s. Kept in
  // time the debt is -1.5, and the next request fits at 0.75 + 0.5 s. (Kept in requests: 2 s.)
  OneKey run("pacing", 4, {4.0, 4.0, std::numeric_limits<double>::infinity(), true});
  for (int i = 0; i < 8; ++i) run.Arrive(0);
  ASSERT_EQ(run.effects.failed.size(), 1u);
  EXPECT_EQ(run.engine.RateAt(run.key, 0).request_rate, 2.0);
  EXPECT_NEAR(run.engine.Headers(run.key, 0, 0).reset_s, 1.25, 1e-9);
}

TEST(PacingCharge, APolicyThatDoesNotChargeKeepsADebtInRequests) {
  // 0.5/s, then 0.25/s from 0.5 s, under fifo. The first request fits a full window (0.5) and
  // leaves it at -0.5; at 0.5 s it stands at -0.25 and the rate drops: kept as it is, a request
  // (which needs the window's 0.25) fits again at 2.5 s. Rescaled it would fit at 2.0 s.
  auto within_at = [](Nanos probe) {
    OneKey run("fifo", 10, {0.5, 0.25, 0.5});
    EXPECT_EQ(run.Arrive(0), RateClass::kWithin);
    EXPECT_NE(run.Arrive(kSecond / 2), RateClass::kWithin);  // the update at the drop
    return run.Arrive(probe) == RateClass::kWithin;
  };
  EXPECT_FALSE(within_at(2 * kSecond + kSecond / 4));
  EXPECT_TRUE(within_at(2 * kSecond + kSecond / 2));
}

TEST(PacingCharge, AFormulaSeesTheLatencyFromWhenPacingLetARequestGo) {
  // 4/s, spare slots: four within rate start at 0, two more are paced to 0.25 and 0.5 s; each
  // runs 0.1 s. The formula sees 0.1 s for all six: the pacing wait was the key's own excess, not
  // congestion (a latency-driven formula such as gradient read it as congestion and cut the rate).
  std::vector<double> latencies;
  OneKey run("pacing", 10, {4.0, 4.0, std::numeric_limits<double>::infinity(), false, &latencies});
  for (int i = 0; i < 6; ++i) run.Arrive(0);
  std::multimap<Nanos, Ticket> running;
  auto start = [&](Nanos now) {
    for (const Ticket& ticket : run.effects.started) running.emplace(now + kSecond / 10, ticket);
    run.effects.Clear();
  };
  start(0);
  while (!running.empty() || run.engine.NextWakeup(run.model) != kNever) {
    const Nanos wake = run.engine.NextWakeup(run.model);
    if (!running.empty() && running.begin()->first <= wake) {
      const auto [at, ticket] = *running.begin();
      running.erase(running.begin());
      run.engine.Complete(ticket, kTokens, at, &run.effects);
      start(at);
    } else {
      run.engine.Wake(run.model, wake, &run.effects);
      start(wake);
    }
  }
  ASSERT_EQ(latencies.size(), 6u);
  for (const double latency : latencies) EXPECT_NEAR(latency, 0.1, 1e-9);
}

// Whether an arrival at `probe` is within rate, after 4 within-rate and 20 paced requests at 0
// under a limit of 4/s that drops to 1/s at 1 s (completions are instant).
bool WithinAtProbeAfterRateCut(Nanos probe) {
  Engine engine;
  const ModelId model = engine.AddModel("model", 100, ModelCapacity{100, 1e9},
                                        Policy("pacing", {{"max_wait", 30.0}, {"max_depth", 100}}));
  const KeyId key = engine.AddKey(
      "org", model, engine.AddFormula(std::make_unique<ScriptedFormula>(
                        ScriptedFormula::Script{4.0, 1.0, 1.0})), 0);
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

TEST(PacingCharge, DebtAtRateKeepsTimeAndLeavesWhatHasNoTimeAsItIs) {
  EXPECT_EQ(DebtAtRate(-8.0, 4.0, 1.0), -2.0);
  EXPECT_EQ(DebtAtRate(-2.0, 1.0, 4.0), -8.0);
  EXPECT_EQ(DebtAtRate(0.5, 4.0, 1.0), 0.5);  // not a debt: as it was
  // To or from zero or infinity: as it was, so that a key at rate 0 is still refused.
  EXPECT_EQ(DebtAtRate(-8.0, 4.0, 0.0), -8.0);
  EXPECT_EQ(DebtAtRate(-8.0, 0.0, 4.0), -8.0);
  EXPECT_EQ(DebtAtRate(-8.0, 4.0, std::numeric_limits<double>::infinity()), -8.0);
}

}  // namespace
}  // namespace ratesim

// The engine makes no formula call for a formula that declares itself constant
// (LimitFormula::Constant): a key's update is its windows' refill alone. The oracle is the same
// engine making every call: a random overloaded workload runs in lockstep through an engine with
// `fixed` tiers and one with the same tiers wrapped so that they do not claim to be constant, under
// every policy (pacing charges over-rate requests and leaves debts, the buffering ones expire
// requests), with capacity changes and an outage; every call must give the same effects, and the
// headers and rates observed between calls must be equal.
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "engine/engine.h"
#include "engine/limit_formula.h"
#include "engine/smoothing_policy.h"
#include "gtest/gtest.h"
#include "tests/support/tight_policy_params.h"

namespace ratesim {
namespace {

// Delegates everything but Constant(), so that the engine makes every call.
class NotConstant final : public LimitFormula {
 public:
  explicit NotConstant(std::unique_ptr<LimitFormula> inner) : inner_(std::move(inner)) {}
  RateBounds Bounds(const ModelCapacity& capacity) const override {
    return inner_->Bounds(capacity);
  }
  RateState Initial(const ModelCapacity& capacity) const override {
    return inner_->Initial(capacity);
  }
  void Advance(RateState& state, absl::Span<double> extra, const Update& update) const override {
    inner_->Advance(state, extra, update);
  }
  void RecordSuccess(RateState& state, absl::Span<double> extra,
                     const Completion& completion) const override {
    inner_->RecordSuccess(state, extra, completion);
  }
  void RecordFailure(RateState& state, absl::Span<double> extra,
                     HttpStatus status) const override {
    inner_->RecordFailure(state, extra, status);
  }
  bool Constant() const override { return false; }

 private:
  std::unique_ptr<LimitFormula> inner_;
};

// One engine of the pair: three keys of different fixed tiers on a model of two slots.
struct Side {
  Engine engine;
  ModelId model = 0;
  std::vector<KeyId> keys;
  Effects effects;

  Side(const std::string& policy_name, bool wrap) {
    absl::StatusOr<std::unique_ptr<SmoothingPolicy>> policy =
        MakePolicy(policy_name, testing::TightPolicyParams(policy_name));
    EXPECT_TRUE(policy.ok()) << policy.status();
    model = engine.AddModel("m", 2, ModelCapacity{4, 4000}, std::move(*policy));
    for (const double rpm : {30.0, 120.0, 600.0}) {
      absl::StatusOr<std::unique_ptr<LimitFormula>> tier =
          MakeFormula("fixed", {{"rpm", rpm}, {"tpm", rpm * 50}});
      EXPECT_TRUE(tier.ok()) << tier.status();
      EXPECT_TRUE((*tier)->Constant());
      std::unique_ptr<LimitFormula> formula = std::move(*tier);
      if (wrap) formula = std::make_unique<NotConstant>(std::move(formula));
      const FormulaId id = engine.AddFormula(std::move(formula));
      keys.push_back(engine.AddKey("org" + std::to_string(keys.size()), model, id, 0));
    }
  }
};

bool SameTicket(const Ticket& a, const Ticket& b) {
  return a.request == b.request && a.arrival == b.arrival && a.key == b.key &&
         a.rate_class == b.rate_class && a.ready_at == b.ready_at;
}

class ConstantFormula : public ::testing::TestWithParam<std::string> {
 protected:
  // The effects of the last calls at `now` and everything a gateway could observe of the keys.
  void ExpectSame(Nanos now) {
    ASSERT_EQ(skipping_.effects.started.size(), calling_.effects.started.size()) << now;
    for (size_t i = 0; i < skipping_.effects.started.size(); ++i) {
      EXPECT_TRUE(SameTicket(skipping_.effects.started[i], calling_.effects.started[i])) << now;
    }
    ASSERT_EQ(skipping_.effects.failed.size(), calling_.effects.failed.size()) << now;
    for (size_t i = 0; i < skipping_.effects.failed.size(); ++i) {
      const Failure& a = skipping_.effects.failed[i];
      const Failure& b = calling_.effects.failed[i];
      EXPECT_TRUE(SameTicket(a.ticket, b.ticket)) << now;
      EXPECT_EQ(a.reason, b.reason) << now;
      EXPECT_EQ(a.attribution.status, b.attribution.status) << now;
      EXPECT_EQ(a.attribution.error_type, b.attribution.error_type) << now;
    }
    for (size_t k = 0; k < skipping_.keys.size(); ++k) {
      const RateLimitHeaders a = skipping_.engine.Headers(skipping_.keys[k], now, 0);
      const RateLimitHeaders b = calling_.engine.Headers(calling_.keys[k], now, 0);
      EXPECT_EQ(a.limit_rpm, b.limit_rpm) << now;
      EXPECT_EQ(a.remaining, b.remaining) << now;
      EXPECT_EQ(a.reset_s, b.reset_s) << now;
      EXPECT_EQ(a.token_limit_tpm, b.token_limit_tpm) << now;
      EXPECT_EQ(a.token_remaining, b.token_remaining) << now;
      EXPECT_EQ(skipping_.engine.RateAt(skipping_.keys[k], now).request_rate,
                calling_.engine.RateAt(calling_.keys[k], now).request_rate);
    }
    EXPECT_EQ(skipping_.engine.buffered(skipping_.model), calling_.engine.buffered(calling_.model));
    EXPECT_EQ(skipping_.engine.NextWakeup(skipping_.model),
              calling_.engine.NextWakeup(calling_.model));
    skipping_.effects.Clear();
    calling_.effects.Clear();
  }

  Side skipping_{GetParam(), /*wrap=*/false};
  Side calling_{GetParam(), /*wrap=*/true};
};

TEST_P(ConstantFormula, SkippingItsCallsChangesNothingObservable) {
  std::mt19937_64 rng(11);
  std::exponential_distribution<double> gap_s(8.0);      // overloads the slower tiers
  std::exponential_distribution<double> service_s(3.0);  // 2 slots: often full
  std::uniform_int_distribution<size_t> who(0, 2);
  std::uniform_int_distribution<int64_t> tokens(1, 600);
  std::multimap<Nanos, Ticket> running;  // by end time, the same on both sides
  // Slots and capacity every 500 requests: fewer, an outage, more.
  const int64_t slot_plan[] = {1, 0, 3, 2};
  Nanos now = 0;
  int64_t failures = 0;
  // After the calls at `at` on both sides: what started runs from then; the rest must agree.
  auto settle = [&](Nanos at) {
    for (const Ticket& started : skipping_.effects.started) {
      running.emplace(at + FromSeconds(service_s(rng)), started);
    }
    failures += static_cast<int64_t>(skipping_.effects.failed.size());
    ExpectSame(at);
  };
  for (uint64_t request = 0; request < 8000; ++request) {
    now += FromSeconds(gap_s(rng));
    while (!running.empty() && running.begin()->first <= now) {
      const auto [end, done] = *running.begin();
      running.erase(running.begin());
      skipping_.engine.Complete(done, done.token_estimate, end, &skipping_.effects);
      calling_.engine.Complete(done, done.token_estimate, end, &calling_.effects);
      settle(end);
      if (HasFatalFailure()) return;
    }
    if (skipping_.engine.NextWakeup(skipping_.model) <= now) {
      skipping_.engine.Wake(skipping_.model, now, &skipping_.effects);
      calling_.engine.Wake(calling_.model, now, &calling_.effects);
      settle(now);
    }
    if (request % 500 == 499) {
      const int64_t slots = slot_plan[(request / 500) % 4];
      const ModelCapacity capacity{2.0 * static_cast<double>(slots), 2000.0 * slots};
      skipping_.engine.SetCapacity(skipping_.model, slots, capacity, now, &skipping_.effects);
      calling_.engine.SetCapacity(calling_.model, slots, capacity, now, &calling_.effects);
      settle(now);
    }
    const size_t k = who(rng);
    const int64_t estimate = tokens(rng);
    const Engine::ArrivalResult a =
        skipping_.engine.Arrive(skipping_.keys[k], request, estimate, now, &skipping_.effects);
    const Engine::ArrivalResult b =
        calling_.engine.Arrive(calling_.keys[k], request, estimate, now, &calling_.effects);
    ASSERT_EQ(a.rate_class, b.rate_class) << "request " << request;
    ASSERT_EQ(a.admission, b.admission) << "request " << request;
    settle(now);
    if (HasFatalFailure()) return;
  }
  // The workload failed requests (so failures reached the formula's RecordFailure) and served
  // some (RecordSuccess).
  EXPECT_GT(failures, 100);
  EXPECT_LT(failures, 7900);
}

std::vector<std::string> PolicyNames() {
  std::vector<std::string> names;
  for (const PolicyInfo& info : Policies()) names.push_back(info.name);
  return names;
}

INSTANTIATE_TEST_SUITE_P(EveryPolicy, ConstantFormula, ::testing::ValuesIn(PolicyNames()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
}  // namespace ratesim

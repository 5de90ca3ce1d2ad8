// The engine starts an arrival on a free slot without asking the policy when the policy says it would
// serve it untouched (SmoothingPolicy::ServesFreeSlotUntouched). The oracle is the same engine asking
// every time: for every registered policy, a random overloaded workload is run in lockstep through
// an engine with the policy and one with the policy wrapped so that it never claims the shortcut,
// and every call must report the same effects and the same arrival result.
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

// Delegates everything, but makes the engine call OnArrival for every arrival.
class AlwaysAsked final : public SmoothingPolicy {
 public:
  explicit AlwaysAsked(std::unique_ptr<SmoothingPolicy> inner) : inner_(std::move(inner)) {}
  Admission OnArrival(const Ticket& ticket, const KeyView& key, bool slot_free, Nanos now,
                      FailReason* reason) override {
    return inner_->OnArrival(ticket, key, slot_free, now, reason);
  }
  bool Next(Nanos now, Ticket* next, std::vector<Dropped>* expired) override {
    return inner_->Next(now, next, expired);
  }
  void Expire(Nanos now, std::vector<Dropped>* expired) override { inner_->Expire(now, expired); }
  bool Withdraw(const Ticket& which, Ticket* withdrawn) override {
    return inner_->Withdraw(which, withdrawn);
  }
  Nanos NextWakeup() const override { return inner_->NextWakeup(); }
  size_t Depth() const override { return inner_->Depth(); }
  bool UsesFitsAt() const override { return inner_->UsesFitsAt(); }
  bool ChargesOverRateRequests() const override { return inner_->ChargesOverRateRequests(); }

 private:
  std::unique_ptr<SmoothingPolicy> inner_;
};

bool SameTicket(const Ticket& a, const Ticket& b) {
  return a.request == b.request && a.arrival == b.arrival && a.key == b.key && a.org == b.org &&
         a.model == b.model && a.rate_class == b.rate_class && a.token_estimate == b.token_estimate;
}

void ExpectSameEffects(const Effects& fast, const Effects& asked, Nanos now) {
  ASSERT_EQ(fast.started.size(), asked.started.size()) << "at " << now;
  for (size_t i = 0; i < fast.started.size(); ++i) {
    EXPECT_TRUE(SameTicket(fast.started[i], asked.started[i])) << "at " << now;
  }
  ASSERT_EQ(fast.failed.size(), asked.failed.size()) << "at " << now;
  for (size_t i = 0; i < fast.failed.size(); ++i) {
    EXPECT_TRUE(SameTicket(fast.failed[i].ticket, asked.failed[i].ticket)) << "at " << now;
    EXPECT_EQ(fast.failed[i].reason, asked.failed[i].reason) << "at " << now;
    EXPECT_EQ(fast.failed[i].attribution.status, asked.failed[i].attribution.status);
  }
}

// One engine of the pair: three orgs of different limits (the earned formula, so rates move) on
// one of two models of two slots. An idle org and model are added first, so that key, org and model
// ids all differ: a ticket with one in the place of another would show.
struct Side {
  Engine engine;
  ModelId model = 0;
  std::vector<KeyId> keys;
  Effects effects;

  Side(const std::string& policy_name, double burst, bool wrap) {
    absl::StatusOr<std::unique_ptr<SmoothingPolicy>> policy =
        MakePolicy(policy_name, testing::TightPolicyParams(policy_name, burst));
    EXPECT_TRUE(policy.ok()) << policy.status();
    std::unique_ptr<SmoothingPolicy> chosen = std::move(*policy);
    if (wrap) chosen = std::make_unique<AlwaysAsked>(std::move(chosen));
    const ModelId idle_model = engine.AddModel("idle", 1, ModelCapacity{1, 1000},
                                               *MakePolicy("none", {}));
    model = engine.AddModel("m", 2, ModelCapacity{4, 4000}, std::move(chosen));
    const FormulaId idle_formula = engine.AddFormula(*MakeFormula("fixed", {}));
    engine.AddKey("idle-a", idle_model, idle_formula, 0);
    engine.AddKey("idle-b", idle_model, idle_formula, 0);
    for (double base_rpm : {30.0, 120.0, 600.0}) {
      absl::StatusOr<std::unique_ptr<LimitFormula>> formula =
          MakeFormula("earned", {{"base_rpm", base_rpm}, {"base_tpm", base_rpm * 50}});
      EXPECT_TRUE(formula.ok()) << formula.status();
      const FormulaId id = engine.AddFormula(std::move(*formula));
      // One org on both models, so that its org id and this key's id differ by more than one.
      const std::string org = "org" + std::to_string(keys.size());
      engine.AddKey(org, idle_model, idle_formula, 0);
      keys.push_back(engine.AddKey(org, model, id, 0));
    }
  }
};

struct Case {
  std::string policy;
  double burst;  // pacing's allowance; the others ignore it
};

class FreeSlotFastPath : public ::testing::TestWithParam<Case> {};

TEST_P(FreeSlotFastPath, StartsWhatThePolicyWouldStart) {
  Side fast(GetParam().policy, GetParam().burst, /*wrap=*/false);
  Side asked(GetParam().policy, GetParam().burst, /*wrap=*/true);
  std::mt19937_64 rng(7);
  std::exponential_distribution<double> gap_s(6.0);
  std::uniform_int_distribution<size_t> org(0, 2);
  std::uniform_int_distribution<int64_t> tokens(1, 300);
  // By end time; the same on both sides, since their effects are checked equal call by call.
  std::multimap<Nanos, Ticket> running;
  std::exponential_distribution<double> service_s(4.0);  // load 0.75 on two slots: idle and busy spells
  // Both sides' effects of the calls at `at` must agree; what started runs from then.
  auto settle = [&](Nanos at) {
    ExpectSameEffects(fast.effects, asked.effects, at);
    for (const Ticket& started : fast.effects.started) {
      running.emplace(at + FromSeconds(service_s(rng)), started);
    }
    fast.effects.Clear();
    asked.effects.Clear();
  };
  Nanos now = 0;
  int64_t served_at_once = 0;
  for (uint64_t request = 0; request < 20000; ++request) {
    now += FromSeconds(gap_s(rng));
    // Requests that ended before this arrival complete at their end times, in order.
    while (!running.empty() && running.begin()->first <= now) {
      const auto [end, done] = *running.begin();
      running.erase(running.begin());
      fast.engine.Complete(done, done.token_estimate, end, &fast.effects);
      asked.engine.Complete(done, done.token_estimate, end, &asked.effects);
      settle(end);
      if (HasFatalFailure()) return;
    }
    if (fast.engine.NextWakeup(fast.model) <= now) {
      fast.engine.Wake(fast.model, now, &fast.effects);
      asked.engine.Wake(asked.model, now, &asked.effects);
    }
    const size_t who = org(rng);
    const int64_t estimate = tokens(rng);
    const Engine::ArrivalResult a =
        fast.engine.Arrive(fast.keys[who], request, estimate, now, &fast.effects);
    const Engine::ArrivalResult b =
        asked.engine.Arrive(asked.keys[who], request, estimate, now, &asked.effects);
    ASSERT_EQ(a.rate_class, b.rate_class) << "request " << request;
    ASSERT_EQ(a.admission, b.admission) << "request " << request;
    if (a.admission == SmoothingPolicy::Admission::kServe) ++served_at_once;
    settle(now);
    if (HasFatalFailure()) return;
    EXPECT_EQ(fast.engine.buffered(fast.model), asked.engine.buffered(asked.model));
    EXPECT_EQ(fast.engine.busy(fast.model), asked.engine.busy(asked.model));
    ASSERT_EQ(fast.engine.NextWakeup(fast.model), asked.engine.NextWakeup(asked.model)) << now;
  }
  // The workload exercised both paths: arrivals served at once, and a busy model.
  EXPECT_GT(served_at_once, 1000);
  EXPECT_LT(served_at_once, 19000);
}

// Every policy; pacing also with a burst allowance, whose path moves a key's schedule even when the
// request starts at once (why pacing excludes over-rate arrivals from the shortcut).
std::vector<Case> Cases() {
  std::vector<Case> cases;
  for (const PolicyInfo& info : Policies()) cases.push_back({info.name, 0});
  cases.push_back({"pacing", 2});
  return cases;
}

INSTANTIATE_TEST_SUITE_P(EveryPolicy, FreeSlotFastPath, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return info.param.policy +
                                  (info.param.burst > 0 ? "_burst" : "");
                         });

}  // namespace
}  // namespace ratesim

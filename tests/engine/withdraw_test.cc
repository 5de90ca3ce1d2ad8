// Engine::Withdraw under every registered policy, and SmoothingPolicy::Withdraw's special cases.
//
// The random runs drive two engines built alike ("twins") in lock step with random arrivals over
// several keys and orgs, completions, Wakes at NextWakeup and withdrawals of buffered requests,
// and compare their Effects after every call. Which requests are buffered is tracked from the
// Effects alone. Checked:
//  - a withdrawn request is never reported later (started or failed), and every other request
//    ends exactly once, started or failed, by the end of the run;
//  - every request this test counts as buffered can be withdrawn (the engine holds it), and a
//    successful Withdraw takes one from buffered(model);
//  - a Withdraw of a request that started, failed, was withdrawn already or was never seen returns
//    false and changes nothing: the twin that was not asked behaves identically afterwards;
//  - "as if it had never come": a request withdrawn at the instant it arrived, before any other
//    call, leaves its engine behaving identically to a twin it never reached, where that holds
//    exactly (see AsIfItHadNeverCome for which requests and policies).
#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <queue>
#include <random>
#include <set>
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

bool SameTicket(const Ticket& a, const Ticket& b) {
  return a.request == b.request && a.arrival == b.arrival && a.key == b.key && a.org == b.org &&
         a.model == b.model && a.rate_class == b.rate_class &&
         a.token_estimate == b.token_estimate && a.ready_at == b.ready_at;
}

std::string Describe(const Effects& effects) {
  std::string text = "started:";
  for (const Ticket& t : effects.started) text += " " + std::to_string(t.request);
  text += " failed:";
  for (const Failure& f : effects.failed) {
    text += " " + std::to_string(f.ticket.request) + "/" + std::to_string(static_cast<int>(f.reason));
  }
  return text;
}

// The two Effects report the same requests, in the same order, with the same fields.
void ExpectSameEffects(const Effects& a, const Effects& b, const std::string& where) {
  bool same = a.started.size() == b.started.size() && a.failed.size() == b.failed.size();
  for (size_t i = 0; same && i < a.started.size(); ++i) same = SameTicket(a.started[i], b.started[i]);
  for (size_t i = 0; same && i < a.failed.size(); ++i) {
    same = SameTicket(a.failed[i].ticket, b.failed[i].ticket) &&
           a.failed[i].reason == b.failed[i].reason &&
           a.failed[i].attribution.status == b.failed[i].attribution.status &&
           a.failed[i].attribution.error_type == b.failed[i].attribution.error_type;
  }
  EXPECT_TRUE(same) << where << "\n  engine: " << Describe(a) << "\n  twin:   " << Describe(b);
}

ParamValues Params(const std::string& policy, bool per_org_cap) {
  const std::map<std::string, double> values = {
      {"max_depth", 40}, {"max_wait", 3.0}, {"max_wait_over", 1.5}, {"quantum", 700},
      {"burst", 2},      {"target", 0.4},   {"interval", 1.5},
      {"max_depth_per_org", per_org_cap ? 12.0 : 0.0}};
  ParamValues params;
  for (const PolicyInfo& info : Policies()) {
    if (info.name != policy) continue;
    for (const ParamSpec& spec : info.params) {
      const auto it = values.find(spec.name);
      if (it != values.end()) params[spec.name] = it->second;
    }
  }
  return params;
}

// An engine with one model of `slots` slots under `policy`, and one key per org with the given
// fixed limits (rpm, tpm).
struct Built {
  Engine engine;
  ModelId model = 0;
  std::vector<KeyId> keys;
};

void Build(Built& built, const std::string& policy, const ParamValues& params, int64_t slots,
           const std::vector<std::pair<double, double>>& limits) {
  absl::StatusOr<std::unique_ptr<SmoothingPolicy>> made = MakePolicy(policy, params);
  ASSERT_TRUE(made.ok()) << made.status();
  built.model = built.engine.AddModel("model", slots,
                                      ModelCapacity{static_cast<double>(slots), 8000},
                                      std::move(*made));
  for (size_t org = 0; org < limits.size(); ++org) {
    absl::StatusOr<std::unique_ptr<LimitFormula>> formula =
        MakeFormula("fixed", {{"rpm", limits[org].first}, {"tpm", limits[org].second}});
    ASSERT_TRUE(formula.ok()) << formula.status();
    const FormulaId id = built.engine.AddFormula(std::move(*formula));
    built.keys.push_back(built.engine.AddKey("org" + std::to_string(org), built.model, id, 0));
  }
}

struct RunOptions {
  std::string policy;
  uint64_t seed = 1;
  // Limits per org. The default mixes slow keys (most requests over rate) with fast ones.
  std::vector<std::pair<double, double>> limits = {
      {30, 60000}, {60, 120000}, {120, 30000}, {600, 300000}, {6000, 6e6}, {240, 20000}};
  bool per_org_cap = true;
  int64_t slots = 3;
  Nanos duration = FromSeconds(120);
  double withdraw_share = 0.15;    // of arrival steps, a withdrawal of a random buffered request
  double withdraw_newest = 0.05;   // of buffered arrivals, withdrawn again at once
  double bogus_withdraws = 0.0;    // of steps, engine-only Withdraws that must return false
  double vanishing_arrivals = 0.0; // of steps, engine-only Arrive + Withdraw at one instant
  std::vector<size_t> vanishing_orgs;  // whose keys vanishing arrivals come from
};

class TwinRun {
 public:
  explicit TwinRun(RunOptions options) : options_(std::move(options)), rng_(options_.seed) {
    const ParamValues params = Params(options_.policy, options_.per_org_cap);
    Build(a_, options_.policy, params, options_.slots, options_.limits);
    Build(b_, options_.policy, params, options_.slots, options_.limits);
    const absl::StatusOr<ParamValues> resolved = ResolveParams(
        [&] {
          for (const PolicyInfo& info : Policies()) {
            if (info.name == options_.policy) return info.params;
          }
          return std::vector<ParamSpec>{};
        }(),
        params);
    max_depth_ = resolved.ok() && resolved->contains("max_depth")
                     ? static_cast<size_t>(resolved->at("max_depth"))
                     : 0;
  }

  void Run() {
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::exponential_distribution<double> gap_s(25.0);
    std::lognormal_distribution<double> tokens(6.0, 1.0);
    Nanos next_arrival = 0;
    uint64_t next_request = 0;
    for (int guard = 0;; ++guard) {
      ASSERT_LT(guard, 2'000'000) << "the run does not end";
      const Nanos arrival = next_arrival < options_.duration ? next_arrival : kNever;
      const Nanos completion = running_.empty() ? kNever : running_.top().first;
      const Nanos wakeup = a_.engine.NextWakeup(a_.model);
      if (arrival == kNever && completion == kNever && wakeup == kNever) break;
      if (wakeup <= completion && wakeup <= arrival) {
        ASSERT_GE(wakeup, now_);
        now_ = wakeup;
        Both("Wake", [&](Built& e, Effects* out) { e.engine.Wake(e.model, now_, out); });
        if (::testing::Test::HasFatalFailure()) return;
        continue;
      }
      if (completion <= arrival) {
        now_ = completion;
        const Ticket done = running_.top().second;
        running_.pop();
        Both("Complete", [&](Built& e, Effects* out) {
          e.engine.Complete(done, done.token_estimate / 2, now_, out);
        });
        if (::testing::Test::HasFatalFailure()) return;
        continue;
      }
      now_ = arrival;
      // A third of the arrivals share the instant of the next one.
      next_arrival = arrival + (unit(rng_) < 0.33 ? 0 : FromSeconds(gap_s(rng_)));

      if (unit(rng_) < options_.withdraw_share && !buffered_.empty()) {
        auto it = buffered_.begin();
        std::advance(it, static_cast<long>(rng_() % buffered_.size()));
        WithdrawBoth(it->second);
        if (::testing::Test::HasFatalFailure()) return;
      }
      if (unit(rng_) < options_.bogus_withdraws) {
        BogusWithdraw(next_request);
        if (::testing::Test::HasFatalFailure()) return;
      }
      if (unit(rng_) < options_.vanishing_arrivals) {
        VanishingArrival(static_cast<int64_t>(std::max(1.0, tokens(rng_))));
        if (::testing::Test::HasFatalFailure()) return;
      }

      const KeyId key = a_.keys[rng_() % a_.keys.size()];
      const int64_t estimate = std::clamp<int64_t>(static_cast<int64_t>(tokens(rng_)), 1, 40000);
      const uint64_t request = next_request++;
      arrived_.insert(request);
      {
        Ticket info;
        info.request = request;
        info.arrival = now_;
        info.key = key;
        arrivals_[request] = info;
        common_keys_.insert(key);
      }
      Admission admission = Admission::kRejected;
      Both("Arrive", [&](Built& e, Effects* out) {
        const Engine::ArrivalResult result = e.engine.Arrive(key, request, estimate, now_, out);
        if (&e == &a_) {
          admission = result.admission;
          if (result.admission == Admission::kBuffered) {
            Ticket held;
            held.request = request;
            held.arrival = now_;
            held.key = key;
            buffered_[request] = held;
          }
        }
      });
      if (::testing::Test::HasFatalFailure()) return;
      if (admission == Admission::kBuffered && unit(rng_) < options_.withdraw_newest) {
        WithdrawBoth(buffered_.at(request));
        if (::testing::Test::HasFatalFailure()) return;
      }
    }
    // The end: every request that arrived ended exactly once, or was withdrawn and never reported.
    EXPECT_TRUE(buffered_.empty()) << buffered_.size() << " requests never came out";
    EXPECT_EQ(a_.engine.buffered(a_.model), 0u);
    for (uint64_t request : arrived_) {
      const bool ended = ended_.count(request) > 0;
      const bool withdrawn = withdrawn_.count(request) > 0;
      EXPECT_TRUE(ended != withdrawn) << "request " << request << " ended " << ended
                                      << " withdrawn " << withdrawn;
    }
    // `none` buffers nothing: there is nothing to withdraw.
    if (options_.policy != "none") {
      EXPECT_GT(withdrawals_, 20) << "the run withdrew too little to test anything";
    }
    // Same windows at the end in both engines.
    for (KeyId key : a_.keys) {
      const RateLimitHeaders ha = a_.engine.Headers(key, now_, 1000);
      const RateLimitHeaders hb = b_.engine.Headers(key, now_, 1000);
      EXPECT_EQ(ha.remaining, hb.remaining) << "key " << key;
      EXPECT_EQ(ha.token_remaining, hb.token_remaining) << "key " << key;
      EXPECT_NEAR(ha.reset_s, hb.reset_s, 1e-6) << "key " << key;
    }
  }

  int withdrawals() const { return withdrawals_; }
  int vanished() const { return vanished_; }
  int bogus() const { return bogus_; }

 private:
  // Runs `call` on both engines and compares what they report; absorbs engine A's Effects.
  template <typename Call>
  void Both(const char* what, Call call) {
    Effects ea;
    Effects eb;
    call(a_, &ea);
    call(b_, &eb);
    const std::string where = std::string(what) + " at " + std::to_string(now_);
    ExpectSameEffects(ea, eb, where);
    ASSERT_EQ(a_.engine.buffered(a_.model), b_.engine.buffered(b_.model)) << where;
    ASSERT_EQ(a_.engine.busy(a_.model), b_.engine.busy(b_.model)) << where;
    ASSERT_EQ(a_.engine.NextWakeup(a_.model), b_.engine.NextWakeup(b_.model)) << where;
    Absorb(ea, where);
  }

  void Absorb(const Effects& effects, const std::string& where) {
    std::exponential_distribution<double> service_s(1.0 / 0.6);
    for (const Ticket& ticket : effects.started) {
      ASSERT_EQ(withdrawn_.count(ticket.request), 0u) << "withdrawn request " << ticket.request
                                                       << " started; " << where;
      ASSERT_TRUE(ended_.insert(ticket.request).second)
          << "request " << ticket.request << " ended twice; " << where;
      buffered_.erase(ticket.request);
      running_.push({now_ + std::max<Nanos>(1, FromSeconds(service_s(rng_))), ticket});
    }
    for (const Failure& failure : effects.failed) {
      ASSERT_EQ(withdrawn_.count(failure.ticket.request), 0u)
          << "withdrawn request " << failure.ticket.request << " failed; " << where;
      ASSERT_TRUE(ended_.insert(failure.ticket.request).second)
          << "request " << failure.ticket.request << " ended twice; " << where;
      buffered_.erase(failure.ticket.request);
    }
  }

  // A request this test counts as buffered is held by both engines: Withdraw takes it, and
  // buffered(model) drops by one (within_first: by none for a request it displaced and holds to
  // hand back, which it no longer counts).
  void WithdrawBoth(const Ticket held) {
    const size_t before = a_.engine.buffered(a_.model);
    const bool a = a_.engine.Withdraw(held.key, held.request, held.arrival, now_);
    const bool b = b_.engine.Withdraw(held.key, held.request, held.arrival, now_);
    ASSERT_TRUE(a) << "request " << held.request << " buffered, yet not withdrawn";
    ASSERT_TRUE(b);
    const size_t after = a_.engine.buffered(a_.model);
    if (options_.policy == "within_first") {
      ASSERT_TRUE(after + 1 == before || after == before);
    } else {
      ASSERT_EQ(after + 1, before) << "buffered(model) did not drop by one";
    }
    ASSERT_EQ(after, b_.engine.buffered(b_.model));
    ASSERT_EQ(a_.engine.NextWakeup(a_.model), b_.engine.NextWakeup(b_.model));
    buffered_.erase(held.request);
    withdrawn_.insert(held.request);
    ++withdrawals_;
    // Asked again, it is no longer held.
    ASSERT_FALSE(a_.engine.Withdraw(held.key, held.request, held.arrival, now_));
  }

  // Engine A alone is asked to withdraw a request it does not hold: one that ended, one withdrawn
  // already, one never seen, a buffered one named by a wrong arrival or key. Each returns false and
  // changes nothing that engine B (not asked) does not show too.
  void BogusWithdraw(uint64_t next_request) {
    Ticket which;
    const int kind = static_cast<int>(rng_() % 5);
    if (kind == 0 && !ended_.empty()) {
      auto it = ended_.begin();
      std::advance(it, static_cast<long>(rng_() % ended_.size()));
      which.request = *it;
      which.arrival = ArrivalOf(*it);
      which.key = KeyOf(*it);
    } else if (kind == 1 && !withdrawn_.empty()) {
      auto it = withdrawn_.begin();
      std::advance(it, static_cast<long>(rng_() % withdrawn_.size()));
      which.request = *it;
      which.arrival = ArrivalOf(*it);
      which.key = KeyOf(*it);
    } else if ((kind == 2 || kind == 3) && !buffered_.empty()) {
      auto it = buffered_.begin();
      std::advance(it, static_cast<long>(rng_() % buffered_.size()));
      which = it->second;
      if (kind == 2) {
        which.arrival += 1;  // the right handle at another instant
      } else {
        which.request = next_request + 1'000'000'000;  // the right instant, another handle
      }
    } else {
      which.request = next_request + 2'000'000'000;  // never seen
      which.arrival = now_;
      which.key = a_.keys[rng_() % a_.keys.size()];
    }
    const size_t before = a_.engine.buffered(a_.model);
    const Nanos wakeup = a_.engine.NextWakeup(a_.model);
    ASSERT_FALSE(a_.engine.Withdraw(which.key, which.request, which.arrival, now_))
        << "kind " << kind << " request " << which.request;
    ASSERT_EQ(a_.engine.buffered(a_.model), before);
    ASSERT_EQ(a_.engine.NextWakeup(a_.model), wakeup);
    ++bogus_;
  }

  // Engine A alone gets a request that is withdrawn at the instant it arrives, before any other
  // call; engine B gets a Wake at that instant instead, which does what the arrival's own Wake does
  // (expiries and releases due now). Only into a full model with room in the buffer, so that it is
  // buffered and displaces nobody.
  void VanishingArrival(int64_t tokens) {
    if (options_.vanishing_orgs.empty()) return;
    if (a_.engine.busy(a_.model) < a_.engine.slots(a_.model)) return;
    if (a_.engine.buffered(a_.model) + 1 >= max_depth_) return;
    const KeyId key = a_.keys[options_.vanishing_orgs[rng_() % options_.vanishing_orgs.size()]];
    // A key's first request may be within rate where later ones are not: it comes in both engines.
    if (common_keys_.count(key) == 0) return;
    const uint64_t request = 3'000'000'000ull + static_cast<uint64_t>(vanished_);
    Effects ea;
    Effects eb;
    const Engine::ArrivalResult result = a_.engine.Arrive(key, request, tokens, now_, &ea);
    b_.engine.Wake(b_.model, now_, &eb);
    const std::string where = "vanishing arrival at " + std::to_string(now_);
    ExpectSameEffects(ea, eb, where);
    ASSERT_EQ(result.admission, Admission::kBuffered) << where;
    const size_t before = a_.engine.buffered(a_.model);
    ASSERT_TRUE(a_.engine.Withdraw(key, request, now_, now_)) << where;
    ASSERT_EQ(a_.engine.buffered(a_.model) + 1, before) << where;
    ASSERT_EQ(a_.engine.buffered(a_.model), b_.engine.buffered(b_.model)) << where;
    ASSERT_EQ(a_.engine.NextWakeup(a_.model), b_.engine.NextWakeup(b_.model)) << where;
    withdrawn_.insert(request);
    ++vanished_;
    Absorb(ea, where);
  }

  Nanos ArrivalOf(uint64_t request) const {
    const auto it = arrivals_.find(request);
    return it == arrivals_.end() ? 0 : it->second.arrival;
  }
  KeyId KeyOf(uint64_t request) const {
    const auto it = arrivals_.find(request);
    return it == arrivals_.end() ? 0 : it->second.key;
  }

  struct Later {
    bool operator()(const std::pair<Nanos, Ticket>& a, const std::pair<Nanos, Ticket>& b) const {
      return a.first != b.first ? a.first > b.first : a.second.request > b.second.request;
    }
  };

  RunOptions options_;
  std::mt19937_64 rng_;
  Built a_;
  Built b_;
  size_t max_depth_ = 0;
  Nanos now_ = 0;
  std::map<uint64_t, Ticket> buffered_;   // by handle: held by the engines, per their Effects
  std::map<uint64_t, Ticket> arrivals_;   // every request's handle, key and arrival
  std::set<uint64_t> arrived_;
  std::set<KeyId> common_keys_;  // keys that had a request in both engines
  std::set<uint64_t> ended_;
  std::set<uint64_t> withdrawn_;
  std::priority_queue<std::pair<Nanos, Ticket>, std::vector<std::pair<Nanos, Ticket>>, Later>
      running_;
  int withdrawals_ = 0;
  int vanished_ = 0;
  int bogus_ = 0;
};

class WithdrawEveryPolicy : public ::testing::TestWithParam<std::string> {};

// Random withdrawals in lock step on both engines: a withdrawn request is never reported again,
// every other one ends exactly once, buffered(model) drops by one per withdrawal.
TEST_P(WithdrawEveryPolicy, WithdrawnNeverReappearAndOthersEndOnce) {
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    RunOptions options;
    options.policy = GetParam();
    options.seed = seed * 7919;
    TwinRun run(options);
    run.Run();
    if (GetParam() == "none") {
      EXPECT_EQ(run.withdrawals(), 0);
    }
    if (HasFailure()) return;
  }
}

// Engine A alone is also asked to withdraw requests it does not hold: every such call returns
// false and engine B, never asked, reports identical Effects after every later call.
TEST_P(WithdrawEveryPolicy, WithdrawOfARequestNotHeldChangesNothing) {
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    RunOptions options;
    options.policy = GetParam();
    options.seed = seed * 104729;
    options.bogus_withdraws = 0.3;
    TwinRun run(options);
    run.Run();
    EXPECT_GT(run.bogus(), 100);
    if (HasFailure()) return;
  }
}

INSTANTIATE_TEST_SUITE_P(Registered, WithdrawEveryPolicy, ::testing::ValuesIn([] {
                           std::vector<std::string> names;
                           for (const PolicyInfo& info : Policies()) names.push_back(info.name);
                           return names;
                         }()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

// "As if it had never come", exactly: engine A also gets requests withdrawn at the instant they
// arrive, engine B never sees them, and every later call reports identical Effects.
//
// For which requests this holds exactly:
//  - fifo, codel, fair: any request that was buffered. Its ring entry is removed, and fair's org
//    leaves the round (deficit 0, as an idle org has) if it had joined it for this request; codel
//    drains as it would have had it stayed empty. One thing stays: under a policy that does not
//    charge admitted requests, a within-rate arrival drew its place from its key's window at
//    classification and Withdraw gives nothing back (as an expiry does not). So the requests made
//    to vanish are over-rate ones of a key whose window is spent (drawing nothing), or within-rate
//    ones of a key so fast that its window is full again at the next event.
//  - within_first: only an arrival that displaced nobody (the model's buffer below max_depth): one
//    that displaced an over-rate request has made that one fail (kDisplaced), which withdrawing
//    the newcomer does not undo. VanishingArrival only sends into a buffer with room.
//  - pacing: only a within-rate request, which holds no place in its key's schedule; its window
//    draw is refunded (a charging policy). An over-rate one that held its key's last place returns
//    next_release to that place, not to where it was before the request came, which can be later
//    (its place was its fits_at past next_release): see PacingWithdraw for what holds there. So
//    pacing's vanishing requests come from the fast keys only (a slow key's would be refused as
//    kWouldExpire anyway).
//  - none: buffers nothing, so nothing can be withdrawn: excluded.
class WithdrawAsIfNeverCame : public ::testing::TestWithParam<std::string> {};

TEST_P(WithdrawAsIfNeverCame, VanishingArrivalsLeaveNoTrace) {
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    RunOptions options;
    options.policy = GetParam();
    options.seed = seed * 31337;
    // Orgs 0..3 so fast that every request is within rate and the window is full again at the
    // next event; org 4 so slow that after its first request every one is over rate for hours.
    options.limits = {{6e9, 6e13}, {6e9, 6e13}, {6e9, 6e13}, {6e9, 6e13}, {0.001, 1}};
    options.vanishing_orgs = {0, 1, 2, 3};
    if (GetParam() != "pacing") options.vanishing_orgs.push_back(4);
    // No per-org cap, so that a vanishing arrival into a buffer with room is always buffered.
    options.per_org_cap = false;
    options.slots = 2;
    options.vanishing_arrivals = 0.3;
    TwinRun run(options);
    run.Run();
    EXPECT_GT(run.vanished(), 50);
    if (HasFailure()) return;
  }
}

INSTANTIATE_TEST_SUITE_P(Exact, WithdrawAsIfNeverCame,
                         ::testing::Values("fifo", "codel", "fair", "within_first", "pacing"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
}  // namespace ratesim

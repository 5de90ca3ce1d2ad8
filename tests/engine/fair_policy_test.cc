// FairPolicy's promise: deficit round robin over orgs with token cost. Two backlogged orgs get
// token shares within quantum + largest cost of each other, one org's burst delays another's
// request by about one round (where a FIFO starves it), and a long random run matches a plain
// reference DRR.
#include "engine/fair_policy.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <list>
#include <map>
#include <memory>
#include <queue>
#include <random>
#include <string>
#include <utility>
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

FairPolicy MakeFair(const ParamValues& params) {
  absl::StatusOr<ParamValues> resolved = ResolveParams(FairPolicy::Params(), params);
  EXPECT_TRUE(resolved.ok()) << resolved.status();
  return FairPolicy(*resolved);
}

Ticket Request(uint64_t request, OrgId org, int64_t tokens, Nanos arrival) {
  Ticket ticket;
  ticket.request = request;
  ticket.org = org;
  ticket.key = org;
  ticket.token_estimate = tokens;
  ticket.arrival = arrival;
  return ticket;
}

Admission Offer(FairPolicy& fair, const Ticket& ticket, FailReason* reason = nullptr) {
  FailReason ignored = FailReason::kNoCapacity;
  return fair.OnArrival(ticket, KeyView{}, /*slot_free=*/false, ticket.arrival,
                        reason != nullptr ? reason : &ignored);
}

TEST(FairPolicy, DefaultsAndCostAreTokenEstimates) {
  const std::vector<ParamSpec> specs = FairPolicy::Params();
  std::map<std::string, double> defaults;
  for (const ParamSpec& spec : specs) defaults[spec.name] = spec.default_value;
  EXPECT_EQ(defaults.at("quantum"), 4096);
  EXPECT_EQ(defaults.at("max_depth_per_org"), 0);
  EXPECT_EQ(FairPolicy::Cost(Request(1, 0, 1234, 0)), 1234);
  EXPECT_EQ(FairPolicy::Cost(Request(1, 0, 0, 0)), 1);  // a free request still takes a turn
  EXPECT_FALSE(ResolveParams(specs, {{"quantum", 0}}).ok());
}

TEST(FairPolicy, AlternatesTurnsAndChargesTokens) {
  // Quantum 1000. Org 0: three 600-token requests; org 1: three 300-token ones.
  FairPolicy fair = MakeFair({{"quantum", 1000}, {"max_wait", 100.0}});
  uint64_t id = 0;
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(Offer(fair, Request(id++, 0, 600, 0)), Admission::kBuffered);
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(Offer(fair, Request(id++, 1, 300, 1)), Admission::kBuffered);
  // Turn 1: org 0 has 1000, sends one (400 left). Org 1 has 1000, sends all three (100 left, and
  // empty: it leaves the round). Org 0's second turn: 1400, sends two.
  std::vector<uint64_t> order;
  std::vector<Dropped> expired;
  Ticket next;
  while (fair.Next(2, &next, &expired)) order.push_back(next.request);
  EXPECT_EQ(order, (std::vector<uint64_t>{0, 3, 4, 5, 1, 2}));
  EXPECT_TRUE(expired.empty());
  EXPECT_EQ(fair.Depth(), 0u);
}

TEST(FairPolicy, BackloggedOrgsGetTokenSharesWithinTheDrrBound) {
  // Org 0 sends large requests, org 1 small ones: a FIFO or a request round robin would give org 0
  // about ten times the tokens. DRR keeps the difference within quantum + largest cost, at every
  // point while both are backlogged.
  constexpr int64_t kMaxCost = 8000;
  for (const int64_t quantum : {int64_t{500}, int64_t{4096}, int64_t{20000}}) {
    SCOPED_TRACE(quantum);
    FairPolicy fair = MakeFair(
        {{"quantum", static_cast<double>(quantum)}, {"max_depth", 10000}, {"max_wait", 1e6}});
    std::mt19937_64 rng(7);
    std::uniform_int_distribution<int64_t> large(2000, kMaxCost);
    std::uniform_int_distribution<int64_t> small(50, 500);
    uint64_t id = 0;
    for (int i = 0; i < 1500; ++i) {
      ASSERT_EQ(Offer(fair, Request(id++, 0, large(rng), i)), Admission::kBuffered);
      ASSERT_EQ(Offer(fair, Request(id++, 1, small(rng), i)), Admission::kBuffered);
    }
    int64_t served[2] = {0, 0};
    int64_t left[2] = {1500, 1500};
    int64_t worst = 0;
    std::vector<Dropped> expired;
    Ticket next;
    while (left[0] > 0 && left[1] > 0) {
      ASSERT_TRUE(fair.Next(5000, &next, &expired));
      served[next.org] += next.token_estimate;
      --left[next.org];
      worst = std::max(worst, std::abs(served[0] - served[1]));
      ASSERT_LE(std::abs(served[0] - served[1]), quantum + kMaxCost)
          << "after " << served[0] << " vs " << served[1] << " tokens";
    }
    // The bound is nearly reached: it is the right bound, not a loose one.
    EXPECT_GT(worst, quantum / 2);
  }
}

// One slot, constant service, fixed limits high enough that every request is within rate: runs
// the arrivals through the Engine and returns each request's wait (or -1 if it failed).
std::vector<Nanos> WaitsOnOneSlot(const std::string& policy, const ParamValues& params,
                                  const std::vector<std::pair<Nanos, int>>& arrivals,
                                  int64_t tokens_of_org0, Nanos service) {
  Engine engine;
  absl::StatusOr<std::unique_ptr<SmoothingPolicy>> made = MakePolicy(policy, params);
  EXPECT_TRUE(made.ok()) << made.status();
  const ModelId model = engine.AddModel("model", 1, ModelCapacity{1, 1e6}, std::move(*made));
  absl::StatusOr<std::unique_ptr<LimitFormula>> formula =
      MakeFormula("fixed", {{"rpm", 1e7}, {"tpm", 1e12}});
  EXPECT_TRUE(formula.ok());
  const FormulaId id = engine.AddFormula(std::move(*formula));
  const KeyId keys[2] = {engine.AddKey("burst", model, id, 0),
                         engine.AddKey("steady", model, id, 0)};
  std::vector<Nanos> waits(arrivals.size(), -1);
  std::vector<bool> ended(arrivals.size(), false);
  std::queue<std::pair<Nanos, Ticket>> running;  // one slot: at most one at a time
  Effects effects;
  auto absorb = [&](Nanos now) {
    for (const Ticket& t : effects.started) {
      waits[t.request] = now - t.arrival;
      ended[t.request] = true;
      running.push({now + service, t});
    }
    for (const Failure& f : effects.failed) ended[f.ticket.request] = true;
    effects.Clear();
  };
  size_t next = 0;
  for (int guard = 0;; ++guard) {
    if (guard > 1'000'000) {
      ADD_FAILURE() << "the run does not end";
      break;
    }
    const Nanos arrival = next < arrivals.size() ? arrivals[next].first : kNever;
    const Nanos completion = running.empty() ? kNever : running.front().first;
    const Nanos wakeup = engine.NextWakeup(model);
    if (arrival == kNever && completion == kNever && wakeup == kNever) break;
    if (wakeup <= completion && wakeup <= arrival) {
      engine.Wake(model, wakeup, &effects);
      absorb(wakeup);
    } else if (completion <= arrival) {
      const auto done = running.front();
      running.pop();
      engine.Complete(done.second, 1, done.first, &effects);
      absorb(done.first);
    } else {
      const int org = arrivals[next].second;
      engine.Arrive(keys[org], next, org == 0 ? tokens_of_org0 : 1000, arrival, &effects);
      absorb(arrival);
      ++next;
    }
  }
  for (size_t i = 0; i < ended.size(); ++i) EXPECT_TRUE(ended[i]) << "request " << i;
  return waits;
}

// Org 0 sends 1000 requests over `burst_span` (all at t=0 if zero); org 1 one request every 2 s for
// 100 s. One slot, 1 s per request.
struct BurstVersusSteady {
  std::vector<std::pair<Nanos, int>> arrivals;
  std::vector<size_t> steady;  // indexes of org 1's requests
  explicit BurstVersusSteady(Nanos burst_span) {
    for (int i = 0; i < 1000; ++i) arrivals.push_back({burst_span / 1000 * i, 0});
    for (Nanos t = kNanosPerSecond / 2; t < 100 * kNanosPerSecond; t += 2 * kNanosPerSecond) {
      steady.push_back(arrivals.size());
      arrivals.push_back({t, 1});
    }
    std::stable_sort(arrivals.begin(), arrivals.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    steady.clear();
    for (size_t i = 0; i < arrivals.size(); ++i) {
      if (arrivals[i].second == 1) steady.push_back(i);
    }
  }
  // The steady org's worst wait, or -1 if one of its requests failed; *failed counts those.
  Nanos WorstSteadyWait(const std::vector<Nanos>& waits, int* failed) const {
    Nanos worst = 0;
    *failed = 0;
    for (const size_t i : steady) {
      if (waits[i] < 0) ++*failed;
      worst = std::max(worst, waits[i]);
    }
    return worst;
  }
};

const ParamValues kBurstParams = {{"max_wait", 60.0}, {"max_depth", 2000}};

TEST(FairPolicy, OneOrgsBurstOf1000DelaysASteadyOrgByAboutOneRound) {
  const BurstVersusSteady load(/*burst_span=*/0);
  // Quantum 4096 and 1000-token requests: a turn of the bursting org sends at most 5 requests
  // (4096 plus a leftover below 1000), so a steady request waits for the running one and at most
  // one such turn: 6 s.
  int failed = 0;
  const Nanos worst = load.WorstSteadyWait(
      WaitsOnOneSlot("fair", kBurstParams, load.arrivals, /*tokens_of_org0=*/1000, kNanosPerSecond),
      &failed);
  EXPECT_EQ(failed, 0);
  EXPECT_LE(worst, 6 * kNanosPerSecond);
  EXPECT_GE(worst, 3 * kNanosPerSecond);  // it does wait for the bursting org's turn
}

TEST(FairPolicy, FifoStarvesTheSteadyOrgWhereFairDoesNot) {
  // A burst at once: under a FIFO the steady org waits behind it until the burst expires (60 s).
  const BurstVersusSteady at_once(0);
  int fifo_failed = 0, fair_failed = 0;
  EXPECT_GE(at_once.WorstSteadyWait(
                WaitsOnOneSlot("fifo", kBurstParams, at_once.arrivals, 1000, kNanosPerSecond),
                &fifo_failed),
            55 * kNanosPerSecond);
  EXPECT_LE(at_once.WorstSteadyWait(
                WaitsOnOneSlot("fair", kBurstParams, at_once.arrivals, 1000, kNanosPerSecond),
                &fair_failed),
            6 * kNanosPerSecond);
  // A flood of 10 requests/s against 1 request/s of capacity: under a FIFO the steady org's
  // requests share the flood's fate and most of them expire; under DRR every one is served.
  const BurstVersusSteady flood(100 * kNanosPerSecond);
  fifo_failed = 0;
  fair_failed = 0;
  flood.WorstSteadyWait(WaitsOnOneSlot("fifo", kBurstParams, flood.arrivals, 1000, kNanosPerSecond),
                        &fifo_failed);
  flood.WorstSteadyWait(WaitsOnOneSlot("fair", kBurstParams, flood.arrivals, 1000, kNanosPerSecond),
                        &fair_failed);
  EXPECT_GE(fifo_failed, static_cast<int>(flood.steady.size()) * 3 / 4);
  EXPECT_EQ(fair_failed, 0);
}

TEST(FairPolicy, PerOrgCapRejectsOnlyThatOrg) {
  FairPolicy fair = MakeFair({{"max_depth_per_org", 2}, {"max_depth", 10}});
  EXPECT_EQ(Offer(fair, Request(1, 0, 10, 0)), Admission::kBuffered);
  EXPECT_EQ(Offer(fair, Request(2, 0, 10, 0)), Admission::kBuffered);
  FailReason reason = FailReason::kNoCapacity;
  EXPECT_EQ(Offer(fair, Request(3, 0, 10, 0), &reason), Admission::kRejected);
  EXPECT_EQ(reason, FailReason::kBufferFull);
  EXPECT_EQ(Offer(fair, Request(4, 1, 10, 0)), Admission::kBuffered);
  EXPECT_EQ(fair.Depth(), 3u);
}

TEST(FairPolicy, TotalDepthCapsAllOrgs) {
  FairPolicy fair = MakeFair({{"max_depth", 2}});
  EXPECT_EQ(Offer(fair, Request(1, 0, 10, 0)), Admission::kBuffered);
  EXPECT_EQ(Offer(fair, Request(2, 1, 10, 0)), Admission::kBuffered);
  FailReason reason = FailReason::kNoCapacity;
  EXPECT_EQ(Offer(fair, Request(3, 2, 10, 0), &reason), Admission::kRejected);
  EXPECT_EQ(reason, FailReason::kBufferFull);
}

TEST(FairPolicy, ExpiresTheOldestOfAnyOrgExactlyAtItsDeadline) {
  constexpr Nanos kWait = 2 * kNanosPerSecond;
  FairPolicy fair = MakeFair({{"max_wait", 2.0}});
  ASSERT_EQ(Offer(fair, Request(1, 5, 10, 100)), Admission::kBuffered);
  ASSERT_EQ(Offer(fair, Request(2, 3, 10, 200)), Admission::kBuffered);
  ASSERT_EQ(Offer(fair, Request(3, 5, 10, 300)), Admission::kBuffered);
  EXPECT_EQ(fair.NextWakeup(), 100 + kWait);
  std::vector<Dropped> expired;
  Ticket next;
  // Serving org 5's first request leaves org 3's the oldest.
  ASSERT_TRUE(fair.Next(150, &next, &expired));
  EXPECT_EQ(next.request, 1u);
  EXPECT_EQ(fair.NextWakeup(), 200 + kWait);
  fair.Expire(200 + kWait - 1, &expired);
  EXPECT_TRUE(expired.empty());
  fair.Expire(200 + kWait, &expired);
  EXPECT_EQ(DroppedIds(expired), (std::vector<uint64_t>{2}));
  EXPECT_EQ(DroppedReasons(expired), (std::vector<FailReason>{FailReason::kExpired}));
  EXPECT_EQ(fair.NextWakeup(), 300 + kWait);
  EXPECT_EQ(fair.Depth(), 1u);
}

// --- The oracle: DRR written plainly, rounds one at a time, linear scans for deadlines. --------

class ReferenceDrr {
 public:
  ReferenceDrr(int64_t quantum, size_t max_depth, size_t per_org, Nanos max_wait)
      : quantum_(quantum), max_depth_(max_depth), per_org_(per_org), max_wait_(max_wait) {}

  Admission OnArrival(const Ticket& ticket, FailReason* reason) {
    std::deque<Ticket>& queue = queues_[ticket.org];
    if (Depth() >= max_depth_ || (per_org_ > 0 && queue.size() >= per_org_)) {
      *reason = FailReason::kBufferFull;
      return Admission::kRejected;
    }
    if (queue.empty()) round_.push_back(ticket.org);
    queue.push_back(ticket);
    return Admission::kBuffered;
  }

  void Expire(Nanos now, std::vector<Dropped>* expired) {
    for (auto& [org, queue] : queues_) {
      while (!queue.empty() && queue.front().arrival + max_wait_ <= now) {
        expired->push_back({queue.front(), FailReason::kExpired});
        queue.pop_front();
      }
      if (queue.empty()) Leave(org);
    }
  }

  bool Next(Nanos now, Ticket* next, std::vector<Dropped>* expired) {
    Expire(now, expired);
    if (round_.empty()) return false;
    for (;;) {
      const OrgId org = round_.front();
      if (!credited_) {
        deficit_[org] += quantum_;
        credited_ = true;
      }
      std::deque<Ticket>& queue = queues_[org];
      const int64_t cost = std::max<int64_t>(1, queue.front().token_estimate);
      if (cost <= deficit_[org]) {
        deficit_[org] -= cost;
        *next = queue.front();
        queue.pop_front();
        if (queue.empty()) Leave(org);
        return true;
      }
      round_.pop_front();
      round_.push_back(org);
      credited_ = false;
    }
  }

  size_t Depth() const {
    size_t depth = 0;
    for (const auto& [org, queue] : queues_) depth += queue.size();
    return depth;
  }
  Nanos NextDeadline() const {
    Nanos earliest = kNever;
    for (const auto& [org, queue] : queues_) {
      for (const Ticket& t : queue) earliest = std::min(earliest, t.arrival + max_wait_);
    }
    return earliest;
  }

 private:
  void Leave(OrgId org) {
    const auto it = std::find(round_.begin(), round_.end(), org);
    if (it == round_.end()) return;
    if (it == round_.begin()) credited_ = false;
    round_.erase(it);
    deficit_[org] = 0;
  }

  int64_t quantum_;
  size_t max_depth_;
  size_t per_org_;
  Nanos max_wait_;
  std::map<OrgId, std::deque<Ticket>> queues_;
  std::map<OrgId, int64_t> deficit_;
  std::list<OrgId> round_;
  bool credited_ = false;
};

TEST(FairPolicy, MatchesAPlainReferenceDrrOverALongRandomSequence) {
  struct Case {
    int64_t quantum;
    size_t max_depth;
    size_t per_org;
  };
  for (const Case& c : {Case{1500, 50, 10}, Case{100, 30, 0}, Case{20000, 60, 0}}) {
    SCOPED_TRACE(c.quantum);
    constexpr Nanos kWait = 2 * kNanosPerSecond;
    FairPolicy fair = MakeFair({{"quantum", static_cast<double>(c.quantum)},
                                {"max_depth", static_cast<double>(c.max_depth)},
                                {"max_depth_per_org", static_cast<double>(c.per_org)},
                                {"max_wait", 2.0}});
    ReferenceDrr oracle(c.quantum, c.max_depth, c.per_org, kWait);
    std::mt19937_64 rng(99 + c.quantum);
    std::uniform_int_distribution<int> op(0, 99);
    std::uniform_int_distribution<OrgId> org_of(0, 6);
    std::uniform_int_distribution<int64_t> tokens(0, 6000);
    std::uniform_int_distribution<Nanos> gap(0, 40 * kNanosPerMillisecond);
    Nanos now = 0;
    uint64_t id = 0;
    int served = 0, expirations = 0, rejections = 0;
    for (int step = 0; step < 100000; ++step) {
      const int choice = op(rng);
      if (choice < 4 && oracle.NextDeadline() != kNever) {
        now = std::max(now, oracle.NextDeadline() - (choice % 2));
      } else if (choice % 3 != 0) {
        now += gap(rng);
      }
      std::vector<Dropped> expired, oracle_expired;
      if (choice < 55) {
        // The engine always meets deadlines before an arrival.
        fair.Expire(now, &expired);
        oracle.Expire(now, &oracle_expired);
        const Ticket ticket = Request(id++, org_of(rng), tokens(rng), now);
        FailReason reason = FailReason::kNoCapacity, oracle_reason = FailReason::kNoCapacity;
        const Admission admission = Offer(fair, ticket, &reason);
        ASSERT_EQ(admission, oracle.OnArrival(ticket, &oracle_reason)) << "step " << step;
        if (admission == Admission::kRejected) {
          ASSERT_EQ(reason, oracle_reason);
          ++rejections;
        }
      } else if (choice < 88) {
        Ticket next, oracle_next;
        const bool got = fair.Next(now, &next, &expired);
        ASSERT_EQ(got, oracle.Next(now, &oracle_next, &oracle_expired)) << "step " << step;
        if (got) {
          ASSERT_EQ(next.request, oracle_next.request) << "step " << step;
          ++served;
        }
      } else {
        fair.Expire(now, &expired);
        oracle.Expire(now, &oracle_expired);
      }
      ASSERT_EQ(SortedDrops(expired), SortedDrops(oracle_expired)) << "step " << step;
      expirations += static_cast<int>(expired.size());
      ASSERT_EQ(fair.Depth(), oracle.Depth()) << "step " << step;
      ASSERT_EQ(fair.NextWakeup(), oracle.NextDeadline()) << "step " << step;
    }
    EXPECT_GT(served, 1000);
    EXPECT_GT(expirations, 100);
    EXPECT_GT(rejections, 100);
  }
}

}  // namespace
}  // namespace ratesim

// One suite over every registered smoothing policy (instantiated from Policies(), so a new policy
// is covered without touching this file), driven through the Engine by a long random workload: many
// orgs with different limits, Poisson traffic and bursts (some at one identical instant), within-
// and over-rate mixes in both dimensions, service times drawn at random, capacity changes, and
// Wake exactly at NextWakeup as the simulator does, plus spurious Wakes in between.
//
// After every engine call it checks what any policy must keep:
//  - every arrival ends exactly once, started or failed, and nothing starts twice;
//  - no request starts at or after its deadline (arrival + the policy's `max_wait`, or for an
//    over-rate request `max_wait_over` where the policy has one), none stays buffered past it, and
//    NextWakeup is never later than the earliest deadline still buffered;
//  - NextWakeup is never in the past after a Wake (else a simulator would spin);
//  - a failure is attributed by its class at arrival: 503 model_overloaded within rate, 429
//    dynamic_request_limited / dynamic_token_limited over it;
//  - Depth() equals the requests this test counts as buffered;
//  - work conservation: with requests buffered and a slot free, a Wake at that instant starts
//    nothing (true only of requests a pacing policy holds until they are eligible).
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

#include "engine/attribution.h"
#include "engine/engine.h"
#include "engine/limit_formula.h"
#include "engine/smoothing_policy.h"
#include "engine/ticket.h"
#include "engine/time.h"
#include "gtest/gtest.h"

namespace ratesim {
namespace {

using Admission = SmoothingPolicy::Admission;

const PolicyInfo& Info(const std::string& name) {
  for (const PolicyInfo& info : Policies()) {
    if (info.name == name) return info;
  }
  ADD_FAILURE() << "no policy " << name;
  return Policies().front();
}

bool HasParam(const PolicyInfo& info, const std::string& name) {
  for (const ParamSpec& spec : info.params) {
    if (spec.name == name) return true;
  }
  return false;
}

// Tight buffers, so that buffers fill, requests expire and every policy's special paths run.
// Only parameters the policy declares are set; the rest keep their defaults.
ParamValues TightParams(const PolicyInfo& info) {
  const std::map<std::string, double> tight = {
      {"max_depth", 40}, {"max_wait", 3.0}, {"max_wait_over", 1.5}, {"quantum", 700},
      {"burst", 2},      {"target", 0.4},   {"interval", 1.5},      {"max_depth_per_org", 12},
  };
  ParamValues params;
  for (const ParamSpec& spec : info.params) {
    const auto it = tight.find(spec.name);
    if (it != tight.end()) params[spec.name] = it->second;
  }
  return params;
}

// The expected attribution, written out rather than taken from AttributeFailure.
void ExpectAttributedByClass(const Failure& failure, RateClass rate_class) {
  switch (rate_class) {
    case RateClass::kWithin:
      EXPECT_EQ(failure.attribution.status, HttpStatus::kServiceUnavailable);
      EXPECT_EQ(failure.attribution.error_type, ErrorType::kModelOverloaded);
      break;
    case RateClass::kOverRequests:
      EXPECT_EQ(failure.attribution.status, HttpStatus::kTooManyRequests);
      EXPECT_EQ(failure.attribution.error_type, ErrorType::kDynamicRequestLimited);
      break;
    case RateClass::kOverTokens:
      EXPECT_EQ(failure.attribution.status, HttpStatus::kTooManyRequests);
      EXPECT_EQ(failure.attribution.error_type, ErrorType::kDynamicTokenLimited);
      break;
  }
}

struct Arrival {
  Nanos time;
  KeyId key;
  int64_t tokens;
};

// Poisson background per org plus bursts of 5..80 requests within 0..300 ms (a third of them all at
// one instant), sorted by time.
std::vector<Arrival> MakeArrivals(const std::vector<KeyId>& keys, Nanos duration, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Arrival> arrivals;
  std::lognormal_distribution<double> tokens(6.5, 1.2);
  auto draw_tokens = [&] {
    return std::clamp<int64_t>(static_cast<int64_t>(tokens(rng)), 1, 60000);
  };
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (size_t org = 0; org < keys.size(); ++org) {
    std::exponential_distribution<double> gap_s(0.05 + 0.1 * static_cast<double>(org % 4));
    for (Nanos t = FromSeconds(gap_s(rng)); t < duration; t += FromSeconds(gap_s(rng))) {
      arrivals.push_back({t, keys[org], draw_tokens()});
    }
    std::exponential_distribution<double> burst_gap_s(1.0 / 120.0);
    std::uniform_int_distribution<int> burst_size(5, 80);
    for (Nanos t = FromSeconds(burst_gap_s(rng)); t < duration;
         t += FromSeconds(burst_gap_s(rng))) {
      const int n = burst_size(rng);
      const bool same_instant = unit(rng) < 0.33;
      for (int i = 0; i < n; ++i) {
        const Nanos at = same_instant ? t : t + FromSeconds(0.3 * unit(rng));
        arrivals.push_back({at, keys[org], draw_tokens()});
      }
    }
  }
  std::stable_sort(arrivals.begin(), arrivals.end(),
                   [](const Arrival& a, const Arrival& b) { return a.time < b.time; });
  return arrivals;
}

class Workload {
 public:
  Workload(const PolicyInfo& info, uint64_t seed) : info_(info), rng_(seed) {
    const ParamValues params = TightParams(info);
    absl::StatusOr<std::unique_ptr<SmoothingPolicy>> policy = MakePolicy(info.name, params);
    EXPECT_TRUE(policy.ok()) << policy.status();
    absl::StatusOr<ParamValues> resolved = ResolveParams(info.params, params);
    EXPECT_TRUE(resolved.ok()) << resolved.status();
    // A policy without max_wait never buffers: its deadline is the arrival itself.
    wait_within_ = HasParam(info, "max_wait") ? FromSeconds(resolved->at("max_wait")) : 0;
    wait_over_ =
        HasParam(info, "max_wait_over") ? FromSeconds(resolved->at("max_wait_over")) : wait_within_;
    model_ = engine_.AddModel("model", slots_, ModelCapacity{4, 8000}, std::move(*policy));
    // Twelve orgs over six limits, from a slow key (30 RPM) to one that is rarely limited, with
    // token limits low enough that large requests are over the token rate.
    const std::vector<std::pair<double, double>> limits = {
        {30, 60000}, {60, 120000}, {120, 30000}, {600, 300000}, {6000, 6e6}, {240, 20000}};
    for (int org = 0; org < 12; ++org) {
      const auto& [rpm, tpm] = limits[org % limits.size()];
      absl::StatusOr<std::unique_ptr<LimitFormula>> formula =
          MakeFormula("fixed", {{"rpm", rpm}, {"tpm", tpm}});
      EXPECT_TRUE(formula.ok()) << formula.status();
      const FormulaId id = engine_.AddFormula(std::move(*formula));
      keys_.push_back(engine_.AddKey("org" + std::to_string(org), model_, id, 0));
    }
  }

  void Run(Nanos duration) {
    const std::vector<Arrival> arrivals = MakeArrivals(keys_, duration, rng_());
    requests_.resize(arrivals.size());
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    size_t next = 0;
    Nanos next_capacity_change = FromSeconds(60);
    for (int guard = 0;; ++guard) {
      ASSERT_LT(guard, 5'000'000) << "the run does not end";
      const Nanos arrival = next < arrivals.size() ? arrivals[next].time : kNever;
      const Nanos completion = running_.empty() ? kNever : running_.top().first;
      const Nanos wakeup = engine_.NextWakeup(model_);
      if (arrival == kNever && completion == kNever && wakeup == kNever) break;
      // At one instant: deadlines and releases first, then completions, then arrivals.
      if (wakeup <= completion && wakeup <= arrival) {
        ASSERT_GE(wakeup, now_) << "NextWakeup in the past";
        now_ = wakeup;
        Wake();
      } else if (completion <= arrival) {
        now_ = completion;
        const Ticket done = running_.top().second;
        running_.pop();
        engine_.Complete(done, done.token_estimate / 2, now_, &effects_);
        Absorb();
      } else {
        // Sometimes a spurious Wake between events: it must change nothing.
        if (arrival > now_ + 1 && unit(rng_) < 0.05) {
          now_ += static_cast<Nanos>(unit(rng_) * static_cast<double>(arrival - now_ - 1)) + 1;
          engine_.Wake(model_, now_, &effects_);
          EXPECT_TRUE(effects_.started.empty() && effects_.failed.empty())
              << "a Wake with nothing due did something at " << now_;
          Absorb();
          continue;
        }
        if (arrival >= next_capacity_change) {
          // Capacity moves between 1 and 6 slots: fewer slots take effect as requests end.
          now_ = arrival;
          slots_ = 1 + static_cast<int64_t>(unit(rng_) * 6);
          engine_.SetCapacity(model_, slots_, ModelCapacity{static_cast<double>(slots_), 8000},
                              now_, &effects_);
          Absorb();
          next_capacity_change += FromSeconds(60);
          continue;
        }
        now_ = arrival;
        Arrive(next, arrivals[next]);
        ++next;
      }
    }
    Finish();
  }

 private:
  enum class State { kNotYet, kBuffered, kStarted, kFailed };
  struct Request {
    State state = State::kNotYet;
    Nanos arrival = 0;
    KeyId key = 0;
    RateClass rate_class = RateClass::kWithin;
  };

  Nanos Deadline(const Request& r) const {
    return r.arrival + (r.rate_class == RateClass::kWithin ? wait_within_ : wait_over_);
  }

  void Arrive(size_t index, const Arrival& arrival) {
    Request& request = requests_[index];
    request.arrival = arrival.time;
    request.key = arrival.key;
    request.state = State::kBuffered;  // until the effects say otherwise
    const Engine::ArrivalResult result =
        engine_.Arrive(arrival.key, index, arrival.tokens, now_, &effects_);
    request.rate_class = result.rate_class;
    ++class_count_[static_cast<int>(result.rate_class)];
    buffered_.insert(index);
    // What OnArrival decided shows in this call's effects, before any follow-up Wake.
    const bool started = std::any_of(effects_.started.begin(), effects_.started.end(),
                                     [&](const Ticket& t) { return t.request == index; });
    const bool failed = std::any_of(effects_.failed.begin(), effects_.failed.end(),
                                    [&](const Failure& f) { return f.ticket.request == index; });
    EXPECT_EQ(started, result.admission == Admission::kServe) << "request " << index;
    EXPECT_EQ(failed, result.admission == Admission::kRejected) << "request " << index;
    Absorb();
  }

  void Wake() {
    engine_.Wake(model_, now_, &effects_);
    Absorb();
  }

  // Applies a call's effects, then does what the simulator does (Wake at once if the policy asks
  // for now), then checks the invariants.
  void Absorb() {
    Apply();
    for (int again = 0; engine_.NextWakeup(model_) <= now_; ++again) {
      ASSERT_LT(again, 2) << "NextWakeup stays at or before now after a Wake";
      engine_.Wake(model_, now_, &effects_);
      Apply();
    }
    Check();
  }

  void Apply() {
    for (const Ticket& ticket : effects_.started) {
      ASSERT_LT(ticket.request, requests_.size());
      Request& request = requests_[ticket.request];
      ASSERT_EQ(request.state, State::kBuffered)
          << "request " << ticket.request << " started twice "
          << "or after failing";
      EXPECT_EQ(ticket.arrival, request.arrival);
      EXPECT_EQ(ticket.key, request.key);
      EXPECT_EQ(ticket.rate_class, request.rate_class);
      if (now_ != request.arrival) {
        EXPECT_LT(now_, Deadline(request)) << "request " << ticket.request << " started late";
      }
      request.state = State::kStarted;
      buffered_.erase(ticket.request);
      ++started_;
      std::exponential_distribution<double> service_s(1.0 / 0.5);
      running_.push({now_ + FromSeconds(service_s(rng_)), ticket});
    }
    for (const Failure& failure : effects_.failed) {
      ASSERT_LT(failure.ticket.request, requests_.size());
      Request& request = requests_[failure.ticket.request];
      ASSERT_EQ(request.state, State::kBuffered)
          << "request " << failure.ticket.request << " failed twice or after starting";
      EXPECT_EQ(failure.ticket.arrival, request.arrival);
      ExpectAttributedByClass(failure, request.rate_class);
      ++failed_by_type_[static_cast<int>(failure.attribution.error_type)];
      request.state = State::kFailed;
      buffered_.erase(failure.ticket.request);
    }
    effects_.Clear();
  }

  void Check() {
    ASSERT_EQ(engine_.buffered(model_), buffered_.size()) << "Depth() at " << now_;
    const Nanos wakeup = engine_.NextWakeup(model_);
    EXPECT_GT(wakeup, now_);
    if (buffered_.empty()) return;
    Nanos earliest = kNever;
    for (const size_t i : buffered_) {
      ASSERT_GT(Deadline(requests_[i]), now_) << "request " << i << " buffered past its deadline";
      earliest = std::min(earliest, Deadline(requests_[i]));
    }
    EXPECT_LE(wakeup, earliest) << "NextWakeup after the earliest buffered deadline";
    if (engine_.busy(model_) < engine_.slots(model_)) {
      // Work conservation: a Wake now must start nothing. Only a pacing policy gets here at all,
      // holding requests that are not yet eligible.
      engine_.Wake(model_, now_, &effects_);
      EXPECT_TRUE(effects_.started.empty())
          << "a slot was free at " << now_ << " with " << buffered_.size() << " buffered requests";
      Apply();
      ++idle_with_buffer_;
    }
  }

  void Finish() {
    EXPECT_TRUE(buffered_.empty());
    EXPECT_EQ(engine_.buffered(model_), 0u);
    EXPECT_EQ(engine_.busy(model_), 0);
    int64_t failed = 0;
    for (size_t i = 0; i < requests_.size(); ++i) {
      ASSERT_TRUE(requests_[i].state == State::kStarted || requests_[i].state == State::kFailed)
          << "request " << i << " never ended";
      if (requests_[i].state == State::kFailed) ++failed;
    }
    EXPECT_EQ(started_ + failed, static_cast<int64_t>(requests_.size()));
    // The workload really mixed classes and overloaded the model: every outcome occurred.
    for (int c = 0; c < 3; ++c) EXPECT_GT(class_count_[c], 100) << "class " << c;
    EXPECT_GT(started_, static_cast<int64_t>(requests_.size()) / 10);
    EXPECT_GT(failed_by_type_[static_cast<int>(ErrorType::kModelOverloaded)], 0);
    EXPECT_GT(failed_by_type_[static_cast<int>(ErrorType::kDynamicRequestLimited)], 0);
    EXPECT_GT(failed_by_type_[static_cast<int>(ErrorType::kDynamicTokenLimited)], 0);
    // A free slot beside buffered requests happens only to a policy that holds requests until
    // they are eligible; for the pacing policy this workload does make it happen.
    if (info_.name == "pacing") {
      EXPECT_GT(idle_with_buffer_, 0);
    } else {
      EXPECT_EQ(idle_with_buffer_, 0);
    }
  }

  const PolicyInfo& info_;
  std::mt19937_64 rng_;
  Engine engine_;
  ModelId model_ = 0;
  int64_t slots_ = 4;
  std::vector<KeyId> keys_;
  Nanos wait_within_ = 0;
  Nanos wait_over_ = 0;
  Nanos now_ = 0;
  Effects effects_;
  std::vector<Request> requests_;
  using Running = std::pair<Nanos, Ticket>;
  struct Later {
    bool operator()(const Running& a, const Running& b) const { return a.first > b.first; }
  };
  std::priority_queue<Running, std::vector<Running>, Later> running_;
  std::set<size_t> buffered_;  // requests arrived, not yet started or failed
  int64_t started_ = 0;
  int64_t class_count_[3] = {0, 0, 0};
  int64_t failed_by_type_[4] = {0, 0, 0, 0};
  int64_t idle_with_buffer_ = 0;
};

class EveryPolicyInvariants : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryPolicyInvariants, KeepsEveryInvariantUnderALongRandomWorkload) {
  for (const uint64_t seed : {1u, 2u, 3u}) {
    SCOPED_TRACE(seed);
    Workload workload(Info(GetParam()), seed);
    workload.Run(FromSeconds(2400));
    if (::testing::Test::HasFatalFailure()) return;
  }
}

INSTANTIATE_TEST_SUITE_P(Registered, EveryPolicyInvariants, ::testing::ValuesIn([] {
                           std::vector<std::string> names;
                           for (const PolicyInfo& info : Policies()) names.push_back(info.name);
                           return names;
                         }()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
}  // namespace ratesim

// The enforcement window (engine/enforcement_window.h) is a token bucket of depth rate × 1 s. Its
// promise, stated without a bucket: a request is within rate exactly when, counting it, no interval
// [s, now] holds more within-rate requests (or tokens) than rate × 1 s + rate × (now - s). A greedy
// bucket admits a request if and only if that holds for every s, and the s that can bind are the
// arrival times of earlier within-rate requests. The oracle below checks exactly that, over every
// earlier within-rate request, in integer nanoseconds; the engine must classify every request of a
// random bursty stream as the oracle does.
#include <cstdint>
#include <random>
#include <vector>

#include "engine/attribution.h"
#include "engine/engine.h"
#include "engine/time.h"
#include "gtest/gtest.h"
#include "tests/support/fixed_limit_key.h"

namespace ratesim {
namespace {

using ::ratesim::testing::FixedLimitKey;

struct Admitted {
  Nanos at;
  int64_t cost;
};

// Whether a request of `cost` at `now` keeps every interval ending now within `rate_per_s` × (1 s +
// its length), given the within-rate requests before it (in arrival order). `rate_per_s` >= cost.
bool OracleWithin(const std::vector<Admitted>& admitted, int64_t rate_per_s, int64_t cost,
                  Nanos now) {
  int64_t since = cost;  // cost of within-rate requests in [s, now], counting this one
  for (auto it = admitted.rbegin(); it != admitted.rend(); ++it) {
    since += it->cost;
    // since <= rate + rate × (now - s), in nanoseconds: exact in int64 for these sizes.
    if (since * kNanosPerSecond > rate_per_s * (kNanosPerSecond + (now - it->at))) return false;
  }
  return cost <= rate_per_s;
}

// Arrival times in bursts: a third of requests share the previous instant, the rest follow gaps
// of up to twice the mean spacing at `rate_per_s`, offered at about `load` times the rate.
std::vector<Nanos> BurstyArrivals(int count, int64_t rate_per_s, double load, uint64_t seed) {
  std::mt19937_64 random(seed);
  const auto mean_gap =
      static_cast<Nanos>(kNanosPerSecond / (load * static_cast<double>(rate_per_s)));
  std::uniform_int_distribution<Nanos> gap(1, 3 * mean_gap);
  std::bernoulli_distribution same_instant(1.0 / 3.0);
  std::vector<Nanos> arrivals;
  Nanos now = kNanosPerSecond;
  for (int i = 0; i < count; ++i) {
    if (!same_instant(random)) now += gap(random);
    arrivals.push_back(now);
  }
  return arrivals;
}

TEST(TokenBucketOracle, RequestsAreWithinRateExactlyWhenEveryIntervalKeepsItsBound) {
  for (const int64_t rps : {1, 5, 20}) {
    for (const double load : {1.2, 2.0, 4.0}) {
      SCOPED_TRACE(::testing::Message() << rps << " rps, load " << load);
      FixedLimitKey key(/*rpm=*/60.0 * static_cast<double>(rps), /*tpm=*/1e12);
      std::vector<Admitted> admitted;
      int over = 0;
      const std::vector<Nanos> arrivals = BurstyArrivals(3000, rps, load, /*seed=*/rps * 10 + load);
      for (size_t i = 0; i < arrivals.size(); ++i) {
        const bool expected = OracleWithin(admitted, rps, 1, arrivals[i]);
        const RateClass got = key.Send(1, arrivals[i]);
        ASSERT_EQ(RateClassName(got),
                  RateClassName(expected ? RateClass::kWithin : RateClass::kOverRequests))
            << "request " << i << " at " << arrivals[i] << " ns";
        if (expected) {
          admitted.push_back({arrivals[i], 1});
        } else {
          ++over;
        }
      }
      // Both answers occur often: the streams test the boundary, not one side of it.
      EXPECT_GT(over, 100);
      EXPECT_GT(static_cast<int>(admitted.size()), 100);
    }
  }
}

TEST(TokenBucketOracle, TokensAreWithinRateExactlyWhenEveryIntervalKeepsItsBound) {
  constexpr int64_t kTokensPerS = 10'000;
  std::mt19937_64 random(7);
  std::uniform_int_distribution<int64_t> cost(1, kTokensPerS);
  for (const double load : {0.8, 2.0}) {
    SCOPED_TRACE(::testing::Message() << "load " << load);
    // Far more requests per second than arrive: the token dimension alone decides.
    FixedLimitKey key(/*rpm=*/6e9, /*tpm=*/60.0 * kTokensPerS);
    std::vector<Admitted> admitted;
    int over = 0;
    // Mean cost is half the depth: at `load`, about 2 × load requests of it arrive per second.
    const std::vector<Nanos> arrivals =
        BurstyArrivals(3000, 2, load, static_cast<uint64_t>(load * 100));
    for (size_t i = 0; i < arrivals.size(); ++i) {
      const int64_t tokens = cost(random);
      const bool expected = OracleWithin(admitted, kTokensPerS, tokens, arrivals[i]);
      const RateClass got = key.Send(tokens, arrivals[i]);
      ASSERT_EQ(RateClassName(got),
                RateClassName(expected ? RateClass::kWithin : RateClass::kOverTokens))
          << "request " << i << " of " << tokens << " tokens at " << arrivals[i] << " ns";
      if (expected) {
        admitted.push_back({arrivals[i], tokens});
      } else {
        ++over;
      }
    }
    EXPECT_GT(over, 100);
    EXPECT_GT(static_cast<int>(admitted.size()), 100);
  }
}

}  // namespace
}  // namespace ratesim

// Classification at arrival (DESIGN.md 1.1): within rate if, counting the request, the key's
// within-rate requests and tokens in the one-second enforcement window do not exceed rate × 1 s.
// Every test uses the `fixed` formula, so the rate is exactly the configured RPM/TPM / 60, and a
// model with far more slots than requests (none policy), so capacity never interferes.
#include <cstdint>
#include <memory>
#include <utility>

#include "engine/attribution.h"
#include "engine/engine.h"
#include "engine/limit_formula.h"
#include "engine/smoothing_policy.h"
#include "engine/time.h"
#include "gtest/gtest.h"
#include "tests/support/fixed_limit_key.h"

namespace ratesim {
namespace {

Nanos Ms(int64_t ms) { return ms * kNanosPerMillisecond; }
Nanos Sec(int64_t s) { return s * kNanosPerSecond; }

using ::ratesim::testing::FixedLimitKey;

TEST(EngineClassification, FirstRequestOfAFreshKeyIsWithinRate) {
  FixedLimitKey key(/*rpm=*/60, /*tpm=*/180000);
  EXPECT_EQ(key.Send(100, 0), RateClass::kWithin);
}

TEST(EngineClassification, SecondRequestInTheSameInstantAt60RpmIsOverRequests) {
  FixedLimitKey key(/*rpm=*/60, /*tpm=*/180000);
  ASSERT_EQ(key.Send(100, Sec(5)), RateClass::kWithin);
  EXPECT_EQ(key.Send(100, Sec(5)), RateClass::kOverRequests);
}

TEST(EngineClassification, RequestExactlyOneIntervalLaterIsWithinRate) {
  // 60 RPM is 1 request/s: the window refills one request in exactly 60 / rpm = 1 s.
  FixedLimitKey key(/*rpm=*/60, /*tpm=*/180000);
  ASSERT_EQ(key.Send(100, 0), RateClass::kWithin);
  EXPECT_EQ(key.Send(100, Sec(1)), RateClass::kWithin);
  EXPECT_EQ(key.Send(100, Sec(2)), RateClass::kWithin);
}

TEST(EngineClassification, RequestOneMillisecondBeforeTheIntervalIsOverRate) {
  FixedLimitKey key(/*rpm=*/60, /*tpm=*/180000);
  ASSERT_EQ(key.Send(100, 0), RateClass::kWithin);
  EXPECT_EQ(key.Send(100, Ms(999)), RateClass::kOverRequests);
}

TEST(EngineClassification, WindowHoldsRateTimesOneSecondOfRequestsInOneInstant) {
  for (const int64_t rpm : {60, 600, 3000}) {
    SCOPED_TRACE(rpm);
    FixedLimitKey key(static_cast<double>(rpm), /*tpm=*/1e9);
    const int64_t window = rpm / 60;  // requests in the one-second window
    for (int64_t i = 0; i < window; ++i) {
      EXPECT_EQ(key.Send(1, Sec(3)), RateClass::kWithin) << "request " << i;
    }
    EXPECT_EQ(key.Send(1, Sec(3)), RateClass::kOverRequests);
  }
}

TEST(EngineClassification, TokenRequestFillingTheWindowExactlyIsWithinRate) {
  constexpr int64_t kWindowTokens = 1000;
  FixedLimitKey key(/*rpm=*/60000, /*tpm=*/60.0 * kWindowTokens);
  EXPECT_EQ(key.Send(kWindowTokens, 0), RateClass::kWithin);
  // Counting one more token the window would hold N + 1.
  EXPECT_EQ(key.Send(1, 0), RateClass::kOverTokens);
}

TEST(EngineClassification, TokensOfSeveralRequestsAddUpToTheWindow) {
  constexpr int64_t kWindowTokens = 1000;
  FixedLimitKey key(/*rpm=*/60000, /*tpm=*/60.0 * kWindowTokens);
  EXPECT_EQ(key.Send(kWindowTokens - 300, 0), RateClass::kWithin);
  EXPECT_EQ(key.Send(300, 0), RateClass::kWithin);
  EXPECT_EQ(key.Send(1, 0), RateClass::kOverTokens);
}

TEST(EngineClassification, TokenWindowRefillsAtTheTokenRate) {
  constexpr int64_t kWindowTokens = 1000;  // 1000 tokens/s
  FixedLimitKey key(/*rpm=*/60000, /*tpm=*/60.0 * kWindowTokens);
  ASSERT_EQ(key.Send(kWindowTokens, 0), RateClass::kWithin);
  // 250 ms refill 250 tokens: 250 fit, 251 do not.
  EXPECT_EQ(key.Send(kWindowTokens / 4 + 1, Ms(250)), RateClass::kOverTokens);
  EXPECT_EQ(key.Send(kWindowTokens / 4, Ms(250)), RateClass::kWithin);
}

TEST(EngineClassification, RequestOverBothDimensionsIsOverRequests) {
  constexpr int64_t kWindowTokens = 1000;
  FixedLimitKey key(/*rpm=*/60, /*tpm=*/60.0 * kWindowTokens);
  ASSERT_EQ(key.Send(kWindowTokens, 0), RateClass::kWithin);
  EXPECT_EQ(key.Send(kWindowTokens, 0), RateClass::kOverRequests);
}

TEST(EngineClassification, OverRequestRateArrivalsDoNotConsumeTheBudget) {
  FixedLimitKey key(/*rpm=*/60, /*tpm=*/180000);
  ASSERT_EQ(key.Send(100, 0), RateClass::kWithin);
  for (int i = 0; i < 5; ++i) ASSERT_EQ(key.Send(100, Ms(500)), RateClass::kOverRequests);
  // Reset is still the half second left of the original refill.
  EXPECT_DOUBLE_EQ(key.engine().Headers(key.key(), Ms(500), 0).reset_s, 0.5);
  // Had the rejected ones drawn from the window, the next request would not fit for 5 more seconds.
  EXPECT_EQ(key.Send(100, Sec(1)), RateClass::kWithin);
}

TEST(EngineClassification, OverTokenRateArrivalsDoNotConsumeTheBudget) {
  constexpr int64_t kWindowTokens = 1000;
  FixedLimitKey key(/*rpm=*/60000, /*tpm=*/60.0 * kWindowTokens);
  ASSERT_EQ(key.Send(kWindowTokens, 0), RateClass::kWithin);
  // Half the window has refilled; a full-window request is over and must leave that half in place.
  ASSERT_EQ(key.Send(kWindowTokens, Ms(500)), RateClass::kOverTokens);
  EXPECT_EQ(key.Send(kWindowTokens / 2, Ms(500)), RateClass::kWithin);
}

TEST(EngineClassification, RequestLargerThanTheTokenWindowFitsWhenTheWindowIsFull) {
  constexpr double kTokensPerSecond = 100;
  constexpr int64_t kCost = 250;  // 2.5 windows
  FixedLimitKey key(/*rpm=*/60000, /*tpm=*/60 * kTokensPerSecond);
  EXPECT_EQ(key.Send(kCost, 0), RateClass::kWithin);
  // The debt (cost - window) plus a full window takes cost / rate = 2.5 s to repay.
  EXPECT_EQ(key.Send(kCost, Ms(2499)), RateClass::kOverTokens);
  EXPECT_EQ(key.Send(kCost, Ms(2500)), RateClass::kWithin);
}

TEST(EngineClassification, LongRunTokenThroughputOfOversizedRequestsEqualsTheRate) {
  constexpr double kTokensPerSecond = 100;
  constexpr int64_t kCost = 250;
  constexpr int64_t kSeconds = 100;
  FixedLimitKey key(/*rpm=*/1e9, /*tpm=*/60 * kTokensPerSecond);
  int64_t within_tokens = 0;
  for (Nanos t = 0; t < Sec(kSeconds); t += Ms(1)) {
    if (key.Send(kCost, t) == RateClass::kWithin) within_tokens += kCost;
  }
  // A bucket that starts full admits rate × T plus at most one request's worth of slack.
  EXPECT_NEAR(static_cast<double>(within_tokens), kTokensPerSecond * kSeconds, kCost);
}

TEST(EngineClassification, LongRunRequestThroughputUnderContinuousPressureEqualsTheRate) {
  constexpr double kRpm = 600;
  constexpr double kRate = kRpm / 60;  // requests/s; also the window depth
  constexpr int64_t kSeconds = 60;
  FixedLimitKey key(kRpm, /*tpm=*/1e12);
  int64_t within = 0;
  for (Nanos t = 0; t < Sec(kSeconds); t += Ms(1)) {
    if (key.Send(1, t) == RateClass::kWithin) ++within;
  }
  EXPECT_GE(within, kRate * kSeconds);
  EXPECT_LE(within, kRate * kSeconds + kRate);
}

TEST(EngineClassification, SlowKeyGetsOneWithinRateRequestEveryTwoSeconds) {
  // 30 RPM is half a request per second: the window holds less than one request, yet a full
  // window admits one (leaving a debt), so the key gets one request per 60 / 30 = 2 s.
  FixedLimitKey key(/*rpm=*/30, /*tpm=*/1e9);
  int within = 0;
  for (Nanos t = 0; t < Sec(20); t += Ms(100)) {
    const RateClass rate_class = key.Send(1, t);
    if (t % Sec(2) == 0) {
      EXPECT_EQ(rate_class, RateClass::kWithin) << "at " << ToSeconds(t) << " s";
    } else {
      EXPECT_EQ(rate_class, RateClass::kOverRequests) << "at " << ToSeconds(t) << " s";
    }
    if (rate_class == RateClass::kWithin) ++within;
  }
  EXPECT_EQ(within, 20 / 2);
}

TEST(EngineClassification, ZeroRpmLimitAdmitsNothingWithinRate) {
  // A limit of 0 RPM must either be refused as a parameter or classify every request over rate;
  // a window of depth 0 must not admit everything.
  absl::StatusOr<std::unique_ptr<LimitFormula>> formula =
      MakeFormula("fixed", {{"rpm", 0.0}, {"tpm", 180000.0}});
  if (!formula.ok()) return;  // refused: fine
  FixedLimitKey key(/*rpm=*/0, /*tpm=*/180000);
  EXPECT_EQ(key.Send(1, 0), RateClass::kOverRequests);
  EXPECT_EQ(key.Send(1, Sec(10)), RateClass::kOverRequests);
}

}  // namespace
}  // namespace ratesim

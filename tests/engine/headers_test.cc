// The rate-limit headers and error bodies every response carries (DESIGN.md 1): limits enforced per
// second and displayed per minute, remaining quota in the enforcement window, reset = seconds until a
// request fits, and the JSON bodies of 429 and 503.
#include <cstdint>
#include <memory>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "engine/attribution.h"
#include "engine/engine.h"
#include "engine/limit_formula.h"
#include "engine/rate_limit_headers.h"
#include "engine/smoothing_policy.h"
#include "engine/time.h"
#include "fmt/format.h"
#include "gtest/gtest.h"
#include "tests/support/fixed_limit_key.h"

namespace ratesim {
namespace {

Nanos Ms(int64_t ms) { return ms * kNanosPerMillisecond; }

using ::ratesim::testing::FixedLimitKey;

std::string Line(const RateLimitHeaders& headers, const std::string& name) {
  for (const auto& [line_name, value] : HeaderLines(headers)) {
    if (line_name == name) return value;
  }
  ADD_FAILURE() << "no header " << name;
  return "";
}

TEST(Headers, LimitIsDisplayedPerMinute) {
  // Enforced at 1 request/s and 3000 tokens/s.
  FixedLimitKey key(/*rpm=*/1.0 * 60, /*tpm=*/3000.0 * 60);
  const RateLimitHeaders headers = key.Headers(0);
  EXPECT_DOUBLE_EQ(headers.limit_rpm, 60.0);
  EXPECT_DOUBLE_EQ(headers.token_limit_tpm, 180000.0);
  EXPECT_EQ(Line(headers, "x-ratelimit-limit"), "60");
  EXPECT_EQ(Line(headers, "x-tokenlimit-limit"), "180000");
}

TEST(Headers, RemainingSaturatesForARateBeyondInt64) {
  // A full window of 1e300 requests/s holds more than int64_t counts: it used to wrap to INT64_MIN.
  FixedLimitKey key(/*rpm=*/6e301, /*tpm=*/6e301);
  const RateLimitHeaders headers = key.Headers(0);
  EXPECT_EQ(headers.remaining, INT64_MAX);
  EXPECT_EQ(headers.token_remaining, INT64_MAX);
  EXPECT_EQ(Line(headers, "x-ratelimit-remaining"), "9223372036854775807");
}

TEST(Headers, RequestLimitShowsEveryWholeRpmAsConfigured) {
  // rpm / 60 * 60 is not always rpm in binary floating point (123 / 60 * 60 < 123): the display
  // must not turn a configured 123 RPM into 122.
  for (int rpm = 1; rpm <= 2000; ++rpm) {
    FixedLimitKey key(rpm, /*tpm=*/180000);
    ASSERT_EQ(Line(key.Headers(0), "x-ratelimit-limit"), fmt::format("{}", rpm)) << rpm << " RPM";
  }
}

TEST(Headers, TokenLimitShowsEveryWholeTpmAsConfigured) {
  for (int tpm = 1000; tpm <= 5000; ++tpm) {
    FixedLimitKey key(/*rpm=*/60, tpm);
    ASSERT_EQ(Line(key.Headers(0), "x-tokenlimit-limit"), fmt::format("{}", tpm)) << tpm << " TPM";
  }
}

TEST(Headers, RemainingCountsDownAsWithinRateRequestsArrive) {
  constexpr int kWindow = 5;  // 300 RPM = 5 requests/s
  FixedLimitKey key(/*rpm=*/60.0 * kWindow, /*tpm=*/1e9);
  const Nanos now = Ms(100);
  for (int used = 0; used < kWindow; ++used) {
    EXPECT_EQ(key.Headers(now).remaining, kWindow - used);
    EXPECT_EQ(Line(key.Headers(now), "x-ratelimit-remaining"), fmt::format("{}", kWindow - used));
    ASSERT_EQ(key.Send(1, now), RateClass::kWithin);
  }
  EXPECT_EQ(key.Headers(now).remaining, 0);
  ASSERT_EQ(key.Send(1, now), RateClass::kOverRequests);
  EXPECT_EQ(key.Headers(now).remaining, 0);
}

TEST(Headers, TokenRemainingCountsDownAsWithinRateTokensArrive) {
  constexpr int64_t kWindowTokens = 100;
  FixedLimitKey key(/*rpm=*/6000, /*tpm=*/60.0 * kWindowTokens);
  EXPECT_EQ(key.Headers(0).token_remaining, kWindowTokens);
  ASSERT_EQ(key.Send(30, 0), RateClass::kWithin);
  EXPECT_EQ(key.Headers(0).token_remaining, kWindowTokens - 30);
  EXPECT_EQ(Line(key.Headers(0), "x-tokenlimit-remaining"), fmt::format("{}", kWindowTokens - 30));
  ASSERT_EQ(key.Send(kWindowTokens - 30 + 1, 0), RateClass::kOverTokens);
  EXPECT_EQ(key.Headers(0).token_remaining, kWindowTokens - 30);
  // 100 tokens/s refill 25 tokens in 250 ms.
  EXPECT_EQ(key.Headers(Ms(250)).token_remaining, kWindowTokens - 30 + 25);
}

TEST(Headers, ResetIsTheTimeUntilTheNextRequestFits) {
  FixedLimitKey key(/*rpm=*/60, /*tpm=*/1e9);  // 1 request/s
  EXPECT_DOUBLE_EQ(key.Headers(0).reset_s, 0.0);
  ASSERT_EQ(key.Send(1, 0), RateClass::kWithin);
  const RateLimitHeaders after_quarter = key.Headers(Ms(250));
  EXPECT_NEAR(after_quarter.reset_s, 1.0 - 0.25, 1e-12);
  EXPECT_EQ(Line(after_quarter, "x-ratelimit-reset"), "0.750");
  EXPECT_EQ(after_quarter.remaining, 0);
  EXPECT_DOUBLE_EQ(key.Headers(Ms(1000)).reset_s, 0.0);
  EXPECT_EQ(key.Headers(Ms(1000)).remaining, 1);
}

TEST(Headers, ResetAtAHigherRateCountsOneRequestOfRefill) {
  FixedLimitKey key(/*rpm=*/600, /*tpm=*/1e9);  // 10 requests/s: one request refills in 0.1 s
  for (int i = 0; i < 10; ++i) ASSERT_EQ(key.Send(1, 0), RateClass::kWithin);
  EXPECT_NEAR(key.Headers(Ms(30)).reset_s, 0.1 - 0.03, 1e-12);
  EXPECT_EQ(Line(key.Headers(Ms(30)), "x-ratelimit-reset"), "0.070");
}

TEST(Headers, ResetOfASlowKeyIncludesItsDebt) {
  // 30 RPM: a request refills in 2 s, and a full window (half a request) admits one.
  FixedLimitKey key(/*rpm=*/30, /*tpm=*/1e9);
  ASSERT_EQ(key.Send(1, 0), RateClass::kWithin);
  EXPECT_NEAR(key.Headers(Ms(500)).reset_s, 2.0 - 0.5, 1e-12);
  ASSERT_EQ(key.Send(1, Ms(1999)), RateClass::kOverRequests);
  EXPECT_EQ(key.Send(1, Ms(2000)), RateClass::kWithin);
}

TEST(Headers, ResetOfATokenLimitedRequestIsWhenItsTokensFit) {
  // 6000 TPM = 100 tokens/s; requests are plentiful. 80 tokens leave 20: a request of 50 needs
  // 30 more, 0.3 s of refill, though the request dimension has room now.
  FixedLimitKey key(/*rpm=*/6000, /*tpm=*/6000);
  ASSERT_EQ(key.Send(80, 0), RateClass::kWithin);
  ASSERT_EQ(key.Send(50, 0), RateClass::kOverTokens);
  EXPECT_NEAR(key.Headers(0, 50).reset_s, 0.3, 1e-12);
  EXPECT_EQ(Line(key.Headers(0, 50), "x-ratelimit-reset"), "0.300");
  EXPECT_NEAR(key.Headers(Ms(100), 50).reset_s, 0.2, 1e-12);
  EXPECT_DOUBLE_EQ(key.Headers(0).reset_s, 0.0);  // a request of no tokens fits now
  // Waiting that long, it fits; a moment earlier, it does not.
  EXPECT_EQ(key.Send(50, Ms(299)), RateClass::kOverTokens);
  EXPECT_EQ(key.Send(50, Ms(300)), RateClass::kWithin);
}

TEST(Headers, ResetIsTheLaterOfTheTwoDimensions) {
  // 60 RPM and 6000 TPM: after a request of 100 tokens both windows are empty. A request of 10
  // tokens fits in 0.1 s of token refill but waits 1 s for the request window; one of 100 waits 1 s
  // for both; a request larger than the window (200) fits once the window is full again, in 1 s.
  FixedLimitKey key(/*rpm=*/60, /*tpm=*/6000);
  ASSERT_EQ(key.Send(100, 0), RateClass::kWithin);
  EXPECT_NEAR(key.Headers(0, 10).reset_s, 1.0, 1e-12);
  EXPECT_NEAR(key.Headers(0, 100).reset_s, 1.0, 1e-12);
  EXPECT_NEAR(key.Headers(0, 200).reset_s, 1.0, 1e-12);
  FixedLimitKey fast(/*rpm=*/6000, /*tpm=*/6000);  // 100 requests/s: the tokens decide
  ASSERT_EQ(fast.Send(100, 0), RateClass::kWithin);
  EXPECT_NEAR(fast.Headers(0, 10).reset_s, 0.1, 1e-12);
}

TEST(Headers, SlowKeyWithAFullWindowShowsOneRemaining) {
  // At 30 RPM the full window holds half a request, yet one request fits now (reset is 0), so
  // `remaining`, "requests that fit now", must say 1: a client that waits for remaining > 0 would
  // otherwise never send.
  FixedLimitKey key(/*rpm=*/30, /*tpm=*/1e9);
  const RateLimitHeaders headers = key.Headers(0);
  EXPECT_DOUBLE_EQ(headers.reset_s, 0.0);
  EXPECT_EQ(headers.remaining, 1);
  ASSERT_EQ(key.Send(1, 0), RateClass::kWithin);
  EXPECT_EQ(key.Headers(0).remaining, 0);
}

TEST(Headers, HeaderLinesAreNamedAndFormattedInWireOrder) {
  RateLimitHeaders headers;
  headers.limit_rpm = 120;
  headers.remaining = 3;
  headers.reset_s = 0.25;
  headers.token_limit_tpm = 240000;
  headers.token_remaining = 2500;
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"x-ratelimit-limit", "120"},       {"x-ratelimit-remaining", "3"},
      {"x-ratelimit-reset", "0.250"},     {"x-tokenlimit-limit", "240000"},
      {"x-tokenlimit-remaining", "2500"},
  };
  EXPECT_EQ(HeaderLines(headers), expected);
}

// The body up to the end of the message string must be one JSON string with every quote inside it
// escaped; returns what follows the message's closing quote, or "" on a malformed body.
std::string AfterMessage(const std::string& body) {
  const std::string prefix = R"({"error":{"message":")";
  if (body.compare(0, prefix.size(), prefix) != 0) return "";
  for (size_t i = prefix.size(); i < body.size(); ++i) {
    if (body[i] == '\\') {
      ++i;
    } else if (body[i] == '"') {
      return body.substr(i + 1);
    } else if (static_cast<unsigned char>(body[i]) < 0x20) {
      return "";
    }
  }
  return "";
}

RateLimitHeaders SampleHeaders() {
  RateLimitHeaders headers;
  headers.limit_rpm = 60;
  headers.reset_s = 0.75;
  headers.token_limit_tpm = 6000;
  return headers;
}

TEST(Headers, ErrorBodyOfARequestLimited429) {
  const std::string body =
      ErrorBody(AttributeFailure(RateClass::kOverRequests), SampleHeaders(), "llama-70b");
  EXPECT_EQ(AfterMessage(body), R"(,"type":"dynamic_request_limited","code":429}})") << body;
  EXPECT_NE(body.find("llama-70b"), std::string::npos) << body;
  EXPECT_NE(body.find("60 RPM"), std::string::npos) << body;
}

TEST(Headers, ErrorBodyOfARequestLimited429SaysWhenToRetry) {
  RateLimitHeaders headers = SampleHeaders();
  const std::string later = ErrorBody(AttributeFailure(RateClass::kOverRequests), headers, "m");
  EXPECT_NE(later.find("retry after 0.750 s"), std::string::npos) << later;

  // Answered after the window refilled (a request that expired in the buffer): no "after 0.000 s".
  headers.reset_s = 0.0;
  const std::string now = ErrorBody(AttributeFailure(RateClass::kOverRequests), headers, "m");
  EXPECT_EQ(now.find("retry after"), std::string::npos) << now;
  EXPECT_NE(now.find("fits your limit again now"), std::string::npos) << now;
  // A wait under a millisecond is still a wait: said as the header says it, rounded up.
  headers.reset_s = 0.0004;
  const std::string soon = ErrorBody(AttributeFailure(RateClass::kOverRequests), headers, "m");
  EXPECT_NE(soon.find("retry after 0.001 s"), std::string::npos) << soon;
}

// x-ratelimit-reset is sent in whole milliseconds rounded up, so that a client waiting what it
// reads never comes back before a request fits; refill noise a nanosecond past a whole
// millisecond is not rounded up.
TEST(Headers, ResetIsSentInMillisecondsRoundedUp) {
  EXPECT_EQ(ResetAsSent(0.0), 0.0);
  EXPECT_EQ(ResetAsSent(-1e-12), 0.0);
  EXPECT_EQ(ResetAsSent(0.0004), 0.001);
  EXPECT_EQ(ResetAsSent(0.7501), 0.751);
  EXPECT_EQ(ResetAsSent(0.75), 0.75);
  EXPECT_EQ(ResetAsSent(1.0 + 1e-10), 1.0);
  EXPECT_FALSE(std::signbit(ResetAsSent(5e-10))) << "sent as -0.000";
  for (const double exact : {0.0001, 0.0123456, 0.999, 1.5, 37.0000004, 3600.25}) {
    EXPECT_GE(ResetAsSent(exact), exact - 1e-9) << exact;
    EXPECT_LT(ResetAsSent(exact), exact + 0.001) << exact;
  }
  RateLimitHeaders headers = SampleHeaders();
  headers.reset_s = 0.0004;
  EXPECT_EQ(HeaderLines(headers)[2], (std::pair<std::string, std::string>{"x-ratelimit-reset", "0.001"}));
  headers.reset_s = 5e-10;
  EXPECT_EQ(HeaderLines(headers)[2].second, "0.000");
}

TEST(Headers, ErrorBodyOfATokenLimited429) {
  const std::string body =
      ErrorBody(AttributeFailure(RateClass::kOverTokens), SampleHeaders(), "llama-70b");
  EXPECT_EQ(AfterMessage(body), R"(,"type":"dynamic_token_limited","code":429}})") << body;
  EXPECT_NE(body.find("6000 TPM"), std::string::npos) << body;
}

TEST(Headers, ErrorBodyOfAnOverloaded503) {
  const std::string body =
      ErrorBody(AttributeFailure(RateClass::kWithin), SampleHeaders(), "llama-70b");
  EXPECT_EQ(AfterMessage(body), R"(,"type":"model_overloaded","code":503}})") << body;
  EXPECT_NE(body.find("llama-70b"), std::string::npos) << body;
}

TEST(Headers, ErrorBodyEscapesTheModelName) {
  for (const RateClass rate_class :
       {RateClass::kWithin, RateClass::kOverRequests, RateClass::kOverTokens}) {
    const std::string body =
        ErrorBody(AttributeFailure(rate_class), SampleHeaders(), "my\"model\\v2\nx");
    SCOPED_TRACE(body);
    EXPECT_NE(body.find(R"(my\"model\\v2\nx)"), std::string::npos);
    const std::string rest = AfterMessage(body);
    EXPECT_EQ(rest.rfind(R"(,"type":")", 0), 0u);
    EXPECT_NE(rest.find(fmt::format(R"("type":"{}")",
                                    ErrorTypeName(AttributeFailure(rate_class).error_type))),
              std::string::npos);
  }
}

}  // namespace
}  // namespace ratesim

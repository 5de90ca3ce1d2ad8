#include "engine/attribution.h"

#include "gtest/gtest.h"

namespace ratesim {
namespace {

TEST(Attribution, FailureWithinRateIsTheCapacitys503) {
  const Attribution a = AttributeFailure(RateClass::kWithin);
  EXPECT_EQ(a.status, HttpStatus::kServiceUnavailable);
  EXPECT_EQ(a.error_type, ErrorType::kModelOverloaded);
}

TEST(Attribution, FailureOverTheRequestRateIsDynamicRequestLimited429) {
  const Attribution a = AttributeFailure(RateClass::kOverRequests);
  EXPECT_EQ(a.status, HttpStatus::kTooManyRequests);
  EXPECT_EQ(ErrorTypeName(a.error_type), "dynamic_request_limited");
}

TEST(Attribution, FailureOverTheTokenRateIsDynamicTokenLimited429) {
  const Attribution a = AttributeFailure(RateClass::kOverTokens);
  EXPECT_EQ(a.status, HttpStatus::kTooManyRequests);
  EXPECT_EQ(ErrorTypeName(a.error_type), "dynamic_token_limited");
}

}  // namespace
}  // namespace ratesim

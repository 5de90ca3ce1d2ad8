// Where a request stood against its org's dynamic rate when it arrived, and what a failure of that
// request is therefore called: the platform's fault (503) or the org's (429 with its error_type).
#ifndef RATESIM_ENGINE_ATTRIBUTION_H_
#define RATESIM_ENGINE_ATTRIBUTION_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ratesim {

// Classification at arrival. The request dimension is checked first, so a request over both
// dimensions is kOverRequests.
enum class RateClass : uint8_t { kWithin, kOverRequests, kOverTokens };
inline constexpr size_t kRateClassCount = 3;
static_assert(static_cast<size_t>(RateClass::kOverTokens) + 1 == kRateClassCount,
              "kRateClassCount counts RateClass's values; arrays are indexed by them");

enum class HttpStatus : uint16_t { kOk = 200, kTooManyRequests = 429, kServiceUnavailable = 503 };

enum class ErrorType : uint8_t {
  kNone,                   // 200
  kDynamicRequestLimited,  // 429, over the request rate
  kDynamicTokenLimited,    // 429, over the token rate
  kModelOverloaded,        // 503, within rate: capacity is at fault
};

struct Attribution {
  HttpStatus status;
  ErrorType error_type;
};

// The status and error_type of a request of class `rate_class` that failed (was not served).
constexpr Attribution AttributeFailure(RateClass rate_class) {
  switch (rate_class) {
    case RateClass::kWithin:
      return {HttpStatus::kServiceUnavailable, ErrorType::kModelOverloaded};
    case RateClass::kOverRequests:
      return {HttpStatus::kTooManyRequests, ErrorType::kDynamicRequestLimited};
    case RateClass::kOverTokens:
      return {HttpStatus::kTooManyRequests, ErrorType::kDynamicTokenLimited};
  }
  return {HttpStatus::kServiceUnavailable, ErrorType::kModelOverloaded};
}

// The wire name of an error_type ("dynamic_request_limited", ...); "" for kNone.
std::string_view ErrorTypeName(ErrorType type);
// "within", "over_requests", "over_tokens".
std::string_view RateClassName(RateClass rate_class);

}  // namespace ratesim

#endif  // RATESIM_ENGINE_ATTRIBUTION_H_

#include "engine/attribution.h"

namespace ratesim {

std::string_view ErrorTypeName(ErrorType type) {
  switch (type) {
    case ErrorType::kNone:
      return "";
    case ErrorType::kDynamicRequestLimited:
      return "dynamic_request_limited";
    case ErrorType::kDynamicTokenLimited:
      return "dynamic_token_limited";
    case ErrorType::kModelOverloaded:
      return "model_overloaded";
  }
  return "";
}

std::string_view RateClassName(RateClass rate_class) {
  switch (rate_class) {
    case RateClass::kWithin:
      return "within";
    case RateClass::kOverRequests:
      return "over_requests";
    case RateClass::kOverTokens:
      return "over_tokens";
  }
  return "";
}

}  // namespace ratesim

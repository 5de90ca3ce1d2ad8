#include "engine/rate_limit_headers.h"

#include <cmath>

#include "fmt/format.h"

namespace ratesim {
namespace {

// JSON string content: the model name is the only text that comes from outside.
std::string JsonEscape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", c);
        } else {
          out += c;
        }
    }
  }
  return out;
}

// A request that waited in the buffer until it expired is answered when the window may have room
// again: "retry after 0.000 s" would read as a mistake, so the body says so in words.
std::string RetryAdvice(double reset_s) {
  const double sent = ResetAsSent(reset_s);
  if (sent == 0.0) return "a request fits your limit again now";
  return fmt::format("retry after {:.3f} s", sent);
}

std::string FailureMessage(const Attribution& attribution, const RateLimitHeaders& headers,
                           std::string_view model) {
  switch (attribution.error_type) {
    case ErrorType::kDynamicRequestLimited:
      return fmt::format(
          "Request rate above your dynamic limit of {:.0f} RPM for {} while the model was busy. "
          "Spread requests evenly, {}; sustained successful use raises the limit.",
          headers.limit_rpm, model, RetryAdvice(headers.reset_s));
    case ErrorType::kDynamicTokenLimited:
      return fmt::format(
          "Token rate above your dynamic limit of {:.0f} TPM for {} while the model was busy. "
          "Lower max_tokens or spread requests; sustained successful use raises the limit.",
          headers.token_limit_tpm, model);
    case ErrorType::kModelOverloaded:
    case ErrorType::kNone:
      break;
  }
  return fmt::format(
      "{} is overloaded. Your request was within your dynamic limit of {:.0f} RPM; retry with "
      "backoff.",
      model, headers.limit_rpm);
}

// A limit is shown as the whole number the client may count on: rounded down, but a rate configured
// as 123 RPM and held as 123/60 per second must not show as 122.
double WholeLimit(double per_minute) { return std::floor(per_minute + 1e-6); }

}  // namespace

double ResetAsSent(double reset_s) {
  // Below a nanosecond the rounding down gives -0, which would be sent as "-0.000".
  const double milliseconds = reset_s > 0.0 ? std::ceil(reset_s * 1000.0 - 1e-6) : 0.0;
  return milliseconds > 0.0 ? milliseconds / 1000.0 : 0.0;
}

std::vector<std::pair<std::string, std::string>> HeaderLines(const RateLimitHeaders& headers) {
  return {
      {"x-ratelimit-limit", fmt::format("{:.0f}", WholeLimit(headers.limit_rpm))},
      {"x-ratelimit-remaining", fmt::format("{}", headers.remaining)},
      {"x-ratelimit-reset", fmt::format("{:.3f}", ResetAsSent(headers.reset_s))},
      {"x-tokenlimit-limit", fmt::format("{:.0f}", WholeLimit(headers.token_limit_tpm))},
      {"x-tokenlimit-remaining", fmt::format("{}", headers.token_remaining)},
  };
}

std::string ErrorBody(const Attribution& attribution, const RateLimitHeaders& headers,
                      std::string_view model) {
  return fmt::format(R"({{"error":{{"message":"{}","type":"{}","code":{}}}}})",
                     JsonEscape(FailureMessage(attribution, headers, model)),
                     ErrorTypeName(attribution.error_type), static_cast<int>(attribution.status));
}

}  // namespace ratesim

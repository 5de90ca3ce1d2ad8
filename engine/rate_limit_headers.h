// What every response tells the client about its limit: the x-ratelimit-* and x-tokenlimit-* headers,
// and the JSON error bodies of 429 and 503.
//
// Limits are enforced per second and displayed per minute: a key enforced at 1 request/s shows
// `x-ratelimit-limit: 60`. `remaining` counts what fits in the enforcement window right now (whole
// requests, whole tokens); `reset` is the seconds until a request like the one answered (its token
// estimate) fits again in both dimensions (Engine::Headers).
#ifndef RATESIM_ENGINE_RATE_LIMIT_HEADERS_H_
#define RATESIM_ENGINE_RATE_LIMIT_HEADERS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/attribution.h"

namespace ratesim {

struct RateLimitHeaders {
  double limit_rpm = 0.0;        // x-ratelimit-limit, requests per minute
  int64_t remaining = 0;         // x-ratelimit-remaining, requests that fit now
  double reset_s = 0.0;          // x-ratelimit-reset, seconds until such a request fits
  double token_limit_tpm = 0.0;  // x-tokenlimit-limit, tokens per minute
  int64_t token_remaining = 0;   // x-tokenlimit-remaining, tokens that fit now
};

// x-ratelimit-reset as a response sends it: in whole milliseconds, rounded up, so that a client
// waiting what it reads never comes back before a request fits (a "0.000" rounded down from 0.4 ms
// would tell it to retry now, into another 429). 0 only when a request fits now. A computed value
// within a nanosecond above whole milliseconds is that whole number: noise of the refill, not a wait.
double ResetAsSent(double reset_s);

// The header lines in wire order, names lower-case, values as sent.
std::vector<std::pair<std::string, std::string>> HeaderLines(const RateLimitHeaders& headers);

// The JSON body of a failed response: {"error": {"message", "type", "code"}}. `model` names the model
// in the message. REQUIRES: attribution.status != kOk.
std::string ErrorBody(const Attribution& attribution, const RateLimitHeaders& headers,
                      std::string_view model);

}  // namespace ratesim

#endif  // RATESIM_ENGINE_RATE_LIMIT_HEADERS_H_

#include "sim/simulate/client_retry.h"

#include <algorithm>
#include <cmath>

namespace ratesim {
namespace {

// A retry sent exactly at the reset instant would race the window's refill rounding; one
// microsecond later it fits, and no client times its retries more finely than that.
constexpr Nanos kResetMargin = 1000;

}  // namespace

Nanos BackoffCeiling(const ClientSpec& client, int64_t attempt) {
  const double grown = static_cast<double>(client.base_backoff) *
                       std::pow(client.multiplier, static_cast<double>(attempt - 1));
  return static_cast<Nanos>(std::min(grown, static_cast<double>(client.max_backoff)));
}

Nanos RetryDelay(const ClientSpec& client, int64_t attempt, double reset_s, Rng& rng) {
  if (client.on_failure == ClientSpec::OnFailure::kGiveUp || attempt >= client.max_attempts) {
    return kNever;
  }
  if (client.on_failure == ClientSpec::OnFailure::kHonorReset && reset_s > 0) {
    // A reset past the end of time (a token debt of centuries) is one no client waits for.
    return AfterWait(kResetMargin, reset_s);
  }
  // Jitter draws the delay uniformly from [(1 - jitter) × d, d]: full jitter at 1, none at 0, which
  // is what spreads the retries of clients that failed together.
  const double ceiling = static_cast<double>(BackoffCeiling(client, attempt));
  const double delay = ceiling * (1.0 - client.jitter * rng.Uniform01());
  return std::max<Nanos>(1, static_cast<Nanos>(delay));
}

}  // namespace ratesim

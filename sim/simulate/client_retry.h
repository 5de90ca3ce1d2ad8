// What a client does after a failed attempt: give up, back off exponentially with jitter, or wait
// for the x-ratelimit-reset the response carried.
#ifndef RATESIM_SIM_SIMULATE_CLIENT_RETRY_H_
#define RATESIM_SIM_SIMULATE_CLIENT_RETRY_H_

#include <cstdint>

#include "engine/time.h"
#include "sim/des/random.h"
#include "sim/scenario/scenario.h"

namespace ratesim {

// The delay before the next attempt after attempt number `attempt` (1 for the first) failed with a
// response whose x-ratelimit-reset was `reset_s` seconds; kNever when the request ends with this
// failure (also for a reset beyond what Nanos holds). Draws from `rng` only for jittered backoff.
Nanos RetryDelay(const ClientSpec& client, int64_t attempt, double reset_s, Rng& rng);

// The un-jittered exponential backoff after attempt `attempt`: min(max, base × multiplier^(attempt-1)).
Nanos BackoffCeiling(const ClientSpec& client, int64_t attempt);

}  // namespace ratesim

#endif  // RATESIM_SIM_SIMULATE_CLIENT_RETRY_H_

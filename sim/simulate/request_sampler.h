// Draws what one request carries: its token counts and the service time it will need. Drawn at
// arrival from its stream's generator, in a fixed order, so that every policy in a comparison sees
// the identical request.
#ifndef RATESIM_SIM_SIMULATE_REQUEST_SAMPLER_H_
#define RATESIM_SIM_SIMULATE_REQUEST_SAMPLER_H_

#include <cstdint>

#include "engine/time.h"
#include "sim/des/random.h"
#include "sim/scenario/scenario.h"

namespace ratesim {

struct RequestDraw {
  int64_t input_tokens;
  int64_t max_output_tokens;
  int64_t output_tokens;  // actual, at most max_output_tokens
  Nanos service;          // slot time
  int64_t token_estimate() const { return input_tokens + max_output_tokens; }
  int64_t actual_tokens() const { return input_tokens + output_tokens; }
};

// A count drawn from `count` (no draw for a fixed count).
int64_t DrawTokens(const TokenCount& count, Rng& rng);

// The slot time of a request with `input` and `output` tokens.
Nanos DrawService(const ServiceTime& service, int64_t input, int64_t output, Rng& rng);

RequestDraw DrawRequest(const TrafficSpec& traffic, const ServiceTime& service, Rng& rng);

// The mean of `count` as drawn (before clamping).
double MeanTokens(const TokenCount& count);

}  // namespace ratesim

#endif  // RATESIM_SIM_SIMULATE_REQUEST_SAMPLER_H_

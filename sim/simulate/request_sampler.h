// Draws what one request carries: its token counts and the service time it will need. Drawn at
// arrival from its stream's generator, in a fixed order, so that every policy in a comparison sees
// the identical request.
#ifndef RATESIM_SIM_SIMULATE_REQUEST_SAMPLER_H_
#define RATESIM_SIM_SIMULATE_REQUEST_SAMPLER_H_

#include <algorithm>
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

// DrawRequest for one stream, with what does not depend on the generator worked out once: a fixed
// token count is rounded and clamped at construction instead of per request. Draws the same values
// from the same generator calls as DrawRequest, in the same order.
class RequestSampler {
 public:
  // Keeps references to `traffic` and `service`, which must outlive the sampler.
  RequestSampler(const TrafficSpec& traffic, const ServiceTime& service);

  RequestDraw Draw(Rng& rng) const {
    RequestDraw draw;
    draw.input_tokens = input_.Draw(rng);
    draw.max_output_tokens = max_output_.Draw(rng);
    draw.output_tokens = std::min(output_.Draw(rng), draw.max_output_tokens);
    draw.service = service_->kind == ServiceTime::Kind::kExponential
                       ? std::max<Nanos>(1, static_cast<Nanos>(rng.Exponential(exponential_mean_)))
                       : DrawService(*service_, draw.input_tokens, draw.output_tokens, rng);
    return draw;
  }

 private:
  struct Tokens {
    const TokenCount* count;
    bool fixed;
    int64_t fixed_value;  // DrawTokens's result when `fixed`
    int64_t Draw(Rng& rng) const { return fixed ? fixed_value : DrawTokens(*count, rng); }
  };
  static Tokens Prepare(const TokenCount& count);

  Tokens input_;
  Tokens max_output_;
  Tokens output_;
  const ServiceTime* service_;
  double exponential_mean_;  // service mean as DrawService converts it, for kExponential
};

// The mean of `count` as drawn (before clamping).
double MeanTokens(const TokenCount& count);

}  // namespace ratesim

#endif  // RATESIM_SIM_SIMULATE_REQUEST_SAMPLER_H_

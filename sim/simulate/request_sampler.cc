#include "sim/simulate/request_sampler.h"

#include <algorithm>
#include <cmath>

namespace ratesim {

int64_t DrawTokens(const TokenCount& count, Rng& rng) {
  const double value =
      count.kind == TokenCount::Kind::kFixed ? count.mean : rng.Lognormal(count.mean, count.cv);
  // A cv whose square overflows makes the lognormal's sigma infinite and its draw NaN, which no
  // clamp catches; the distribution's limit as cv grows has all its mass at 0: draw the floor.
  if (std::isnan(value)) return count.min;
  const double clamped =
      std::clamp(std::round(value), static_cast<double>(count.min), static_cast<double>(count.max));
  return static_cast<int64_t>(clamped);
}

Nanos DrawService(const ServiceTime& service, int64_t input, int64_t output, Rng& rng) {
  switch (service.kind) {
    case ServiceTime::Kind::kConstant:
      return service.mean;
    case ServiceTime::Kind::kExponential:
      // At least 1 ns: a zero service time would complete a request in the instant it started.
      return std::max<Nanos>(1, static_cast<Nanos>(rng.Exponential(static_cast<double>(service.mean))));
    case ServiceTime::Kind::kTokens:
      return service.overhead +
             FromSeconds(static_cast<double>(input) / service.prefill_tokens_per_s +
                         static_cast<double>(output) / service.decode_tokens_per_s);
  }
  return service.mean;
}

RequestDraw DrawRequest(const TrafficSpec& traffic, const ServiceTime& service, Rng& rng) {
  RequestDraw draw;
  draw.input_tokens = DrawTokens(traffic.input_tokens, rng);
  draw.max_output_tokens = DrawTokens(traffic.max_output_tokens, rng);
  draw.output_tokens = std::min(DrawTokens(traffic.output_tokens, rng), draw.max_output_tokens);
  draw.service = DrawService(service, draw.input_tokens, draw.output_tokens, rng);
  return draw;
}

RequestSampler::RequestSampler(const TrafficSpec& traffic, const ServiceTime& service)
    : input_(Prepare(traffic.input_tokens)),
      max_output_(Prepare(traffic.max_output_tokens)),
      output_(Prepare(traffic.output_tokens)),
      service_(&service),
      exponential_mean_(static_cast<double>(service.mean)) {}

RequestSampler::Tokens RequestSampler::Prepare(const TokenCount& count) {
  const bool fixed = count.kind == TokenCount::Kind::kFixed;
  Rng unused(0);  // DrawTokens draws nothing for a fixed count
  return Tokens{&count, fixed, fixed ? DrawTokens(count, unused) : 0};
}

double MeanTokens(const TokenCount& count) { return count.mean; }

}  // namespace ratesim

#include "engine/aimd_formula.h"

#include <algorithm>

namespace ratesim {

std::vector<ParamSpec> AimdFormula::Params() {
  return {
      {"base_rpm", ParamKind::kNumber, 60.0, 0.0, true, "floor of the rate in requests per minute"},
      {"base_tpm", ParamKind::kNumber, 180000.0, 0.0, true, "floor of the rate in tokens per minute"},
      {"ceiling_rpm", ParamKind::kNumber, 1e9, 0.0, true, "absolute cap in requests per minute"},
      {"ceiling_tpm", ParamKind::kNumber, 1e12, 0.0, true, "absolute cap in tokens per minute"},
      {"capacity_share", ParamKind::kNumber, 0.5, 0.0, true,
       "cap as a share of the model's live capacity (1 = all of it)"},
      {"increase_rpm", ParamKind::kNumber, 6.0, 0.0, false,
       "requests per minute gained per second of traffic at the full rate"},
      {"decrease", ParamKind::kNumber, 0.7, 0.0, true,
       "factor applied to the rate on each 503 (at most 1)"},
  };
}

AimdFormula::AimdFormula(const ParamValues& params)
    : base_requests_(params.at("base_rpm") / 60.0),
      base_tokens_(params.at("base_tpm") / 60.0),
      ceiling_requests_(params.at("ceiling_rpm") / 60.0),
      ceiling_tokens_(params.at("ceiling_tpm") / 60.0),
      capacity_share_(params.at("capacity_share")),
      increase_requests_(params.at("increase_rpm") / 60.0),
      decrease_(std::min(1.0, params.at("decrease"))) {}

double AimdFormula::Ceiling(double base, double absolute, double capacity) const {
  const double ceiling = capacity > 0 ? std::min(absolute, capacity_share_ * capacity) : absolute;
  return std::max(base, ceiling);
}

RateBounds AimdFormula::Bounds(const ModelCapacity& capacity) const {
  return {base_requests_, Ceiling(base_requests_, ceiling_requests_, capacity.requests_per_s),
          base_tokens_, Ceiling(base_tokens_, ceiling_tokens_, capacity.tokens_per_s)};
}

RateState AimdFormula::Initial(const ModelCapacity&) const {
  return RateState{base_requests_, base_tokens_, 0.0, 0.0};
}

void AimdFormula::Advance(RateState& state, absl::Span<double>, const Update& update) const {
  const ModelCapacity& capacity = update.model.capacity;
  const RateBounds bounds = Bounds(capacity);
  state.request_rate = std::clamp(state.request_rate, bounds.min_requests, bounds.max_requests);
  state.token_rate = std::clamp(state.token_rate, bounds.min_tokens, bounds.max_tokens);
}

void AimdFormula::RecordSuccess(RateState& state, absl::Span<double>,
                                const Completion& completion) const {
  if (!completion.within_rate) return;
  // A key sending at its rate r has r successes per second, each adding increase / r: the rate
  // grows by `increase` per second of full use, whatever the rate (TCP's additive increase). The
  // token rate grows in proportion. The bounds are re-applied at the next Advance.
  const double step = increase_requests_ / state.request_rate;
  state.token_rate *= 1.0 + step / state.request_rate;
  state.request_rate += step;
}

void AimdFormula::RecordFailure(RateState& state, absl::Span<double>, HttpStatus status) const {
  if (status != HttpStatus::kServiceUnavailable) return;
  state.request_rate = std::max(base_requests_, state.request_rate * decrease_);
  state.token_rate = std::max(base_tokens_, state.token_rate * decrease_);
}

}  // namespace ratesim

#include "engine/aimd_formula.h"

#include <algorithm>

namespace ratesim {

std::vector<ParamSpec> AimdFormula::Params() {
  return WithRangeParams({
      {"increase_rpm", ParamKind::kNumber, 6.0, 0.0, false,
       "requests per minute gained per second of traffic at the full rate"},
      // A factor above 1 would raise the rate on a 503, the opposite of a decrease.
      WithMaximum({"decrease", ParamKind::kNumber, 0.7, 0.0, true,
                   "factor the rate is multiplied by on each 503: 0.7 cuts it by 30%, 1 not at all"},
                  1.0),
  });
}

AimdFormula::AimdFormula(const ParamValues& params)
    :
      range_(params),
      increase_requests_(params.at("increase_rpm") / 60.0),
      decrease_(params.at("decrease")) {}

RateBounds AimdFormula::Bounds(const ModelCapacity& capacity) const {
  return range_.For(capacity);
}

RateState AimdFormula::Initial(const ModelCapacity&) const {
  return range_.AtFloor();
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
  state.request_rate = std::max(range_.base_requests(), state.request_rate * decrease_);
  state.token_rate = std::max(range_.base_tokens(), state.token_rate * decrease_);
}

}  // namespace ratesim

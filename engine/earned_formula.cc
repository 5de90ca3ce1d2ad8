#include "engine/earned_formula.h"

#include <algorithm>
#include <cmath>

namespace ratesim {

std::vector<ParamSpec> EarnedFormula::Params() {
  return WithRangeParams({
      {"headroom", ParamKind::kNumber, 2.0, 1.0, false,
       "target rate = headroom x recent successful usage"},
      {"window", ParamKind::kDuration, 600.0, 0.0, true,
       "time constant of the trailing average of successful usage"},
      {"growth_per_minute", ParamKind::kNumber, 1.5, 1.0, false,
       "largest factor by which the rate may rise in one minute"},
  });
}

EarnedFormula::EarnedFormula(const ParamValues& params)
    :
      range_(params),
      headroom_(params.at("headroom")),
      window_s_(params.at("window")),
      growth_per_s_(std::log(params.at("growth_per_minute")) / 60.0) {}

RateBounds EarnedFormula::Bounds(const ModelCapacity& capacity) const {
  return range_.For(capacity);
}

RateState EarnedFormula::Initial(const ModelCapacity&) const { return range_.AtFloor(); }

void EarnedFormula::Advance(RateState& state, absl::Span<double>, const Update& update) const {
  const double elapsed_s = update.elapsed_s;
  const ModelCapacity& capacity = update.model.capacity;
  const double decay = std::exp(-elapsed_s / window_s_);
  state.usage_requests *= decay;
  state.usage_tokens *= decay;
  const RateBounds bounds = Bounds(capacity);
  const double request_target =
      std::clamp(headroom_ * state.usage_requests, bounds.min_requests, bounds.max_requests);
  const double token_target =
      std::clamp(headroom_ * state.usage_tokens, bounds.min_tokens, bounds.max_tokens);
  // Growth >= 1, so a rate at or above its target simply takes the target: the second exp is
  // needed only while the rate is climbing (most updates of a settled key skip it).
  if (state.request_rate >= request_target && state.token_rate >= token_target) {
    state.request_rate = request_target;
    state.token_rate = token_target;
    return;
  }
  const double growth = std::exp(growth_per_s_ * elapsed_s);
  state.request_rate = std::min(state.request_rate * growth, request_target);
  state.token_rate = std::min(state.token_rate * growth, token_target);
}

void EarnedFormula::RecordSuccess(RateState& state, absl::Span<double>,
                                  const Completion& completion) const {
  // An impulse of 1/window is what makes the exponential average of a steady stream of r/s equal r.
  // Over-rate successes add 0 × the impulse (nothing), without a branch as unpredictable as the
  // traffic.
  const double counts = static_cast<double>(completion.within_rate);
  state.usage_requests += counts * (1.0 / window_s_);
  state.usage_tokens += counts * (completion.tokens / window_s_);
}

}  // namespace ratesim

#include "engine/gradient_formula.h"

#include <algorithm>

namespace ratesim {
namespace {

// The layout of a key's words.
constexpr size_t kShortLatency = 0;  // seconds
constexpr size_t kLongLatency = 1;   // seconds

}  // namespace

std::vector<ParamSpec> GradientFormula::Params() {
  return WithRangeParams({
      {"tolerance", ParamKind::kNumber, 1.5, 1.0, false,
       "recent latency up to tolerance x the long-run one does not lower the rate"},
      // The gradient is clamped to [min_gradient, 1], which std::clamp needs in order.
      WithMaximum({"min_gradient", ParamKind::kNumber, 0.5, 0.0, true,
                   "smallest gradient: the deepest cut of the target"},
                  1.0),
      // Beyond 1, a second of successes would close more than the whole gap and overshoot.
      WithMaximum({"smoothing", ParamKind::kNumber, 0.2, 0.0, true,
                   "share of the gap to the target closed per second at the full rate"},
                  1.0),
      {"increase_rpm", ParamKind::kNumber, 30.0, 0.0, false,
       "target = rate x gradient + increase, in requests per minute"},
      {"short_samples", ParamKind::kCount, 10.0, 1.0, false,
       "samples in the short-term latency average", "long_samples",
       "the short-term latency average is compared with the long-term one, so it may not span more "
       "samples"},
      {"long_samples", ParamKind::kCount, 600.0, 1.0, false,
       "samples in the long-term latency average"},
  });
}

GradientFormula::GradientFormula(const ParamValues& params)
    :
      range_(params),
      tolerance_(params.at("tolerance")),
      min_gradient_(params.at("min_gradient")),
      smoothing_(params.at("smoothing")),
      increase_requests_(params.at("increase_rpm") / 60.0),
      short_weight_(1.0 / params.at("short_samples")),
      long_weight_(1.0 / params.at("long_samples")) {}

RateBounds GradientFormula::Bounds(const ModelCapacity& capacity) const {
  return range_.For(capacity);
}

RateState GradientFormula::Initial(const ModelCapacity&) const {
  return range_.AtFloor();
}

double GradientFormula::Gradient(double short_s, double long_s) const {
  if (!(short_s > 0)) return 1.0;
  return std::clamp(tolerance_ * long_s / short_s, min_gradient_, 1.0);
}

void GradientFormula::Advance(RateState& state, absl::Span<double>, const Update& update) const {
  const RateBounds bounds = Bounds(update.model.capacity);
  state.request_rate = std::clamp(state.request_rate, bounds.min_requests, bounds.max_requests);
  state.token_rate = std::clamp(state.token_rate, bounds.min_tokens, bounds.max_tokens);
}

void GradientFormula::RecordSuccess(RateState& state, absl::Span<double> extra,
                                    const Completion& completion) const {
  double& short_s = extra[kShortLatency];
  double& long_s = extra[kLongLatency];
  const double latency_s = std::max(0.0, completion.latency_s);
  if (short_s == 0 && long_s == 0) {
    short_s = latency_s;
    long_s = latency_s;
  } else {
    short_s += short_weight_ * (latency_s - short_s);
    long_s += long_weight_ * (latency_s - long_s);
  }
  if (!completion.within_rate) return;
  // r successes a second at the full rate r, each closing smoothing / r of the gap: smoothing of
  // it per second. Below `smoothing` requests/s one success would close more than the gap and
  // overshoot the target (a base of 0.6 RPM jumped to the ceiling in one success): a success
  // closes at most the whole gap. The floor holds here; the ceiling, which depends on the
  // capacity, at the next Advance.
  const double rate = std::max(range_.base_requests(), state.request_rate);
  const double target = rate * Gradient(short_s, long_s) + increase_requests_;
  const double share = std::min(1.0, smoothing_ / rate);
  const double next = std::max(range_.base_requests(), rate + share * (target - rate));
  state.token_rate = std::max(range_.base_tokens(), state.token_rate * (next / rate));
  state.request_rate = next;
}

}  // namespace ratesim

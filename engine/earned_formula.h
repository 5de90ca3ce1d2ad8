// `earned`, the default formula: a documented guess at the platform's behaviour, built on its public
// hint that the earned rate is about twice the org's successful rate over a trailing window, clamped
// between a base (60 RPM for a new org) and a cap.
//
//   usage   exponentially weighted average of the key's within-rate successful requests/s and
//           tokens/s, time constant `window`. Only within-rate successes count, so a burst far above
//           the rate (served from spare capacity or not) earns nothing: growth needs sustained
//           traffic that fits the current rate.
//   target  clamp(headroom × usage, base, ceiling); ceiling = max(base, min(ceiling_rpm,
//           capacity_share × the model's live capacity)).
//   rate    follows the target down at once, and up at most ×growth_per_minute per minute. While
//           the org uses less than rate / headroom the target is below the rate: no growth.
//
// Between successes usage decays as e^(-t/window), the target therefore only falls, and the rate is
// min(rate0 × g^(t/60), target(t)) exactly: the update is closed form and composes (advancing by a
// then b equals advancing by a + b).
#ifndef RATESIM_ENGINE_EARNED_FORMULA_H_
#define RATESIM_ENGINE_EARNED_FORMULA_H_

#include <vector>

#include "engine/limit_formula.h"
#include "engine/rate_range.h"

namespace ratesim {

class EarnedFormula final : public LimitFormula {
 public:
  static std::vector<ParamSpec> Params();
  // REQUIRES: `params` resolved against Params().
  explicit EarnedFormula(const ParamValues& params);

  RateBounds Bounds(const ModelCapacity& capacity) const override;
  RateState Initial(const ModelCapacity& capacity) const override;
  void Advance(RateState& state, absl::Span<double> extra, const Update& update) const override;
  void RecordSuccess(RateState& state, absl::Span<double> extra,
                     const Completion& completion) const override;

 private:
  RateRange range_;
  double headroom_;
  double window_s_;
  double growth_per_s_;     // ln(growth_per_minute) / 60
};

}  // namespace ratesim

#endif  // RATESIM_ENGINE_EARNED_FORMULA_H_

// `aimd`: additive increase, multiplicative decrease, as TCP does with its window. Each within-rate
// success adds `increase_rpm` / (the rate in requests per second), so a key that keeps its rate full
// gains about `increase_rpm` per second of traffic; each 503 (the platform overloaded) multiplies the
// rate by `decrease`. 429s change nothing: they are the key's own excess, not a capacity signal.
// The rate stays within [base, ceiling], ceiling = max(base, min(ceiling_rpm, capacity_share × the
// model's live capacity)); tokens follow the same law in their own dimension.
//
// Nothing changes between events, so the lazy update only re-applies the bounds (which may have
// moved with the capacity): it composes exactly.
#ifndef RATESIM_ENGINE_AIMD_FORMULA_H_
#define RATESIM_ENGINE_AIMD_FORMULA_H_

#include <vector>

#include "engine/limit_formula.h"
#include "engine/rate_range.h"

namespace ratesim {

class AimdFormula final : public LimitFormula {
 public:
  static std::vector<ParamSpec> Params();
  // REQUIRES: `params` resolved against Params().
  explicit AimdFormula(const ParamValues& params);

  RateBounds Bounds(const ModelCapacity& capacity) const override;
  RateState Initial(const ModelCapacity& capacity) const override;
  void Advance(RateState& state, absl::Span<double> extra, const Update& update) const override;
  void RecordSuccess(RateState& state, absl::Span<double> extra,
                     const Completion& completion) const override;
  void RecordFailure(RateState& state, absl::Span<double> extra, HttpStatus status) const override;

 private:
  RateRange range_;

  double increase_requests_;  // requests/s gained per second of full use
  double decrease_;           // factor per 503, in (0, 1]
};

}  // namespace ratesim

#endif  // RATESIM_ENGINE_AIMD_FORMULA_H_

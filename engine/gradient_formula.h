// `gradient`: a latency-gradient limit in the style of adaptive concurrency limiters (Netflix's
// Gradient2), applied to a rate.
//
//   latency   per key, a short-term and a long-term exponentially weighted average of the
//             latency of its successful requests (arrival to completion), over `short_samples`
//             and `long_samples` samples: each success moves them by (latency − average) /
//             samples. The first sample (both averages 0) sets both. Every success is a sample,
//             within rate or not.
//   gradient  clamp(tolerance × long / short, min_gradient, 1); 1 while short is 0. Below 1 when
//             the recent latency is more than `tolerance` times the long-run one.
//   target    rate × gradient + increase (increase_rpm / 60, requests/s).
//   rate      each within-rate success moves it by min(1, smoothing / rate) × (target − rate)
//             (never past the target), so a key that uses its full rate r (r successes a second)
//             moves by smoothing × (target − rate) per second, whatever r >= smoothing: at gradient
//             1 it gains smoothing × increase per second; at the smallest gradient it loses about
//             smoothing × (1 − min_gradient) of itself per second. The token rate follows in
//             proportion. The rate stays within [base, ceiling], ceiling = max(base,
//             min(ceiling_rpm, capacity_share × the model's live capacity)).
//
// The latency includes queueing: with no buffer (policy `none`) it is the service time, and the
// gradient only falls if service slows down; behind a buffer (fifo, pacing, ...) a growing queue
// is what raises the short-term latency and brings the gradient, then the rate, down. 503s and
// 429s are not samples (a failure carries no latency) and change nothing; an overloaded model
// shows in the latency of the requests that do complete. An idle key keeps its averages.
//
// Nothing changes between events, so the lazy update only re-applies the bounds (which may have
// moved with the capacity): it composes exactly. Per key: 2 words, the short-term then the
// long-term average, in seconds.
#ifndef RATESIM_ENGINE_GRADIENT_FORMULA_H_
#define RATESIM_ENGINE_GRADIENT_FORMULA_H_

#include <cstddef>
#include <vector>

#include "engine/limit_formula.h"
#include "engine/rate_range.h"

namespace ratesim {

class GradientFormula final : public LimitFormula {
 public:
  static std::vector<ParamSpec> Params();
  // REQUIRES: `params` resolved against Params().
  explicit GradientFormula(const ParamValues& params);

  size_t ExtraWords() const override { return 2; }
  RateBounds Bounds(const ModelCapacity& capacity) const override;
  RateState Initial(const ModelCapacity& capacity) const override;
  void Advance(RateState& state, absl::Span<double> extra, const Update& update) const override;
  void RecordSuccess(RateState& state, absl::Span<double> extra,
                     const Completion& completion) const override;

  // The gradient for the averages `short_s` and `long_s` (seconds).
  double Gradient(double short_s, double long_s) const;

 private:
  RateRange range_;
  double tolerance_;
  double min_gradient_;      // in (0, 1]
  double smoothing_;         // per second of full use, in (0, 1]
  double increase_requests_; // requests/s
  double short_weight_;      // 1 / short_samples
  double long_weight_;       // 1 / long_samples
};

}  // namespace ratesim

#endif  // RATESIM_ENGINE_GRADIENT_FORMULA_H_

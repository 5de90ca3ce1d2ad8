// `capacity_share`: `share` of the model's live capacity split among its keys by their recent
// usage, max-min fair, in requests and in tokens separately.
//
//   usage   exponentially weighted average of the key's successful requests/s and tokens/s (all
//           successes, within rate or not), time constant `window`: each success adds 1/window
//           (tokens/window), and between successes usage decays as e^(-t/window).
//   demand  headroom × usage.
//   level   the model summary, refreshed every `refresh` seconds (at whole multiples of it), is
//           the water level L of max-min fair sharing: Σ_keys min(demand_i, L) = share ×
//           capacity. Keys whose demand is below L get all they ask for; the others split the
//           rest equally. L = ∞ when the demands all fit or the capacity is unknown (infinite),
//           0 when it is 0.
//           Idle keys (usage 0) take nothing. Each key's usage is decayed to the period start
//           before it is summed.
//   rate    clamp(L, base, ceiling) for every key of the model, ceiling = max(base,
//           min(ceiling_rpm, capacity_share × the model's live capacity)); so a model of unknown
//           capacity gives ceiling_rpm. The rate is what a key may use: a light key is allowed L
//           too, and can grow into it, which raises its demand at the next refresh.
//
// The floors are outside the split: every key gets at least base, so with many keys the rates can
// sum to more than share × capacity. So can they when the demands fit (every key gets the
// ceiling): a rate is a line for blame, not a reservation; the smoothing policy handles actual
// overload.
//
// Who shares the split: every key of the model whose formula instance agrees on what the split
// means, i.e. on share, headroom, window and refresh (SummaryGroup). An org with its own base or
// ceiling (its own instance) is still split with the others, and only its own rate is clamped
// differently; an org with its own share, headroom, window or refresh splits its own share of the
// capacity among the keys of its kind, apart from the others.
//
// Cost: the summary sorts the demands, O(k log k) per model per refresh for k keys sharing it;
// keys keep no words beyond RateState. Between refreshes the level is constant, usage decays in
// closed form and the rate is clamp(L, bounds): advancing by a then b equals advancing by a + b.
// With no summary (a caller that keeps none) Advance leaves the rate where it is, within bounds.
#ifndef RATESIM_ENGINE_CAPACITY_SHARE_FORMULA_H_
#define RATESIM_ENGINE_CAPACITY_SHARE_FORMULA_H_

#include <cstddef>
#include <string>
#include <vector>

#include "engine/limit_formula.h"
#include "engine/rate_range.h"

namespace ratesim {

class CapacityShareFormula final : public LimitFormula {
 public:
  static std::vector<ParamSpec> Params();
  // REQUIRES: `params` resolved against Params().
  explicit CapacityShareFormula(const ParamValues& params);

  RateBounds Bounds(const ModelCapacity& capacity) const override;
  RateState Initial(const ModelCapacity& capacity) const override;
  void Advance(RateState& state, absl::Span<double> extra, const Update& update) const override;
  void RecordSuccess(RateState& state, absl::Span<double> extra,
                     const Completion& completion) const override;

  double SummaryPeriodS() const override { return refresh_s_; }
  // The water levels: [0] requests/s, [1] tokens/s.
  size_t SummaryWords() const override { return 2; }
  void Summarise(absl::Span<const KeySample> keys, const ModelCapacity& capacity,
                 absl::Span<double> summary) const override;
  // The formula and share, headroom, window and refresh: what enters the level and its period.
  std::string SummaryGroup() const override;

  // The max-min fair level L at which Σ min(demands_i, L) = budget; +∞ if Σ demands <= budget
  // or the budget is infinite (capacity unknown); 0 if the budget is 0 (an outage). Zero demands
  // take nothing. Sorts `demands` in place.
  static double WaterLevel(absl::Span<double> demands, double budget);

 private:
  RateRange range_;
  double share_;             // share of the capacity split among the keys
  double headroom_;
  double window_s_;
  double refresh_s_;
  mutable std::vector<double> scratch_;  // the demands being summarised
};

}  // namespace ratesim

#endif  // RATESIM_ENGINE_CAPACITY_SHARE_FORMULA_H_

// `peak_window`: the rate is `multiple` × the key's peak successful rate over a trailing window,
// in requests and in tokens, clamped to [base, ceiling].
//
//   bucket  successes are counted per `bucket` seconds, buckets aligned to absolute time:
//           bucket k is [k·bucket, (k+1)·bucket). A bucket's rate is its count / bucket.
//   window  kept as 4 sub-windows of m = max(1, round(window / (4·bucket))) whole buckets each,
//           aligned to absolute time too, each holding the largest bucket rate seen in it. The
//           window is the sub-window holding now and the three before it (4·m buckets): it
//           slides in sub-window steps, so an ended bucket's rate counts for between 3/4 of the
//           window and the window less one bucket after the bucket ends.
//   peak    the largest rate in the window, including the bucket in progress (its count so far
//           / bucket: a lower bound of its rate, so a burst counts as it happens).
//   rate    clamp(multiple × peak, base, ceiling), ceiling = max(base, min(ceiling_rpm,
//           capacity_share × the model's live capacity)); recomputed at every Advance, so it
//           follows the peak up and down at once. RateState::usage_* hold the peak.
//
// Every success counts, within rate or not: the peak is everything the key was served. That is
// what sets it apart from `earned`, and it has a consequence: a key that bursts above its rate and
// is served from spare capacity raises its own limit to multiple × the burst, up to the ceiling,
// for as long as the burst stays in the window. Failures are not successes and change nothing.
//
// Lazy update: a success is recorded at the key's last update, so it belongs to the bucket of
// now − elapsed; Advance closes that bucket if now is in a later one and clears the sub-windows
// that left the window. Both are fixed by absolute time, so advancing by a then b equals advancing
// by a + b. The formula keeps 10 words per key: the bucket in progress (requests, tokens) and the
// 4 sub-window maxima in each dimension.
#ifndef RATESIM_ENGINE_PEAK_WINDOW_FORMULA_H_
#define RATESIM_ENGINE_PEAK_WINDOW_FORMULA_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "engine/limit_formula.h"
#include "engine/rate_range.h"

namespace ratesim {

class PeakWindowFormula final : public LimitFormula {
 public:
  static constexpr int kSubWindows = 4;

  static std::vector<ParamSpec> Params();
  // REQUIRES: `params` resolved against Params().
  explicit PeakWindowFormula(const ParamValues& params);

  size_t ExtraWords() const override { return 2 + 2 * kSubWindows; }
  RateBounds Bounds(const ModelCapacity& capacity) const override;
  RateState Initial(const ModelCapacity& capacity) const override;
  void Advance(RateState& state, absl::Span<double> extra, const Update& update) const override;
  void RecordSuccess(RateState& state, absl::Span<double> extra,
                     const Completion& completion) const override;

  // The window actually kept, in seconds: 4 sub-windows of whole buckets.
  double window_s() const { return kSubWindows * bucket_s_ * static_cast<double>(sub_buckets_); }

 private:
  RateRange range_;
  // The index of the bucket holding time `t_s`.
  int64_t BucketOf(double t_s) const;

  double multiple_;
  double bucket_s_;
  int64_t sub_buckets_;      // m: buckets per sub-window, >= 1
};

}  // namespace ratesim

#endif  // RATESIM_ENGINE_PEAK_WINDOW_FORMULA_H_

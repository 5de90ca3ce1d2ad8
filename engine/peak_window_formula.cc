#include "engine/peak_window_formula.h"

#include <algorithm>
#include <cmath>

namespace ratesim {
namespace {

// The layout of a key's words.
constexpr size_t kPendingRequests = 0;  // successes in the bucket in progress
constexpr size_t kPendingTokens = 1;
constexpr size_t kRequestMax = 2;  // + slot: largest bucket request rate of that sub-window
constexpr size_t kTokenMax = kRequestMax + PeakWindowFormula::kSubWindows;

// A time that rounding put a hair before a bucket boundary (now − elapsed is the previous update's
// time up to a few ulps) still belongs to the bucket after it. In buckets.
constexpr double kBucketTolerance = 1e-9;

// Bucket indexes are kept within this, far beyond any simulated time, so the conversion is defined.
constexpr double kMaxBucket = 1e18;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// m: the window in 4 sub-windows of at least one whole bucket, rounded to the nearest.
int64_t BucketsPerSubWindow(double window_s, double bucket_s) {
  const double buckets = window_s / (PeakWindowFormula::kSubWindows * bucket_s);
  return std::max<int64_t>(1, std::llround(std::min(kMaxBucket, buckets)));
}

size_t SlotOf(int64_t sub_window) {
  const int64_t slot = sub_window % PeakWindowFormula::kSubWindows;
  return static_cast<size_t>(slot < 0 ? slot + PeakWindowFormula::kSubWindows : slot);
}

}  // namespace

std::vector<ParamSpec> PeakWindowFormula::Params() {
  return WithRangeParams({
      {"multiple", ParamKind::kNumber, 2.0, 0.0, true,
       "rate = multiple x the peak successful rate in the window"},
      {"bucket", ParamKind::kDuration, 1.0, 0.0, true,
       "length of the buckets the successful rate is measured in", "window",
       "a peak is the rate of a bucket, kept while the bucket is in the window, so a bucket must "
       "fit in the window"},
      {"window", ParamKind::kDuration, 60.0, 0.0, true,
       "how long a peak counts (4 sub-windows of whole buckets)"},
  });
}

PeakWindowFormula::PeakWindowFormula(const ParamValues& params)
    :
      range_(params),
      multiple_(params.at("multiple")),
      bucket_s_(params.at("bucket")),
      sub_buckets_(BucketsPerSubWindow(params.at("window"), bucket_s_)) {}

RateBounds PeakWindowFormula::Bounds(const ModelCapacity& capacity) const {
  return range_.For(capacity);
}

RateState PeakWindowFormula::Initial(const ModelCapacity&) const {
  return range_.AtFloor();
}

int64_t PeakWindowFormula::BucketOf(double t_s) const {
  const double bucket = std::floor(t_s / bucket_s_ + kBucketTolerance);
  return static_cast<int64_t>(std::clamp(bucket, -kMaxBucket, kMaxBucket));
}

void PeakWindowFormula::Advance(RateState& state, absl::Span<double> extra,
                                const Update& update) const {
  const int64_t previous = BucketOf(update.now_s - update.elapsed_s);
  const int64_t current = BucketOf(update.now_s);
  if (current > previous) {
    // The bucket in progress has ended: its rate goes to its sub-window's maximum.
    const int64_t previous_sub = FloorDiv(previous, sub_buckets_);
    const size_t slot = SlotOf(previous_sub);
    extra[kRequestMax + slot] =
        std::max(extra[kRequestMax + slot], extra[kPendingRequests] / bucket_s_);
    extra[kTokenMax + slot] = std::max(extra[kTokenMax + slot], extra[kPendingTokens] / bucket_s_);
    extra[kPendingRequests] = 0.0;
    extra[kPendingTokens] = 0.0;
    // Sub-windows previous_sub + 1 .. current_sub reuse the slots of those that left the window.
    const int64_t entered =
        std::min<int64_t>(kSubWindows, FloorDiv(current, sub_buckets_) - previous_sub);
    for (int64_t i = 1; i <= entered; ++i) {
      extra[kRequestMax + SlotOf(previous_sub + i)] = 0.0;
      extra[kTokenMax + SlotOf(previous_sub + i)] = 0.0;
    }
  }
  double peak_requests = extra[kPendingRequests] / bucket_s_;
  double peak_tokens = extra[kPendingTokens] / bucket_s_;
  for (size_t slot = 0; slot < kSubWindows; ++slot) {
    peak_requests = std::max(peak_requests, extra[kRequestMax + slot]);
    peak_tokens = std::max(peak_tokens, extra[kTokenMax + slot]);
  }
  state.usage_requests = peak_requests;
  state.usage_tokens = peak_tokens;
  const RateBounds bounds = Bounds(update.model.capacity);
  state.request_rate =
      std::clamp(multiple_ * peak_requests, bounds.min_requests, bounds.max_requests);
  state.token_rate = std::clamp(multiple_ * peak_tokens, bounds.min_tokens, bounds.max_tokens);
}

void PeakWindowFormula::RecordSuccess(RateState&, absl::Span<double> extra,
                                      const Completion& completion) const {
  // Counted in the bucket of the key's last update (now); the rate follows at the next Advance.
  extra[kPendingRequests] += 1.0;
  extra[kPendingTokens] += completion.tokens;
}

}  // namespace ratesim

#include "engine/capacity_share_formula.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "fmt/format.h"

namespace ratesim {

std::vector<ParamSpec> CapacityShareFormula::Params() {
  return WithRangeParams({
      // A fraction: above 1 the split would hand out capacity the model does not have (room above
      // a key's usage is what headroom is for), and 50 is a percentage meant as 0.5.
      WithMaximum({"share", ParamKind::kNumber, 1.0, 0.0, true,
                   "share of the model's live capacity split among its keys, max-min fair "
                   "(1 = all of it)"},
                  1.0),
      {"headroom", ParamKind::kNumber, 2.0, 1.0, false,
       "a key's demand = headroom x its recent successful usage"},
      {"window", ParamKind::kDuration, 60.0, 0.0, true,
       "time constant of the trailing average of successful usage"},
      {"refresh", ParamKind::kDuration, 1.0, 0.0, true,
       "how often the split of the model is recomputed"},
  });
}

CapacityShareFormula::CapacityShareFormula(const ParamValues& params)
    :
      range_(params),
      share_(params.at("share")),
      headroom_(params.at("headroom")),
      window_s_(params.at("window")),
      refresh_s_(params.at("refresh")) {}

RateBounds CapacityShareFormula::Bounds(const ModelCapacity& capacity) const {
  return range_.For(capacity);
}

RateState CapacityShareFormula::Initial(const ModelCapacity&) const {
  // The level is only known at the key's first Advance; until then, what a new org gets.
  return range_.AtFloor();
}

void CapacityShareFormula::Advance(RateState& state, absl::Span<double>,
                                   const Update& update) const {
  const double decay = std::exp(-update.elapsed_s / window_s_);
  state.usage_requests *= decay;
  state.usage_tokens *= decay;
  const RateBounds bounds = Bounds(update.model.capacity);
  const absl::Span<const double> level = update.model.summary;
  const double request_level = level.size() == 2 ? level[0] : state.request_rate;
  const double token_level = level.size() == 2 ? level[1] : state.token_rate;
  state.request_rate = std::clamp(request_level, bounds.min_requests, bounds.max_requests);
  state.token_rate = std::clamp(token_level, bounds.min_tokens, bounds.max_tokens);
}

void CapacityShareFormula::RecordSuccess(RateState& state, absl::Span<double>,
                                         const Completion& completion) const {
  // An impulse of 1/window is what makes the exponential average of a steady stream of r/s equal r.
  state.usage_requests += 1.0 / window_s_;
  state.usage_tokens += completion.tokens / window_s_;
}

double CapacityShareFormula::WaterLevel(absl::Span<double> demands, double budget) {
  constexpr double kUnlimited = std::numeric_limits<double>::infinity();
  // Nothing to split (an outage): every key is held to its floor. Unknown capacity: no split.
  if (!(budget > 0)) return 0.0;
  if (std::isinf(budget)) return kUnlimited;
  std::sort(demands.begin(), demands.end());
  // Fill from the smallest demand up: while the next demand times the keys left exceeds what is
  // left, the keys left (that one and all larger) are capped at an equal split of it.
  const size_t idle = static_cast<size_t>(
      std::upper_bound(demands.begin(), demands.end(), 0.0) - demands.begin());
  double left = budget;
  for (size_t i = idle; i < demands.size(); ++i) {
    const double keys_left = static_cast<double>(demands.size() - i);
    if (demands[i] * keys_left >= left) return left / keys_left;
    left -= demands[i];
  }
  return kUnlimited;
}

void CapacityShareFormula::Summarise(absl::Span<const KeySample> keys,
                                     const ModelCapacity& capacity,
                                     absl::Span<double> summary) const {
  auto level = [&](double budget, double RateState::*usage) {
    scratch_.clear();
    for (const KeySample& key : keys) {
      const double decay = std::exp(-key.since_update_s / window_s_);
      scratch_.push_back(headroom_ * (key.rate->*usage) * decay);
    }
    return WaterLevel(absl::MakeSpan(scratch_), budget);
  };
  summary[0] = level(share_ * capacity.requests_per_s, &RateState::usage_requests);
  summary[1] = level(share_ * capacity.tokens_per_s, &RateState::usage_tokens);
}

std::string CapacityShareFormula::SummaryGroup() const {
  // Shortest round-trip formatting: two instances share exactly when these values are equal.
  // The range (base, ceilings, capacity_share) is left out: it clamps a key's rate, not the level.
  return fmt::format("capacity_share share={} headroom={} window={}s refresh={}s", share_,
                     headroom_, window_s_, refresh_s_);
}

}  // namespace ratesim

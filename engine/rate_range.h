// The range every built-in formula keeps a key's rates in: a floor, what a new org gets, and a
// ceiling, an absolute cap and a share of the model's live capacity. Declared once so that every
// formula takes the same five parameters and treats capacity the same way.
//
// Capacity: ModelCapacity's default (infinite) means unknown, and only the absolute cap applies;
// zero means zero, and the ceiling falls to the floor. (The engine does not pass a total outage on
// as zero: formulas keep the last live capacity; see Engine::SetCapacity.)
#ifndef RATESIM_ENGINE_RATE_RANGE_H_
#define RATESIM_ENGINE_RATE_RANGE_H_

#include <algorithm>
#include <string_view>
#include <vector>

#include "engine/limit_formula.h"
#include "engine/param_spec.h"

namespace ratesim {

class RateRange {
 public:
  // base_rpm, base_tpm, ceiling_rpm, ceiling_tpm, capacity_share. Each base is declared at most
  // its ceiling (ParamSpec::at_most), so ResolveParams refuses a floor above the absolute cap,
  // which For() would otherwise keep while ignoring the cap; a capacity share below the floor
  // still leaves the floor.
  static std::vector<ParamSpec> Params();
  static bool IsParam(std::string_view name);

  // REQUIRES: `params` resolved against Params() (other entries are ignored).
  explicit RateRange(const ParamValues& params);

  // Inline: every update of a key asks, and a 32-byte result returned from an out-of-line call
  // came back through the stack in pieces (a store-forwarding stall per update).
  RateBounds For(const ModelCapacity& capacity) const {
    // capacity_share > 0 (its spec), so an unknown (infinite) capacity leaves the absolute cap.
    auto ceiling = [&](double floor, double absolute, double live) {
      return std::max(floor, std::min(absolute, capacity_share_ * live));
    };
    return {base_requests_, ceiling(base_requests_, ceiling_requests_, capacity.requests_per_s),
            base_tokens_, ceiling(base_tokens_, ceiling_tokens_, capacity.tokens_per_s)};
  }
  // A new key's state: its rates at the floor, no usage yet.
  RateState AtFloor() const { return RateState{base_requests_, base_tokens_, 0.0, 0.0}; }
  double base_requests() const { return base_requests_; }  // requests/s
  double base_tokens() const { return base_tokens_; }      // tokens/s

 private:
  double base_requests_;
  double base_tokens_;
  double ceiling_requests_;  // absolute, requests/s
  double ceiling_tokens_;    // absolute, tokens/s
  double capacity_share_;
};

// The range's parameters followed by `more`, a formula's own.
std::vector<ParamSpec> WithRangeParams(std::vector<ParamSpec> more);

}  // namespace ratesim

#endif  // RATESIM_ENGINE_RATE_RANGE_H_

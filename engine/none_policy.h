// `none`: no smoothing. A request is served if a slot is free and fails at once otherwise.
#ifndef RATESIM_ENGINE_NONE_POLICY_H_
#define RATESIM_ENGINE_NONE_POLICY_H_

#include <cstdint>
#include <vector>

#include "engine/smoothing_policy.h"

namespace ratesim {

class NonePolicy final : public SmoothingPolicy {
 public:
  static std::vector<ParamSpec> Params() { return {}; }
  explicit NonePolicy(const ParamValues&) {}

  Admission OnArrival(const Ticket&, const KeyView&, bool slot_free, Nanos,
                      FailReason* reason) override {
    if (slot_free) return Admission::kServe;
    *reason = FailReason::kNoCapacity;
    return Admission::kRejected;
  }
  bool Next(Nanos, Ticket*, std::vector<Dropped>*) override { return false; }
  void Expire(Nanos, std::vector<Dropped>*) override {}
  bool Withdraw(const Ticket&, Ticket*) override { return false; }
  Nanos NextWakeup() const override { return kNever; }
  size_t Depth() const override { return 0; }
  // OnArrival serves a free slot before it touches anything (its first line).
  bool ServesFreeSlotUntouched(RateClass) const override { return true; }
};

}  // namespace ratesim

#endif  // RATESIM_ENGINE_NONE_POLICY_H_

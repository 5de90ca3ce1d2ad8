// `fifo`: one first-in first-out buffer per model, at most `max_depth` deep. A request that finds no
// free slot waits; one that finds the buffer full fails at once; one that has waited `max_wait` fails
// then.
//
// Invariants: requests leave in arrival order; since every request gets the same max_wait, the
// front of the buffer always holds the earliest deadline.
#ifndef RATESIM_ENGINE_FIFO_POLICY_H_
#define RATESIM_ENGINE_FIFO_POLICY_H_

#include <vector>

#include "engine/smoothing_policy.h"
#include "engine/ticket_ring.h"

namespace ratesim {

class FifoPolicy final : public SmoothingPolicy {
 public:
  static std::vector<ParamSpec> Params();
  // REQUIRES: `params` resolved against Params().
  explicit FifoPolicy(const ParamValues& params);

  Admission OnArrival(const Ticket& ticket, const KeyView& key, bool slot_free, Nanos now,
                      FailReason* reason) override;
  bool Next(Nanos now, Ticket* next, std::vector<Dropped>* dropped) override;
  void Expire(Nanos now, std::vector<Dropped>* dropped) override;
  bool Withdraw(const Ticket& which, Ticket* withdrawn) override;
  Nanos NextWakeup() const override;
  size_t Depth() const override { return buffer_.size(); }
  // OnArrival serves a free slot before it touches anything (its first line).
  bool ServesFreeSlotUntouched(RateClass) const override { return true; }

 private:
  size_t max_depth_;
  Nanos max_wait_;
  TicketRing buffer_;
};

}  // namespace ratesim

#endif  // RATESIM_ENGINE_FIFO_POLICY_H_

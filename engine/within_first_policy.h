// `within_first`: within-rate requests first; over-rate requests only get spare capacity.
//
// Two FIFOs share one buffer of `max_depth`. A freed slot goes to the oldest within-rate request;
// an over-rate request starts only when a slot is free and no within-rate request waits. This is
// DESIGN.md 1's attribution made into a service order: a request within its org's rate is the
// platform's promise (its failure is a 503), an over-rate one is best effort (its failure a 429).
//
// A within-rate arrival that finds the buffer full displaces the newest over-rate request (the one
// that has waited least, so the least work is lost); if none waits, it fails with kBufferFull.
// Over-rate requests wait at most `max_wait_over`, within-rate ones `max_wait`.
//
// The displaced request must fail, but OnArrival can only return the arriving ticket's admission:
// the policy keeps displaced tickets aside, NextWakeup asks for a Wake at the instant of the
// displacement, and the next Expire or Next hands them back through *dropped as kDisplaced: they
// reached no deadline, and were admitted, so neither kExpired nor kBufferFull says what happened.
// The engine fails them so, attributed 429 with their type. A request that waited its max wait
// out is dropped as kExpired.
//
// Invariants:
//  - Each FIFO is in arrival order with one max wait, so its front holds its earliest deadline.
//  - A slot is never left free while either FIFO is non-empty (the engine refills slots from Next).
//  - Depth() = both FIFOs, at most max_depth; displaced tickets are not counted.
#ifndef RATESIM_ENGINE_WITHIN_FIRST_POLICY_H_
#define RATESIM_ENGINE_WITHIN_FIRST_POLICY_H_

#include <cstddef>
#include <vector>

#include "engine/smoothing_policy.h"
#include "engine/ticket_ring.h"

namespace ratesim {

class WithinFirstPolicy final : public SmoothingPolicy {
 public:
  static std::vector<ParamSpec> Params();
  // REQUIRES: `params` resolved against Params().
  explicit WithinFirstPolicy(const ParamValues& params);

  Admission OnArrival(const Ticket& ticket, const KeyView& key, bool slot_free, Nanos now,
                      FailReason* reason) override;
  bool Next(Nanos now, Ticket* next, std::vector<Dropped>* dropped) override;
  void Expire(Nanos now, std::vector<Dropped>* dropped) override;
  bool Withdraw(const Ticket& which, Ticket* withdrawn) override;
  Nanos NextWakeup() const override;
  size_t Depth() const override { return within_.size() + over_.size(); }
  // OnArrival serves a free slot before it touches anything (its first line).
  bool ServesFreeSlotUntouched(RateClass) const override { return true; }

 private:
  size_t max_depth_;
  Nanos max_wait_;
  Nanos max_wait_over_;
  TicketRing within_;
  TicketRing over_;
  std::vector<Ticket> displaced_;  // to hand back at the next Expire or Next; grow-only
  Nanos displaced_at_ = kNever;    // when the oldest of them was displaced
};

}  // namespace ratesim

#endif  // RATESIM_ENGINE_WITHIN_FIRST_POLICY_H_

// `codel`: a delay-controlled queue with adaptive LIFO, after CoDel (Nichols & Jacobson,
// "Controlling Queue Delay", 2012; RFC 8289) and the variant Facebook runs in front of its servers
// (Maurer, "Fail at Scale", 2015).
//
// Normally the queue is FIFO. CoDel's signal decides when it is overloaded: the standing delay, the
// sojourn of the oldest waiting request sampled at each dequeue, has stayed above `target` for a
// whole `interval`. A queue that only absorbs a burst drains within the interval and never trips
// it; one that stays long is a standing queue, and waiting in it only adds latency.
// While overloaded:
//  - LIFO: the newest request starts first. Under overload the oldest are the likeliest to be given
//    up by their clients anyway; serving the newest keeps most requests fast instead of all slow.
//  - Controlled delay: at each dequeue, every request whose sojourn exceeds `target` is dropped
//    (returned through Next's *dropped as kShed, load shedding rather than a deadline; the engine
//    fails it so, attributed by its class).
//    This is Facebook's control law (in overload a request may wait only `target`), not RFC 8289's
//    interval/sqrt(count) drop spacing: that law paces drops to signal TCP senders, one per
//    interval at first, which for requests arriving a few per second at a 30 s interval would shed
//    almost nothing before max_wait did.
// The queue leaves overload when it drains (Facebook's "the queue was empty recently" test), and
// serves FIFO again.
//
// Defaults are for LLM requests, not packets: CoDel's 5 ms / 100 ms fit a network round trip. An
// LLM request runs for seconds to tens of seconds, so the "round trip" over which the system can
// react is one service time, ~30 s (interval), and a few seconds of queueing (target 5 s) is what a
// user of a chat completion tolerates on top of it. A hard `max_wait` (default 60 s) still bounds
// every wait, overloaded or not (a request that reaches it is dropped as kExpired), and `max_depth`
// the buffer.
//
// Invariants:
//  - The buffer is in arrival order (FIFO takes the front, LIFO the back), so its front holds the
//    oldest request: the standing delay and the earliest max_wait deadline.
//  - overloaded_ implies the buffer is non-empty; it is cleared whenever the buffer empties.
//  - first_above_ is kNever unless the last sample of the standing delay was above target.
#ifndef RATESIM_ENGINE_CODEL_POLICY_H_
#define RATESIM_ENGINE_CODEL_POLICY_H_

#include <cstddef>
#include <vector>

#include "engine/smoothing_policy.h"
#include "engine/ticket_ring.h"

namespace ratesim {

class CodelPolicy final : public SmoothingPolicy {
 public:
  static std::vector<ParamSpec> Params();
  // REQUIRES: `params` resolved against Params().
  explicit CodelPolicy(const ParamValues& params);

  Admission OnArrival(const Ticket& ticket, const KeyView& key, bool slot_free, Nanos now,
                      FailReason* reason) override;
  bool Next(Nanos now, Ticket* next, std::vector<Dropped>* dropped) override;
  void Expire(Nanos now, std::vector<Dropped>* dropped) override;
  bool Withdraw(const Ticket& which, Ticket* withdrawn) override;
  Nanos NextWakeup() const override;
  size_t Depth() const override { return buffer_.size(); }
  // OnArrival serves a free slot before it touches anything (its first line).
  bool ServesFreeSlotUntouched(RateClass) const override { return true; }

  // True while the queue serves LIFO and drops requests past target.
  bool overloaded() const { return overloaded_; }

 private:
  // The buffer emptied: the overload, if any, is over.
  void Drained();

  size_t max_depth_;
  Nanos max_wait_;
  Nanos target_;
  Nanos interval_;
  TicketRing buffer_;
  bool overloaded_ = false;
  // When the standing delay, above target since its first sample so, will have been so for an
  // interval (CoDel's first_above_time); kNever when the last sample was at or below target.
  Nanos first_above_ = kNever;
};

}  // namespace ratesim

#endif  // RATESIM_ENGINE_CODEL_POLICY_H_

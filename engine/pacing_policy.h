// `pacing`: a burst above an org's dynamic rate is spread out at that rate instead of failed, up to
// a max wait: a leaky bucket per key with a burst allowance (GCRA, the "virtual scheduling" form).
//
// A within-rate request goes straight to the FIFO. An over-rate request of key k is given an
// eligibility time
//     eligible = max(KeyView::fits_at, next_release[k]),   next_release[k] = eligible + 1/rate
// so consecutive over-rate requests of a key start at least 1/rate apart (rate = the key's dynamic
// request rate at the request's arrival). It waits in a heap until `eligible`, then joins the
// requests that may start. If `eligible` is at or past its deadline (arrival + max_wait) it could
// never start, and fails at once with kWouldExpire rather than wait to expire. A key whose rate is
// 0 cannot be paced: its over-rate requests fail the same way. (kBufferFull is kept for a buffer
// at max_depth; a request that meets both is kWouldExpire, which no buffer size would have saved.)
//
// Burst allowance: an over-rate request passes unpaced (straight to the FIFO) while fewer than
// `burst` of its key's requests are ahead of it in the pacing schedule (next_release[k] - now <
// burst / rate); it still takes its place in the schedule. A quiet key so regains its allowance at
// its rate, and sustained over-rate traffic is paced at the rate whatever `burst` is.
//
// The engine charges every over-rate request pacing admits (paced or let through by the burst
// allowance) to its key's window at admission (ChargesOverRateRequests), leaving the window in
// debt: the key's later arrivals, even ones that would have been within rate, then queue behind
// the schedule, and the key starts about its rate in all. Uncharged, its within-rate arrivals got
// the whole rate on top of the paced ones: twice the rate under sustained overload. So a key that
// keeps sending above its rate has every request paced, not only the excess: each waits its turn
// (up to max_wait), and `burst` spares only the first of a burst after a quiet spell. A charged
// request counts as within-rate usage when it completes (the key's rate grows on paced traffic as
// on any), and is refunded if it expires waiting for a slot. A paced request's Ticket::ready_at is
// its eligibility time, so a latency-driven formula (gradient) does not read the pacing wait, the
// key's own excess, as congestion.
//
// Requests that may start are served oldest arrival first. Two sources feed them: the FIFO of
// requests that never waited for eligibility (arrival order) and a heap of released paced requests
// ordered by arrival. Both are ordered by arrival, hence by deadline, so the earliest deadline is
// one of two fronts.
//
// A place given back: a request that took a place in its key's schedule (paced, or let through by
// the burst allowance) and expires unstarted (or is withdrawn) gives its place back if it held the key's last one:
// next_release[k] returns to that place, so the key's next request may take it. Without this, a
// key whose last request expired waiting for a slot would pay for it with its next one, up to
// 1/rate later: at a slow rate (spacing above max_wait) refused as kWouldExpire although the key
// started nothing. This never lets the key above its rate: the place given back is after the
// previous place by at least 1/rate, and its holder never started. Only the last place returns:
// one in the middle lies between later places already given to requests that are waiting, which
// would have to move up (a re-sort of the heap per expiry) or its next taker would share an
// instant with one of them. (The engine refunds the key's window for every such expiry: that
// counts requests; this schedule keeps their spacing.)
// And once a key holds no place at all (its last waiting holder expired), next_release returns to
// the release after the latest place whose holder started (none: no schedule), as if the expired
// requests had never come: the last place given back was itself spaced from earlier places whose
// holders may have expired too. With burst >= 1, A (place 0) and B (place 1/rate, through the burst
// allowance) both expiring would otherwise leave next_release at B's place, and the key's next
// requests waiting, or refused as kWouldExpire, although it started nothing. The key's started
// requests keep their spacing, so this too never lets it above its rate.
//
// Invariants:
//  - Every paced request has eligible < arrival + max_wait, so it is released before its deadline
//    and expires, if at all, from the released heap.
//  - A key's next_release is past every place of the key still held, and a new place is at least
//    next_release, which then moves at least 1 ns past it: held places are distinct, and
//    schedule_[k].last_place (if not kNoPlace) is the place of the key's last admitted request.
//  - schedule_[k].held counts the key's places whose holders wait (buffered, paced or released);
//    started_release <= next_release.
//  - After Expire(now) the pacing heap holds only requests with eligible > now.
//  - Depth() = FIFO + released + pacing heap, at most max_depth.
#ifndef RATESIM_ENGINE_PACING_POLICY_H_
#define RATESIM_ENGINE_PACING_POLICY_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "engine/smoothing_policy.h"
#include "engine/ticket_ring.h"

namespace ratesim {

class PacingPolicy final : public SmoothingPolicy {
 public:
  static std::vector<ParamSpec> Params();
  // REQUIRES: `params` resolved against Params().
  explicit PacingPolicy(const ParamValues& params);

  Admission OnArrival(const Ticket& ticket, const KeyView& key, bool slot_free, Nanos now,
                      FailReason* reason) override;
  bool Next(Nanos now, Ticket* next, std::vector<Dropped>* dropped) override;
  void Expire(Nanos now, std::vector<Dropped>* dropped) override;
  // Gives the request's place in its key's schedule back as an expiry does. O(depth) for a paced
  // request: the heaps are searched and rebuilt.
  bool Withdraw(const Ticket& which, Ticket* withdrawn) override;
  Nanos NextWakeup() const override;
  bool UsesFitsAt() const override { return true; }
  bool ChargesOverRateRequests() const override { return true; }
  // A within-rate arrival on a free slot is served untouched; an over-rate one is paced (its
  // key's schedule moves even when it starts at once).
  bool ServesFreeSlotUntouched(RateClass rate_class) const override {
    return rate_class == RateClass::kWithin;
  }
  size_t Depth() const override { return ready_.size() + released_.size() + pacing_.size(); }

 private:
  // A paced request. `seq` (admission order) breaks ties, so that the order never depends on the
  // heap's internals. Its place in its key's schedule is `eligible`.
  struct Paced {
    Ticket ticket;
    Nanos eligible;
    Nanos release;  // the key's next_release its admission set: eligible + the spacing then
    uint64_t seq;
  };
  // A request that may start now, never paced, and its place in its key's schedule: kNoPlace for a
  // within-rate request, which takes none.
  struct Ready {
    Ticket ticket;
    Nanos place;
    Nanos release;  // place + the spacing at admission; unused without a place
  };
  // A key's pacing schedule: when its next over-rate request may be eligible, the place of the last
  // one admitted (kNoPlace once given back), the next_release that followed the latest place whose
  // holder started, and how many places are held by requests still waiting.
  struct KeySchedule {
    Nanos next_release;
    Nanos last_place;
    Nanos started_release;
    int64_t held;
  };

  // Queues `ticket`, holding `place` in its key's schedule, to start as soon as a slot frees (or at
  // once if one is free).
  Admission Enqueue(const Ticket& ticket, Nanos place, Nanos release, bool slot_free,
                    FailReason* reason);
  // Records that a request took `place` in `schedule` (moving next_release to `release`) with
  // `admission`: held while it waits, started if served at once, nothing if rejected.
  void TakePlace(KeySchedule& schedule, Nanos place, Nanos release, Admission admission);
  // The request `ticket`, which held `place` (kNoPlace: none), starts.
  void StartHolder(const Ticket& ticket, Nanos place, Nanos release);
  // `ticket`, which held `place` (kNoPlace: none), leaves unstarted (expired or withdrawn): gives
  // back what its place cost the key's schedule (see "A place given back").
  void GiveBackPlace(const Ticket& ticket, Nanos place);

  size_t max_depth_;
  Nanos max_wait_;
  double burst_;

  Ring<Ready> ready_;                  // may start now, never paced: arrival order
  std::vector<Paced> released_;        // paced, now eligible: min-heap by (arrival, seq)
  std::vector<Paced> pacing_;          // paced, not yet eligible: min-heap by (eligible, seq)
  std::vector<KeySchedule> schedule_;  // by KeyId, grown on demand
  uint64_t seq_ = 0;
  // Set when an arrival found a free slot while released requests were waiting: the engine does
  // not fill slots after an arrival, so NextWakeup asks for a Wake at that instant.
  Nanos fill_at_ = kNever;
};

}  // namespace ratesim

#endif  // RATESIM_ENGINE_PACING_POLICY_H_

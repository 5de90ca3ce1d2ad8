// `fair`: one FIFO per org, served by deficit round robin (Shreedhar & Varghese, 1995), so that one
// org's burst cannot starve the others: however deep its queue, an org gets one turn per round.
//
// The cost of a request is its token estimate (input + max output tokens; at least 1). Counting
// tokens rather than requests is what makes the share fair for LLM traffic: one 100k-token request
// holds a slot far longer than one 200-token request, and DRR with a byte-like cost is the classic
// way to share a link among flows of unequal packet sizes. Each turn adds `quantum` tokens to the
// org's deficit; the org is served while its front request costs no more than its deficit.
// Two orgs that stay backlogged receive token shares within quantum + largest cost of each other.
//
// Deadlines: every request waits at most max_wait. Each org's queue is in arrival order, so the
// earliest deadline is the oldest request of all: a global arrival-order list with lazy deletion
// (entries of requests that already left, served, expired or withdrawn, are skipped when they
// reach its front) keeps Expire and NextWakeup O(1) amortized, whatever the number of active orgs.
// The list holds at most the requests buffered within one max_wait of the oldest one still
// waiting. Each request carries its place in the list (`seq`), so that an entry is live iff its
// org's queue starts with that request.
//
// Cost: OnArrival O(1); Next O(1) per turn it passes, and when a whole round could send nothing
// (quantum below the front costs) one O(active orgs) pass grants the empty rounds at once, so Next
// never loops cost / quantum times.
//
// Invariants:
//  - An org is in the round (the circular list of active orgs) iff its queue is non-empty; its
//    deficit is 0 whenever it is not in the round.
//  - Only the org at the head of the round can be mid-turn (head_credited_); the others hold what
//    they kept from their last turn plus any empty rounds granted since.
//  - The front of the arrival list, when the buffer is non-empty, is a live entry: the oldest
//    buffered request. Entries are in seq order, as is each org's queue, so an entry whose request
//    is still queued is reached only once every older request of its org has left.
//  - depth_ is the sum of the org queues' sizes, at most max_depth.
#ifndef RATESIM_ENGINE_FAIR_POLICY_H_
#define RATESIM_ENGINE_FAIR_POLICY_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "engine/smoothing_policy.h"
#include "engine/ticket_ring.h"

namespace ratesim {

class FairPolicy final : public SmoothingPolicy {
 public:
  static std::vector<ParamSpec> Params();
  // REQUIRES: `params` resolved against Params().
  explicit FairPolicy(const ParamValues& params);

  Admission OnArrival(const Ticket& ticket, const KeyView& key, bool slot_free, Nanos now,
                      FailReason* reason) override;
  bool Next(Nanos now, Ticket* next, std::vector<Dropped>* dropped) override;
  void Expire(Nanos now, std::vector<Dropped>* dropped) override;
  bool Withdraw(const Ticket& which, Ticket* withdrawn) override;
  Nanos NextWakeup() const override;
  size_t Depth() const override { return depth_; }
  // OnArrival serves a free slot before it touches anything (its first line).
  bool ServesFreeSlotUntouched(RateClass) const override { return true; }

  // The cost DRR charges for `ticket`: its token estimate, at least 1.
  static int64_t Cost(const Ticket& ticket) {
    return ticket.token_estimate > 0 ? ticket.token_estimate : 1;
  }

 private:
  static constexpr OrgId kNoOrg = ~OrgId{0};

  // A buffered request and its place in the arrival list.
  struct Queued {
    Ticket ticket;
    uint64_t seq;
  };
  struct OrgQueue {
    Ring<Queued> queue;
    int64_t deficit = 0;  // tokens this org may still send in its current or next turn
    OrgId prev = kNoOrg;  // neighbours in the round, kNoOrg when not in it
    OrgId next = kNoOrg;
  };
  // One buffered request in arrival order: the request of `org` queued with `seq`.
  struct ArrivalEntry {
    OrgId org;
    uint64_t seq;
  };

  OrgQueue& Org(OrgId org);
  void JoinRound(OrgId org);
  void LeaveRound(OrgId org);
  Ticket PopFront(OrgId org);
  // Removes the org's `i`-th queued request, which has left by some other way than its turn.
  Ticket Remove(OrgId org, size_t i);
  // Drops the arrival list's entries whose request already left, so its front is live.
  void SkipStaleArrivals();
  // After a round in which no org could send: grants at once the further rounds in which none
  // could send either.
  void SkipEmptyRounds();

  size_t max_depth_;
  size_t max_depth_per_org_;  // 0: no per-org cap
  Nanos max_wait_;
  int64_t quantum_;

  std::vector<OrgQueue> orgs_;  // by OrgId, grown on demand
  OrgId head_ = kNoOrg;         // the org whose turn it is; kNoOrg when the round is empty
  size_t active_ = 0;           // orgs in the round
  bool head_credited_ = false;  // the head org already got its quantum for this turn
  size_t depth_ = 0;

  // Arrival-order list, a vector with a moving head, compacted when half of it is consumed.
  std::vector<ArrivalEntry> arrivals_;
  size_t arrivals_head_ = 0;
  uint64_t next_seq_ = 0;
};

}  // namespace ratesim

#endif  // RATESIM_ENGINE_FAIR_POLICY_H_

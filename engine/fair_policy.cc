#include "engine/fair_policy.h"

#include "engine/buffer_params.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ratesim {

std::vector<ParamSpec> FairPolicy::Params() {
  return {
      MaxDepthParam(),
      MaxWaitParam(30.0),
      {"quantum", ParamKind::kNumber, 4096.0, 0.0, true,
       "tokens (of input + max output) each org may send per round; rounded up to a whole token"},
      {"max_depth_per_org", ParamKind::kCount, 0.0, 0.0, false,
       "most requests one org may have waiting; 0 = no per-org cap"},
  };
}

FairPolicy::FairPolicy(const ParamValues& params)
    : max_depth_(MaxDepth(params)),
      max_depth_per_org_(static_cast<size_t>(params.at("max_depth_per_org"))),
      max_wait_(MaxWait(params)),
      quantum_(std::max<int64_t>(1, static_cast<int64_t>(std::ceil(params.at("quantum"))))) {}

SmoothingPolicy::Admission FairPolicy::OnArrival(const Ticket& ticket, const KeyView&,
                                                 bool slot_free, Nanos, FailReason* reason) {
  // The engine refills slots from the buffer as soon as they free, so a free slot means nothing
  // waits: the arrival takes it without jumping anyone.
  if (slot_free) return Admission::kServe;
  OrgQueue& org = Org(ticket.org);
  if (depth_ >= max_depth_ || (max_depth_per_org_ > 0 && org.queue.size() >= max_depth_per_org_)) {
    *reason = FailReason::kBufferFull;
    return Admission::kRejected;
  }
  if (org.queue.empty()) JoinRound(ticket.org);
  org.queue.push_back(Queued{ticket, next_seq_});
  arrivals_.push_back(ArrivalEntry{ticket.org, next_seq_});
  ++next_seq_;
  ++depth_;
  return Admission::kBuffered;
}

bool FairPolicy::Next(Nanos now, Ticket* next, std::vector<Dropped>* dropped) {
  Expire(now, dropped);
  if (depth_ == 0) return false;
  // Classic DRR, one request at a time: the head org gets its quantum once per turn and sends
  // while its front fits its deficit; then the turn passes on. Each pass over the round that sends
  // nothing is followed by a jump over the rounds that would send nothing either, so a quantum
  // much smaller than request costs costs O(orgs) per request, not O(orgs × cost / quantum).
  size_t turns_without_sending = 0;
  for (;;) {
    OrgQueue& org = orgs_[head_];
    if (!head_credited_) {
      org.deficit += quantum_;
      head_credited_ = true;
    }
    const int64_t cost = Cost(org.queue.front().ticket);
    if (cost <= org.deficit) {
      org.deficit -= cost;
      *next = PopFront(head_);
      SkipStaleArrivals();
      return true;
    }
    head_ = org.next;
    head_credited_ = false;
    if (++turns_without_sending == active_) {
      SkipEmptyRounds();
      turns_without_sending = 0;
    }
  }
}

void FairPolicy::Expire(Nanos now, std::vector<Dropped>* dropped) {
  // The front of the arrival list is the oldest request, hence the earliest deadline.
  while (depth_ > 0) {
    const OrgId org = arrivals_[arrivals_head_].org;
    if (orgs_[org].queue.front().ticket.arrival + max_wait_ > now) break;
    dropped->push_back({PopFront(org), FailReason::kExpired});
    ++arrivals_head_;
    SkipStaleArrivals();
  }
}

Nanos FairPolicy::NextWakeup() const {
  if (depth_ == 0) return kNever;
  return orgs_[arrivals_[arrivals_head_].org].queue.front().ticket.arrival + max_wait_;
}

bool FairPolicy::Withdraw(const Ticket& which, Ticket* withdrawn) {
  if (which.org >= orgs_.size()) return false;
  const Ring<Queued>& queue = orgs_[which.org].queue;
  const size_t at = FindRequest(queue, which);
  if (at == queue.size()) return false;
  *withdrawn = Remove(which.org, at);
  SkipStaleArrivals();
  return true;
}

FairPolicy::OrgQueue& FairPolicy::Org(OrgId org) {
  if (org >= orgs_.size()) orgs_.resize(static_cast<size_t>(org) + 1);
  return orgs_[org];
}

void FairPolicy::JoinRound(OrgId org) {
  OrgQueue& joining = orgs_[org];
  if (head_ == kNoOrg) {
    joining.prev = joining.next = org;
    head_ = org;
    head_credited_ = false;
  } else {
    // At the tail: just before the head, so it gets its turn after every org already waiting.
    const OrgId tail = orgs_[head_].prev;
    joining.prev = tail;
    joining.next = head_;
    orgs_[tail].next = org;
    orgs_[head_].prev = org;
  }
  ++active_;
}

void FairPolicy::LeaveRound(OrgId org) {
  OrgQueue& leaving = orgs_[org];
  if (head_ == org) {
    head_ = active_ == 1 ? kNoOrg : leaving.next;
    head_credited_ = false;
  }
  orgs_[leaving.prev].next = leaving.next;
  orgs_[leaving.next].prev = leaving.prev;
  leaving.prev = leaving.next = kNoOrg;
  // DRR forgets the credit of an org that went idle: being idle must not save up a burst.
  leaving.deficit = 0;
  --active_;
}

Ticket FairPolicy::PopFront(OrgId org) { return Remove(org, 0); }

Ticket FairPolicy::Remove(OrgId org, size_t i) {
  OrgQueue& queue = orgs_[org];
  const Ticket ticket = queue.queue[i].ticket;
  queue.queue.erase(i);
  --depth_;
  // The org keeps its turn and deficit if it still waits: a withdrawn request was never charged.
  if (queue.queue.empty()) LeaveRound(org);
  return ticket;
}

void FairPolicy::SkipStaleArrivals() {
  while (arrivals_head_ < arrivals_.size()) {
    const ArrivalEntry& entry = arrivals_[arrivals_head_];
    const Ring<Queued>& queue = orgs_[entry.org].queue;
    if (!queue.empty() && queue.front().seq == entry.seq) break;
    ++arrivals_head_;
  }
  // Compaction keeps the list no longer than twice the entries it still needs, and erase keeps
  // the capacity: the vector stops allocating once it has grown to the working size.
  if (arrivals_head_ == arrivals_.size()) {
    arrivals_.clear();
    arrivals_head_ = 0;
  } else if (arrivals_head_ >= 64 && 2 * arrivals_head_ >= arrivals_.size()) {
    arrivals_.erase(arrivals_.begin(), arrivals_.begin() + static_cast<ptrdiff_t>(arrivals_head_));
    arrivals_head_ = 0;
  }
}

void FairPolicy::SkipEmptyRounds() {
  // Every org in the round just had a turn without sending: each needs ceil(missing / quantum)
  // more turns. The rounds before the first of them can send are empty; grant them at once.
  int64_t rounds = std::numeric_limits<int64_t>::max();
  OrgId org = head_;
  for (size_t i = 0; i < active_; ++i, org = orgs_[org].next) {
    const int64_t missing = Cost(orgs_[org].queue.front().ticket) - orgs_[org].deficit;
    rounds = std::min(rounds, (missing + quantum_ - 1) / quantum_);
  }
  if (rounds <= 1) return;
  for (size_t i = 0; i < active_; ++i, org = orgs_[org].next) {
    orgs_[org].deficit += (rounds - 1) * quantum_;
  }
}

}  // namespace ratesim

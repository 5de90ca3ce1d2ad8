#include "engine/within_first_policy.h"

#include "engine/buffer_params.h"

#include <algorithm>

namespace ratesim {

std::vector<ParamSpec> WithinFirstPolicy::Params() {
  return {
      MaxDepthParam(),
      MaxWaitParam(30.0),
      {"max_wait_over", ParamKind::kDuration, 10.0, 0.0, true,
       "longest an over-rate request waits for spare capacity before it fails (429)"},
  };
}

WithinFirstPolicy::WithinFirstPolicy(const ParamValues& params)
    : max_depth_(MaxDepth(params)),
      max_wait_(MaxWait(params)),
      max_wait_over_(FromSeconds(params.at("max_wait_over"))) {}

SmoothingPolicy::Admission WithinFirstPolicy::OnArrival(const Ticket& ticket, const KeyView&,
                                                        bool slot_free, Nanos now,
                                                        FailReason* reason) {
  // A free slot means both FIFOs are empty (the engine refills slots as soon as they free): the
  // arrival, of either class, is spare-capacity work that no one else wants.
  if (slot_free) return Admission::kServe;
  const bool within = ticket.rate_class == RateClass::kWithin;
  if (Depth() >= max_depth_) {
    if (!within || over_.empty()) {
      *reason = FailReason::kBufferFull;
      return Admission::kRejected;
    }
    if (displaced_.empty()) displaced_at_ = now;
    displaced_.push_back(over_.pop_back());
  }
  (within ? within_ : over_).push_back(ticket);
  return Admission::kBuffered;
}

bool WithinFirstPolicy::Next(Nanos now, Ticket* next, std::vector<Dropped>* dropped) {
  Expire(now, dropped);
  if (!within_.empty()) {
    *next = within_.pop_front();
    return true;
  }
  if (!over_.empty()) {
    *next = over_.pop_front();
    return true;
  }
  return false;
}

void WithinFirstPolicy::Expire(Nanos now, std::vector<Dropped>* dropped) {
  for (const Ticket& ticket : displaced_) dropped->push_back({ticket, FailReason::kDisplaced});
  displaced_.clear();
  displaced_at_ = kNever;
  while (!within_.empty() && within_.front().arrival + max_wait_ <= now) {
    dropped->push_back({within_.pop_front(), FailReason::kExpired});
  }
  while (!over_.empty() && over_.front().arrival + max_wait_over_ <= now) {
    dropped->push_back({over_.pop_front(), FailReason::kExpired});
  }
}

bool WithinFirstPolicy::Withdraw(const Ticket& which, Ticket* withdrawn) {
  if (TakeRequest(within_, which, withdrawn)) return true;
  if (TakeRequest(over_, which, withdrawn)) return true;
  const auto it = std::find_if(displaced_.begin(), displaced_.end(),
                               [&which](const Ticket& ticket) { return IsRequest(ticket, which); });
  if (it == displaced_.end()) return false;
  *withdrawn = *it;
  displaced_.erase(it);
  // displaced_at_ may now be early, which costs one Wake that drops nothing.
  if (displaced_.empty()) displaced_at_ = kNever;
  return true;
}

Nanos WithinFirstPolicy::NextWakeup() const {
  Nanos wakeup = displaced_at_;
  if (!within_.empty()) wakeup = std::min(wakeup, within_.front().arrival + max_wait_);
  if (!over_.empty()) wakeup = std::min(wakeup, over_.front().arrival + max_wait_over_);
  return wakeup;
}

}  // namespace ratesim

#include "engine/codel_policy.h"

#include "engine/buffer_params.h"

namespace ratesim {

std::vector<ParamSpec> CodelPolicy::Params() {
  return {
      MaxDepthParam(),
      MaxWaitParam(60.0),
      StrictlyBelow({"target", ParamKind::kDuration, 5.0, 0.0, true,
                     "acceptable standing delay; in overload, the longest a request may wait",
                     "max_wait",
                     "a request leaves the buffer at max_wait, so no standing delay reaches a "
                     "target as long, and CoDel never sheds"}),
      {"interval", ParamKind::kDuration, 30.0, 0.0, true,
       "how long the standing delay must stay above target before the queue counts as overloaded"},
  };
}

CodelPolicy::CodelPolicy(const ParamValues& params)
    : max_depth_(MaxDepth(params)),
      max_wait_(MaxWait(params)),
      target_(FromSeconds(params.at("target"))),
      interval_(FromSeconds(params.at("interval"))) {}

SmoothingPolicy::Admission CodelPolicy::OnArrival(const Ticket& ticket, const KeyView&,
                                                  bool slot_free, Nanos, FailReason* reason) {
  // A free slot means the buffer is empty (the engine refills slots as soon as they free).
  if (slot_free) return Admission::kServe;
  if (buffer_.size() >= max_depth_) {
    *reason = FailReason::kBufferFull;
    return Admission::kRejected;
  }
  buffer_.push_back(ticket);
  return Admission::kBuffered;
}

bool CodelPolicy::Next(Nanos now, Ticket* next, std::vector<Dropped>* dropped) {
  Expire(now, dropped);
  if (buffer_.empty()) return false;

  // CoDel samples the standing delay at dequeue. In FIFO order this is the sojourn of the request
  // being dequeued, as in RFC 8289; taking the oldest keeps the signal meaningful under LIFO too.
  const Nanos standing = now - buffer_.front().arrival;
  if (standing <= target_) {
    first_above_ = kNever;
  } else if (first_above_ == kNever) {
    first_above_ = now + interval_;
  } else if (now >= first_above_) {
    overloaded_ = true;
  }

  if (!overloaded_) {
    *next = buffer_.pop_front();
  } else {
    while (!buffer_.empty() && now - buffer_.front().arrival > target_) {
      dropped->push_back({buffer_.pop_front(), FailReason::kShed});
    }
    if (buffer_.empty()) {
      Drained();
      return false;
    }
    *next = buffer_.pop_back();
  }
  if (buffer_.empty()) Drained();
  return true;
}

void CodelPolicy::Expire(Nanos now, std::vector<Dropped>* dropped) {
  while (!buffer_.empty() && buffer_.front().arrival + max_wait_ <= now) {
    dropped->push_back({buffer_.pop_front(), FailReason::kExpired});
  }
  if (buffer_.empty()) Drained();
}

bool CodelPolicy::Withdraw(const Ticket& which, Ticket* withdrawn) {
  if (!TakeRequest(buffer_, which, withdrawn)) return false;
  // The standing delay is sampled from the oldest request at each dequeue, so removing one needs
  // no correction; but an emptied queue has drained.
  if (buffer_.empty()) Drained();
  return true;
}

Nanos CodelPolicy::NextWakeup() const {
  return buffer_.empty() ? kNever : buffer_.front().arrival + max_wait_;
}

void CodelPolicy::Drained() {
  overloaded_ = false;
  first_above_ = kNever;
}

}  // namespace ratesim

#include "engine/fifo_policy.h"

#include "engine/buffer_params.h"

namespace ratesim {

std::vector<ParamSpec> FifoPolicy::Params() {
  return {
      MaxDepthParam(),
      MaxWaitParam(30.0),
  };
}

FifoPolicy::FifoPolicy(const ParamValues& params)
    : max_depth_(MaxDepth(params)),
      max_wait_(MaxWait(params)) {}

SmoothingPolicy::Admission FifoPolicy::OnArrival(const Ticket& ticket, const KeyView&, bool slot_free,
                                                 Nanos now, FailReason* reason) {
  // A free slot with requests still waiting cannot happen: the engine refills slots from the buffer
  // as soon as they free. So a free slot means the buffer is empty and the arrival goes first.
  if (slot_free) return Admission::kServe;
  if (buffer_.size() >= max_depth_) {
    *reason = FailReason::kBufferFull;
    return Admission::kRejected;
  }
  buffer_.push_back(ticket);
  return Admission::kBuffered;
}

bool FifoPolicy::Next(Nanos now, Ticket* next, std::vector<Dropped>* dropped) {
  Expire(now, dropped);
  if (buffer_.empty()) return false;
  *next = buffer_.pop_front();
  return true;
}

void FifoPolicy::Expire(Nanos now, std::vector<Dropped>* dropped) {
  while (!buffer_.empty() && buffer_.front().arrival + max_wait_ <= now) {
    dropped->push_back({buffer_.pop_front(), FailReason::kExpired});
  }
}

bool FifoPolicy::Withdraw(const Ticket& which, Ticket* withdrawn) {
  return TakeRequest(buffer_, which, withdrawn);
}

Nanos FifoPolicy::NextWakeup() const {
  return buffer_.empty() ? kNever : buffer_.front().arrival + max_wait_;
}

}  // namespace ratesim

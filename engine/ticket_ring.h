// A growable ring buffer of tickets: a FIFO that, unlike std::deque, allocates only when it grows
// past its largest size so far, never per push.
#ifndef RATESIM_ENGINE_TICKET_RING_H_
#define RATESIM_ENGINE_TICKET_RING_H_

#include <cstddef>
#include <vector>

#include "engine/ticket.h"

namespace ratesim {

class TicketRing {
 public:
  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }

  // REQUIRES: !empty().
  const Ticket& front() const { return slots_[head_]; }
  const Ticket& back() const { return slots_[(head_ + size_ - 1) & (slots_.size() - 1)]; }

  void push_back(const Ticket& ticket) {
    if (size_ == slots_.size()) Grow();
    slots_[(head_ + size_) & (slots_.size() - 1)] = ticket;
    ++size_;
  }
  void push_front(const Ticket& ticket) {
    if (size_ == slots_.size()) Grow();
    head_ = (head_ + slots_.size() - 1) & (slots_.size() - 1);
    slots_[head_] = ticket;
    ++size_;
  }
  // REQUIRES: !empty().
  Ticket pop_front() {
    Ticket ticket = slots_[head_];
    head_ = (head_ + 1) & (slots_.size() - 1);
    --size_;
    return ticket;
  }
  Ticket pop_back() {
    --size_;
    return slots_[(head_ + size_) & (slots_.size() - 1)];
  }

 private:
  // Capacity stays a power of two so that wrapping is a mask.
  void Grow() {
    std::vector<Ticket> bigger(slots_.empty() ? 16 : slots_.size() * 2);
    for (size_t i = 0; i < size_; ++i) bigger[i] = slots_[(head_ + i) & (slots_.size() - 1)];
    slots_.swap(bigger);
    head_ = 0;
  }

  std::vector<Ticket> slots_;
  size_t head_ = 0;
  size_t size_ = 0;
};

}  // namespace ratesim

#endif  // RATESIM_ENGINE_TICKET_RING_H_

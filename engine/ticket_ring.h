// A growable ring buffer: a FIFO that, unlike std::deque, allocates only when it grows past its
// largest size so far, never per push. Policies buffer tickets in a TicketRing; one that keeps more
// per request (pacing: its place in the key's schedule) rings its own plain struct.
#ifndef RATESIM_ENGINE_TICKET_RING_H_
#define RATESIM_ENGINE_TICKET_RING_H_

#include <cstddef>
#include <vector>

#include "engine/ticket.h"

namespace ratesim {

template <typename Entry>
class Ring {
 public:
  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }

  // REQUIRES: !empty().
  const Entry& front() const { return slots_[head_]; }
  const Entry& back() const { return slots_[(head_ + size_ - 1) & (slots_.size() - 1)]; }

  void push_back(const Entry& entry) {
    if (size_ == slots_.size()) Grow();
    slots_[(head_ + size_) & (slots_.size() - 1)] = entry;
    ++size_;
  }
  void push_front(const Entry& entry) {
    if (size_ == slots_.size()) Grow();
    head_ = (head_ + slots_.size() - 1) & (slots_.size() - 1);
    slots_[head_] = entry;
    ++size_;
  }
  // REQUIRES: !empty().
  Entry pop_front() {
    Entry entry = slots_[head_];
    head_ = (head_ + 1) & (slots_.size() - 1);
    --size_;
    return entry;
  }
  Entry pop_back() {
    --size_;
    return slots_[(head_ + size_) & (slots_.size() - 1)];
  }

 private:
  // Capacity stays a power of two so that wrapping is a mask.
  void Grow() {
    std::vector<Entry> bigger(slots_.empty() ? 16 : slots_.size() * 2);
    for (size_t i = 0; i < size_; ++i) bigger[i] = slots_[(head_ + i) & (slots_.size() - 1)];
    slots_.swap(bigger);
    head_ = 0;
  }

  std::vector<Entry> slots_;
  size_t head_ = 0;
  size_t size_ = 0;
};

using TicketRing = Ring<Ticket>;

}  // namespace ratesim

#endif  // RATESIM_ENGINE_TICKET_RING_H_

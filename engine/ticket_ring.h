// A growable ring buffer: a FIFO that, unlike std::deque, allocates only when it grows past its
// largest size so far, never per push. Policies buffer tickets in a TicketRing; one that keeps more
// per request (pacing: its place in the key's schedule) rings its own plain struct.
#ifndef RATESIM_ENGINE_TICKET_RING_H_
#define RATESIM_ENGINE_TICKET_RING_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "engine/ticket.h"

namespace ratesim {

template <typename Entry>
class Ring {
 public:
  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }

  // REQUIRES: i < size(). The i-th entry from the front.
  const Entry& operator[](size_t i) const { return slots_[(head_ + i) & (slots_.size() - 1)]; }

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
  // REQUIRES: i < size(). Removes the i-th entry, keeping the others in order. It moves the entries
  // on the shorter side of it, so removing near either end costs little: a client's timeout
  // usually withdraws one of the oldest requests, at the front.
  void erase(size_t i) {
    const size_t mask = slots_.size() - 1;
    if (i < size_ / 2) {
      for (size_t j = i; j > 0; --j) slots_[(head_ + j) & mask] = slots_[(head_ + j - 1) & mask];
      head_ = (head_ + 1) & mask;
    } else {
      for (size_t j = i; j + 1 < size_; ++j) {
        slots_[(head_ + j) & mask] = slots_[(head_ + j + 1) & mask];
      }
    }
    --size_;
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

// The ticket a ring's entry holds: a Ticket is its own; a policy's entry struct has a `ticket`.
inline const Ticket& TicketOf(const Ticket& ticket) { return ticket; }
template <typename Entry>
const Ticket& TicketOf(const Entry& entry) {
  return entry.ticket;
}

// The position in `ring`, which is in arrival order, of the request with the handle and arrival of
// `which`; ring.size() if it holds none. A binary search for the instant, then a scan of the
// requests that arrived at it.
template <typename Entry>
size_t FindRequest(const Ring<Entry>& ring, const Ticket& which) {
  const Nanos arrival = which.arrival;
  size_t low = 0;
  size_t high = ring.size();
  while (low < high) {
    const size_t mid = low + (high - low) / 2;
    if (TicketOf(ring[mid]).arrival < arrival) {
      low = mid + 1;
    } else {
      high = mid;
    }
  }
  for (; low < ring.size() && TicketOf(ring[low]).arrival == arrival; ++low) {
    if (IsRequest(TicketOf(ring[low]), which)) return low;
  }
  return ring.size();
}

// Removes that request from `ring` into *taken; false, and nothing changed, if `ring` holds none.
template <typename Entry>
bool TakeRequest(Ring<Entry>& ring, const Ticket& which, Entry* taken) {
  const size_t i = FindRequest(ring, which);
  if (i == ring.size()) return false;
  *taken = ring[i];
  ring.erase(i);
  return true;
}

}  // namespace ratesim

#endif  // RATESIM_ENGINE_TICKET_RING_H_

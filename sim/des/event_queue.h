// The simulator's future-event list: a priority queue of small plain events ordered by time, with
// ties broken by push order so that a run is a pure function of its inputs.
//
// Events carry no pointers or callbacks: `kind` says what happened and `a`, `b` are its arguments
// (e.g. a client id and a request id); the simulator dispatches on `kind` with a switch.
//
// Thread-safety: none; one queue belongs to one simulation run.
#ifndef RATESIM_SIM_DES_EVENT_QUEUE_H_
#define RATESIM_SIM_DES_EVENT_QUEUE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "engine/time.h"

namespace ratesim {

struct Event {
  Nanos time;     // When the event fires.
  uint64_t seq;   // Push counter, assigned by the queue; unique within one queue.
  uint32_t kind;  // What happens; meaning chosen by the simulator.
  uint32_t a;     // Small argument, typically a dense id.
  uint64_t b;     // Large argument, typically a request id or payload.
};

// An implicit 4-ary min-heap keyed by (time, seq). Four children per node halve the tree's height
// compared with a binary heap, and the four children of a node sit next to each other in memory, so
// Pop's sift-down touches fewer cache lines. Memory grows only when the queue exceeds its largest
// size so far (or the size passed to Reserve); a push or pop never allocates otherwise.
//
// Invariants:
//   - heap_[0 .. size) holds every pending event; node i's children are 4i+1 .. 4i+4, its parent
//     is (i-1)/4.
//   - No child is Before its parent, so heap_[0] is the minimum by (time, seq).
//   - seq values are distinct (next_seq_ only grows), so (time, seq) is a strict total order: the
//     pop order is fully determined: earliest time first, and among equal times, first pushed
//     first.
class EventQueue {
 public:
  EventQueue() = default;

  // Schedules an event. Any time is accepted, including times earlier than ones already popped;
  // keeping time monotone is the simulator's business, not the queue's.
  void Push(Nanos time, uint32_t kind, uint32_t a, uint64_t b) {
    heap_.push_back(Event{time, next_seq_++, kind, a, b});
    SiftUp(heap_.size() - 1);
  }

  // Removes and returns the earliest event (first pushed among equals).
  // REQUIRES: !Empty().
  Event Pop() {
    const Event top = heap_.front();
    const Event last = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) SiftDown(last);
    return top;
  }

  // The event Pop would return. The reference is valid until the next Push or Pop.
  // REQUIRES: !Empty().
  const Event& Top() const { return heap_.front(); }

  bool Empty() const { return heap_.empty(); }
  size_t Size() const { return heap_.size(); }

  // Pre-sizes storage for `capacity` pending events so a run never allocates after warm-up.
  void Reserve(size_t capacity) { heap_.reserve(capacity); }

 private:
  static constexpr size_t kArity = 4;

  static bool Before(const Event& x, const Event& y) {
    return x.time < y.time || (x.time == y.time && x.seq < y.seq);
  }

  // Moves heap_[index] up to its place. Uses a hole rather than swaps: each step is one copy.
  void SiftUp(size_t index) {
    const Event moving = heap_[index];
    while (index > 0) {
      const size_t parent = (index - 1) / kArity;
      if (!Before(moving, heap_[parent])) break;
      heap_[index] = heap_[parent];
      index = parent;
    }
    heap_[index] = moving;
  }

  // Places `moving` starting from the hole at the root, pulling the smallest child up while it is
  // Before `moving`.
  void SiftDown(const Event& moving) {
    const size_t size = heap_.size();
    size_t hole = 0;
    while (true) {
      const size_t first_child = kArity * hole + 1;
      if (first_child >= size) break;
      const size_t end = first_child + kArity < size ? first_child + kArity : size;
      size_t best = first_child;
      for (size_t child = first_child + 1; child < end; ++child) {
        if (Before(heap_[child], heap_[best])) best = child;
      }
      if (!Before(heap_[best], moving)) break;
      heap_[hole] = heap_[best];
      hole = best;
    }
    heap_[hole] = moving;
  }

  std::vector<Event> heap_;
  uint64_t next_seq_ = 0;
};

}  // namespace ratesim

#endif  // RATESIM_SIM_DES_EVENT_QUEUE_H_

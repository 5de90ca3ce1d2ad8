// The simulator's future-event list: a priority queue of small plain events ordered by time, with
// ties broken by push order so that a run is a pure function of its inputs.
//
// Events carry no pointers or callbacks: `kind` says what happened and `a`, `b` are its arguments
// (e.g. a client id and a request id); the simulator dispatches on `kind` with a switch.
//
// Thread-safety: none; one queue belongs to one simulation run.
#ifndef RATESIM_SIM_DES_EVENT_QUEUE_H_
#define RATESIM_SIM_DES_EVENT_QUEUE_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <utility>
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

// An implicit 4-ary min-heap of 16-byte keys, with each event's arguments stored out of line.
//
// Why this shape (measured with BM_EventQueueHold, see bench/README.md):
//   - A key is one unsigned 128-bit integer, (time with its sign bit flipped) << 64 | tag << 32 |
//     slot, so the heap order is a single branch-free integer compare: no mispredicted branch per
//     child, which dominated the 32-byte (time, seq) events compared field by field.
//   - Four 16-byte keys fill one 64-byte cache line. The array is offset so that every sibling
//     group starts on a line boundary: a sift-down step reads one line, and it prefetches the four
//     lines of the grandchildren while it compares the children.
//   - Pop leaves the root empty and lets the next Push fill it ("replace top": one sift-down
//     instead of a sift-down plus a sift-up). A simulator pops an event and schedules one or two
//     more almost every time, so this is the common case. Any other call settles the root first.
//
// `tag` is the event's rank in push order among the pending events, 32 bits wide. It counts up with
// each push; when it reaches the limit (2^32), the pending events are renumbered 0..n-1 in push
// order, which keeps every comparison's result and so the heap valid. `slot` indexes payload_,
// the events' other fields; freed slots are reused, so memory follows the peak pending count.
//
// Invariants:
//   - h_[0 .. size_) are the keys; node i's children are 4i+1 .. 4i+4, its parent (i-1)/4. No
//     child is less than its parent. If dead_root_, h_[0] is an event already popped (a hole) and
//     the heap property holds for every node below it.
//   - Among pending events, tags are distinct and ordered as seq is (push order), so the key order
//     is (time, seq): earliest time first, and among equal times, first pushed first.
//   - payload_[slot] holds the seq, kind, a and b of the pending event whose key has that slot; the
//     slots not used by a pending event are in free_.
// Memory grows only when the queue exceeds its largest size so far (or the size passed to
// Reserve); otherwise a push or pop never allocates.
class EventQueue {
 public:
  static constexpr uint64_t kMaxTagLimit = uint64_t{1} << 32;

  // `tag_limit` exists for tests, to exercise the renumbering; leave it at its default.
  // REQUIRES: tag_limit >= 2.
  explicit EventQueue(uint64_t tag_limit = kMaxTagLimit)
      : tag_limit_(std::min(tag_limit, kMaxTagLimit)) {}
  EventQueue(const EventQueue&) = delete;
  EventQueue& operator=(const EventQueue&) = delete;
  ~EventQueue() { std::free(storage_); }

  // Schedules an event. Any time is accepted, including times earlier than ones already popped;
  // keeping time monotone is the simulator's business, not the queue's.
  // REQUIRES: Size() < the tag limit (2^32 unless a test set it lower).
  void Push(Nanos time, uint32_t kind, uint32_t a, uint64_t b) {
    if (tag_ == tag_limit_) Renumber();
    uint32_t slot;
    if (!free_.empty()) {
      slot = free_.back();
      free_.pop_back();
      payload_[slot] = Payload{next_seq_++, kind, a, b};
    } else {
      slot = static_cast<uint32_t>(payload_.size());
      payload_.push_back(Payload{next_seq_++, kind, a, b});
    }
    const Key key = MakeKey(time, tag_++, slot);
    if (dead_root_) {
      dead_root_ = false;
      SiftDown(key);
      return;
    }
    if (size_ == capacity_) Grow(capacity_ == 0 ? 16 : 2 * capacity_);
    SiftUp(size_++, key);
  }

  // Removes and returns the earliest event (first pushed among equals).
  // REQUIRES: !Empty().
  Event Pop() {
    Settle();
    const Key top = heap_[0];
    const uint32_t slot = static_cast<uint32_t>(top);
    const Payload& payload = payload_[slot];
    free_.push_back(slot);
    dead_root_ = true;
    return Event{KeyTime(top), payload.seq, payload.kind, payload.a, payload.b};
  }

  // The event Pop would return, without removing it.
  // REQUIRES: !Empty().
  Event Top() {
    Settle();
    const Payload& payload = payload_[static_cast<uint32_t>(heap_[0])];
    return Event{KeyTime(heap_[0]), payload.seq, payload.kind, payload.a, payload.b};
  }

  bool Empty() const { return Size() == 0; }
  size_t Size() const { return size_ - (dead_root_ ? 1 : 0); }

  // Pre-sizes storage for `capacity` pending events so a run never allocates after warm-up.
  void Reserve(size_t capacity) {
    if (capacity > capacity_) Grow(capacity);
    payload_.reserve(capacity);
    free_.reserve(capacity);
  }

 private:
  __extension__ typedef unsigned __int128 Key;

  struct Payload {
    uint64_t seq;
    uint32_t kind;
    uint32_t a;
    uint64_t b;
  };

  static constexpr size_t kArity = 4;
  static constexpr uint64_t kSignBit = uint64_t{1} << 63;
  // heap_[0] sits this many keys past the start of the 64-byte aligned storage, so that the first
  // child group, heap_[1 .. 4], and therefore every group heap_[4i+1 .. 4i+4], starts a line.
  static constexpr size_t kOffset = 3;
  static constexpr size_t kLine = 64;

  // Flipping the sign bit maps int64 order onto uint64 order.
  static Key MakeKey(Nanos time, uint64_t tag, uint32_t slot) {
    return static_cast<Key>(static_cast<uint64_t>(time) ^ kSignBit) << 64 | tag << 32 | slot;
  }
  static Nanos KeyTime(Key key) {
    return static_cast<Nanos>(static_cast<uint64_t>(key >> 64) ^ kSignBit);
  }

  // Completes a Pop: moves the last key into the root hole and sifts it down.
  void Settle() {
    if (!dead_root_) return;
    dead_root_ = false;
    const Key last = heap_[--size_];
    if (size_ > 0) SiftDown(last);
  }

  void Grow(size_t capacity) {
    const size_t bytes = ((capacity + kOffset) * sizeof(Key) + kLine - 1) / kLine * kLine;
    void* storage = std::aligned_alloc(kLine, bytes);
    if (storage == nullptr) throw std::bad_alloc();
    Key* heap = static_cast<Key*>(storage) + kOffset;
    std::copy(heap_, heap_ + size_, heap);
    std::free(storage_);
    storage_ = storage;
    heap_ = heap;
    capacity_ = capacity;
  }

  // Renumbers the pending events' tags 0..n-1 in push order. Relative order is unchanged, so the
  // heap stays valid.
  void Renumber() {
    Settle();
    std::vector<std::pair<uint64_t, size_t>> order;  // (seq, heap index)
    order.reserve(size_);
    for (size_t i = 0; i < size_; ++i) {
      order.emplace_back(payload_[static_cast<uint32_t>(heap_[i])].seq, i);
    }
    std::sort(order.begin(), order.end());
    for (uint64_t rank = 0; rank < order.size(); ++rank) {
      Key& key = heap_[order[rank].second];
      key = MakeKey(KeyTime(key), rank, static_cast<uint32_t>(key));
    }
    tag_ = size_;
  }

  // Hints the four child groups of heap_[first .. first + 3] into the cache. Prefetches never
  // fault, so lines past the end are harmless; the address is formed as an integer for that.
  void PrefetchGrandchildren(size_t first) const {
    const uintptr_t base =
        reinterpret_cast<uintptr_t>(heap_) + (kArity * first + 1) * sizeof(Key);
    for (size_t group = 0; group < kArity; ++group) {
      __builtin_prefetch(reinterpret_cast<const void*>(base + group * kLine));
    }
  }

  // The least of the four full children heap_[first .. first + 3], as a tournament of selects.
  size_t MinOfFour(size_t first) const {
    const size_t x = heap_[first + 1] < heap_[first] ? first + 1 : first;
    const size_t y = heap_[first + 3] < heap_[first + 2] ? first + 3 : first + 2;
    return heap_[y] < heap_[x] ? y : x;
  }

  // Places `moving` starting from the hole at the root, pulling the least child up while it is
  // less than `moving`.
  void SiftDown(Key moving) {
    size_t hole = 0;
    while (true) {
      const size_t first = kArity * hole + 1;
      size_t best;
      if (first + kArity <= size_) {
        PrefetchGrandchildren(first);
        best = MinOfFour(first);
      } else {
        if (first >= size_) break;
        best = first;
        for (size_t child = first + 1; child < size_; ++child) {
          if (heap_[child] < heap_[best]) best = child;
        }
      }
      if (!(heap_[best] < moving)) break;
      heap_[hole] = heap_[best];
      hole = best;
    }
    heap_[hole] = moving;
  }

  // Moves `moving` up from the hole at `index`. Each step is one copy, not a swap.
  void SiftUp(size_t index, Key moving) {
    while (index > 0) {
      const size_t parent = (index - 1) / kArity;
      if (!(moving < heap_[parent])) break;
      heap_[index] = heap_[parent];
      index = parent;
    }
    heap_[index] = moving;
  }

  void* storage_ = nullptr;  // aligned_alloc'd, kOffset keys before heap_
  Key* heap_ = nullptr;
  size_t size_ = 0;       // keys in heap_, the dead root included
  size_t capacity_ = 0;   // keys heap_ can hold
  bool dead_root_ = false;
  std::vector<Payload> payload_;
  std::vector<uint32_t> free_;
  uint64_t next_seq_ = 0;
  uint64_t tag_ = 0;  // the next push's tag
  const uint64_t tag_limit_;
};

}  // namespace ratesim

#endif  // RATESIM_SIM_DES_EVENT_QUEUE_H_

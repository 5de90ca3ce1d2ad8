// A pool of reusable slots addressed by index: what the simulator keeps per request in flight.
// Freed slots are reused, so memory follows the peak number in use, not the number ever allocated,
// and an index stays valid (and stable) from Allocate to Free.
#ifndef RATESIM_SIM_DES_SLOT_POOL_H_
#define RATESIM_SIM_DES_SLOT_POOL_H_

#include <cstdint>
#include <vector>

namespace ratesim {

template <typename T>
class SlotPool {
 public:
  // A slot holding `value`. Given the value rather than resetting the slot and then filling it in:
  // for a large T, `items_[slot] = T{}` built a zeroed copy with `rep stos`, 5% of a whole M/M/c/K
  // simulation, before every field was overwritten anyway.
  uint64_t Allocate(const T& value) {
    ++in_use_count_;
    if (!free_.empty()) {
      const uint64_t slot = free_.back();
      free_.pop_back();
      items_[slot] = value;
      in_use_[slot] = 1;
      return slot;
    }
    items_.push_back(value);
    in_use_.push_back(1);
    return items_.size() - 1;
  }
  // A slot holding a value-initialised T.
  uint64_t Allocate() { return Allocate(T{}); }

  // REQUIRES: `slot` is in use.
  void Free(uint64_t slot) {
    --in_use_count_;
    in_use_[slot] = 0;
    free_.push_back(slot);
  }

  T& operator[](uint64_t slot) { return items_[slot]; }
  const T& operator[](uint64_t slot) const { return items_[slot]; }

  int64_t in_use() const { return in_use_count_; }

  // Calls `visit(item)` for every slot in use, in slot order.
  template <typename Visit>
  void ForEachInUse(Visit visit) const {
    for (uint64_t slot = 0; slot < items_.size(); ++slot) {
      if (in_use_[slot]) visit(items_[slot]);
    }
  }

 private:
  std::vector<T> items_;
  std::vector<uint8_t> in_use_;  // bytes, not vector<bool>: Allocate and Free are on the hot path
  std::vector<uint64_t> free_;
  int64_t in_use_count_ = 0;
};

}  // namespace ratesim

#endif  // RATESIM_SIM_DES_SLOT_POOL_H_

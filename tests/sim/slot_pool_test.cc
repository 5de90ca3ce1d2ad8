#include "sim/des/slot_pool.h"

#include <map>
#include <vector>

#include "gtest/gtest.h"
#include "sim/des/random.h"

namespace ratesim {
namespace {

TEST(SlotPool, ReusesFreedSlotsAndKeepsLiveOnesIntact) {
  SlotPool<int> pool;
  std::map<uint64_t, int> oracle;  // slot -> the value written there
  Rng rng(11);
  uint64_t highest = 0;
  size_t peak = 0;
  int next_value = 1;
  for (int step = 0; step < 100000; ++step) {
    if (oracle.empty() || rng.UniformInt(3) != 0) {
      const uint64_t slot = pool.Allocate();
      ASSERT_EQ(oracle.count(slot), 0u) << "slot " << slot << " handed out twice";
      EXPECT_EQ(pool[slot], 0) << "a reused slot starts value-initialised";
      pool[slot] = next_value;
      oracle[slot] = next_value++;
      highest = std::max(highest, slot);
      peak = std::max(peak, oracle.size());
    } else {
      auto it = oracle.begin();
      std::advance(it, rng.UniformInt(oracle.size()));
      ASSERT_EQ(pool[it->first], it->second);
      pool.Free(it->first);
      oracle.erase(it);
    }
    ASSERT_EQ(pool.in_use(), static_cast<int64_t>(oracle.size()));
  }
  // Memory follows the peak in use: freed slots are reused before the pool grows, so the slots ever
  // handed out are exactly as many as were ever live at once.
  EXPECT_EQ(highest + 1, peak);
  std::vector<int> visited;
  pool.ForEachInUse([&](int value) { visited.push_back(value); });
  std::vector<int> expected;
  for (const auto& entry : oracle) expected.push_back(entry.second);
  EXPECT_EQ(visited, expected);
}

TEST(SlotPool, AFreedSlotIsTheNextOneAllocated) {
  SlotPool<int> pool;
  const uint64_t a = pool.Allocate();
  const uint64_t b = pool.Allocate();
  pool.Free(a);
  EXPECT_EQ(pool.Allocate(), a);
  EXPECT_EQ(pool.Allocate(), b + 1);
  EXPECT_EQ(pool.in_use(), 3);
}

}  // namespace
}  // namespace ratesim

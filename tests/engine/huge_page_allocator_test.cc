#include "engine/huge_page_allocator.h"

#include <cstdint>
#include <numeric>
#include <vector>

#include "gtest/gtest.h"

namespace ratesim {
namespace {

struct alignas(64) Line {
  int64_t words[8];
};

TEST(HugePageAllocator, LargeBlocksAreHugePageAligned) {
  std::vector<Line, HugePageAllocator<Line>> lines(100000);  // 6.4 MB
  EXPECT_EQ(reinterpret_cast<uintptr_t>(lines.data()) % huge_page_internal::kHugePageBytes, 0u);
}

TEST(HugePageAllocator, SmallBlocksKeepTheTypesAlignment) {
  std::vector<Line, HugePageAllocator<Line>> lines(3);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(lines.data()) % alignof(Line), 0u);
}

TEST(HugePageAllocator, GrowingAcrossTheThresholdKeepsTheContents) {
  // Starts small (plain new), grows past 2 MiB (huge-page blocks) and back through a copy; every
  // block is freed the way it was allocated (the sanitizer build checks the pairing).
  std::vector<int64_t, HugePageAllocator<int64_t>> values;
  for (int64_t i = 0; i < 1'000'000; ++i) values.push_back(i);
  EXPECT_EQ(std::accumulate(values.begin(), values.end(), int64_t{0}), 999'999LL * 1'000'000 / 2);
  values.resize(10);
  values.shrink_to_fit();
  EXPECT_EQ(values.back(), 9);
}

}  // namespace
}  // namespace ratesim

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

TEST(HugePageAllocator, CountsTheLargeBlocksItHolds) {
  const size_t before = HugePageBytesInUse();
  {
    std::vector<Line, HugePageAllocator<Line>> lines(100000);  // 6.4 MB, a mapping of its own
    EXPECT_GE(HugePageBytesInUse() - before, lines.size() * sizeof(Line));
    // Whole small pages, not whole huge pages: at most one page of rounding.
    EXPECT_LT(HugePageBytesInUse() - before, lines.size() * sizeof(Line) + 65536);
    std::vector<Line, HugePageAllocator<Line>> few(3);  // small: plain new, not counted
    EXPECT_GE(HugePageBytesInUse() - before, lines.size() * sizeof(Line));
    EXPECT_LT(HugePageBytesInUse() - before, lines.size() * sizeof(Line) + 65536);
  }
  EXPECT_EQ(HugePageBytesInUse(), before);
}

TEST(HugePageAllocator, SmallBlocksKeepTheTypesAlignment) {
  // Far above what malloc gives by chance (16 bytes), so plain malloc would fail this.
  struct alignas(4096) Page {
    char bytes[4096];
  };
  std::vector<std::vector<Page, HugePageAllocator<Page>>> blocks;
  for (int i = 0; i < 8; ++i) {
    blocks.emplace_back(2);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(blocks.back().data()) % alignof(Page), 0u);
  }
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

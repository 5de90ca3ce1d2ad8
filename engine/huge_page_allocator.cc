#include "engine/huge_page_allocator.h"

#if __has_include(<sys/mman.h>)
#include <sys/mman.h>
#endif

namespace ratesim::huge_page_internal {

void* AllocateHuge(size_t bytes) {
  // aligned_alloc wants a multiple of the alignment; the rounding is at most one page of address
  // space, and pages never touched cost nothing.
  if (bytes > SIZE_MAX - kHugePageBytes) throw std::bad_alloc();
  const size_t rounded = (bytes + kHugePageBytes - 1) / kHugePageBytes * kHugePageBytes;
  void* block = std::aligned_alloc(kHugePageBytes, rounded);
  if (block == nullptr) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
  // Advice only: if the kernel declines, the block is ordinary memory.
  (void)madvise(block, rounded, MADV_HUGEPAGE);
#endif
  return block;
}

}  // namespace ratesim::huge_page_internal

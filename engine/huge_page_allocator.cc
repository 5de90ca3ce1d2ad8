#include "engine/huge_page_allocator.h"

#include <atomic>
#include <cstdlib>

#if __has_include(<sys/mman.h>) && __has_include(<unistd.h>)
#include <sys/mman.h>
#include <unistd.h>
#define RATESIM_HAVE_MMAP 1
#endif

namespace ratesim {
namespace {

std::atomic<size_t> bytes_in_use{0};

size_t RoundUp(size_t value, size_t multiple) { return (value + multiple - 1) / multiple * multiple; }

#ifdef RATESIM_HAVE_MMAP
size_t SmallPage() {
  static const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  return page;
}
#endif

// What a block of `bytes` occupies: whole small pages (the mapping's unit).
size_t Footprint(size_t bytes) {
#ifdef RATESIM_HAVE_MMAP
  return RoundUp(bytes, SmallPage());
#else
  return RoundUp(bytes, huge_page_internal::kHugePageBytes);  // aligned_alloc's rule
#endif
}

}  // namespace

size_t HugePageBytesInUse() { return bytes_in_use.load(std::memory_order_relaxed); }

namespace huge_page_internal {

void* AllocateHuge(size_t bytes) {
  if (bytes > SIZE_MAX - 2 * kHugePageBytes) throw std::bad_alloc();
  const size_t length = Footprint(bytes);
#ifdef RATESIM_HAVE_MMAP
  // Over-map by one huge page, then give back the unaligned head and the tail beyond `length`.
  void* raw = mmap(nullptr, length + kHugePageBytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) throw std::bad_alloc();
  const uintptr_t first = reinterpret_cast<uintptr_t>(raw);
  const uintptr_t start = RoundUp(first, kHugePageBytes);
  if (start > first) munmap(raw, start - first);
  const size_t tail = kHugePageBytes - (start - first);
  if (tail > 0) munmap(reinterpret_cast<void*>(start + length), tail);
  void* block = reinterpret_cast<void*>(start);
#ifdef MADV_HUGEPAGE
  // Advice only: if the kernel declines, the block is ordinary memory.
  (void)madvise(block, length, MADV_HUGEPAGE);
#endif
#else
  void* block = std::aligned_alloc(kHugePageBytes, length);
  if (block == nullptr) throw std::bad_alloc();
#endif
  bytes_in_use.fetch_add(length, std::memory_order_relaxed);
  return block;
}

void FreeHuge(void* block, size_t bytes) noexcept {
  const size_t length = Footprint(bytes);
#ifdef RATESIM_HAVE_MMAP
  munmap(block, length);
#else
  std::free(block);
#endif
  bytes_in_use.fetch_sub(length, std::memory_order_relaxed);
}

}  // namespace huge_page_internal
}  // namespace ratesim

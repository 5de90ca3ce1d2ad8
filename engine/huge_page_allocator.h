// An allocator for the engine's large per-key arrays. A block of 2 MiB or more is aligned to 2 MiB
// and offered to the kernel for transparent huge pages (madvise), so that touching one of a million
// keys at random costs a cache miss, not a cache miss plus a page walk: with 4 KiB pages a 64 MB
// key array spans 16,384 pages, far more than the TLB holds. Smaller blocks are plain `new`.
//
// Where THP is off ("never") the advice is ignored and the array works as before; where it is
// "always" it changes nothing. Debian's default, "madvise", is the case this is for. Off Linux (no
// <sys/mman.h>) the blocks are only aligned.
//
// A large block is a mapping of its own (mmap), 2 MiB aligned and trimmed to the block's size in
// whole small pages: it costs what it holds, every whole 2 MiB of it can be a huge page, and the
// advice goes away with the mapping. These bytes are not malloc's: HugePageBytesInUse() counts them
// for whoever measures the heap (bench/memory_bench).
#ifndef RATESIM_ENGINE_HUGE_PAGE_ALLOCATOR_H_
#define RATESIM_ENGINE_HUGE_PAGE_ALLOCATOR_H_

#include <cstddef>
#include <cstdint>
#include <new>

namespace ratesim {

namespace huge_page_internal {
inline constexpr size_t kHugePageBytes = size_t{2} << 20;
// A block of `bytes` (at least kHugePageBytes), 2 MiB aligned, advised for huge pages. Throws
// bad_alloc.
void* AllocateHuge(size_t bytes);
// Frees a block AllocateHuge(bytes) returned.
void FreeHuge(void* block, size_t bytes) noexcept;
}  // namespace huge_page_internal

// Bytes held in large blocks of HugePageAllocator, over all threads.
size_t HugePageBytesInUse();

template <typename T>
class HugePageAllocator {
 public:
  using value_type = T;

  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) noexcept {}  // NOLINT: allocators convert implicitly

  T* allocate(size_t n) {
    if (n > SIZE_MAX / sizeof(T)) throw std::bad_array_new_length();
    const size_t bytes = n * sizeof(T);
    if (bytes < huge_page_internal::kHugePageBytes) {
      return static_cast<T*>(::operator new(bytes, std::align_val_t{alignof(T)}));
    }
    return static_cast<T*>(huge_page_internal::AllocateHuge(bytes));
  }

  // `n` is what allocate was given, so the size says which way the block came.
  void deallocate(T* block, size_t n) noexcept {
    if (n * sizeof(T) < huge_page_internal::kHugePageBytes) {
      ::operator delete(block, std::align_val_t{alignof(T)});
    } else {
      huge_page_internal::FreeHuge(block, n * sizeof(T));
    }
  }

  // Stateless: any two compare equal, whatever their element types.
  template <typename U>
  friend bool operator==(const HugePageAllocator&, const HugePageAllocator<U>&) noexcept {
    return true;
  }
  template <typename U>
  friend bool operator!=(const HugePageAllocator&, const HugePageAllocator<U>&) noexcept {
    return false;
  }
};

}  // namespace ratesim

#endif  // RATESIM_ENGINE_HUGE_PAGE_ALLOCATOR_H_

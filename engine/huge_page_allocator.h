// An allocator for the engine's large per-key arrays. A block of 2 MiB or more is aligned to 2 MiB
// and offered to the kernel for transparent huge pages (madvise), so that touching one of a million
// keys at random costs a cache miss, not a cache miss plus a page walk: with 4 KiB pages a 64 MB
// key array spans 16,384 pages, far more than the TLB holds. Smaller blocks are plain `new`.
//
// Where THP is off ("never") the advice is ignored and the array works as before; where it is
// "always" it changes nothing. Debian's default, "madvise", is the case this is for. Off Linux (no
// <sys/mman.h>) the blocks are only aligned.
//
// Costs: glibc serves a 2 MiB-aligned block from its own mapping with up to 2 MiB of slack address
// space (untouched, so little resident memory); a block that glibc instead carves from its heap
// keeps the advice on that range after it is freed, which only lets later allocations there use
// huge pages too.
#ifndef RATESIM_ENGINE_HUGE_PAGE_ALLOCATOR_H_
#define RATESIM_ENGINE_HUGE_PAGE_ALLOCATOR_H_

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>

namespace ratesim {

namespace huge_page_internal {
inline constexpr size_t kHugePageBytes = size_t{2} << 20;
// A block of at least kHugePageBytes, 2 MiB aligned, advised for huge pages. Throws bad_alloc.
void* AllocateHuge(size_t bytes);
}  // namespace huge_page_internal

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
      std::free(block);
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

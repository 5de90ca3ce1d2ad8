// 64-bit FNV-1a, the content hash run.json and sweep.json record for every input file: simple,
// published (offset basis 0xcbf29ce484222325, prime 0x100000001b3), and the same on every machine.
#ifndef RATESIM_SIM_UTIL_FNV1A64_H_
#define RATESIM_SIM_UTIL_FNV1A64_H_

#include <cstdint>
#include <string_view>

namespace ratesim {

// A hash fed in pieces: Update with each piece of the bytes in order, then value().
class Fnv1a64Hasher {
 public:
  void Update(std::string_view bytes) {
    for (const char byte : bytes) {
      hash_ ^= static_cast<unsigned char>(byte);
      hash_ *= kPrime;
    }
  }
  uint64_t value() const { return hash_; }

 private:
  static constexpr uint64_t kOffsetBasis = 0xcbf29ce484222325ULL;
  static constexpr uint64_t kPrime = 0x100000001b3ULL;
  uint64_t hash_ = kOffsetBasis;
};

inline uint64_t Fnv1a64(std::string_view bytes) {
  Fnv1a64Hasher hasher;
  hasher.Update(bytes);
  return hasher.value();
}

}  // namespace ratesim

#endif  // RATESIM_SIM_UTIL_FNV1A64_H_

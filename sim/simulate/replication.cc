#include "sim/simulate/replication.h"

namespace ratesim {
namespace {

constexpr uint64_t kGoldenGamma = 0x9e3779b97f4a7c15;

// SplitMix64's output function (Steele, Lea and Flood 2014): a bijective avalanche of 64 bits.
constexpr uint64_t Mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  return z ^ (z >> 31);
}

// A derived seed keeps the low 53 bits of the mix: run.json records every replication's seed so
// that one replication can be run alone (--seed), which takes 0 to 2^63 - 1, and a JSON reader that
// holds numbers as doubles (jq, JavaScript) reads integers exactly only below 2^53.
constexpr uint64_t kDerivedSeedMask = (uint64_t{1} << 53) - 1;

}  // namespace

uint64_t ReplicationSeed(uint64_t seed, int replication) {
  if (replication <= 0) return seed;
  return Mix64(Mix64(seed) + static_cast<uint64_t>(replication) * kGoldenGamma) & kDerivedSeedMask;
}

std::vector<uint64_t> ReplicationSeeds(uint64_t seed, int count) {
  std::vector<uint64_t> seeds;
  for (int r = 0; r < count; ++r) seeds.push_back(ReplicationSeed(seed, r));
  return seeds;
}

}  // namespace ratesim

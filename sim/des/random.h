// The simulator's random numbers: a small, fast generator whose sequence this file alone fixes.
//
// absl::BitGen and the <random> distributions may change their output between library versions, so
// a scenario replayed next year would not give the same answer. Rng is xoshiro256** (Blackman &
// Vigna) seeded through SplitMix64, and every distribution below is written out here, so a (seed,
// stream) pair names one sequence on every platform with IEEE doubles and a correctly rounded libm.
//
// Thread-safety: an Rng is a plain value; give each thread (or each traffic source) its own stream.
#ifndef RATESIM_SIM_DES_RANDOM_H_
#define RATESIM_SIM_DES_RANDOM_H_

#include <array>
#include <cmath>
#include <cstdint>

#include "sim/des/exponential_layers.h"

namespace ratesim {

class Rng {
 public:
  // Seeds the four state words with successive SplitMix64 outputs from `seed`. SplitMix64 is a
  // bijection of a counter, so the words are distinct and never all zero (xoshiro's one bad state).
  explicit Rng(uint64_t seed) {
    uint64_t x = seed;
    for (uint64_t& word : state_) word = SplitMix64Next(x);
  }

  // An independent stream: replication r of source s can use ForStream(seed, s) and never overlap
  // another. seed and stream are mixed through SplitMix64's finalizer (a bijection), so for one
  // seed, distinct streams always get distinct seeding keys, and nearby keys give unrelated states.
  static Rng ForStream(uint64_t seed, uint64_t stream) { return Rng(Mix64(Mix64(seed) ^ stream)); }

  // Sets the raw xoshiro256** state, for known-answer tests against the reference implementation.
  // REQUIRES: not all four words are zero.
  static Rng FromState(const std::array<uint64_t, 4>& state) {
    Rng rng(0);
    rng.state_ = state;
    return rng;
  }

  // 64 uniformly distributed bits (xoshiro256** 1.0, as published).
  uint64_t NextU64() {
    const uint64_t result = RotateLeft(state_[1] * 5, 7) * 9;
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = RotateLeft(state_[3], 45);
    return result;
  }

  // Uniform on the open interval (0, 1): k * 2^-53 for k uniform in [1, 2^53). Zero is excluded so
  // that log(Uniform01()) is always finite; the draw k == 0 (probability 2^-53) is redrawn. The
  // largest value, 1 - 2^-53, is exactly representable, so 1 is never returned either.
  double Uniform01() {
    uint64_t k;
    do {
      k = NextU64() >> 11;
    } while (k == 0);
    return static_cast<double>(k) * 0x1.0p-53;
  }

  // Exponential with the given mean (> 0). Always finite and > 0.
  double Exponential(double mean) { return mean * StandardExponential(); }

  // Exponential with mean 1, by the ziggurat (exponential_layers.h). One 64-bit number gives both
  // the layer (its low 8 bits) and the point along it (its high 52 bits, at the middle of one of
  // 2^52 equal cells, so never 0).
  double StandardExponential() {
    const ExponentialLayers& layers = ExponentialLayers::Get();
    for (;;) {
      const uint64_t bits = NextU64();
      const size_t layer = bits & (ExponentialLayers::kCount - 1);
      const double x = (static_cast<double>(bits >> 12) + 0.5) * 0x1.0p-52 * layers.edge[layer];
      if (x < layers.edge[layer + 1]) return x;  // wholly under the curve
      if (layer == 0) return ExponentialLayers::kTailStart - std::log(Uniform01());  // memoryless
      const double low = layers.density[layer];
      if (low + Uniform01() * (layers.density[layer + 1] - low) < std::exp(-x)) return x;
    }
  }

  // Standard normal, by Box-Muller using two fresh uniforms per call and returning the cosine
  // value. The sine partner is discarded on purpose: caching it would make the next value depend on
  // call history, and interleaving Normal with other draws would shift every later sample.
  double Normal() {
    const double radius = std::sqrt(-2.0 * std::log(Uniform01()));
    const double angle = 2.0 * kPi * Uniform01();
    return radius * std::cos(angle);
  }

  // Lognormal parametrised the way scenarios speak: by its own mean (> 0) and coefficient of
  // variation cv = stddev / mean (>= 0). With sigma^2 = ln(1 + cv^2) and
  // mu = ln(mean) - sigma^2 / 2, exp(mu + sigma * N(0,1)) has exactly that mean and cv.
  // cv == 0 returns `mean` without drawing.
  double Lognormal(double mean, double cv) {
    if (cv == 0.0) return mean;
    const double sigma2 = std::log1p(cv * cv);
    const double mu = std::log(mean) - 0.5 * sigma2;
    return std::exp(mu + std::sqrt(sigma2) * Normal());
  }

  // Uniform in [0, n) with no modulo bias, by Lemire's multiply-and-reject ("Fast random integer
  // generation in an interval", 2019): the high word of x * n is the answer unless the low word
  // falls in the short first slice of size 2^64 mod n, which is rejected. Rarely needs a division.
  // REQUIRES: n > 0.
  uint64_t UniformInt(uint64_t n) {
    Uint128 product = static_cast<Uint128>(NextU64()) * n;
    uint64_t low = static_cast<uint64_t>(product);
    if (low < n) {
      const uint64_t threshold = (0 - n) % n;  // 2^64 mod n
      while (low < threshold) {
        product = static_cast<Uint128>(NextU64()) * n;
        low = static_cast<uint64_t>(product);
      }
    }
    return static_cast<uint64_t>(product >> 64);
  }

 private:
  // GCC and Clang both provide it; __extension__ keeps -Wpedantic quiet about it.
  __extension__ typedef unsigned __int128 Uint128;

  static constexpr double kPi = 3.14159265358979323846;

  static constexpr uint64_t RotateLeft(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

  // SplitMix64's output function: a bijective avalanche mix of 64 bits.
  static constexpr uint64_t Mix64(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
    z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
    return z ^ (z >> 31);
  }
  // One step of the SplitMix64 generator whose state is `x`.
  static constexpr uint64_t SplitMix64Next(uint64_t& x) {
    x += 0x9e3779b97f4a7c15;
    return Mix64(x);
  }

  std::array<uint64_t, 4> state_;
};

}  // namespace ratesim

#endif  // RATESIM_SIM_DES_RANDOM_H_

// The tables of Marsaglia and Tsang's ziggurat for the standard exponential ("The Ziggurat Method
// for Generating Random Variables", J. Stat. Softw. 5(8), 2000), which Rng::Exponential draws from.
//
// The area under e^-x is cut into 256 horizontal layers of equal area v. Layer 0 is the rectangle
// [0, r] x [0, e^-r] plus the tail beyond r; layer i >= 1 is the rectangle [0, x_i] x [e^-x_i,
// e^-x_(i+1)], with x_1 = r, e^-x_(i+1) = e^-x_i + v / x_i, and x_256 = 0 at the top. A uniform point
// of a uniformly chosen layer is a uniform point under the curve, so its x is exponential. Most of
// a layer lies wholly under the curve (x < x_(i+1)): 97.8% of draws need one 64-bit random number, a
// table lookup and a multiplication, against a logarithm for inversion. Only the ragged right ends
// (1.1% of draws are rejected there and drawn again) and the tail need e^-x or a logarithm.
//
// The layer count and r are Marsaglia and Tsang's: r makes the 256th layer end at x = 0.
#ifndef RATESIM_SIM_DES_EXPONENTIAL_LAYERS_H_
#define RATESIM_SIM_DES_EXPONENTIAL_LAYERS_H_

#include <array>
#include <cmath>
#include <cstddef>

namespace ratesim {

struct ExponentialLayers {
  static constexpr size_t kCount = 256;
  static constexpr double kTailStart = 7.69711747013104972;  // r

  // x_i: the right edge of layer i. Layer 0's is virtual (v / e^-r): the width that gives its
  // rectangle the area of the rectangle part plus the tail, so that its points beyond r stand for
  // the tail. edge[kCount] = 0.
  std::array<double, kCount + 1> edge;
  // e^-edge[i]: a layer's lower bound (the upper bound is the next layer's).
  std::array<double, kCount + 1> density;

  // Built once, on first use, thread-safely.
  static const ExponentialLayers& Get() {
    static const ExponentialLayers layers;
    return layers;
  }

 private:
  ExponentialLayers() {
    const double tail_density = std::exp(-kTailStart);
    const double area = (kTailStart + 1.0) * tail_density;  // r e^-r + the tail's e^-r
    edge[0] = area / tail_density;
    edge[1] = kTailStart;
    for (size_t i = 1; i + 1 < kCount; ++i) edge[i + 1] = -std::log(std::exp(-edge[i]) + area / edge[i]);
    edge[kCount] = 0.0;
    for (size_t i = 0; i <= kCount; ++i) density[i] = std::exp(-edge[i]);
  }
};

}  // namespace ratesim

#endif  // RATESIM_SIM_DES_EXPONENTIAL_LAYERS_H_

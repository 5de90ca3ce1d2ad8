// Closed-form results of queueing theory, computed from their textbook definitions, for tests to
// hold the simulator to.
#ifndef RATESIM_TESTS_SUPPORT_QUEUEING_THEORY_H_
#define RATESIM_TESTS_SUPPORT_QUEUEING_THEORY_H_

#include <cmath>
#include <vector>

namespace ratesim::testing {

// Stationary distribution of M/M/c/N (N = c + K places in all), offered load a = λ/μ.
inline std::vector<double> MmckDistribution(int c, int n_max, double a) {
  std::vector<double> p(n_max + 1);
  double term = 1.0;
  double sum = 0.0;
  for (int n = 0; n <= n_max; ++n) {
    if (n > 0) term *= a / (n <= c ? n : c);
    p[n] = term;
    sum += term;
  }
  for (double& x : p) x /= sum;
  return p;
}

// Probability that an arrival finds all c + k places taken (PASTA: arrivals see time averages).
inline double MmckBlocking(int c, int k, double a) { return MmckDistribution(c, c + k, a).back(); }

// Erlang B, by its recurrence B(0) = 1, B(n) = a B(n-1) / (n + a B(n-1)).
inline double ErlangB(int c, double a) {
  double b = 1.0;
  for (int n = 1; n <= c; ++n) b = a * b / (n + a * b);
  return b;
}

// Erlang C: probability of waiting in M/M/c, from Erlang B. REQUIRES a < c.
inline double ErlangC(int c, double a) {
  const double b = ErlangB(c, a);
  return c * b / (c - a * (1.0 - b));
}

// Mean wait in queue of M/M/c: C(c, a) / (cμ − λ).
inline double MmcMeanWait(int c, double lambda, double mu) {
  return ErlangC(c, lambda / mu) / (c * mu - lambda);
}

// Mean wait in queue of M/M/c/K, by Little's law on the stationary distribution.
inline double MmckMeanWait(int c, int k, double lambda, double mu) {
  const std::vector<double> p = MmckDistribution(c, c + k, lambda / mu);
  double lq = 0.0;
  for (int n = c + 1; n <= c + k; ++n) lq += (n - c) * p[n];
  return lq / (lambda * (1.0 - p.back()));
}

}  // namespace ratesim::testing

#endif  // RATESIM_TESTS_SUPPORT_QUEUEING_THEORY_H_

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

// M/M/c+D: M/M/c, first come first served, whose customers leave the queue once they have waited
// a deterministic patience T without starting (they never leave once served). Its virtual waiting
// time V (the wait of a customer of infinite patience) has P(V = 0) = sum_{j<c} π_j with
// π_j = π_0 a^j / j! (a = λ/μ), and a density f on x > 0, by level crossing: a customer that will
// be served (it finds V <= T) raises V by an Exp(cμ) time, one that abandons leaves V as it is, so
//   f(x) = λ π_{c-1} e^{(λ - cμ) x}                  for 0 < x < T,
//   f(x) = λ π_{c-1} e^{(λ - cμ) T} e^{-cμ (x - T)}  for x >= T
// (the M/M/c+G density f(0+) exp(λ ∫_0^x (1 - G(u)) du - cμ x), G a step at T), with π_0 fixed by
// sum_{j<c} π_j + ∫_0^∞ f = 1. By PASTA an arrival sees V's stationary law.
struct MmcdProbabilities {
  double no_wait;     // P(V = 0): starts at once
  double abandon;     // P(V > T): leaves the queue at T, never served
  double late_start;  // P(V <= T, V + S > T): served, but still running at T (S ~ Exp(μ))
};

// ∫_0^T e^{r x} dx, continuous at r = 0.
inline double IntegralOfExp(double r, double t) {
  return std::abs(r * t) < 1e-9 ? t * (1 + r * t / 2) : std::expm1(r * t) / r;
}

inline MmcdProbabilities MmcdAbandonment(int c, double lambda, double mu, double t) {
  const double a = lambda / mu;
  double term = 1.0;  // a^j / j!, relative to π_0
  double no_wait = 0.0;
  double last = 0.0;  // π_{c-1} / π_0
  for (int j = 0; j < c; ++j) {
    if (j > 0) term *= a / j;
    no_wait += term;
    last = term;
  }
  const double r = lambda - c * mu;
  const double queued = lambda * last * IntegralOfExp(r, t);          // ∫_0^T f / π_0
  const double abandon = lambda * last * std::exp(r * t) / (c * mu);  // ∫_T^∞ f / π_0
  // ∫_0^T f(x) e^{-μ (T - x)} dx, plus the customers that start at once and run past T.
  const double running =
      lambda * last * std::exp(-mu * t) * IntegralOfExp(r + mu, t) + no_wait * std::exp(-mu * t);
  const double pi0 = 1.0 / (no_wait + queued + abandon);
  return {no_wait * pi0, abandon * pi0, running * pi0};
}

}  // namespace ratesim::testing

#endif  // RATESIM_TESTS_SUPPORT_QUEUEING_THEORY_H_

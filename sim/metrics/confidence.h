// Means and 95% confidence intervals over independent replications of a run.
//
// The interval is Student's t: mean ± t(0.975, n - 1) · s / √n, with s the sample standard
// deviation (n - 1 in the denominator). It assumes the replications are independent draws of a
// roughly normal quantity, which holds for run-level means and rates by the central limit theorem;
// for tail quantiles (p99) of short runs it is an approximation.
#ifndef RATESIM_SIM_METRICS_CONFIDENCE_H_
#define RATESIM_SIM_METRICS_CONFIDENCE_H_

#include <optional>
#include <vector>

namespace ratesim {

struct MeanCi {
  int n = 0;          // values the estimate is over
  double mean = 0.0;  // NaN when n == 0
  double ci95 = 0.0;  // half-width of the 95% interval; NaN when n < 2
};

// The two-sided 95% quantile of Student's t with `df` degrees of freedom, t(0.975, df): 12.706 for
// df 1, 2.042 for df 30, 1.960 in the limit. REQUIRES: df >= 1.
//
// df 1..30 come from a table of the exact quantile (the inverse of the t distribution function,
// computed to 12 digits with mpmath's regularized incomplete beta; they match the 3-decimal table
// of the NIST/SEMATECH e-Handbook of Statistical Methods, 1.3.6.7.2). Beyond 30, the Cornish-Fisher
// expansion of t in powers of 1/df around the normal quantile z = 1.959964 (Abramowitz & Stegun
// 26.7.5, through the df^-4 term), whose relative error there is below 2e-8.
double StudentT975(int df);

// Mean and 95% half-width of `values`. n = values.size().
MeanCi MeanConfidence(const std::vector<double>& values);

// Whether two estimates, `a` and `b`, differ by more than chance at 95%; nullopt when it cannot be
// said (an interval missing). With `paired_differences`, a_r − b_r of replications run on the same
// seeds (common random numbers), on their mean's interval, which excludes 0 for a difference that
// keeps its sign though the luck of the traffic, shared by both, spreads each estimate wide;
// without, on whether the two intervals are disjoint.
std::optional<bool> DifferBeyondChance(const std::optional<std::vector<double>>& paired_differences,
                                       const MeanCi& a, const MeanCi& b);

}  // namespace ratesim

#endif  // RATESIM_SIM_METRICS_CONFIDENCE_H_

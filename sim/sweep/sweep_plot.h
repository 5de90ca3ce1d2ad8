// sweep.svg: the sweep's main scores against its first grid axis, one line per policy (and per
// value of any other axis, and per scenario when there are several), each point with its 95%
// confidence interval: success rate, 429 and 503 shares, steady orgs' success, spiking orgs' 429
// share and Jain's fairness. Drawn from the rows' text cells, so an unsharded sweep and `ratesim
// merge` draw the same bytes. A sweep without a grid puts its scenarios on the x axis.
#ifndef RATESIM_SIM_SWEEP_SWEEP_PLOT_H_
#define RATESIM_SIM_SWEEP_SWEEP_PLOT_H_

#include <string>
#include <vector>

#include "sim/sweep/sweep_definition.h"
#include "sim/sweep/sweep_rows.h"

namespace ratesim {

inline constexpr char kSweepSvgFileName[] = "sweep.svg";

// At most this many lines per panel (the first ones, in row order); the title says when more were
// left out.
inline constexpr size_t kMaxSweepLines = 8;

// REQUIRES: as SweepCsv (sweep_output.h).
std::string SweepSvg(const SweepDefinition& definition, const std::vector<PointRows>& points);

}  // namespace ratesim

#endif  // RATESIM_SIM_SWEEP_SWEEP_PLOT_H_

// How a sweep's terminal table and plot name the values of a grid axis. As given, unless one of
// them is too long to head a column or sit under a tick (an `expr` expression, a whole [limits]
// table, which made columns and x labels hundreds of characters wide): then every value of that
// axis is named by its place, "#1", "#2", ..., and a key under the table gives each in full.
// sweep.csv and sweep.json keep the values as given.
#ifndef RATESIM_SIM_SWEEP_GRID_LABELS_H_
#define RATESIM_SIM_SWEEP_GRID_LABELS_H_

#include <cstddef>
#include <string>
#include <vector>

#include "sim/sweep/grid.h"

namespace ratesim {

// The longest value shown as it is.
inline constexpr size_t kMaxShownGridValue = 24;

// The names of `axis`'s values, in its order: the values, or "#1", "#2", ... (see above).
std::vector<std::string> GridValueLabels(const GridAxis& axis);

// The name of `value`, one of axis.values (GridValueLabels); `value` itself when it is not one.
std::string GridValueLabel(const GridAxis& axis, const std::string& value);

// The axes as a legend or a verdict names them: by their key's last part ("concurrency" for
// models.0.concurrency), so that the values survive a cut label; by the whole key where two axes
// end alike (policies.0.max_wait and policies.1.max_wait).
std::vector<std::string> AxisNames(const std::vector<GridAxis>& grid);

// The key to the numbered values: "limits.requests_per_s #1 = max(base_rps, ...)", a line each,
// for every axis that numbers its values; "" when none does.
std::string GridValueKey(const std::vector<GridAxis>& grid);

}  // namespace ratesim

#endif  // RATESIM_SIM_SWEEP_GRID_LABELS_H_

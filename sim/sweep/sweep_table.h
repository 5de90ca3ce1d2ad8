// The terminal's view of a sweep: one line per row with the grid values, the policy and the
// headline scores as percentages, each with its 95% half-width when the sweep has replications
// ("97.3% ±0.4"); sweep.csv has everything else.
#ifndef RATESIM_SIM_SWEEP_SWEEP_TABLE_H_
#define RATESIM_SIM_SWEEP_SWEEP_TABLE_H_

#include <cstddef>
#include <string>
#include <vector>

#include "sim/sweep/sweep_definition.h"
#include "sim/sweep/sweep_rows.h"

namespace ratesim {

// How a score column reads in the terminal: as `compare` shows the same figure.
enum class ScoreFormat { kPercent, kIndex, kSeconds, kText };

// The cell of `column` in `row`, with its 95% half-width where the row has one (the column has a
// `_ci95` twin, filled with two replications or more): "97.3% ±0.4", "0.912 ±0.021", "720 ±41"
// (seconds, whole where whole); "-" for NA. A kText cell (true / false) is shown as the csv has
// it. With `with_ci` false, the figure alone.
std::string ScoreCell(const std::vector<SweepColumn>& columns, const SweepRow& row,
                      const std::string& column, ScoreFormat shown, bool with_ci = true);

// At most `max_rows` rows, then a line saying how many more there are. The scenario column is
// shown only when the sweep has several scenarios. A long grid value is shown by its number, and
// the key to the numbers follows the table (grid_labels.h).
std::string SweepTable(const SweepDefinition& definition, const std::vector<PointRows>& points,
                       size_t max_rows);

}  // namespace ratesim

#endif  // RATESIM_SIM_SWEEP_SWEEP_TABLE_H_

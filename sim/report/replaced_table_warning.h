// The warning that a --set or --grid value replaced a table of the scenario whole and left out keys
// the file set in it, which then no longer apply (a default does, or for an org's limits the value
// of [limits]). Replacing is what such a value asks for
// (`--grid 'limits={ formula = "earned" },{ formula = "aimd" }'` compares formulas, each with its
// own parameters), so it is not an error; but a user who meant to change one key, the formula, need
// not expect the file's base_rpm to go with the table, and the results would not say it went.
#ifndef RATESIM_SIM_REPORT_REPLACED_TABLE_WARNING_H_
#define RATESIM_SIM_REPORT_REPLACED_TABLE_WARNING_H_

#include <string>

#include "sim/scenario/scenario.h"

namespace ratesim {

// The "warning: ...\n" line of `table`, one of scenario.replaced_tables: the value, the file's table
// and the keys left out, each with its line, and what to write to keep them.
std::string ReplacedTableWarning(const Scenario& scenario, const ReplacedTable& table);

// The warnings of every table in scenario.replaced_tables; "" when there is none.
std::string ReplacedTableWarnings(const Scenario& scenario);

}  // namespace ratesim

#endif  // RATESIM_SIM_REPORT_REPLACED_TABLE_WARNING_H_

// The cells of one line of a terminal table (sim/report/text_table.h), split at runs of two spaces
// or more, so that a cell with single spaces ("most served", "97.6% ±0.2") stays one.
#ifndef RATESIM_TESTS_SUPPORT_TABLE_CELLS_H_
#define RATESIM_TESTS_SUPPORT_TABLE_CELLS_H_

#include <string>
#include <vector>

namespace ratesim::testing {

inline std::vector<std::string> TableCells(const std::string& line) {
  std::vector<std::string> cells;
  for (size_t at = 0; at < line.size();) {
    const size_t begin = line.find_first_not_of(' ', at);
    if (begin == std::string::npos) break;
    size_t end = line.find("  ", begin);
    if (end == std::string::npos) end = line.size();
    cells.push_back(line.substr(begin, end - begin));
    at = end;
  }
  return cells;
}

}  // namespace ratesim::testing

#endif  // RATESIM_TESTS_SUPPORT_TABLE_CELLS_H_

// A plain-text table with aligned columns, for the terminal: a header row, a rule, then the rows.
// Text columns align left, number columns right; columns are separated by two spaces.
#ifndef RATESIM_SIM_REPORT_TEXT_TABLE_H_
#define RATESIM_SIM_REPORT_TEXT_TABLE_H_

#include <string>
#include <vector>

namespace ratesim {

class TextTable {
 public:
  enum class Align { kLeft, kRight };
  struct Column {
    std::string header;
    Align align = Align::kRight;
  };

  explicit TextTable(std::vector<Column> columns) : columns_(std::move(columns)) {}

  // REQUIRES: cells.size() == number of columns.
  void AddRow(std::vector<std::string> cells);

  // Every line ends in '\n'; trailing spaces are trimmed.
  std::string Render() const;

 private:
  std::vector<Column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace ratesim

#endif  // RATESIM_SIM_REPORT_TEXT_TABLE_H_

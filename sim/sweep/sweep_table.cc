#include "sim/sweep/sweep_table.h"

#include <cstdlib>
#include <tuple>

#include "fmt/format.h"
#include "sim/report/human_units.h"
#include "sim/report/text_table.h"

namespace ratesim {
namespace {

using Align = TextTable::Align;

// Where each column of SweepColumns sits in a row.
size_t ColumnIndex(const std::vector<SweepColumn>& columns, const std::string& name) {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == name) return i;
  }
  return columns.size();
}

// A share cell ("0.973") as "97.3%"; "-" for NA.
std::string Percent(const std::string& cell) {
  return cell.empty() ? "-" : FormatPercent(std::strtod(cell.c_str(), nullptr));
}

}  // namespace

std::string SweepTable(const SweepDefinition& definition, const std::vector<PointRows>& points,
                       size_t max_rows) {
  const std::vector<SweepColumn> columns = SweepColumns(definition.grid);
  const bool show_scenario = definition.scenarios.size() > 1;
  std::vector<TextTable::Column> headers;
  if (show_scenario) headers.push_back({"scenario", Align::kLeft});
  for (const GridAxis& axis : definition.grid) headers.push_back({axis.key, Align::kLeft});
  headers.push_back({"policy", Align::kLeft});
  // (header, column, shown as a percentage)
  const std::vector<std::tuple<const char*, const char*, bool>> shown = {
      {"success", "success_rate", true},
      {"429", "share_429", true},
      {"503", "share_503", true},
      {"util", "utilisation", true},
      {"steady ok", "steady_success", true},
      {"spiking 429", "spiking_429_share", true},
      {"fairness", "fairness", false},
      {"recovery s", "recovery_s", false},
      {"recovered", "recovered_share", true},
      {"spiral", "spiral", false},
  };
  for (const auto& [header, column, percent] : shown) headers.push_back({header, Align::kRight});
  TextTable table(std::move(headers));

  size_t rows = 0;
  size_t total = 0;
  for (const PointRows& point : points) {
    for (const SweepRow& row : point.rows) {
      ++total;
      if (rows == max_rows) continue;
      ++rows;
      std::vector<std::string> cells;
      if (show_scenario) cells.push_back(row[0]);
      for (size_t i = 0; i < definition.grid.size(); ++i) cells.push_back(row[1 + i]);
      cells.push_back(row[ColumnIndex(columns, "policy")]);
      for (const auto& [header, column, percent] : shown) {
        const std::string& cell = row[ColumnIndex(columns, column)];
        cells.push_back(percent ? Percent(cell) : (cell.empty() ? "-" : cell));
      }
      table.AddRow(std::move(cells));
    }
  }
  std::string out = table.Render();
  if (total > rows) out += fmt::format("... and {} more rows\n", total - rows);
  return out;
}

}  // namespace ratesim

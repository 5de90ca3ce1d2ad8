#include "sim/sweep/sweep_table.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <tuple>

#include "fmt/format.h"
#include "sim/report/human_units.h"
#include "sim/report/text_table.h"
#include "sim/sweep/grid_labels.h"

namespace ratesim {
namespace {

using Align = TextTable::Align;

// Seconds in three significant digits without an exponent, whole seconds as whole numbers: "720
// ±41", "2.50 ±0.31", "0.400"; the half-width with the value's decimals.
std::string SecondsCell(double value, double ci95) {
  int decimals = 0;
  const bool whole = value == std::floor(value) && (!std::isfinite(ci95) || ci95 == std::floor(ci95));
  if (!whole && value != 0.0) decimals = std::clamp(2 - static_cast<int>(std::floor(std::log10(std::abs(value)))), 0, 6);
  if (!std::isfinite(ci95)) return fmt::format("{:.{}f}", value, decimals);
  return fmt::format("{:.{}f} \u00b1{:.{}f}", value, decimals, ci95, decimals);
}

// Whether any row's `column` holds a number (NA never does) for which `test` holds.
template <typename Test>
bool AnyRow(const std::vector<SweepColumn>& columns, const std::vector<PointRows>& points,
            const std::string& column, Test test) {
  const size_t index = ColumnIndex(columns, column);
  for (const PointRows& point : points) {
    for (const SweepRow& row : point.rows) {
      if (!row[index].empty() && test(CellNumber(row[index]))) return true;
    }
  }
  return false;
}

bool Above0(double value) { return value > 0.0; }
bool Below1(double value) { return value < 1.0; }
bool AnyValue(double) { return true; }  // any cell not NA, text ("true") included

}  // namespace

std::string ScoreCell(const std::vector<SweepColumn>& columns, const SweepRow& row,
                      const std::string& column, ScoreFormat shown, bool with_ci) {
  const std::string& cell = row[ColumnIndex(columns, column)];
  if (cell.empty()) return "-";
  if (shown == ScoreFormat::kText) return cell;
  const size_t ci_column = ColumnIndex(columns, column + "_ci95");
  const bool has_ci = with_ci && ci_column < columns.size() && !row[ci_column].empty();
  const double value = CellNumber(cell);
  const double ci95 = has_ci ? CellNumber(row[ci_column]) : std::nan("");
  switch (shown) {
    case ScoreFormat::kPercent: return has_ci ? FormatPercentCi(value, ci95) : FormatPercent(value);
    case ScoreFormat::kIndex: return FormatIndexCi(value, ci95);
    case ScoreFormat::kSeconds: return SecondsCell(value, ci95);
    case ScoreFormat::kText: break;
  }
  return cell;
}

std::string SweepTable(const SweepDefinition& definition, const std::vector<PointRows>& points,
                       size_t max_rows) {
  const std::vector<SweepColumn> columns = SweepColumns(definition.grid);
  const bool show_scenario = definition.scenarios.size() > 1;
  std::vector<TextTable::Column> headers;
  if (show_scenario) headers.push_back({"scenario", Align::kLeft});
  for (const GridAxis& axis : definition.grid) headers.push_back({axis.key, Align::kLeft});
  headers.push_back({"policy", Align::kLeft});
  // (header, column, how it reads)
  std::vector<std::tuple<const char*, const char*, ScoreFormat>> scores = {
      {"success", "success_rate", ScoreFormat::kPercent},
      {"429", "share_429", ScoreFormat::kPercent},
      {"503", "share_503", ScoreFormat::kPercent},
      {"util", "utilisation", ScoreFormat::kPercent},
      {"p99 s", "latency_p99_s", ScoreFormat::kSeconds},
      {"steady ok", "steady_success", ScoreFormat::kPercent},
      {"spiking 429", "spiking_429_share", ScoreFormat::kPercent},
      {"fairness", "fairness", ScoreFormat::kIndex},
  };
  // The recovery from an outage shows only in sweeps where some row has one (without a restored
  // outage, or with no replication judged, all three are NA; spiral is NA exactly where
  // recovered_share is, sweep_rows.h); the three show together, so that a spiral has its recovery
  // beside it.
  const bool any_recovery = AnyRow(columns, points, "recovery_s", AnyValue) ||
                            AnyRow(columns, points, "recovered_share", AnyValue);
  if (any_recovery) {
    scores.insert(scores.end(), {{"recovery s", "recovery_s", ScoreFormat::kSeconds},
                                 {"recovered", "recovered_share", ScoreFormat::kPercent}});
  }
  // The rates' dip and return show only in sweeps with an outage to judge them by.
  if (AnyRow(columns, points, "rate_low_share", Above0)) {
    scores.insert(scores.end(), {{"rate low", "rate_low_share", ScoreFormat::kPercent},
                                 {"rate back s", "rate_recovery_s", ScoreFormat::kSeconds}});
    // The time back is over the replications whose rate came back: where some did not, how many.
    if (AnyRow(columns, points, "rate_returned_share", Below1)) {
      scores.push_back({"back", "rate_returned_share", ScoreFormat::kPercent});
    }
  }
  if (any_recovery) scores.push_back({"spiral", "spiral", ScoreFormat::kText});  // the verdict last
  // Timeouts are a client's: their column shows only in sweeps where some client gave up waiting.
  const bool any_timed_out = AnyRow(columns, points, "share_timed_out", Above0);
  if (any_timed_out) scores.insert(scores.begin() + 3, {"timed out", "share_timed_out", ScoreFormat::kPercent});
  for (const auto& [header, column, shown] : scores) headers.push_back({header, Align::kRight});
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
      for (size_t i = 0; i < definition.grid.size(); ++i) {
        cells.push_back(GridValueLabel(definition.grid[i], row[1 + i]));
      }
      cells.push_back(row[ColumnIndex(columns, "policy")]);
      for (const auto& [header, column, shown] : scores) {
        cells.push_back(ScoreCell(columns, row, column, shown));
      }
      table.AddRow(std::move(cells));
    }
  }
  std::string out = table.Render();
  if (total > rows) out += fmt::format("... and {} more rows\n", total - rows);
  if (const std::string key = GridValueKey(definition.grid); !key.empty()) out += "\n" + key;
  return out;
}

}  // namespace ratesim

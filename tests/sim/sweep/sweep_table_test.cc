// The sweep's terminal table reads each score as `compare` shows it: percentages, Jain's index with
// three decimals, recovery in whole seconds; each with its half-width where replications give one.
#include "sim/sweep/sweep_table.h"

#include <string>
#include <tuple>
#include <vector>

#include "gtest/gtest.h"
#include "sim/sweep/sweep_rows.h"
#include "tests/support/table_cells.h"

namespace ratesim {
namespace {

// A one-scenario definition without a grid, and a row whose `cells` are set by column name (the
// rest empty, which the table shows as "-").
SweepDefinition NoGrid() {
  SweepDefinition definition;
  definition.scenarios.push_back({"s.toml", 0});
  return definition;
}

SweepRow RowWith(const std::vector<std::pair<std::string, std::string>>& cells) {
  const std::vector<SweepColumn> columns = SweepColumns({});
  SweepRow row(columns.size());
  for (const auto& [name, value] : cells) {
    size_t i = 0;
    while (i < columns.size() && columns[i].name != name) ++i;
    EXPECT_LT(i, columns.size()) << "no column " << name;
    if (i < columns.size()) row[i] = value;
  }
  return row;
}

// The cells of the table's data line (its third).
std::vector<std::string> DataCells(const std::string& table) {
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t end; (end = table.find('\n', start)) != std::string::npos; start = end + 1) {
    lines.push_back(table.substr(start, end - start));
  }
  EXPECT_GE(lines.size(), 3u) << table;
  return lines.size() < 3 ? std::vector<std::string>{} : testing::TableCells(lines[2]);
}

TEST(SweepTable, ShowsEachScoreAsCompareDoes) {
  const SweepRow replicated = RowWith({{"policy", "fifo"},
                                       {"success_rate", "0.976"},
                                       {"success_rate_ci95", "0.002"},
                                       {"fairness", "0.999996"},
                                       {"fairness_ci95", "4e-06"},
                                       {"recovery_s", "1234.4"},
                                       {"recovery_s_ci95", "41.2"},
                                       {"latency_p99_s", "27.71"},
                                       {"latency_p99_s_ci95", "1.04"},
                                       {"spiral", "true"}});
  const std::vector<std::string> cells = DataCells(SweepTable(NoGrid(), {{0, {replicated}, {}}}, 10));
  // policy, success, 429, 503, util, p99 s, steady ok, spiking 429, fairness, recovery s,
  // recovered, spiral
  ASSERT_EQ(cells.size(), 12u);
  EXPECT_EQ(cells[1], "97.6% ±0.2");
  EXPECT_EQ(cells[5], "27.7 ±1.0");
  EXPECT_EQ(cells[8], "1.000 ±0.000");  // not "1 ±4e-06"
  EXPECT_EQ(cells[9], "1234 ±41");      // not "1.23e+03 ±41"
  EXPECT_EQ(cells[2], "-");
  EXPECT_EQ(cells[11], "true");
  // One run: no half-widths.
  const SweepRow single = RowWith({{"policy", "none"}, {"fairness", "0.65312"}, {"recovery_s", "60"}});
  const std::vector<std::string> plain = DataCells(SweepTable(NoGrid(), {{0, {single}, {}}}, 10));
  ASSERT_EQ(plain.size(), 12u);
  EXPECT_EQ(plain[8], "0.653");
  EXPECT_EQ(plain[9], "60");
  // Recovery below a second keeps its digits, rather than reading as 0 (instant).
  for (const auto& [recovery, ci, shown] :
       {std::tuple{"0.4", "0.1", "0.400 ±0.100"}, std::tuple{"2.5", "0.31", "2.50 ±0.31"},
        std::tuple{"12.26", "", "12.3"}}) {
    const SweepRow row = RowWith({{"policy", "none"}, {"recovery_s", recovery}, {"recovery_s_ci95", ci}});
    EXPECT_EQ(DataCells(SweepTable(NoGrid(), {{0, {row}, {}}}, 10)).at(9), shown);
  }
}

TEST(SweepTable, ShowsTheTimedOutShareOnlyWhereAClientGaveUpWaiting) {
  const SweepRow patient = RowWith({{"policy", "fifo"}, {"share_timed_out", "0"}});
  const SweepRow impatient = RowWith({{"policy", "fifo"}, {"share_timed_out", "0.269"}});
  EXPECT_EQ(SweepTable(NoGrid(), {{0, {patient}, {}}}, 10).find("timed out"), std::string::npos);
  const std::string table = SweepTable(NoGrid(), {{0, {patient, impatient}, {}}}, 10);
  ASSERT_NE(table.find("timed out"), std::string::npos) << table;
  // After 503: policy, success, 429, 503, timed out, ... (no outage, so no recovery columns)
  const std::vector<std::string> cells = DataCells(SweepTable(NoGrid(), {{0, {impatient}, {}}}, 10));
  ASSERT_EQ(cells.size(), 10u);
  EXPECT_EQ(cells[4], "26.9%");
}

TEST(SweepTable, ShowsTheRecoveryColumnsOnlyWhereSomeRowHasARecoveryToJudge) {
  // No outage: recovery_s, recovered_share and spiral are NA in every row, so no column of "-".
  const SweepRow steady = RowWith({{"policy", "fifo"}, {"success_rate", "0.96"}});
  const std::string without = SweepTable(NoGrid(), {{0, {steady, steady}, {}}}, 10);
  for (const char* header : {"recovery s", "recovered", "spiral"}) {
    EXPECT_EQ(without.find(header), std::string::npos) << header << " in:\n" << without;
  }
  // policy, success, 429, 503, util, p99 s, steady ok, spiking 429, fairness
  EXPECT_EQ(DataCells(without).size(), 9u);
  // One row judged a spiral, with no recovery time: the three columns show, the spiral last.
  const SweepRow spiralled = RowWith({{"policy", "none"}, {"recovered_share", "0"}, {"spiral", "true"}});
  const std::string with = SweepTable(NoGrid(), {{0, {steady, spiralled}, {}}}, 10);
  const std::vector<std::string> cells = DataCells(with);
  ASSERT_EQ(cells.size(), 12u) << with;
  EXPECT_EQ(std::vector<std::string>(cells.begin() + 9, cells.end()),
            (std::vector<std::string>{"-", "-", "-"}));  // the steady row: nothing to judge
  EXPECT_NE(with.find("recovery s"), std::string::npos) << with;
  EXPECT_EQ(with.substr(with.rfind(' ', with.size() - 2) + 1), "true\n");
}

}  // namespace
}  // namespace ratesim

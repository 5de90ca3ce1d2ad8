// The sweep's verdict: for each question the best row and the runner-up in the question's own
// direction, ties named once, and whether replications tell the two apart, by paired differences
// where the rows' samples are kept and by disjoint intervals where they are not.
#include "sim/sweep/sweep_verdict.h"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "fmt/format.h"
#include "tests/support/table_cells.h"

namespace ratesim {
namespace {

// A one-axis sweep of `values` under one policy, with `replications`; each row's success_rate
// replications given, the other verdict metrics undefined.
struct HandSweep {
  SweepDefinition definition;
  std::vector<PointRows> points;
  std::vector<SweepColumn> columns;

  HandSweep(std::vector<std::string> values, int replications) {
    definition.scenarios = {{"s.toml", 1}};
    definition.grid = {{"limits.headroom", std::move(values)}};
    definition.replications = replications;
    columns = SweepColumns(definition.grid);
  }

  // The row of value `value` (and `policy`), its success rate over the replications `success`.
  void Add(const std::string& value, const std::vector<double>& success,
           const std::string& policy = "fifo") {
    SweepRow row(columns.size(), "");
    row[0] = "s.toml";
    row[1] = value;
    row[2] = policy;
    double sum = 0.0;
    for (double v : success) sum += v;
    const double mean = sum / static_cast<double>(success.size());
    double squares = 0.0;
    for (double v : success) squares += (v - mean) * (v - mean);
    const double sd = std::sqrt(squares / static_cast<double>(success.size() - 1));
    const double t = success.size() == 3 ? 4.302652729911275 : 12.706204736174705;
    Set(row, "success_rate", fmt::format("{}", mean));
    Set(row, "success_rate_ci95",
        success.size() > 1 ? fmt::format("{}", t * sd / std::sqrt(success.size())) : "");
    RowSamples samples(VerdictMetricNames().size(),
                       std::vector<double>(success.size(), std::nan("")));
    samples[0] = success;  // success_rate comes first
    points.push_back({points.size(), {row}, {samples}});
  }

  void Set(SweepRow& row, const std::string& column, const std::string& value) const {
    for (size_t c = 0; c < columns.size(); ++c) {
      if (columns[c].name == column) row[c] = value;
    }
  }
};

// The cells of the verdict's line for `question`; empty if there is none.
std::vector<std::string> Line(const std::string& verdict, const std::string& question) {
  std::istringstream lines(verdict);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(question + "  ", 0) == 0) return testing::TableCells(line);
  }
  return {};
}

TEST(SweepVerdict, PairedReplicationsTellApartWhatOverlappingIntervalsCannot) {
  ASSERT_EQ(VerdictMetricNames().front(), "success_rate");
  // headroom 3 beats 2 by 2 to 3 points in every replication; each spreads 20 with the traffic.
  HandSweep sweep({"2", "3"}, 3);
  sweep.Add("2", {0.88, 0.77, 0.68});
  sweep.Add("3", {0.90, 0.80, 0.70});
  const std::vector<std::string> line = Line(SweepVerdict(sweep.definition, sweep.points), "most served");
  ASSERT_EQ(line.size(), 6u);
  EXPECT_EQ(line[1], "headroom=3");
  EXPECT_EQ(line[3], "headroom=2");
  EXPECT_EQ(line[5], "clear");
  // Without the samples (a shard file written before they were kept), the intervals overlap.
  for (PointRows& point : sweep.points) point.samples.clear();
  EXPECT_EQ(Line(SweepVerdict(sweep.definition, sweep.points), "most served").at(5), "within noise");
  // Paired, a difference that changes sign is noise.
  HandSweep mixed({"2", "3"}, 3);
  mixed.Add("2", {0.92, 0.77, 0.68});
  mixed.Add("3", {0.90, 0.80, 0.70});
  EXPECT_EQ(Line(SweepVerdict(mixed.definition, mixed.points), "most served").at(5), "within noise");
}

TEST(SweepVerdict, NamesATieOnceAndThePolicyOnlyWhereThereAreSeveral) {
  HandSweep sweep({"1", "2", "3"}, 1);
  sweep.Add("1", {0.5});
  sweep.Add("2", {0.9});
  sweep.Add("3", {0.9});
  const std::string verdict = SweepVerdict(sweep.definition, sweep.points);
  const std::vector<std::string> line = Line(verdict, "most served");
  ASSERT_EQ(line.size(), 5u) << verdict;  // one replication: no "told apart"
  EXPECT_EQ(line[1], "headroom=2 and 1 more");
  EXPECT_EQ(line[3], "headroom=1");
  EXPECT_NE(verdict.find("--replications 5"), std::string::npos);
  // Only defined metrics are asked: no 503 line, whose cells are NA.
  EXPECT_TRUE(Line(verdict, "fewest 503s").empty());
  sweep.Add("1", {0.95}, "within_first");
  EXPECT_EQ(Line(SweepVerdict(sweep.definition, sweep.points), "most served").at(1),
            "headroom=1 (within_first)");
}

// A rate that never dipped is "back" at once everywhere: no rate lines to crown a dip that did not
// happen. A time to return is asked only of rows that dipped and came back every time (a mean over
// the one replication that came back is no answer). Seconds read with their unit.
TEST(SweepVerdict, AsksOfTheRatesOnlyWhereTheyDippedAndCameBack) {
  HandSweep sweep({"2", "3", "4", "5"}, 1);
  for (const char* value : {"2", "3", "4", "5"}) sweep.Add(value, {0.9});
  const auto set = [&](size_t row, const char* column, const char* value) {
    sweep.Set(sweep.points[row].rows[0], column, value);
  };
  // Row by row: rate low, time back, share of replications back.
  const char* rates[4][3] = {{"1.007", "0", "1"}, {"0.96", "0", "1"}, {"0.97", "0", "1"}, {"0.99", "0", "1"}};
  for (size_t row = 0; row < 4; ++row) {
    set(row, "rate_low_share", rates[row][0]);
    set(row, "rate_recovery_s", rates[row][1]);
    set(row, "rate_returned_share", rates[row][2]);
  }
  EXPECT_TRUE(Line(SweepVerdict(sweep.definition, sweep.points), "smallest rate dip").empty());
  EXPECT_TRUE(Line(SweepVerdict(sweep.definition, sweep.points), "fastest rate return").empty());
  // 3 dipped to 25% and was back in 240 s; 4 came back in 120 s, but in half its replications
  // only; 5 dipped to 50% and was back in 300 s.
  set(1, "rate_low_share", "0.25");
  set(1, "rate_recovery_s", "240");
  set(2, "rate_low_share", "0.4");
  set(2, "rate_recovery_s", "120");
  set(2, "rate_returned_share", "0.5");
  set(3, "rate_low_share", "0.5");
  set(3, "rate_recovery_s", "300");
  const std::string verdict = SweepVerdict(sweep.definition, sweep.points);
  EXPECT_EQ(Line(verdict, "smallest rate dip"),
            (std::vector<std::string>{"smallest rate dip", "headroom=2", "100.7%", "headroom=5", "50.0%"}));
  EXPECT_EQ(Line(verdict, "fastest rate return"),
            (std::vector<std::string>{"fastest rate return", "headroom=3", "240s", "headroom=5", "300s"}));
}

// Two axes that end alike are named by their whole keys; rows that read the same are named by the
// first of them in the sweep, whichever has the better unrounded figure.
TEST(SweepVerdict, NamesAxesThatEndAlikeWholeAndATieByItsFirstRow) {
  HandSweep sweep({"1"}, 1);
  sweep.definition.grid = {{"policies.0.max_wait", {"5s", "30s"}}, {"policies.1.max_wait", {"5s"}}};
  sweep.columns = SweepColumns(sweep.definition.grid);
  for (const auto& [wait, success] : {std::pair{"5s", 0.9001}, std::pair{"30s", 0.9004}}) {
    SweepRow row(sweep.columns.size(), "");
    row[0] = "s.toml";
    row[1] = wait;
    row[2] = "5s";
    row[3] = "fifo";
    sweep.Set(row, "success_rate", fmt::format("{}", success));
    sweep.points.push_back({sweep.points.size(), {row}, {}});
  }
  sweep.Add("x", {0.5});  // a third row, far behind
  sweep.points.back().rows[0].insert(sweep.points.back().rows[0].begin() + 2, "5s");
  sweep.points.back().rows[0].pop_back();
  const std::vector<std::string> line =
      Line(SweepVerdict(sweep.definition, sweep.points), "most served");
  ASSERT_GE(line.size(), 2u);
  EXPECT_EQ(line[1], "policies.0.max_wait=5s, policies.1.max_wait=5s and 1 more");
}

// Where the grid varies the seed, the rows' replications did not run on the same traffic: no
// pairing, the intervals decide.
TEST(SweepVerdict, DoesNotPairReplicationsOfDifferentSeeds) {
  HandSweep sweep({"2", "3"}, 3);
  sweep.Add("2", {0.88, 0.77, 0.68});
  sweep.Add("3", {0.90, 0.80, 0.70});
  EXPECT_EQ(Line(SweepVerdict(sweep.definition, sweep.points), "most served").at(5), "clear");
  sweep.definition.grid[0].key = "run.seed";
  EXPECT_EQ(Line(SweepVerdict(sweep.definition, sweep.points), "most served").at(5), "within noise");
}

TEST(SweepVerdict, SaysNothingWithOneRow) {
  HandSweep sweep({"2"}, 3);
  sweep.Add("2", {0.9, 0.8, 0.7});
  EXPECT_EQ(SweepVerdict(sweep.definition, sweep.points), "");
}

}  // namespace
}  // namespace ratesim

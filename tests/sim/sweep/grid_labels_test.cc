// The names a sweep's terminal table and plot give grid values: as given, or by number where one
// value of the axis is too long to show, with a key to the numbers.
#include "sim/sweep/grid_labels.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/sweep/sweep_plot.h"
#include "sim/sweep/sweep_table.h"

namespace ratesim {
namespace {

using Values = std::vector<std::string>;

const GridAxis kShort{"limits.window", {"1m", "10m"}};
const GridAxis kLong{"limits.requests_per_s",
                     {"max(base_rps, 2 * ok_rps_1m)", "rate_rps", "max(base_rps, 3 * ok_rps_1m)"}};

TEST(GridLabels, ShortValuesAreShownAsGivenAndAnAxisWithALongOneByNumber) {
  EXPECT_EQ(GridValueLabels(kShort), (Values{"1m", "10m"}));
  // One value over the limit numbers the whole axis, the short ones too, so they read alike.
  EXPECT_EQ(GridValueLabels(kLong), (Values{"#1", "#2", "#3"}));
  EXPECT_EQ(GridValueLabel(kLong, "rate_rps"), "#2");
  EXPECT_EQ(GridValueLabel(kShort, "10m"), "10m");
  const GridAxis at_limit{"k", {std::string(kMaxShownGridValue, 'x')}};
  EXPECT_EQ(GridValueLabels(at_limit), at_limit.values);
}

TEST(GridLabels, TheKeyGivesEveryNumberedValueInFull) {
  EXPECT_EQ(GridValueKey({kShort}), "");
  EXPECT_EQ(GridValueKey({kShort, kLong}),
            "limits.requests_per_s #1 = max(base_rps, 2 * ok_rps_1m)\n"
            "limits.requests_per_s #2 = rate_rps\n"
            "limits.requests_per_s #3 = max(base_rps, 3 * ok_rps_1m)\n");
}

// A sweep over both axes: a row per point, its cells as a sweep writes them.
struct LabelledSweep {
  SweepDefinition definition;
  std::vector<PointRows> points;
  LabelledSweep() {
    definition.scenarios = {{"s.toml", 1}};
    definition.grid = {kLong, kShort};
    definition.replications = 1;
    const size_t columns = SweepColumns(definition.grid).size();
    size_t point = 0;
    for (const std::string& expression : kLong.values) {
      for (const std::string& window : kShort.values) {
        SweepRow row(columns, "0.5");
        row[0] = "s.toml";
        row[1] = expression;
        row[2] = window;
        row[3] = "fifo";
        points.push_back({point++, {row}, {}});
      }
    }
  }
};

TEST(GridLabels, TheTableShowsNumbersAndTheKeyFollowsIt) {
  const LabelledSweep sweep;
  const std::string table = SweepTable(sweep.definition, sweep.points, 100);
  EXPECT_NE(table.find("\n#3 "), std::string::npos) << table;
  EXPECT_EQ(table.find("max(base_rps, 2"), table.find("#1 = max(base_rps, 2") + 5) << table;
  EXPECT_NE(table.find("limits.requests_per_s #2 = rate_rps\n"), std::string::npos) << table;
}

TEST(GridLabels, ThePlotShowsNumbersWithTheValuesAsTooltips) {
  const LabelledSweep sweep;
  const std::string svg = SweepSvg(sweep.definition, sweep.points);
  EXPECT_NE(svg.find("class=\"xtick\">#1<title>max(base_rps, 2 * ok_rps_1m)</title>"),
            std::string::npos);
  EXPECT_EQ(svg.find("class=\"xtick\">max("), std::string::npos);  // never as a tick's text
  // The other axis is short: its legend entries read as given.
  EXPECT_NE(svg.find("class=\"legend\">fifo, window=10m<"), std::string::npos);
}

}  // namespace
}  // namespace ratesim

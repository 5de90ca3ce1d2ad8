// sweep.svg, drawn from rows built by hand: the first grid axis' values on the x axis, a line per
// policy and value of the other axes, a marker per defined cell and an error bar per positive
// half-width, the recovery panel only where some row has it, and a title that says when lines
// were left out. (That merge draws the unsharded bytes is checked with the other files in
// sweep_command_test.cc.)
#include "sim/sweep/sweep_plot.h"

#include <algorithm>
#include <string>
#include <vector>

#include "fmt/format.h"
#include "gtest/gtest.h"

namespace ratesim {
namespace {

size_t Count(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

constexpr size_t kPanels = 6;  // without the outage panels (recovery, lowest rate)

struct HandSweep {
  SweepDefinition definition;
  std::vector<PointRows> points;
  std::vector<SweepColumn> columns;

  explicit HandSweep(std::vector<GridAxis> grid) {
    definition.scenarios = {{"s.toml", 1}};
    definition.grid = std::move(grid);
    definition.replications = 3;
    columns = SweepColumns(definition.grid);
  }
  // A row of `policy` at grid `values`, every score `score` with half-width `ci` ("" = NA).
  void Add(size_t point, const std::vector<std::string>& values, const std::string& policy,
           const std::string& score, const std::string& ci) {
    SweepRow row(columns.size(), "");
    row[0] = "s.toml";
    std::copy(values.begin(), values.end(), row.begin() + 1);
    row[1 + values.size()] = policy;
    for (size_t c = 2 + values.size(); c < columns.size(); ++c) {
      const std::string& name = columns[c].name;
      if (name == "recovered_share" || name == "spiral" || name == "spiral_share" ||
          name.rfind("rate_", 0) == 0) {
        continue;  // the outage's: NA without one
      }
      const bool half_width = name.size() > 5 && name.substr(name.size() - 5) == "_ci95";
      row[c] = half_width ? ci : score;
    }
    if (points.empty() || points.back().point != point) points.push_back({point, {}, {}});
    points.back().rows.push_back(row);
  }
};

TEST(SweepSvg, PutsTheFirstAxisOnXAndALinePerPolicyAndOtherAxisValue) {
  HandSweep sweep({{"limits.window", {"1m", "10m", "30m"}}, {"limits.headroom", {"2", "3"}}});
  size_t point = 0;
  for (const char* window : {"1m", "10m", "30m"}) {
    for (const char* headroom : {"2", "3"}) {
      sweep.Add(point, {window, headroom}, "fifo", "0.5", "0.1");
      sweep.Add(point, {window, headroom}, "none", "0.25", "");
      ++point;
    }
  }
  const std::string svg = SweepSvg(sweep.definition, sweep.points);
  EXPECT_EQ(svg, SweepSvg(sweep.definition, sweep.points));
  EXPECT_NE(svg.find("means with 95% intervals over 3 replications"), std::string::npos);
  // The categories, in the order given, under every panel.
  const size_t first = svg.find("class=\"xtick\">1m<");
  ASSERT_NE(first, std::string::npos);
  EXPECT_LT(first, svg.find("class=\"xtick\">10m<"));
  EXPECT_LT(svg.find("class=\"xtick\">10m<"), svg.find("class=\"xtick\">30m<"));
  EXPECT_EQ(Count(svg, "class=\"xtick\">30m<"), kPanels);
  EXPECT_EQ(Count(svg, ">limits.window</text>"), kPanels);
  // Four lines (2 policies x 2 headrooms), in the order the rows show them, in every panel; the
  // other axis named by its key's last part, so that its value survives a cut legend.
  for (const char* label : {">fifo, headroom=2<", ">none, headroom=2<", ">fifo, headroom=3<",
                            ">none, headroom=3<"}) {
    EXPECT_EQ(Count(svg, std::string("class=\"legend\"") + label), kPanels) << label;
  }
  EXPECT_LT(svg.find(">none, headroom=2<"), svg.find(">fifo, headroom=3<"));
  EXPECT_EQ(Count(svg, "class=\"legend\""), 4 * kPanels);
  EXPECT_EQ(Count(svg, "<polyline"), 4 * kPanels);
  // A marker per point, an error bar only where a half-width was given (fifo's).
  EXPECT_EQ(Count(svg, "<circle"), 4 * 3 * kPanels);
  EXPECT_EQ(Count(svg, "class=\"bar\""), 2 * 3 * kPanels);
  EXPECT_EQ(svg.find("recovered within"), std::string::npos);  // no outage: no recovery panel
  EXPECT_EQ(svg.find("no values"), std::string::npos);
}

// Two axes that end alike keep their whole keys, so the lines stay apart; a legend cut to fit
// keeps the whole label as its tooltip.
TEST(SweepSvg, NamesAxesThatEndAlikeByTheirWholeKeysAndKeepsACutLabelAsATooltip) {
  HandSweep sweep({{"limits.window", {"1m"}},
                   {"models.0.concurrency", {"25"}},
                   {"models.1.concurrency", {"30"}}});
  sweep.Add(0, {"1m", "25", "30"}, "within_first", "0.5", "");
  const std::string svg = SweepSvg(sweep.definition, sweep.points);
  const std::string label = "within_first, models.0.concurrency=25, models.1.concurrency=30";
  EXPECT_EQ(Count(svg, "<title>" + label + "</title>"), kPanels) << svg.substr(0, 2000);
  EXPECT_EQ(Count(svg, "class=\"legend\">within_first, models.0.concurrenc...<title>"), kPanels);
}

TEST(SweepSvg, ShowsRecoveryOnlyWhereJudgedAndSaysWhenAPanelHasNoValues) {
  HandSweep sweep({{"limits.window", {"1m", "10m"}}});
  sweep.Add(0, {"1m"}, "fifo", "", "");
  sweep.Add(1, {"10m"}, "fifo", "", "");
  const size_t recovered = static_cast<size_t>(
      std::find_if(sweep.columns.begin(), sweep.columns.end(),
                   [](const SweepColumn& c) { return c.name == "recovered_share"; }) -
      sweep.columns.begin());
  sweep.points[1].rows[0][recovered] = "0.5";
  const std::string svg = SweepSvg(sweep.definition, sweep.points);
  EXPECT_EQ(Count(svg, ">recovered within 10 min after the outage<"), 1u);
  EXPECT_EQ(Count(svg, "<circle"), 1u);           // the one defined cell: 10m's recovered share
  EXPECT_EQ(Count(svg, ">no values<"), kPanels);  // every other panel is all NA
}

// A rate's lowest in an outage is a share of its value before, and may be above 1 (a formula that
// kept raising it): its panel's axis then reaches it, while the shares' axes stay at 1.
TEST(SweepSvg, ShowsTheLowestRateOnlyWithAnOutageOnAnAxisThatReachesIt) {
  HandSweep sweep({{"limits.window", {"1m", "10m"}}});
  sweep.Add(0, {"1m"}, "fifo", "", "");
  sweep.Add(1, {"10m"}, "fifo", "", "");
  const size_t low = static_cast<size_t>(
      std::find_if(sweep.columns.begin(), sweep.columns.end(),
                   [](const SweepColumn& c) { return c.name == "rate_low_share"; }) -
      sweep.columns.begin());
  ASSERT_LT(low, sweep.columns.size());
  const std::string without = SweepSvg(sweep.definition, sweep.points);
  EXPECT_EQ(without.find("lowest rate"), std::string::npos);
  sweep.points[0].rows[0][low] = "0.4";
  sweep.points[1].rows[0][low] = "1.3";
  const std::string svg = SweepSvg(sweep.definition, sweep.points);
  EXPECT_EQ(Count(svg, ">lowest rate in the outage (of the rate before)<"), 1u);
  EXPECT_EQ(Count(svg, "<circle"), 2u);
  EXPECT_EQ(Count(svg, "class=\"ytick\">1.5<"), 1u) << svg;  // this panel's axis only
}

TEST(SweepSvg, DrawsTheFirstLinesAndSaysHowManyWereLeftOut) {
  HandSweep sweep(std::vector<GridAxis>{{"limits.window", {"1m"}}});
  const size_t policies = kMaxSweepLines + 3;
  for (size_t p = 0; p < policies; ++p) sweep.Add(0, {"1m"}, fmt::format("p{}", p), "1", "");
  const std::string svg = SweepSvg(sweep.definition, sweep.points);
  EXPECT_NE(svg.find(fmt::format("(the first {} of {} lines)", kMaxSweepLines, policies)),
            std::string::npos);
  EXPECT_EQ(Count(svg, "class=\"legend\""), kMaxSweepLines * kPanels);
  EXPECT_EQ(svg.find(fmt::format(">p{}<", kMaxSweepLines)), std::string::npos);
}

TEST(SweepSvg, WithoutAGridPutsTheScenariosOnX) {
  HandSweep sweep(std::vector<GridAxis>{});
  sweep.definition.scenarios = {{"a.toml", 1}, {"b.toml", 2}};
  sweep.Add(0, {}, "fifo", "0.9", "");
  sweep.points[0].rows[0][0] = "a.toml";
  sweep.Add(1, {}, "fifo", "0.8", "");
  sweep.points[1].rows[0][0] = "b.toml";
  const std::string svg = SweepSvg(sweep.definition, sweep.points);
  EXPECT_EQ(Count(svg, "class=\"xtick\">a.toml<"), kPanels);
  EXPECT_EQ(Count(svg, "class=\"xtick\">b.toml<"), kPanels);
  EXPECT_EQ(Count(svg, ">scenario</text>"), kPanels);
  EXPECT_EQ(Count(svg, "<polyline"), kPanels);  // one line (fifo) through both scenarios
}

}  // namespace
}  // namespace ratesim

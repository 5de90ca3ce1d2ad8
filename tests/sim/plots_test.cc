// plots.svg and what it is drawn from. The chart writer: round ticks (against a brute-force
// oracle), XML escaping, points placed on the frame's corners, broken lines at NaN, same bytes
// twice. The overview gathered while a run streams: its outcome rates add back up to the run's
// counts, and its rate lines equal the time series' rate_rpm points, one per key or, past 8 keys,
// their percentiles computed naively; a run too long to keep whole still adds up (the coalescing
// itself is checked against a naive oracle in overview_bound_test.cc).
#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "fmt/format.h"
#include "gtest/gtest.h"
#include "sim/metrics/overview_sink.h"
#include "sim/report/plots_svg.h"
#include "sim/report/svg_chart.h"
#include "sim/simulate/runner.h"
#include "tests/support/scenario_builder.h"

namespace ratesim {
namespace {

size_t Count(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

// --- Ticks ---------------------------------------------------------------------------------------

// The smallest of 1, 2, 5 × 10^k (k from -12 to 12) that is at least max / target, by trying all.
double OracleStep(double max, int target) {
  double best = INFINITY;
  for (int k = -12; k <= 12; ++k) {
    for (const double m : {1.0, 2.0, 5.0}) {
      const double step = m * std::pow(10.0, k);
      if (step >= max / target * (1 - 1e-12)) best = std::min(best, step);
    }
  }
  return best;
}

TEST(NiceTicks, AreTheSmallestRoundStepCoveringTheMaximum) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> log_max(-6, 9);
  for (int i = 0; i < 2000; ++i) {
    const double max = std::pow(10.0, log_max(rng));
    const int target = 2 + i % 7;
    const std::vector<double> ticks = NiceTicks(max, target);
    SCOPED_TRACE(fmt::format("max {} target {}", max, target));
    ASSERT_GE(ticks.size(), 2u);
    EXPECT_EQ(ticks.front(), 0.0);
    const double step = ticks[1];
    EXPECT_NEAR(step, OracleStep(max, target), 1e-9 * step);
    for (size_t t = 1; t < ticks.size(); ++t) {
      EXPECT_NEAR(ticks[t], static_cast<double>(t) * step, 1e-9 * step);
    }
    EXPECT_GE(ticks.back(), max * (1 - 1e-12));  // covers the maximum
    EXPECT_LT(ticks[ticks.size() - 2], max);     // and stops at the first tick that does
  }
  EXPECT_EQ(NiceTicks(0.0, 5), (std::vector<double>{0.0, 1.0}));
  EXPECT_EQ(NiceTicks(NAN, 5), (std::vector<double>{0.0, 1.0}));
  EXPECT_EQ(NiceTicks(8.0, 4), (std::vector<double>{0, 2, 4, 6, 8}));
  // A subnormal maximum would make the step 0 (ticks forever), a huge one the top tick infinite.
  EXPECT_EQ(NiceTicks(2e-323, 5), (std::vector<double>{0.0, 1.0}));
  EXPECT_EQ(NiceTicks(1.7e308, 5), (std::vector<double>{0.0, 1.0}));
}

TEST(SvgChart, EscapesText) {
  EXPECT_EQ(XmlEscape(R"(a<b & "c">d)"), "a&lt;b &amp; &quot;c&quot;&gt;d");
}

// The number in `attribute="..."` of the element that starts at `element`.
double Attribute(const std::string& svg, size_t element, const std::string& attribute) {
  const size_t value = svg.find(" " + attribute + "=\"", element) + attribute.size() + 3;
  return std::stod(svg.substr(value));
}

TEST(SvgChart, PlacesPointsOnTheFrameAndBreaksLinesAtNaN) {
  ChartFigure figure;
  figure.title = "t & t";
  ChartPanel panel;
  panel.title = "p";
  panel.x = {0, 50, 100};
  panel.y_max = 10;
  panel.lines = {{"corners", {0, NAN, 10}, "", {}}, {"whole", {1, 2, 3}, "#123456", {}}};
  figure.panels = {panel};
  const std::string svg = RenderSvg(figure);
  EXPECT_EQ(svg, RenderSvg(figure));  // deterministic
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_EQ(svg.substr(svg.size() - 7), "</svg>\n");
  EXPECT_NE(svg.find(">t &amp; t<"), std::string::npos);
  // "corners" is two one-point polylines (the NaN breaks it), "whole" one of three points; a
  // one-point polyline draws nothing, so each of those also gets a dot.
  EXPECT_EQ(Count(svg, "<polyline"), 3u);
  EXPECT_EQ(Count(svg, "<circle"), 2u);
  EXPECT_EQ(Count(svg, "stroke=\"#123456\""), 2u);  // its line and its legend key
  const size_t frame = svg.rfind("<rect", svg.find("class=\"frame\""));
  const double left = Attribute(svg, frame, "x");
  const double top = Attribute(svg, frame, "y");
  const double width = Attribute(svg, frame, "width");
  const double height = Attribute(svg, frame, "height");
  // (0, 0) is the frame's bottom left corner, (100, 10) its top right.
  EXPECT_NE(svg.find(fmt::format("<polyline points=\"{:g},{:g}\"", left, top + height)),
            std::string::npos)
      << svg;
  EXPECT_NE(svg.find(fmt::format("<polyline points=\"{:g},{:g}\"", left + width, top)),
            std::string::npos)
      << svg;
}

TEST(SvgChart, DrawsAValueNearTheLargestDoubleAtAFiniteCoordinate) {
  // NiceTicks gives up on such a maximum ({0, 1}): the point used to land at y = -inf, no SVG
  // number. It is drawn off the panel instead, as every other coordinate a finite number.
  ChartFigure figure;
  ChartPanel panel;
  panel.title = "rates";
  panel.x = {0, 50, 100};
  panel.lines = {{"absurd floor", {1e307, 1e307, 1e307}, "", {}}};
  figure.panels = {panel};
  const std::string svg = RenderSvg(figure);
  EXPECT_EQ(svg.find("inf"), std::string::npos) << svg;
  EXPECT_EQ(svg.find("nan"), std::string::npos) << svg;
  EXPECT_EQ(Count(svg, "<polyline"), 1u);
}

// --- The overview of a run -----------------------------------------------------------------------

// `orgs` orgs, org i sending Poisson (1 + i) / 8 requests/s to one model of `slots` slots under
// `earned` for half an hour: with few slots some requests fail; with many, the busier orgs earn
// rates above the base, so the orgs' rates differ.
Scenario ManyOrgs(int orgs, int slots) {
  Scenario scenario = testing::QueueScenario(slots, /*mean_service_s=*/1.0,
                                             /*arrival_rate=*/1.0, /*duration_s=*/1800,
                                             testing::Policy("none"), /*seed=*/3);
  scenario.run.resolution = FromSeconds(30);
  scenario.limits = LimitSpec{};
  scenario.limits.formula = "earned";
  const OrgSpec org = scenario.orgs.front();
  scenario.orgs.clear();
  for (int i = 0; i < orgs; ++i) {
    scenario.orgs.push_back(org);
    scenario.orgs.back().name = fmt::format("org{}", i);
    scenario.orgs.back().traffic.front().shape.rate_per_s = (1.0 + i) / 8;
  }
  return scenario;
}

struct Observed {
  RunResult run;
  RunOverview overview;
};

Observed RunWithOverview(const Scenario& scenario) {
  Observed observed{RunResult{"", 0, {}, {}, RunMetrics(0, 0)}, RunOverview{}};
  ComparisonOptions options;
  options.keep_series = true;  // the oracle: every point of the series
  options.series = [&observed](size_t, int) {
    return std::make_unique<OverviewSink>(&observed.overview, nullptr);
  };
  absl::StatusOr<std::vector<RunResult>> runs = RunComparison(scenario, {}, options);
  EXPECT_TRUE(runs.ok()) << runs.status();
  if (runs.ok()) observed.run = std::move(runs->front());
  return observed;
}

// Per interval, the rate_rpm of every key in the series, in key order.
std::vector<std::vector<double>> RatesByInterval(const RunMetrics& metrics) {
  std::vector<std::vector<double>> rates;
  Nanos time = -1;
  for (const SeriesPoint& point : metrics.series) {
    if (point.metric != SeriesMetric::kRateRpm) continue;
    if (point.time != time) rates.emplace_back();
    time = point.time;
    rates.back().push_back(point.value);
  }
  return rates;
}

TEST(Overview, OutcomeRatesAddBackUpToTheRunsCounts) {
  const Observed observed = RunWithOverview(ManyOrgs(3, /*slots=*/1));
  const RunOverview& overview = observed.overview;
  ASSERT_FALSE(overview.time_s.empty());
  double offered = 0, ok = 0, r429 = 0, r503 = 0, start = 0;
  for (size_t i = 0; i < overview.time_s.size(); ++i) {
    const double length = overview.time_s[i] - start;
    start = overview.time_s[i];
    offered += overview.offered_per_s[i] * length;
    ok += overview.ok_per_s[i] * length;
    r429 += overview.r429_per_s[i] * length;
    r503 += overview.r503_per_s[i] * length;
  }
  const OutcomeCounts& counts = observed.run.metrics.overall.counts;
  EXPECT_NEAR(offered, static_cast<double>(counts.offered), 1e-6);
  EXPECT_NEAR(ok, static_cast<double>(counts.ok), 1e-6);
  EXPECT_NEAR(r429, static_cast<double>(counts.r429()), 1e-6);
  EXPECT_NEAR(r503, static_cast<double>(counts.r503), 1e-6);
  EXPECT_GT(r429 + r503, 0);  // the scenario fails some: the sums are not all zeros
}

TEST(Overview, ALongRunIsCoalescedAndStillAddsUpWithRatesAtItsPointsEnds) {
  // Half an hour at 1 s: 1800 intervals, more than the overview keeps, so a point per two. At
  // twice ManyOrgs' traffic, the busiest orgs send more than the base 60 RPM and earn more as
  // they go, so that their rates change from one second to the next.
  Scenario scenario = ManyOrgs(8, /*slots=*/64);
  for (OrgSpec& org : scenario.orgs) org.traffic.front().shape.rate_per_s *= 2;
  scenario.run.resolution = FromSeconds(1);
  const Observed observed = RunWithOverview(scenario);
  const RunOverview& overview = observed.overview;
  EXPECT_EQ(overview.intervals_per_point, 2u);
  EXPECT_LE(overview.time_s.size(), kMaxOverviewPoints);
  EXPECT_GT(overview.time_s.size(), kMaxOverviewPoints / 2);
  double offered = 0, ok = 0, start = 0;
  for (size_t i = 0; i < overview.time_s.size(); ++i) {
    const double length = overview.time_s[i] - start;
    start = overview.time_s[i];
    offered += overview.offered_per_s[i] * length;
    ok += overview.ok_per_s[i] * length;
  }
  const OutcomeCounts& counts = observed.run.metrics.overall.counts;
  EXPECT_NEAR(offered, static_cast<double>(counts.offered), 1e-6);
  EXPECT_NEAR(ok, static_cast<double>(counts.ok), 1e-6);
  // Each point's rates are the series' at the end of its second interval (of its only one, for
  // the last point of an odd count).
  const std::vector<std::vector<double>> rates = RatesByInterval(observed.run.metrics);
  ASSERT_EQ(overview.time_s.size(), (rates.size() + 1) / 2);
  bool rate_changed = false;  // within a point: its first interval's rate would not do
  for (size_t i = 0; i < overview.time_s.size(); ++i) {
    const size_t end = std::min(2 * i + 1, rates.size() - 1);
    for (size_t key = 0; key < 8; ++key) {
      EXPECT_EQ(overview.rate_rpm.values[key][i], rates[end][key]) << i;
      rate_changed |= rates[2 * i][key] != rates[end][key];
    }
  }
  EXPECT_TRUE(rate_changed);
}

TEST(Overview, FewKeysGetALineEachEqualToTheirSeries) {
  const Observed observed = RunWithOverview(ManyOrgs(3, /*slots=*/64));
  const OverviewLines& lines = observed.overview.rate_rpm;
  EXPECT_FALSE(lines.spread);
  EXPECT_EQ(lines.labels, (std::vector<std::string>{"org0/m", "org1/m", "org2/m"}));
  const std::vector<std::vector<double>> rates = RatesByInterval(observed.run.metrics);
  ASSERT_EQ(rates.size(), observed.overview.time_s.size());
  for (size_t i = 0; i < rates.size(); ++i) {
    for (size_t key = 0; key < 3; ++key) EXPECT_EQ(lines.values[key][i], rates[i][key]);
  }
  EXPECT_EQ(observed.overview.utilisation.labels, (std::vector<std::string>{"m"}));
}

TEST(Overview, ManyKeysGetTheirPercentiles) {
  const int orgs = static_cast<int>(kMaxOverviewLines) + 5;
  const Observed observed = RunWithOverview(ManyOrgs(orgs, /*slots=*/64));
  const OverviewLines& lines = observed.overview.rate_rpm;
  EXPECT_TRUE(lines.spread);
  EXPECT_EQ(lines.labels,
            (std::vector<std::string>{"p10 of 13 keys", "p50 of 13 keys", "p90 of 13 keys"}));
  const std::vector<std::vector<double>> rates = RatesByInterval(observed.run.metrics);
  ASSERT_EQ(rates.size(), observed.overview.time_s.size());
  bool spread_seen = false;
  for (size_t i = 0; i < rates.size(); ++i) {
    std::vector<double> sorted = rates[i];
    std::sort(sorted.begin(), sorted.end());
    // Nearest rank: the ceil(q n)-th smallest.
    EXPECT_EQ(lines.values[0][i], sorted[1]);   // ceil(1.3) = 2nd
    EXPECT_EQ(lines.values[1][i], sorted[6]);   // ceil(6.5) = 7th
    EXPECT_EQ(lines.values[2][i], sorted[11]);  // ceil(11.7) = 12th
    spread_seen |= sorted[1] != sorted[11];
  }
  EXPECT_TRUE(spread_seen);  // the rates do differ, so the percentiles were told apart
}

TEST(Overview, AModelThatIsDownHasNoUtilisationRatherThanZero) {
  // Down from 600 s to 900 s: the series says utilisation 0 there, which would read as idle.
  Scenario scenario = ManyOrgs(2, /*slots=*/4);
  scenario.models[0].schedule = {{FromSeconds(600), 0, {}}, {FromSeconds(900), 1, {}}};
  const Observed observed = RunWithOverview(scenario);
  const std::vector<double>& utilisation = observed.overview.utilisation.values.at(0);
  const std::vector<double>& time = observed.overview.time_s;
  ASSERT_EQ(utilisation.size(), time.size());
  int down = 0;
  for (size_t i = 0; i < time.size(); ++i) {
    if (time[i] > 630 && time[i] <= 900) {  // down at their start (900: back only at its end)
      EXPECT_TRUE(std::isnan(utilisation[i])) << time[i];
      ++down;
    } else if (time[i] <= 600) {
      EXPECT_GT(utilisation[i], 0) << time[i];
    }
  }
  EXPECT_EQ(down, 9);  // 660 s to 900 s, every 30 s
}

TEST(PlotsSvg, DrawsAPanelRowPerPolicyWithAColumnsAxisShared) {
  // The first row buffers up to 5 minutes of work on one slot, so it drains well past the end of
  // its traffic; the second, on 64 slots with no buffer, ends with it.
  Scenario buffered = ManyOrgs(8, /*slots=*/1);  // 4.5 requests/s offered to 1 request/s
  buffered.policies = {testing::Policy("fifo", {{"max_depth", 1e6}, {"max_wait", 300}})};
  const Observed a = RunWithOverview(buffered);
  const Observed b = RunWithOverview(ManyOrgs(3, /*slots=*/64));
  const std::string svg =
      PlotsSvg("title", {"first", "second"}, {a.overview, b.overview}, /*duration_s=*/1800);
  EXPECT_EQ(Count(svg, "class=\"panel\""), 8u);
  EXPECT_LT(svg.find(">first: requests per second<"), svg.find(">second: requests per second<"));
  EXPECT_NE(svg.find(">first: dynamic rate (RPM)<"), std::string::npos);
  EXPECT_NE(svg.find(">second: utilisation<"), std::string::npos);
  // Failed attempts by reason: the first row's waits run past 300 s and expire; the second fails
  // nothing, yet draws the same lines, so that the legends agree; no line for a reason not met.
  EXPECT_NE(svg.find(">second: failed attempts per second, by reason<"), std::string::npos);
  EXPECT_EQ(Count(svg, "class=\"legend\">expired<"), 2u);
  EXPECT_EQ(Count(svg, "class=\"legend\">shed<"), 0u);
  EXPECT_EQ(Count(svg, "class=\"legend\">no_capacity<"), 0u);
  // The two rows differ (one model of 1 slot, overloaded; one of 64) yet their y axes agree,
  // column by column.
  std::vector<std::string> ticks;
  const std::string mark = "class=\"ytick\">";
  for (size_t at = svg.find(mark); at != std::string::npos; at = svg.find(mark, at + 1)) {
    ticks.push_back(svg.substr(at + mark.size(), svg.find('<', at) - at - mark.size()));
  }
  ASSERT_EQ(ticks.size() % 2, 0u);
  EXPECT_EQ(std::vector<std::string>(ticks.begin(), ticks.begin() + ticks.size() / 2),
            std::vector<std::string>(ticks.begin() + ticks.size() / 2, ticks.end()));
  // Utilisation, a share: its axis reaches 1.
  const size_t utilisation = svg.find(">second: utilisation<");
  const size_t last_tick = svg.rfind(mark, svg.find(">second: failed attempts"));
  ASSERT_GT(last_tick, utilisation);
  EXPECT_EQ(svg.substr(last_tick + mark.size(), 2), "1<");
  // One time axis for all eight panels, though the runs drained for different times, and where the
  // traffic stopped marked in each.
  std::vector<std::string> times;
  const std::string xmark = "class=\"xtick\">";
  for (size_t at = svg.find(xmark); at != std::string::npos; at = svg.find(xmark, at + 1)) {
    times.push_back(svg.substr(at + xmark.size(), svg.find('<', at) - at - xmark.size()));
  }
  ASSERT_EQ(times.size() % 8, 0u);
  for (size_t panel = 1; panel < 8; ++panel) {
    EXPECT_TRUE(std::equal(times.begin(), times.begin() + times.size() / 8,
                           times.begin() + panel * times.size() / 8));
  }
  EXPECT_GT(a.overview.time_s.back(), b.overview.time_s.back() + 60);
  EXPECT_EQ(Count(svg, ">traffic stops<"), 8u);
  // Ticks alone could agree on two different scales: the mark sits at the same place in every
  // panel's frame.
  std::vector<double> offsets;
  for (size_t frame = svg.find("class=\"frame\""); frame != std::string::npos;
       frame = svg.find("class=\"frame\"", frame + 1)) {
    const double left = Attribute(svg, svg.rfind("<rect", frame), "x");
    const size_t mark = svg.find("class=\"mark\"", frame);
    ASSERT_NE(mark, std::string::npos);
    offsets.push_back(Attribute(svg, svg.rfind("<line", mark), "x1") - left);
  }
  ASSERT_EQ(offsets.size(), 8u);
  for (const double offset : offsets) EXPECT_NEAR(offset, offsets[0], 0.11);
}

// Scheduled capacity changes are marked in every panel, so that a drop in served requests or a
// full model reads against the change that caused it; a model's name comes first where there are
// several. So is the end of a warm-up.
TEST(PlotsSvg, MarksEveryScheduledCapacityChangeAndTheWarmup) {
  Scenario scenario;
  ModelSpec m;
  m.name = "m";
  m.schedule = {{1320 * kNanosPerSecond, 4, {}}, {1200 * kNanosPerSecond, 0, {}}};
  scenario.models = {m};
  std::vector<PlotEvent> events = ScenarioEvents(scenario);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].time_s, 1200.0);  // in time order
  EXPECT_EQ(events[0].label, "replicas 0");
  EXPECT_EQ(events[1].label, "replicas 4");
  ModelSpec n = m;
  n.name = "n";
  n.schedule = {{60 * kNanosPerSecond, 2, {}}};
  scenario.models.push_back(n);
  events = ScenarioEvents(scenario);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].label, "n: replicas 2");
  EXPECT_EQ(events[2].label, "m: replicas 4");
  // The end of a warm-up is marked among them, in its place in time.
  scenario.run.warmup = 600 * kNanosPerSecond;
  ASSERT_EQ(ScenarioEvents(scenario).size(), 4u);
  EXPECT_EQ(ScenarioEvents(scenario)[1].label, "warm-up ends");
  EXPECT_EQ(ScenarioEvents(scenario)[1].time_s, 600.0);

  const Observed run = RunWithOverview(ManyOrgs(3, /*slots=*/64));
  const std::string svg = PlotsSvg("title", {"only"}, {run.overview}, /*duration_s=*/1800, events);
  EXPECT_EQ(Count(svg, ">n: replicas 2<"), 4u);  // each of the row's four panels
  EXPECT_EQ(Count(svg, ">m: replicas 0<"), 4u);
  // A change past the end of the time axis is not drawn.
  const std::string late =
      PlotsSvg("title", {"only"}, {run.overview}, 1800, {PlotEvent{1e6, "replicas 9"}});
  EXPECT_EQ(Count(late, ">replicas 9<"), 0u);
}

}  // namespace
}  // namespace ratesim

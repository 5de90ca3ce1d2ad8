// Tests for the sweep writer: cell formatting, CSV quoting, and the JSON form of each kind of cell.
#include "sim/sweep/sweep_output.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <string_view>
#include <string>

#include "engine/fail_reason.h"
#include "sim/sweep/sweep_rows.h"

namespace ratesim {
namespace {

TEST(SweepCell, HasSixSignificantDigitsAndNoNegativeZeroAndIsEmptyWhenNotFinite) {
  EXPECT_EQ(FormatCell(0.9751324), "0.975132");
  EXPECT_EQ(FormatCell(20373.6), "20373.6");
  EXPECT_EQ(FormatCell(1234567.0), "1.23457e+06");
  EXPECT_EQ(FormatCell(60.0), "60");
  EXPECT_EQ(FormatCell(-0.0), "0");
  EXPECT_EQ(FormatCell(std::nan("")), "");
  EXPECT_EQ(FormatCell(std::numeric_limits<double>::infinity()), "");
}

// A one-axis sweep whose value holds commas and quotes, with one row.
struct OneRowSweep {
  SweepDefinition definition;
  std::vector<PointRows> points;
  OneRowSweep() {
    definition.version = "9.9";
    definition.scenarios = {{"s.toml", 0xabcdefu}};
    definition.traces = {{"traces/t.csv", 0x123u}};
    definition.grid = {{"models.0.service", {R"({ dist = "constant", mean = "1s" })"}}};
    SweepRow row(SweepColumns(definition.grid).size(), "");
    row[0] = "s.toml";
    row[1] = definition.grid[0].values[0];
    row[2] = "fifo";
    row[3] = "2";
    row[4] = "100";
    row[5] = "0.5";  // success_rate
    row[row.size() - 4] = "true";  // spiral
    row[row.size() - 3] = "1";     // spiral_share
    row[row.size() - 2] = "0.5";   // rate_returned_share
    row[row.size() - 1] = "0";     // non_finite_rates
    points.push_back({0, {row}, {}});
  }
};

TEST(SweepCsv, QuotesCellsWithCommasOrQuotesAndLeavesNaEmpty) {
  OneRowSweep sweep;
  const std::string csv = SweepCsv(sweep.definition, sweep.points);
  const std::string expected_start =
      "scenario,models.0.service,policy,replications,offered,success_rate,success_rate_ci95,";
  EXPECT_EQ(csv.substr(0, expected_start.size()), expected_start);
  const std::string row = csv.substr(csv.find('\n') + 1);
  const std::string start = R"(s.toml,"{ dist = ""constant"", mean = ""1s"" }",fifo,2,100,0.5,,)";
  EXPECT_EQ(row.substr(0, start.size()), start);
  // recovery_s_ci95 and recovered_share (NA), spiral, spiral_share, rate_returned_share,
  // non_finite_rates
  const std::string end = ",,,true,1,0.5,0\n";
  EXPECT_EQ(row.substr(row.size() - end.size()), end);
}

TEST(SweepJson, WritesTextQuotedNumbersRawNaAsNullAndSpiralAsABoolean) {
  OneRowSweep sweep;
  const std::string json = SweepJson(sweep.definition, sweep.points);
  EXPECT_NE(json.find(R"({"path": "s.toml", "fnv1a64": "0000000000abcdef"})"), std::string::npos);
  EXPECT_NE(json.find(R"("traces": [
    {"path": "traces/t.csv", "fnv1a64": "0000000000000123"}
  ],)"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find(R"("seed": null,)"), std::string::npos);
  EXPECT_NE(json.find(R"("points": 1,)"), std::string::npos);
  EXPECT_NE(json.find(R"({"scenario": "s.toml", "models.0.service": "{ dist = \"constant\", )"
                      R"(mean = \"1s\" }", "policy": "fifo", "replications": 2, "offered": 100, )"
                      R"("success_rate": 0.5, "success_rate_ci95": null,)"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find(R"("spiral": true, "spiral_share": 1, "rate_returned_share": 0.5, "non_finite_rates": 0})"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find(R"("spiral_rule": {"measure": "share_429", "tolerance": 0.05, )"
                      R"("baseline_window_s": 300, "horizon_s": 600},)"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find(R"("rate_rule": {"measure": "rate_rpm", "tolerance": 0.05, "horizon_s": 600},)"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find(R"("fingerprint": ")" + Fingerprint(sweep.definition) + "\""),
            std::string::npos);
}

TEST(SweepJson, GridValuesAreTheJsonOfTheirTomlValues) {
  EXPECT_EQ(GridValueJson("1.5"), "1.5");
  EXPECT_EQ(GridValueJson("1e3"), "1000");
  EXPECT_EQ(GridValueJson("40"), "40");
  EXPECT_EQ(GridValueJson("-7"), "-7");
  EXPECT_EQ(GridValueJson("true"), "true");
  // A duration, quoted or bare as --set takes it, is the same string.
  EXPECT_EQ(GridValueJson("\"1m\""), "\"1m\"");
  EXPECT_EQ(GridValueJson("1m"), "\"1m\"");
  EXPECT_EQ(GridValueJson("'a \"b\"'"), R"("a \"b\"")");
  // What JSON has no plain form for stays the text as given.
  EXPECT_EQ(GridValueJson("inf"), "\"inf\"");
  EXPECT_EQ(GridValueJson("[1, 2]"), "\"[1, 2]\"");
  EXPECT_EQ(GridValueJson(R"({ type = "fifo" })"), R"("{ type = \"fifo\" }")");
}

TEST(SweepJson, WritesGridValuesTypedInTheGridAndInTheRows) {
  OneRowSweep sweep;
  sweep.definition.grid = {{"limits.growth", {"1.5", "2"}}, {"limits.window", {"1m", "\"10m\""}}};
  SweepRow row = sweep.points[0].rows[0];
  row.insert(row.begin() + 2, "\"10m\"");
  row[1] = "1.5";
  sweep.points[0].rows[0] = row;
  const std::string json = SweepJson(sweep.definition, sweep.points);
  EXPECT_NE(json.find(R"({"key": "limits.growth", "values": [1.5, 2]})"), std::string::npos) << json;
  EXPECT_NE(json.find(R"({"key": "limits.window", "values": ["1m", "10m"]})"), std::string::npos)
      << json;
  EXPECT_NE(json.find(R"({"scenario": "s.toml", "limits.growth": 1.5, "limits.window": "10m", )"
                      R"("policy": "fifo",)"),
            std::string::npos)
      << json;
  // The csv keeps each value as it was given.
  EXPECT_NE(SweepCsv(sweep.definition, sweep.points).find("\ns.toml,1.5,\"\"\"10m\"\"\",fifo,"),
            std::string::npos);
}

TEST(SweepRows, RecoveredShareCountsTheJudgedReplicationsThatRecoveredWithinTheHorizon) {
  // Four replications of one policy, their recoveries as RecoverySink would give them: back in 30
  // s; never back within the horizon; back only after it (700 s, a spiral); and a run that ended
  // before the horizon without recovering (not judged).
  Scenario scenario;
  std::vector<RunResult> runs(4, RunResult{"fifo", 1, {"o"}, {"m"}, RunMetrics(1, 1)});
  const auto judged = [](std::optional<double> recovery_s, std::optional<bool> spiral) {
    Recovery recovery;
    recovery.baseline = 0.0;
    recovery.recovery_s = recovery_s;
    recovery.spiral = spiral;
    return recovery;
  };
  const std::vector<std::optional<Recovery>> recoveries = {
      judged(30.0, false), judged(std::nullopt, true), judged(700.0, true),
      judged(std::nullopt, std::nullopt)};
  const std::vector<SweepRow> rows = MakePointRows("s.toml", {}, scenario, runs, recoveries, 4);
  ASSERT_EQ(rows.size(), 1u);
  const std::vector<SweepColumn> columns = SweepColumns({});
  const auto cell = [&](const std::string& name) {
    const auto column = std::find_if(columns.begin(), columns.end(),
                                     [&](const SweepColumn& c) { return c.name == name; });
    return rows[0][static_cast<size_t>(column - columns.begin())];
  };
  EXPECT_EQ(cell("recovery_s"), "365");            // the two that recovered: (30 + 700) / 2
  EXPECT_EQ(cell("recovered_share"), "0.333333");  // 1 of the 3 judged
  EXPECT_EQ(cell("spiral"), "true");               // 2 of 3
  EXPECT_EQ(cell("spiral_share"), "0.666667");
  // No replication judged: all four NA (the rate's return with them: no rate was measured).
  const std::vector<std::optional<Recovery>> none(4, std::nullopt);
  const SweepRow row = MakePointRows("s.toml", {}, scenario, runs, none, 4)[0];
  EXPECT_EQ(std::vector<std::string>(row.end() - 5, row.end() - 1),
            (std::vector<std::string>{"", "", "", ""}));
  EXPECT_EQ(row.back(), "0");  // non_finite_rates: these runs have none
}

TEST(SweepRows, FailedAttemptsByReasonAreTheMeanPerRunWithTheirInterval) {
  // Two replications: 3 and 5 attempts expired, 1 and 1 shed, nothing else.
  Scenario scenario;
  std::vector<RunResult> runs(2, RunResult{"codel", 1, {"o"}, {"m"}, RunMetrics(1, 1)});
  const auto expired = [](RunResult& run) -> int64_t& {
    return run.metrics.overall.counts.failed_attempts[static_cast<size_t>(FailReason::kExpired)];
  };
  expired(runs[0]) = 3;
  expired(runs[1]) = 5;
  for (RunResult& run : runs) {
    run.metrics.overall.counts.failed_attempts[static_cast<size_t>(FailReason::kShed)] = 1;
  }
  const std::vector<std::optional<Recovery>> none(2, std::nullopt);
  const SweepRow row = MakePointRows("s.toml", {}, scenario, runs, none, 2)[0];
  const std::vector<SweepColumn> columns = SweepColumns({});
  ASSERT_EQ(row.size(), columns.size());
  std::map<std::string, std::string> cells;
  for (size_t c = 0; c < columns.size(); ++c) cells[columns[c].name] = row[c];
  EXPECT_EQ(cells.at("failed_expired"), "4");
  EXPECT_EQ(cells.at("failed_expired_ci95"), FormatCell(12.7062047361747));  // t(1) x 1
  EXPECT_EQ(cells.at("failed_shed"), "1");
  EXPECT_EQ(cells.at("failed_shed_ci95"), "0");
  for (const char* reason : {"no_capacity", "buffer_full", "would_expire", "displaced"}) {
    EXPECT_EQ(cells.at(std::string("failed_") + reason), "0") << reason;
  }
}

// With an org to judge, a row's outcomes are that org's (counts, shares, latency, failed attempts),
// while the platform-wide scores stay the run's.
TEST(SweepRows, AnOrgToJudgeGivesItsOwnOutcomesAndKeepsThePlatformsScores) {
  Scenario scenario;
  std::vector<RunResult> runs(1, RunResult{"fifo", 1, {"a", "b"}, {"m"}, RunMetrics(2, 1)});
  RunMetrics& m = runs[0].metrics;
  m.per_org[0].counts.offered = m.per_org[0].counts.ok = 10;  // a: all served
  m.per_org[1].counts.offered = 30;                            // b: 10 served, 20 r503
  m.per_org[1].counts.ok = 10;
  m.per_org[1].counts.r503 = 20;
  m.per_org[1].counts.failed_attempts[static_cast<size_t>(FailReason::kNoCapacity)] = 20;
  m.per_org[1].latency.Record(4 * kNanosPerSecond);
  for (const SliceMetrics& org : m.per_org) m.overall.counts.Add(org.counts);
  m.model_usage[0].slot_ns = 4.0;
  m.model_usage[0].busy_slot_ns = 1.0;
  const std::vector<std::optional<Recovery>> none(1, std::nullopt);
  const std::vector<SweepColumn> columns = SweepColumns({});
  const auto cells = [&](std::string_view org) {
    const SweepRow row = MakePointRows("s.toml", {}, scenario, runs, none, 1, org)[0];
    std::map<std::string, std::string> named;
    for (size_t c = 0; c < columns.size(); ++c) named[columns[c].name] = row[c];
    return named;
  };
  const std::map<std::string, std::string> all = cells("");
  const std::map<std::string, std::string> b = cells("b");
  EXPECT_EQ(all.at("offered"), "40");
  EXPECT_EQ(all.at("success_rate"), "0.5");
  EXPECT_EQ(b.at("offered"), "30");
  EXPECT_EQ(b.at("success_rate"), "0.333333");
  EXPECT_EQ(b.at("share_503"), "0.666667");
  EXPECT_EQ(b.at("failed_no_capacity"), "20");
  EXPECT_EQ(cells("a").at("share_503"), "0");
  EXPECT_NE(b.at("latency_p99_s"), "");
  EXPECT_EQ(cells("a").at("latency_p99_s"), "");  // a recorded no latency
  EXPECT_EQ(b.at("utilisation"), all.at("utilisation"));
  EXPECT_EQ(b.at("utilisation"), "0.25");
  EXPECT_EQ(b.at("fairness"), all.at("fairness"));
}

TEST(SweepDefinition, FingerprintChangesWithEveryField) {
  OneRowSweep base;
  const std::string fingerprint = Fingerprint(base.definition);
  std::vector<SweepDefinition> changed(11, base.definition);
  changed[0].version = "9.8";
  changed[1].scenarios[0].fnv1a64 = 1;
  changed[2].grid[0].values.push_back("x");
  changed[3].overrides = {"run.seed=2"};
  changed[4].seed = "2";
  changed[5].replications = 3;
  changed[6].traces[0].fnv1a64 = 1;
  changed[7].traces.clear();
  changed[8].policies = {"none", "fifo"};
  changed[9].policies = {"fifo", "none"};  // the order is the rows' order
  changed[10].org = "acme";
  for (const SweepDefinition& definition : changed) {
    EXPECT_NE(Fingerprint(definition), fingerprint);
  }
  EXPECT_EQ(Fingerprint(base.definition), fingerprint);
  EXPECT_NE(Fingerprint(changed[8]), Fingerprint(changed[9]));
}

}  // namespace
}  // namespace ratesim

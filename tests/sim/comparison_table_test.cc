// The terminal report of a comparison: the text table it is built with, the comparison table (one
// row per policy, a breakdown by org, and means with 95% half-widths over replications) and the
// failed attempts by reason under it; on runs built by hand (report_runs.h).
#include "sim/report/comparison_table.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "engine/fail_reason.h"
#include "fmt/format.h"
#include "sim/metrics/run_metrics.h"
#include "sim/report/fail_reason_table.h"
#include "sim/report/summary_json.h"
#include "sim/report/text_table.h"
#include "tests/support/cli_fixture.h"
#include "tests/support/json_reader.h"
#include "tests/support/report_runs.h"

namespace ratesim {
namespace {

using testing::HalfWidth3;
using testing::Json;
using testing::Lines;
using testing::MakeRun;
using testing::ParseJson;
using testing::ReplicatedRuns;

// The whitespace-separated cells of a table line.
std::vector<std::string> Cells(const std::string& line) {
  std::vector<std::string> cells;
  std::istringstream in(line);
  for (std::string cell; in >> cell;) cells.push_back(cell);
  return cells;
}

// The first line that starts with `prefix`, or "" (which fails the test).
std::string LineStartingWith(const std::string& text, const std::string& prefix) {
  for (const std::string& line : Lines(text)) {
    if (line.rfind(prefix, 0) == 0) return line;
  }
  ADD_FAILURE() << "no line starting with '" << prefix << "' in:\n" << text;
  return "";
}

// ---------------------------------------------------------------------------------------------------
// The text table the terminal reports are built with.

TEST(TextTable, AlignsTextLeftAndNumbersRight) {
  TextTable table({{"name", TextTable::Align::kLeft}, {"count"}});
  table.AddRow({"a", "1"});
  table.AddRow({"longer", "12345"});
  EXPECT_EQ(table.Render(),
            "name    count\n"
            "------  -----\n"
            "a           1\n"
            "longer  12345\n");
}

// ---------------------------------------------------------------------------------------------------
// The terminal table.

TEST(ComparisonTable, HasOneRowPerPolicyWithItsCounts) {
  const std::string text = ComparisonTable({MakeRun("none", 1), MakeRun("fifo-30s", 2)});
  const std::vector<std::string> header = Cells(Lines(text).at(0));
  const std::vector<std::string> want_header = {"policy", "offered", "200",  "429",     "req",
                                                "429",    "tok",     "503",  "success", "p50",
                                                "p99",    "p99",     "wait", "util"};
  EXPECT_EQ(header, want_header);  // no "in flight" column: nothing was in flight

  // offered 150, 200 105, 429 req 27, 429 tok 3, 503 15; success 105/150 = 70.0%;
  // utilisation (30 + 10) / (40 + 40) = 50.0%.
  EXPECT_EQ(Cells(LineStartingWith(text, "none ")),
            (std::vector<std::string>{"none", "150", "105", "27", "3", "15", "70.0%", "20.0ms",
                                      "2.00s", "500ms", "50.0%"}));
  EXPECT_EQ(Cells(LineStartingWith(text, "fifo-30s ")),
            (std::vector<std::string>{"fifo-30s", "300", "210", "54", "6", "30", "70.0%", "20.0ms",
                                      "2.00s", "500ms", "50.0%"}));
}

TEST(ComparisonTable, ColumnsAreAligned) {
  const std::vector<std::string> lines =
      Lines(ComparisonTable({MakeRun("none", 1), MakeRun("fifo-30s", 100)}));
  // Header, rule and the two policy rows have the same width, and the numbers end in one column.
  ASSERT_GE(lines.size(), 4u);
  EXPECT_EQ(lines[0].size(), lines[1].size());
  EXPECT_EQ(lines[2].size(), lines[3].size());
  EXPECT_EQ(lines[2].find("150") + 3, lines[3].find("15000") + 5);
}

TEST(ComparisonTable, ShowsLatenciesOfAnHourOrMoreInHoursAligned) {
  RunResult slow = MakeRun("slow", 1);
  for (int i = 0; i < 1000; ++i) slow.metrics.overall.latency.Record(105'278 * kNanosPerSecond);
  const std::vector<std::string> lines = Lines(ComparisonTable({MakeRun("none", 1), slow}));
  ASSERT_GE(lines.size(), 4u);
  const std::vector<std::string> cells = Cells(lines[3]);
  ASSERT_EQ(cells.size(), 11u);
  EXPECT_EQ(cells[8], "29.2h") << lines[3];  // p99, not "105278s"
  // The p99 column ends where it does on the fast policy's line.
  EXPECT_EQ(lines[2].size(), lines[3].size());
  EXPECT_EQ(lines[2].rfind("2.00s") + 5, lines[3].rfind("29.2h") + 5);
}

TEST(ComparisonTable, ShowsInFlightOnlyWhenARunHasSome) {
  std::vector<RunResult> runs = {MakeRun("none", 1), MakeRun("fifo", 1)};
  EXPECT_EQ(ComparisonTable(runs).find("in flight"), std::string::npos);
  runs[1].metrics.overall.counts.in_flight = 4;
  runs[1].metrics.overall.counts.offered += 4;
  const std::string text = ComparisonTable(runs);
  EXPECT_NE(Lines(text).at(0).find("in flight"), std::string::npos);
  // The new column sits between 503 and success: 15 then 4 then the rate of 105 / 150.
  EXPECT_EQ(Cells(LineStartingWith(text, "fifo ")),
            (std::vector<std::string>{"fifo", "154", "105", "27", "3", "15", "4", "70.0%", "20.0ms",
                                      "2.00s", "500ms", "50.0%"}));
  EXPECT_EQ(Cells(LineStartingWith(text, "none ")).at(6), "0");
}

TEST(ComparisonTable, ShowsRetriesOnlyWhenARunRetried) {
  std::vector<RunResult> runs = {MakeRun("none", 1), MakeRun("fifo", 1)};
  EXPECT_EQ(ComparisonTable(runs).find("retries"), std::string::npos);
  runs[0].metrics.overall.counts.retries = 12;
  const std::string text = ComparisonTable(runs);
  EXPECT_NE(Lines(text).at(0).find("retries"), std::string::npos);
  // Between 503 and success.
  EXPECT_EQ(Cells(LineStartingWith(text, "none ")),
            (std::vector<std::string>{"none", "150", "105", "27", "3", "15", "12", "70.0%",
                                      "20.0ms", "2.00s", "500ms", "50.0%"}));
  EXPECT_EQ(Cells(LineStartingWith(text, "fifo ")).at(6), "0");
}

TEST(ComparisonTable, BreaksRetriesDownByOrgWhenARunRetried) {
  std::vector<RunResult> runs = {MakeRun("none", 1), MakeRun("fifo", 2)};
  runs[1].metrics.overall.counts.retries = 12;
  runs[1].metrics.per_org[0].counts.retries = 9;
  runs[1].metrics.per_org[1].counts.retries = 3;
  const std::string orgs = ComparisonTable(runs).substr(ComparisonTable(runs).find("per org:"));
  // Between 503 and success; 0 for the run that did not retry.
  EXPECT_EQ(
      Cells(LineStartingWith(orgs, "acme       fifo")),
      (std::vector<std::string>{"acme", "fifo", "200", "160", "20", "20", "9", "80.0%", "2.00s"}));
  EXPECT_EQ(Cells(LineStartingWith(orgs, "beta, inc  fifo")).at(7), "3");
  EXPECT_EQ(Cells(LineStartingWith(orgs, "acme       none")).at(6), "0");
  // With replications: each org's mean, 9 and 5 retries giving 7.
  std::vector<RunResult> replicated = {runs[1], runs[1]};
  replicated[1].metrics.per_org[0].counts.retries = 5;
  ComparisonTableOptions options;
  options.replications = 2;
  const std::string text = ComparisonTable(replicated, options);
  const std::string replicated_orgs = text.substr(text.find("per org:"));
  // After offered and the 200, 429 and 503 means with their half-widths (160, 20 and 20 ±0), with
  // its own half-width (t of 1 degree of freedom: ±25).
  EXPECT_EQ(Cells(LineStartingWith(replicated_orgs, "acme ")).at(9), "7");
  EXPECT_EQ(Cells(LineStartingWith(replicated_orgs, "acme ")).at(10), "\u00b125");
  EXPECT_NE(Lines(replicated_orgs).at(1).find("retries"), std::string::npos);
}

TEST(ComparisonTable, BreaksDownByOrgAndPolicy) {
  const std::string text = ComparisonTable({MakeRun("none", 1), MakeRun("fifo", 2)});
  const size_t breakdown = text.find("per org:");
  ASSERT_NE(breakdown, std::string::npos);
  const std::string orgs = text.substr(breakdown);
  // acme under fifo: offered 200, 200 160, 429 (14 + 6) 20, 503 20, success 80.0%, p99 2.00s.
  EXPECT_EQ(Cells(LineStartingWith(orgs, "acme       fifo")),
            (std::vector<std::string>{"acme", "fifo", "200", "160", "20", "20", "80.0%", "2.00s"}));
  // beta had no latency recorded: its p99 shows "-", not a made-up 0.
  const std::vector<std::string> beta = Cells(LineStartingWith(orgs, "beta, inc  none"));
  EXPECT_EQ(beta, (std::vector<std::string>{"beta,", "inc", "none", "50", "25", "20", "5", "50.0%",
                                            "-"}));
}

TEST(ComparisonTable, ShowsEachOrgsMeanRateWhereTheRunsSummarisedRates) {
  RunResult none = MakeRun("none", 1);
  RunResult fifo = MakeRun("fifo", 2);
  EXPECT_EQ(ComparisonTable({none, fifo}).find("mean rate"), std::string::npos);
  // acme on two models: its mean rate is the sum of its keys' means; beta has one key.
  none.model_names = {"m", "n"};
  fifo.model_names = {"m", "n"};
  none.metrics.rates = {KeyRates{0, 0, RateStats{60.4, 60, 61, 61}, {}},
                        KeyRates{0, 1, RateStats{30.2, 30, 31, 31}, {}},
                        KeyRates{1, 0, RateStats{120, 120, 120, 120}, {}}};
  fifo.metrics.rates = none.metrics.rates;
  fifo.metrics.rates[2].requests_per_min.mean = 240;
  const std::string text = ComparisonTable({none, fifo});
  const std::string orgs = text.substr(text.find("per org:"));
  EXPECT_NE(orgs.find("mean rate  rate at end"), std::string::npos) << orgs;
  EXPECT_EQ(Cells(LineStartingWith(orgs, "acme       none")).back(), "rpm");
  const std::vector<std::string> acme = Cells(LineStartingWith(orgs, "acme       none"));
  EXPECT_EQ(acme[acme.size() - 4], "91");  // 60.4 + 30.2
  EXPECT_EQ(acme[acme.size() - 2], "92");  // where they ended: 61 + 31
  const std::vector<std::string> beta = Cells(LineStartingWith(orgs, "beta, inc  fifo"));
  EXPECT_EQ(beta[beta.size() - 4], "240");
  EXPECT_EQ(beta[beta.size() - 2], "120");
}

TEST(ComparisonTable, LimitsTheBreakdownToTheBusiestOrgs) {
  RunResult run{"none", 1, {}, {"m"}, RunMetrics(5, 1)};
  for (int org = 0; org < 5; ++org) {
    run.org_names.push_back("org" + std::to_string(org));
    run.metrics.per_org[org].counts.offered = (org == 1 || org == 3) ? 100 : 1;
  }
  ComparisonTableOptions options;
  options.max_orgs = 2;
  const std::string text = ComparisonTable({run}, options);
  EXPECT_NE(text.find("org1 "), std::string::npos);
  EXPECT_NE(text.find("org3 "), std::string::npos);
  EXPECT_EQ(text.find("org0 "), std::string::npos);
  EXPECT_NE(text.find("3 more orgs"), std::string::npos);
}

TEST(ComparisonTable, OmitsTheBreakdownForASingleOrg) {
  RunResult run{"none", 1, {"solo"}, {"m"}, RunMetrics(1, 1)};
  run.metrics.per_org[0].counts.offered = 3;
  EXPECT_EQ(ComparisonTable({run}).find("per org"), std::string::npos);
  EXPECT_EQ(ComparisonTable({}), "");
}

// ---------------------------------------------------------------------------------------------------
// The terminal table over replications: means and 95% half-widths.

TEST(ComparisonTable, ShowsMeansAndHalfWidthsWithReplications) {
  ComparisonTableOptions options;
  options.replications = 3;
  const std::string text = ComparisonTable(ReplicatedRuns(), options);
  EXPECT_EQ(Lines(text).at(0),
            "mean \u00b1 95% confidence half-width over 3 replications (Student t)");
  const std::string table = text.substr(text.find("policy"));
  EXPECT_EQ(Cells(Lines(table).at(0)),
            (std::vector<std::string>{"policy", "offered", "success", "429", "share", "503",
                                      "share", "p50", "p99", "p99", "wait", "util"}));
  // success 94.0% ± 9.0 points; 429 share 5, 3, 2% -> 3.3% ± 3.8; 503 share 5, 2, 1% -> 2.7% ± 5.2;
  // latency 110ms ± 24.8 (shown in whole ms, as the mean is); queue wait always 500ms;
  // utilisation 60.0% ± 24.8 points.
  EXPECT_NEAR(HalfWidth3(0.05, 0.03, 0.02), 0.0379465, 1e-6);
  EXPECT_NEAR(HalfWidth3(0.05, 0.02, 0.01), 0.0517114, 1e-6);
  EXPECT_NEAR(HalfWidth3(100, 120, 110), 24.8414, 1e-4);
  EXPECT_EQ(Cells(LineStartingWith(table, "fifo ")),
            (std::vector<std::string>{"fifo", "100", "94.0%", "\u00b19.0", "3.3%", "\u00b13.8",
                                      "2.7%", "\u00b15.2", "110ms", "\u00b125", "110ms", "\u00b125",
                                      "500ms", "\u00b10", "60.0%", "\u00b124.8"}));
  // Identical replications: a zero half-width, not a missing one.
  EXPECT_EQ(Cells(LineStartingWith(table, "none ")),
            (std::vector<std::string>{"none", "100", "80.0%", "\u00b10.0", "20.0%", "\u00b10.0",
                                      "0.0%", "\u00b10.0", "10.0ms", "\u00b10.0", "10.0ms",
                                      "\u00b10.0", "500ms", "\u00b10", "40.0%", "\u00b10.0"}));
  EXPECT_EQ(text.find("per org"), std::string::npos);  // one org: no breakdown
}

TEST(ComparisonTable, BreaksDownByOrgWithReplications) {
  std::vector<RunResult> runs;
  for (uint64_t seed : {1, 2}) {
    RunResult run = MakeRun("fifo", 1);
    run.seed = seed;
    runs.push_back(run);
  }
  runs[1].metrics.per_org[0].counts.ok = 90;  // acme: 80% then 90%
  runs[1].metrics.per_org[0].counts.r503 = 0;
  ComparisonTableOptions options;
  options.replications = 2;
  const std::string text = ComparisonTable(runs, options);
  const std::string orgs = text.substr(text.find("per org:"));
  EXPECT_EQ(Cells(Lines(orgs).at(1)),
            (std::vector<std::string>{"org", "policy", "offered", "200", "429", "503", "success",
                                      "p99"}));
  // t(0.975, 1) = 12.706: 200s 80 and 90, so 85 ± 12.706 * 7.07107 / sqrt(2) = ± 63.5, shown in
  // whole requests; 429s 10 and 10, so 10 ±0; 503s 10 and 0, so 5 ±64; success 85% ± 63.5 points.
  EXPECT_EQ(Cells(LineStartingWith(orgs, "acme ")),
            (std::vector<std::string>{"acme", "fifo", "100", "85", "\u00b164", "10", "\u00b10",
                                      "5", "\u00b164",
                                      "85.0%", "\u00b163.5", "2.00s", "\u00b10.00"}));
  // beta recorded no latency in any replication.
  EXPECT_EQ(Cells(LineStartingWith(orgs, "beta, inc ")).back(), "-");
}

TEST(ComparisonTable, ShowsEachOrgsMean200And429And503CountsWithReplications) {
  // Three replications of two orgs. acme's 429s are request- and token-limited ones together:
  // 4 + 3, 9 + 3 and 14 + 6 = 7, 12, 20; its 503s 10, 20, 33. beta's are the same in each.
  std::vector<RunResult> runs = {MakeRun("fifo", 1), MakeRun("fifo", 1), MakeRun("fifo", 1)};
  const int64_t r429_request[] = {4, 9, 14};
  const int64_t r429_token[] = {3, 3, 6};
  const int64_t r503[] = {10, 20, 33};
  for (size_t r = 0; r < runs.size(); ++r) {
    runs[r].seed = r + 1;
    OutcomeCounts& acme = runs[r].metrics.per_org[0].counts;
    acme.r429_request = r429_request[r];
    acme.r429_token = r429_token[r];
    acme.r503 = r503[r];
    acme.ok = acme.offered - acme.r429() - acme.r503;
  }
  ComparisonTableOptions options;
  options.replications = 3;
  const std::string text = ComparisonTable(runs, options);
  const std::string orgs = text.substr(text.find("per org:"));
  // By hand: 429s mean 13, half-width 4.30265 * sqrt(43) / sqrt(3) = 16.3; 503s mean 21,
  // half-width 4.30265 * sqrt(133) / sqrt(3) = 28.6.
  EXPECT_NEAR(HalfWidth3(7, 12, 20), 16.29, 0.01);
  EXPECT_NEAR(HalfWidth3(10, 20, 33), 28.65, 0.01);
  // Its 200s, 100 less those: 83, 68, 47; mean 66, half-width 4.30265 * sqrt(327) / sqrt(3) = 45.
  EXPECT_NEAR(HalfWidth3(83, 68, 47), 44.92, 0.01);
  const std::vector<std::string> acme = Cells(LineStartingWith(orgs, "acme "));
  ASSERT_GE(acme.size(), 9u);
  EXPECT_EQ(std::vector<std::string>(acme.begin() + 3, acme.begin() + 9),
            (std::vector<std::string>{"66", "\u00b145", "13", "\u00b116", "21", "\u00b129"}));
  // beta: 25 200s, 20 429s and 5 503s in every replication.
  const std::vector<std::string> beta = Cells(LineStartingWith(orgs, "beta, inc "));
  ASSERT_GE(beta.size(), 10u);
  EXPECT_EQ(std::vector<std::string>(beta.begin() + 4, beta.begin() + 10),
            (std::vector<std::string>{"25", "\u00b10", "20", "\u00b10", "5", "\u00b10"}));
  // The same estimates as summary.json's.
  const std::optional<Json> summary = ParseJson(SummaryJson(runs, 3));
  ASSERT_TRUE(summary.has_value());
  const Json& acme_json = (*summary)["policies"]["fifo"]["per_org"]["acme"];
  EXPECT_EQ(acme.at(3), fmt::format("{:.0f}", acme_json["ok"]["mean"].number));
  EXPECT_EQ(acme.at(4), fmt::format("\u00b1{:.0f}", acme_json["ok"]["ci95"].number));
  EXPECT_EQ(acme.at(5), fmt::format("{:.0f}", acme_json["r429"]["mean"].number));
  EXPECT_EQ(acme.at(6), fmt::format("\u00b1{:.0f}", acme_json["r429"]["ci95"].number));
  EXPECT_EQ(acme.at(7), fmt::format("{:.0f}", acme_json["r503"]["mean"].number));
  EXPECT_EQ(acme.at(8), fmt::format("\u00b1{:.0f}", acme_json["r503"]["ci95"].number));
  // Still readable in 100 columns.
  for (const std::string& line : Lines(orgs)) EXPECT_LE(line.size(), 100u) << line;
}

TEST(ComparisonTable, ReplicationsOfOneAreTheSingleRunTable) {
  ComparisonTableOptions options;
  options.replications = 1;
  const std::vector<RunResult> runs = {MakeRun("none", 1), MakeRun("fifo", 2)};
  EXPECT_EQ(ComparisonTable(runs, options), ComparisonTable(runs));
}

// ---------------------------------------------------------------------------------------------------
// The failed attempts by reason, under the tables.

// `count` failed attempts of `reason` in the overall slice of `run`.
void AddFailedAttempts(RunResult& run, FailReason reason, int64_t count) {
  run.metrics.overall.counts.failed_attempts[static_cast<size_t>(reason)] += count;
}

TEST(FailReasonTable, HasAColumnForEachReasonSomePolicyMetAndTheTotal) {
  std::vector<RunResult> runs = {MakeRun("none", 1), MakeRun("fifo", 1)};
  AddFailedAttempts(runs[0], FailReason::kNoCapacity, 45);
  AddFailedAttempts(runs[1], FailReason::kBufferFull, 12);
  AddFailedAttempts(runs[1], FailReason::kExpired, 33);
  const std::string text = FailReasonTable(runs, 1);
  const std::vector<std::string> lines = Lines(text);
  ASSERT_EQ(lines.size(), 6u) << text;
  EXPECT_EQ(lines[0], "");
  EXPECT_EQ(lines[1], "failed attempts by reason (every failed attempt, retried ones too):");
  EXPECT_EQ(Cells(lines[2]), (std::vector<std::string>{"policy", "failed", "no_capacity",
                                                       "buffer_full", "expired"}));
  EXPECT_EQ(Cells(LineStartingWith(text, "none ")),
            (std::vector<std::string>{"none", "45", "45", "0", "0"}));
  EXPECT_EQ(Cells(LineStartingWith(text, "fifo ")),
            (std::vector<std::string>{"fifo", "45", "0", "12", "33"}));
}

TEST(FailReasonTable, IsLeftOutWhenNoAttemptFailed) {
  EXPECT_EQ(FailReasonTable({MakeRun("none", 1), MakeRun("fifo", 2)}, 1), "");
  EXPECT_EQ(FailReasonTable({}, 1), "");
}

TEST(FailReasonTable, FitsInAHundredColumnsWithEveryReason) {
  // A comparison of every policy can meet every reason; ten million times each is a long run.
  std::vector<RunResult> runs = {MakeRun("within_first-30s", 1)};
  for (size_t reason = 0; reason < kFailReasonCount; ++reason) {
    AddFailedAttempts(runs[0], static_cast<FailReason>(reason), 10'000'000);
  }
  const std::vector<std::string> lines = Lines(FailReasonTable(runs, 1));
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(Cells(lines[2]).size(), 2 + kFailReasonCount);
  for (const std::string& line : lines) EXPECT_LE(line.size(), 100u) << line;
}

TEST(FailReasonTable, ShowsMeanCountsWithReplications) {
  std::vector<RunResult> runs = ReplicatedRuns();  // fifo x3, then none x3
  const int64_t expired[] = {4, 7, 11};
  for (int r = 0; r < 3; ++r) AddFailedAttempts(runs[r], FailReason::kExpired, expired[r]);
  AddFailedAttempts(runs[3], FailReason::kNoCapacity, 3);
  const std::string text = FailReasonTable(runs, 3);
  EXPECT_NE(text.find("means of 3 replications"), std::string::npos) << text;
  // fifo: (4 + 7 + 11) / 3 = 7.33 shows as 7; none: 3 / 3 = 1.
  EXPECT_EQ(Cells(LineStartingWith(text, "fifo ")),
            (std::vector<std::string>{"fifo", "7", "0", "7"}));
  EXPECT_EQ(Cells(LineStartingWith(text, "none ")),
            (std::vector<std::string>{"none", "1", "1", "0"}));
}

}  // namespace
}  // namespace ratesim

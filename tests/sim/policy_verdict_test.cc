// PolicyVerdict: for each question the best policy and the runner-up by the right direction (more
// served, fewer 503s, lower p99, a better-off worst org), their figures, and whether replications
// tell them apart; nothing to say with one policy or none defined.
#include "sim/report/policy_verdict.h"

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "engine/time.h"
#include "gtest/gtest.h"
#include "tests/support/report_runs.h"
#include "tests/support/table_cells.h"

namespace ratesim {
namespace {

using testing::kMs;

// Per org: requests (100 each), served, 503s (the rest 429) and the latency of every success.
struct OrgOutcome {
  int64_t ok;
  int64_t r503;
  Nanos latency;
};

RunResult RunOf(const std::string& policy, const std::vector<OrgOutcome>& orgs) {
  std::vector<std::string> names;
  for (size_t i = 0; i < orgs.size(); ++i) names.push_back("org" + std::to_string(i));
  RunResult run{policy, 1, names, {"m"}, RunMetrics(orgs.size(), 1)};
  for (size_t i = 0; i < orgs.size(); ++i) {
    OutcomeCounts counts;
    counts.offered = 100;
    counts.ok = orgs[i].ok;
    counts.r503 = orgs[i].r503;
    counts.r429_request = 100 - orgs[i].ok - orgs[i].r503;
    run.metrics.per_org[i].counts = counts;
    OutcomeCounts& overall = run.metrics.overall.counts;
    overall.offered += counts.offered;
    overall.ok += counts.ok;
    overall.r503 += counts.r503;
    overall.r429_request += counts.r429_request;
    for (int64_t k = 0; k < orgs[i].ok; ++k) {
      run.metrics.overall.latency.Record(orgs[i].latency);
      run.metrics.per_org[i].latency.Record(orgs[i].latency);
    }
  }
  return run;
}

// The cells of the verdict's line for `question` (split at runs of two spaces or more, so that
// "most served" stays one cell); empty if there is no such line.
std::vector<std::string> Line(const std::string& verdict, const std::string& question) {
  std::istringstream lines(verdict);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(question + "  ", 0) == 0) return testing::TableCells(line);
  }
  return {};
}

TEST(PolicyVerdict, NamesTheBestAndTheRunnerUpOfEachQuestionInItsOwnDirection) {
  // "steady": more served in all, but org1 left far behind, more 503s, slower.
  // "spread": fewer served, no org below 70%, fewer 503s, faster.
  // "worst": last on every question.
  const std::vector<RunResult> runs = {
      RunOf("steady", {{100, 0, 200 * kMs}, {60, 30, 200 * kMs}}),
      RunOf("spread", {{75, 0, 50 * kMs}, {70, 10, 50 * kMs}}),
      RunOf("worst", {{50, 40, 900 * kMs}, {10, 45, 900 * kMs}}),
  };
  const std::string verdict = PolicyVerdict(runs, 1);
  EXPECT_EQ(Line(verdict, "most served"),
            (std::vector<std::string>{"most served", "steady", "80.0%", "spread", "72.5%"}));
  // A single run names the org the figure is about.
  EXPECT_EQ(Line(verdict, "best for worst org"),
            (std::vector<std::string>{"best for worst org", "spread", "70.0% (org1)", "steady",
                                      "60.0% (org1)"}));
  EXPECT_EQ(Line(verdict, "fewest 503s"),
            (std::vector<std::string>{"fewest 503s", "spread", "5.0%", "steady", "15.0%"}));
  // Jain's index of the success shares: spread (0.75, 0.7) 0.999, steady (1, 0.6) 0.941, worst
  // (0.5, 0.1) 0.692.
  EXPECT_EQ(Line(verdict, "fairest across orgs"),
            (std::vector<std::string>{"fairest across orgs", "spread", "0.999", "steady", "0.941"}));
  EXPECT_EQ(Line(verdict, "lowest p99 (served)"),
            (std::vector<std::string>{"lowest p99 (served)", "spread", "50.0ms", "steady", "200ms"}));
  EXPECT_NE(verdict.find("--replications"), std::string::npos) << "one run: says how to tell";
  EXPECT_EQ(verdict.find("told apart"), std::string::npos);
}

TEST(PolicyVerdict, WeighsTimeoutsBesideThe503sWhereClientsGaveUpWaiting) {
  std::vector<RunResult> runs = {RunOf("none", {{80, 20, 10 * kMs}}), RunOf("fifo", {{70, 0, 10 * kMs}})};
  EXPECT_TRUE(Line(PolicyVerdict(runs, 1), "fewest timed out").empty()) << "no client timed out";
  // fifo's 30 failures are its clients' timeouts: no 503, but the most timed out.
  runs[1].metrics.overall.counts.r429_request = 0;
  runs[1].metrics.overall.counts.timed_out = 30;
  const std::string verdict = PolicyVerdict(runs, 1);
  EXPECT_EQ(Line(verdict, "fewest 503s").at(1), "fifo");
  EXPECT_EQ(Line(verdict, "fewest timed out"),
            (std::vector<std::string>{"fewest timed out", "none", "0.0%", "fifo", "30.0%"}));
}

TEST(PolicyVerdict, FiguresThatReadTheSameAreATieInTheScenarioOrder) {
  const std::vector<RunResult> runs = {RunOf("first", {{90, 5, 10 * kMs}}),
                                       RunOf("second", {{90, 5, 10 * kMs}})};
  const std::string verdict = PolicyVerdict(runs, 1);
  EXPECT_EQ(Line(verdict, "most served"),
            (std::vector<std::string>{"most served", "first = second", "90.0%", "-", "-"}));
  EXPECT_EQ(Line(verdict, "fewest 503s").at(1), "first = second");
  // A tie for the best, then the runner-up; and a tie for second place.
  const std::vector<RunResult> four = {
      RunOf("a", {{90, 5, 10 * kMs}}), RunOf("b", {{80, 5, 10 * kMs}}),
      RunOf("c", {{90, 5, 20 * kMs}}), RunOf("d", {{80, 5, 30 * kMs}})};
  const std::string ranked = PolicyVerdict(four, 1);
  EXPECT_EQ(Line(ranked, "most served"),
            (std::vector<std::string>{"most served", "a = c", "90.0%", "b = d", "80.0%"}));
  EXPECT_EQ(Line(ranked, "lowest p99 (served)"),
            (std::vector<std::string>{"lowest p99 (served)", "a = b", "10.0ms", "c", "20.0ms"}));
  // A difference the figure does not show is no ranking either: 900 of 1000 against 9001 of 10000.
  std::vector<RunResult> close = {RunOf("x", {{90, 5, 10 * kMs}}), RunOf("y", {{90, 5, 10 * kMs}})};
  close[1].metrics.overall.counts.offered = 10000;
  close[1].metrics.overall.counts.ok = 9001;
  close[1].metrics.overall.counts.r429_request = 10000 - 9001 - 5;
  EXPECT_EQ(Line(PolicyVerdict(close, 1), "most served").at(1), "x = y");
  // One org: no worst-org or fairness question.
  EXPECT_TRUE(Line(verdict, "best for worst org").empty());
  EXPECT_TRUE(Line(verdict, "fairest across orgs").empty());
}

// The worst org is named only where it is one org: in a single run, and when some other org was
// served better. With replications the figure is a mean of each replication's worst.
TEST(PolicyVerdict, TheWorstOrgIsNamedOnlyWhenItIsOneOrg) {
  const std::vector<RunResult> alike = {RunOf("a", {{90, 5, 10 * kMs}, {90, 5, 10 * kMs}}),
                                        RunOf("b", {{80, 5, 10 * kMs}, {40, 5, 10 * kMs}})};
  EXPECT_EQ(Line(PolicyVerdict(alike, 1), "best for worst org"),
            (std::vector<std::string>{"best for worst org", "a", "90.0%", "b", "40.0% (org1)"}));
  std::vector<RunResult> replicated;
  for (const int64_t worst : {50, 40}) {
    for (int r = 0; r < 2; ++r) {
      replicated.push_back(RunOf(worst == 50 ? "a" : "b", {{90 - 10 * r, 5, 10 * kMs}, {worst + r, 5, 10 * kMs}}));
    }
  }
  const std::vector<std::string> line = Line(PolicyVerdict(replicated, 2), "best for worst org");
  ASSERT_EQ(line.size(), 6u);
  EXPECT_EQ(line[1], "a");
  EXPECT_EQ(line[2], "50.5% ±6.4");
  EXPECT_EQ(line[4], "40.5% ±6.4");
}

// Tied policies name their worst org only if it is the same org for each; an org that is one of an
// [[orgs]]'s copies is named as the per-org table shows the copies.
TEST(PolicyVerdict, ATieOrACopyNamesTheWorstOrgAsTheTableDoes) {
  const std::vector<RunResult> tie = {RunOf("a", {{90, 5, 10 * kMs}, {40, 5, 10 * kMs}}),
                                      RunOf("b", {{40, 5, 10 * kMs}, {90, 5, 10 * kMs}}),
                                      RunOf("c", {{20, 5, 10 * kMs}, {30, 5, 10 * kMs}})};
  EXPECT_EQ(Line(PolicyVerdict(tie, 1), "best for worst org"),
            (std::vector<std::string>{"best for worst org", "a = b", "40.0%", "c", "20.0% (org0)"}));
  Scenario scenario;
  for (int k = 1; k <= 2; ++k) {
    OrgSpec copy;
    copy.name = "org" + std::to_string(k - 1);
    copy.copy_of = "t";
    copy.copies = 2;
    scenario.orgs.push_back(copy);
  }
  EXPECT_EQ(Line(PolicyVerdict(tie, 1, &scenario), "best for worst org").at(4), "20.0% (one of t-1..2)");
}

// Where the worst org is a burst sender refused for its own rate, the worst steady org is the one
// the platform answers for: a line of its own, where the scenario has both kinds.
TEST(PolicyVerdict, NamesTheBestForTheWorstSteadyOrgBesideTheWorstOrg) {
  // org0 steady, org1 bursty. "a" serves the burst (fifo-like) and fails org0 a little; "b" refuses
  // the burst and serves org0 fully.
  const std::vector<RunResult> runs = {RunOf("a", {{90, 10, 10 * kMs}, {60, 0, 10 * kMs}}),
                                       RunOf("b", {{100, 0, 10 * kMs}, {20, 0, 10 * kMs}})};
  Scenario scenario;
  for (const auto& [name, kind] : {std::pair{"org0", TrafficShape::Kind::kPoisson},
                                   std::pair{"org1", TrafficShape::Kind::kBursts}}) {
    OrgSpec org;
    org.name = name;
    org.traffic.emplace_back();
    org.traffic.back().shape.kind = kind;
    scenario.orgs.push_back(org);
  }
  const std::string verdict = PolicyVerdict(runs, 1, &scenario);
  EXPECT_EQ(Line(verdict, "best for worst org"),
            (std::vector<std::string>{"best for worst org", "a", "60.0% (org1)", "b", "20.0% (org1)"}));
  EXPECT_EQ(Line(verdict, "worst steady org"),
            (std::vector<std::string>{"worst steady org", "b", "100.0%", "a", "90.0%"}));
  // Every org steady (or no scenario): the worst org is the worst steady one, no second line.
  scenario.orgs[1].traffic.back().shape.kind = TrafficShape::Kind::kPoisson;
  EXPECT_TRUE(Line(PolicyVerdict(runs, 1, &scenario), "worst steady org").empty());
  EXPECT_TRUE(Line(PolicyVerdict(runs, 1), "worst steady org").empty());
}

TEST(PolicyVerdict, ReplicationsTellApartOnlyWhatTheirIntervalsSeparate) {
  // "a": 90, 91, 89% served; "b": 80, 81, 79% (clear); "c": 90, 79, 100% (overlaps a).
  auto replicas = [](const std::string& policy, std::vector<int64_t> oks) {
    std::vector<RunResult> runs;
    for (const int64_t ok : oks) runs.push_back(RunOf(policy, {{ok, 0, 10 * kMs}}));
    return runs;
  };
  std::vector<RunResult> clear = replicas("a", {90, 91, 89});
  for (RunResult& run : replicas("b", {80, 81, 79})) clear.push_back(std::move(run));
  const std::vector<std::string> line = Line(PolicyVerdict(clear, 3), "most served");
  ASSERT_EQ(line.size(), 6u);
  EXPECT_EQ(line[1], "a");
  EXPECT_EQ(line[3], "b");
  EXPECT_EQ(line[5], "clear");

  std::vector<RunResult> noisy = replicas("a", {90, 91, 89});
  for (RunResult& run : replicas("c", {90, 79, 100})) noisy.push_back(std::move(run));
  const std::string verdict = PolicyVerdict(noisy, 3);
  EXPECT_EQ(Line(verdict, "most served").at(5), "within noise");
  EXPECT_EQ(verdict.find("--replications"), std::string::npos);
}

// Replication r of every policy runs on the same seed: a difference that keeps its sign from
// replication to replication is clear though the traffic's luck spreads both intervals wide.
TEST(PolicyVerdict, PairedReplicationsTellApartWhatOverlappingIntervalsCannot) {
  auto replicas = [](const std::string& policy, std::vector<int64_t> oks) {
    std::vector<RunResult> runs;
    uint64_t seed = 11;
    for (const int64_t ok : oks) {
      runs.push_back(RunOf(policy, {{ok, 0, 10 * kMs}}));
      runs.back().seed = seed++;
    }
    return runs;
  };
  // a beats b by 2 or 3 points in every replication; each spreads 20 points with the traffic.
  std::vector<RunResult> runs = replicas("a", {90, 80, 70});
  for (RunResult& run : replicas("b", {88, 77, 68})) runs.push_back(std::move(run));
  EXPECT_EQ(Line(PolicyVerdict(runs, 3), "most served").at(5), "clear");
  // The same figures on other seeds do not pair: the overlapping intervals decide.
  for (size_t r = 3; r < runs.size(); ++r) runs[r].seed += 100;
  EXPECT_EQ(Line(PolicyVerdict(runs, 3), "most served").at(5), "within noise");
  // Paired, a difference that changes sign is noise.
  std::vector<RunResult> mixed = replicas("a", {90, 80, 70});
  for (RunResult& run : replicas("b", {92, 77, 68})) mixed.push_back(std::move(run));
  EXPECT_EQ(Line(PolicyVerdict(mixed, 3), "most served").at(5), "within noise");
}

TEST(PolicyVerdict, NoFairnessLineWhenOnlyOneOrgFinishedAnything) {
  // Two orgs, but the second sent nothing that ended: an index of 1 for both would say nothing.
  std::vector<RunResult> runs = {RunOf("a", {{90, 5, 10 * kMs}, {0, 0, 0}}),
                                 RunOf("b", {{50, 5, 10 * kMs}, {0, 0, 0}})};
  for (RunResult& run : runs) {
    run.metrics.overall.counts.offered -= 100;
    run.metrics.overall.counts.r429_request -= 100;
    run.metrics.per_org[1].counts = OutcomeCounts();
  }
  const std::string verdict = PolicyVerdict(runs, 1);
  EXPECT_FALSE(Line(verdict, "most served").empty()) << verdict;
  EXPECT_TRUE(Line(verdict, "fairest across orgs").empty()) << verdict;
}

TEST(PolicyVerdict, SaysNothingWithOnePolicyOrNothingToCompare) {
  EXPECT_EQ(PolicyVerdict({RunOf("only", {{90, 5, 10 * kMs}})}, 1), "");
  // Nothing finished anywhere: no question can be answered.
  EXPECT_EQ(PolicyVerdict({RunOf("a", {}), RunOf("b", {})}, 1), "");
  // Only one policy served anything: no latency line, the shares still compare.
  const std::string verdict =
      PolicyVerdict({RunOf("served", {{50, 0, 10 * kMs}}), RunOf("none", {{0, 100, 0}})}, 1);
  EXPECT_TRUE(Line(verdict, "lowest p99 (served)").empty());
  EXPECT_EQ(Line(verdict, "most served").at(1), "served");
}

}  // namespace
}  // namespace ratesim

// `copies` and `stagger` in [[orgs]]: one org written once, made N times ("tenant-1" ...
// "tenant-N"), each copy its own org; the same as writing the N orgs out, and warned of once rather
// than N times.
#include <string>
#include <vector>

#include "fmt/format.h"
#include "gtest/gtest.h"
#include "sim/report/idle_stream_warning.h"
#include "sim/report/summary_json.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/simulate/simulation.h"
#include "tests/support/scenario_errors.h"

namespace ratesim {
namespace {

using ::ratesim::testing::ErrorOf;

constexpr char kHead[] = R"([run]
duration = "2m"
seed = 5

[[models]]
name = "m"
concurrency = 4
service = { dist = "exponential", mean = "1s" }

[[policies]]
type = "fifo"
max_wait = "5s"
)";

// An org `name` with `extra` lines (copies, stagger, limits), sending bursts and Poisson traffic.
std::string Org(const std::string& name, const std::string& extra = "") {
  return fmt::format(R"(
[[orgs]]
name = "{}"
{}
  [[orgs.traffic]]
  model = "m"
  shape = "bursts"
  count = 6
  window = "1s"
  every = "30s"
  stop = "100s"

  [[orgs.traffic]]
  model = "m"
  shape = "poisson"
  rate = "30rpm"
)",
                     name, extra);
}

Scenario Parsed(const std::string& text, const std::vector<std::string>& overrides = {}) {
  absl::StatusOr<Scenario> scenario = ParseScenario(text, "s.toml", overrides);
  EXPECT_TRUE(scenario.ok()) << scenario.status();
  return scenario.ok() ? *std::move(scenario) : Scenario{};
}

TEST(OrgCopies, MakesNamedCopiesOfTheOrg) {
  const Scenario scenario = Parsed(kHead + Org("tenant", "copies = 3") + Org("solo"));
  ASSERT_EQ(scenario.orgs.size(), 4u);
  for (int k = 0; k < 3; ++k) {
    const OrgSpec& copy = scenario.orgs[k];
    EXPECT_EQ(copy.name, fmt::format("tenant-{}", k + 1));
    EXPECT_EQ(copy.copy_of, "tenant");
    EXPECT_EQ(copy.copies, 3);
    ASSERT_EQ(copy.traffic.size(), 2u);
    EXPECT_EQ(copy.traffic[0].shape.start, 0);
  }
  EXPECT_EQ(scenario.orgs[3].name, "solo");
  EXPECT_EQ(scenario.orgs[3].copy_of, "");
}

TEST(OrgCopies, StaggerMovesEachCopysStreamsEvenlyLater) {
  const Scenario scenario = Parsed(kHead + Org("tenant", "copies = 4\nstagger = \"30s\""));
  ASSERT_EQ(scenario.orgs.size(), 4u);
  for (int k = 0; k < 4; ++k) {
    const Nanos offset = k * 30 * kNanosPerSecond / 4;
    SCOPED_TRACE(k);
    EXPECT_EQ(scenario.orgs[k].traffic[0].shape.start, offset);
    EXPECT_EQ(scenario.orgs[k].traffic[0].shape.stop, 100 * kNanosPerSecond + offset);
    EXPECT_EQ(scenario.orgs[k].traffic[1].shape.start, offset);
    EXPECT_EQ(scenario.orgs[k].traffic[1].shape.stop, kNever);  // none written: none moved
  }
}

// Copies are the orgs written out: the same names, streams and offsets give the same run, since a
// stream's random numbers follow from its place in the scenario, not from how it was written.
TEST(OrgCopies, RunAsTheSameOrgsWrittenOut) {
  const std::string copies = kHead + Org("tenant", "copies = 3\nstagger = \"30s\"") + Org("solo");
  std::string written = kHead;
  for (int k = 0; k < 3; ++k) {
    std::string org = Org(fmt::format("tenant-{}", k + 1));
    const std::string at = fmt::format("start = \"{}s\"\n", 10 * k);
    // Both streams of copy k start 10k s later; the bursts also stop 10k s later.
    org.replace(org.find("  stop = \"100s\""), 15,
                at + fmt::format("  stop = \"{}s\"", 100 + 10 * k));
    org.replace(org.rfind("  rate = \"30rpm\""), 16, "  rate = \"30rpm\"\n" + at);
    written += org;
  }
  written += Org("solo");
  const Scenario a = Parsed(copies);
  const Scenario b = Parsed(written);
  absl::StatusOr<RunResult> run_a = Simulate(a, a.policies.front(), 5);
  absl::StatusOr<RunResult> run_b = Simulate(b, b.policies.front(), 5);
  ASSERT_TRUE(run_a.ok()) << run_a.status();
  ASSERT_TRUE(run_b.ok()) << run_b.status();
  EXPECT_GT(run_a->metrics.overall.counts.offered, 0);
  EXPECT_EQ(SummaryJson({*run_a}), SummaryJson({*run_b}));
}

TEST(OrgCopies, CanBeSetFromTheCommandLine) {
  const Scenario scenario = Parsed(kHead + Org("tenant"), {"orgs.0.copies=5"});
  ASSERT_EQ(scenario.orgs.size(), 5u);
  EXPECT_EQ(scenario.orgs.back().name, "tenant-5");
}

TEST(OrgCopies, RefusesACountOutOfRangeOrAStaggerWithoutCopies) {
  EXPECT_EQ(
      ErrorOf(kHead + Org("tenant", "copies = 0")),
      "s.toml:16:10: error: 'copies' in [[orgs]]: got 0; expected an integer from 1 to 100000");
  EXPECT_NE(ErrorOf(kHead + Org("tenant", "copies = 100001"))
                .find("expected an integer from 1 to 100000"),
            std::string::npos);
  EXPECT_NE(ErrorOf(kHead + Org("tenant", "copies = 2.5")).find("not an integer"),
            std::string::npos);
  EXPECT_EQ(
      ErrorOf(kHead + Org("tenant", "stagger = \"1m\"")),
      "s.toml:16:11: error: 'stagger' in [[orgs]]: staggers the starts of an org's copies, and "
      "this org has none; add copies = N, or remove it");
}

TEST(OrgCopies, ACopysNameTakenByAnotherOrgIsAnErrorAtTheCopies) {
  const std::string error = ErrorOf(kHead + Org("tenant", "copies = 3") + Org("tenant-2"));
  EXPECT_NE(error.find("duplicate org name 'tenant-2'"), std::string::npos) << error;
  const std::string reversed = ErrorOf(kHead + Org("tenant-2") + Org("tenant", "copies = 3"));
  EXPECT_NE(reversed.find("'copies' in [[orgs]]: duplicate org name 'tenant-2'"), std::string::npos)
      << reversed;
}

TEST(OrgCopies, AnIdleStreamIsWarnedOfOnceForAllCopies) {
  // Copies staggered over 4 minutes in a 2-minute run: copies 3 and 4 (from 2m and 3m) send
  // nothing.
  const Scenario scenario = Parsed(kHead + Org("tenant", "copies = 4\nstagger = \"4m\""));
  const std::vector<IdleStream> idle = IdleStreams(scenario);
  ASSERT_EQ(idle.size(), 2u);  // one per stream of the org, not per copy
  EXPECT_EQ(idle[0].warning,
            "warning: the traffic of 2 of the 4 copies of org 'tenant' to model 'm' (s.toml:18) "
            "starts at 2m or later, at or after the run's duration of 2m: it sends no requests\n");
  // Every copy idle: the copies are named together.
  const Scenario all_idle =
      Parsed(kHead + Org("tenant", "copies = 4\nstagger = \"4m\""), {"orgs.0.traffic.1.start=3m"});
  const std::vector<IdleStream> late = IdleStreams(all_idle);
  ASSERT_EQ(late.size(), 2u);
  EXPECT_EQ(late[1].warning,
            "warning: the traffic of the copies of org 'tenant' to model 'm' (s.toml:26) starts at "
            "3m or later, at or after the run's duration of 2m: it sends no requests\n");
}

}  // namespace
}  // namespace ratesim

// Replaying a recorded trace ([[traces]]): every row is one request of its (org, model) with its
// tokens, at its time; orgs the scenario does not declare get the scenario's own formula, declared
// ones their overrides; a malformed row stops the run with the file and line; a large trace runs.
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "fmt/format.h"
#include "gtest/gtest.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/simulate/platform.h"
#include "sim/simulate/simulation.h"
#include "tests/support/scenario_builder_more.h"
#include "tests/support/temp_dir.h"

namespace ratesim {
namespace {

using testing::RecordingObserver;

constexpr Nanos kSecond = kNanosPerSecond;

// A path in the test's temporary folder, unique to this process (tests may run side by side).
std::string TempPath(const std::string& name) {
  return fmt::format("{}ratesim_trace_replay_{}_{}.csv", ::testing::TempDir(), getpid(), name);
}

// Removes a test's trace file when the test ends.
struct RemoveOnExit {
  std::string path;
  ~RemoveOnExit() { std::remove(path.c_str()); }
};

// Writes `lines` (the header first) to a fresh file in the test's temporary folder.
std::string WriteTrace(const std::string& name, const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text += line + '\n';
  return testing::WriteTextFile(TempPath(name), text);
}

const std::string kHeader = "time,org,model,input_tokens,output_tokens";

// Models "m" (0.1 s constant) and "m2" (token-driven: 0.1 s + input / 1000 + output / 50 seconds),
// both with slots to spare and no buffer; limits `fixed` at `rpm` and `tpm` for every org, and 60 RPM
// for the declared org "a", which sends nothing of its own. Its trace is not read yet.
Scenario UnreadTraceScenario(const std::string& path, double rpm = 120, double tpm = 1e12) {
  Scenario scenario = testing::BareScenario(100, 1, 1000, testing::ConstantService(0.1),
                                            testing::Policy("none"));
  ServiceTime tokens;
  tokens.kind = ServiceTime::Kind::kTokens;
  tokens.overhead = kSecond / 10;
  tokens.prefill_tokens_per_s = 1000;
  tokens.decode_tokens_per_s = 50;
  scenario.models.push_back(testing::Model("m2", 1, 1000, tokens));
  scenario.limits = testing::FixedLimits(rpm, tpm);
  OrgSpec a = testing::Org("a", {});
  a.limit_overrides = {{"rpm", 60}};
  scenario.orgs.push_back(a);
  TraceSpec trace;
  trace.path = path;
  scenario.traces.push_back(trace);
  return scenario;
}

// The same, its trace read as loading a scenario file reads it.
Scenario TraceScenario(const std::string& path, double rpm = 120, double tpm = 1e12) {
  Scenario scenario = UnreadTraceScenario(path, rpm, tpm);
  const absl::Status read = TakeTraceCensuses(scenario);
  EXPECT_TRUE(read.ok()) << read;
  return scenario;
}

struct Row {
  Nanos time;
  std::string org;
  std::string model;
  int64_t input;
  int64_t output;
};

TEST(TraceReplay, EveryRowBecomesOneRequestOfItsOrgAndModelWithItsTokens) {
  const std::vector<Row> rows = {
      {kSecond / 2, "a", "m", 10, 20},        {kSecond * 5 / 4, "b", "m2", 30, 40},
      {2 * kSecond, "c", "m", 0, 7},          {2 * kSecond, "x,y", "m2", 5, 5},
      {3500 * kNanosPerMillisecond, "a", "m2", 500, 100}, {10 * kSecond, "b", "m", 1, 2},
  };
  const std::string path = WriteTrace(
      "rows", {kHeader, "0.5,a,m,10,20", "1.25s,b,m2,30,40", "2,c,m,0,7", "", "2,\"x,y\",m2,5,5",
               "3500ms,a,m2,500,100", "10,b,m,1,2",
               // At and after the run's end (100 s): not replayed.
               "100,d,m,1,1", "150,a,m,1,1"});
  const RemoveOnExit cleanup{path};
  RecordingObserver observer;
  const RunResult result = testing::RunScenario(TraceScenario(path), &observer);
  const RunMetrics& m = result.metrics;
  EXPECT_EQ(m.overall.counts.offered, static_cast<int64_t>(rows.size()));
  EXPECT_EQ(m.overall.counts.ok, static_cast<int64_t>(rows.size()));
  ASSERT_EQ(observer.entries.size(), rows.size());
  // Requests are numbered in arrival order, which is the trace's order.
  std::map<uint64_t, RecordingObserver::Entry> by_request;
  for (const RecordingObserver::Entry& e : observer.entries) by_request.emplace(e.record.request, e);
  ASSERT_EQ(by_request.size(), rows.size());
  size_t i = 0;
  for (const auto& [id, e] : by_request) {
    const Row& row = rows[i++];
    SCOPED_TRACE(fmt::format("row {} ({}, {})", i, row.org, row.model));
    EXPECT_EQ(e.record.attempt, 1);
    EXPECT_EQ(e.record.arrival, row.time);
    EXPECT_EQ(e.org, row.org);
    EXPECT_EQ(e.model, row.model);
    EXPECT_EQ(e.record.input_tokens, row.input);
    EXPECT_EQ(e.record.output_tokens, row.output);
    // The model's service time from the row's own tokens.
    const Nanos service = row.model == "m" ? kSecond / 10
                                           : kSecond / 10 + FromSeconds(row.input / 1000.0 +
                                                                        row.output / 50.0);
    EXPECT_NEAR(static_cast<double>(e.record.ended - e.record.started), static_cast<double>(service), 1.0);
  }
  // Per org: a 2, b 2, c 1, "x,y" 1; d, seen only at the end of the run, none.
  std::map<std::string, int64_t> offered;
  for (OrgId org = 0; org < result.org_names.size(); ++org) {
    offered[result.org_names[org]] = m.per_org[org].counts.offered;
  }
  EXPECT_EQ(offered, (std::map<std::string, int64_t>{{"a", 2}, {"b", 2}, {"c", 1}, {"x,y", 1}, {"d", 0}}));
}

// The class at arrival of each request of the trace, in row order.
std::vector<RateClass> Classes(const Scenario& scenario) {
  RecordingObserver observer;
  testing::RunScenario(scenario, &observer);
  std::map<uint64_t, RateClass> by_request;
  for (const RecordingObserver::Entry& e : observer.entries) by_request[e.record.request] = e.record.rate_class;
  std::vector<RateClass> classes;
  for (const auto& [id, rate_class] : by_request) classes.push_back(rate_class);
  return classes;
}

TEST(TraceReplay, UndeclaredOrgsGetTheScenarioFormulaAndDeclaredOnesTheirOverrides) {
  // At one instant: two requests of "a" (declared, 60 RPM: a window of 1 request) and three of "b"
  // (undeclared: the scenario's 120 RPM, a window of 2).
  const std::string path = WriteTrace(
      "orgs", {kHeader, "1,a,m,1,1", "1,a,m,1,1", "1,b,m,1,1", "1,b,m,1,1", "1,b,m,1,1"});
  const RemoveOnExit cleanup{path};
  const std::vector<RateClass> classes = Classes(TraceScenario(path));
  EXPECT_EQ(classes, (std::vector<RateClass>{RateClass::kWithin, RateClass::kOverRequests,
                                             RateClass::kWithin, RateClass::kWithin,
                                             RateClass::kOverRequests}));
}

TEST(TraceReplay, MaxOutputTokensIsPartOfTheEstimateAtArrival) {
  // 1500 tokens per second (a window of 1500). Two requests of 100 + 50 tokens at one instant: they
  // fit together when each asks for its own 50 output tokens (150 each); asking for 1000 output
  // tokens (estimate 1100) only the first fits.
  const std::string path = WriteTrace("tokens", {kHeader, "1,b,m,100,50", "1,b,m,100,50"});
  const RemoveOnExit cleanup{path};
  Scenario scenario = TraceScenario(path, 1e6, 60 * 1500);
  EXPECT_EQ(Classes(scenario), (std::vector<RateClass>{RateClass::kWithin, RateClass::kWithin}));
  scenario.traces[0].max_output_tokens = 1000;
  EXPECT_EQ(Classes(scenario), (std::vector<RateClass>{RateClass::kWithin, RateClass::kOverTokens}));
}

TEST(TraceReplay, AMalformedRowFailsTheLoadNamingFileAndLine) {
  const std::vector<std::pair<std::string, std::string>> bad_rows = {
      {"time", "abc,a,m,1,1"},
      {"fields", "4,a,m,1"},
      {"negative", "4,a,m,-3,1"},
      {"backwards", "0.5,a,m,1,1"},
      {"empty_org", "4,,m,1,1"},
  };
  for (const auto& [name, bad] : bad_rows) {
    // The bad row is on line 5, after three good rows; more good rows follow.
    const std::string path = WriteTrace(
        "bad_" + name, {kHeader, "1,a,m,1,1", "2,b,m,1,1", "3,a,m2,1,1", bad, "5,a,m,1,1", "6,b,m,1,1"});
    const RemoveOnExit cleanup{path};
    Scenario scenario = UnreadTraceScenario(path);
    const absl::Status read = TakeTraceCensuses(scenario);
    EXPECT_EQ(read.code(), absl::StatusCode::kInvalidArgument) << name;
    EXPECT_NE(read.message().find(path + ":5:"), std::string::npos) << name << ": " << read;
  }
}

TEST(TraceReplay, AnUnknownModelIsReportedAtItsLine) {
  // Line 3 is empty, which the reader skips; the unknown model is on line 5.
  const std::string path =
      WriteTrace("unknown_model", {kHeader, "1,a,m,1,1", "", "2,b,m,1,1", "3,b,nosuchmodel,1,1"});
  const RemoveOnExit cleanup{path};
  Scenario scenario = UnreadTraceScenario(path);
  const absl::Status read = TakeTraceCensuses(scenario);
  EXPECT_EQ(read.code(), absl::StatusCode::kInvalidArgument) << read;
  // At the model's column, naming the models the scenario has.
  EXPECT_NE(read.message().find(path + ":5:5: error: unknown model 'nosuchmodel'; "
                                "expected one of: m, m2;"),
            std::string::npos)
      << read;
}

TEST(TraceReplay, AMissingTraceFileFailsTheLoadNamingIt) {
  const std::string path = TempPath("does_not_exist");
  Scenario scenario = UnreadTraceScenario(path);
  const absl::Status read = TakeTraceCensuses(scenario);
  EXPECT_EQ(read.code(), absl::StatusCode::kNotFound) << read;
  EXPECT_NE(read.message().find(path), std::string::npos) << read;
}

TEST(TraceReplay, ATraceNotReadRefusesToRunRatherThanRunningWithoutItsKeys) {
  const std::string path = WriteTrace("unread", {kHeader, "1,a,m,1,1"});
  const RemoveOnExit cleanup{path};
  const Scenario scenario = UnreadTraceScenario(path);
  const absl::StatusOr<RunResult> result = Simulate(scenario, scenario.policies[0], 1);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition) << result.status();
  EXPECT_NE(result.status().message().find("TakeTraceCensuses"), std::string::npos)
      << result.status();
}

TEST(TraceReplay, ATraceThatGainsAKeyAfterLoadingFailsTheRunAtThatRow) {
  // The keys come from the census taken at load; a run reads the file again.
  const std::string path = WriteTrace("changed", {kHeader, "1,a,m,1,1"});
  const RemoveOnExit cleanup{path};
  const Scenario scenario = TraceScenario(path);
  WriteTrace("changed", {kHeader, "1,a,m,1,1", "2,newcomer,m,1,1"});
  const absl::StatusOr<RunResult> result = Simulate(scenario, scenario.policies[0], 1);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition) << result.status();
  EXPECT_NE(result.status().message().find(path + ":3: error: org 'newcomer' on model 'm' was not "
                                           "in the trace when the scenario loaded"),
            std::string::npos)
      << result.status();
}

TEST(TraceReplay, AScenarioWhoseTracePathIsChangedInCodeIsReadAgain) {
  const std::string first = WriteTrace("first", {kHeader, "1,a,m,1,1"});
  const std::string second = WriteTrace("second", {kHeader, "1,other,m2,1,1", "2,other,m2,1,1"});
  const RemoveOnExit cleanup_first{first};
  const RemoveOnExit cleanup_second{second};
  Scenario scenario = TraceScenario(first);
  scenario.traces[0].path = second;
  ASSERT_TRUE(TakeTraceCensuses(scenario).ok());
  ASSERT_EQ(scenario.traces[0].census->keys.size(), 1u);
  EXPECT_EQ(scenario.traces[0].census->keys[0].org, "other");
  // With the first file's census, org "other" would have no key and the run would fail at its row.
  const absl::StatusOr<RunResult> result = Simulate(scenario, scenario.policies[0], 1);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->metrics.overall.counts.offered, 2);
}

TEST(TraceReplay, AModelFedOnlyByTheTraceGetsItsCapacityFromTheTracesMeanTokens) {
  // m2 (token-driven, 1000 slots): rows of 100 + 20 and 300 + 40 tokens, a mean of 200 in and 30
  // out, served in 0.1 + 200 / 1000 + 30 / 50 = 0.9 s. m (1000 slots): a constant 0.1 s, one row of
  // 6 + 4 tokens.
  const std::string path =
      WriteTrace("capacity", {kHeader, "1,a,m2,100,20", "2,b,m,6,4", "3,a,m2,300,40"});
  const RemoveOnExit cleanup{path};
  const Scenario scenario = TraceScenario(path);
  const ModelCapacity m2 = NominalCapacityPerReplica(scenario, scenario.models[1]);
  EXPECT_DOUBLE_EQ(m2.requests_per_s, 1000 / 0.9);
  EXPECT_DOUBLE_EQ(m2.tokens_per_s, 1000 / 0.9 * 230);
  const ModelCapacity m = NominalCapacityPerReplica(scenario, scenario.models[0]);
  EXPECT_DOUBLE_EQ(m.requests_per_s, 1000 / 0.1);
  EXPECT_DOUBLE_EQ(m.tokens_per_s, 1000 / 0.1 * 10);
}

TEST(TraceReplay, ATraceOfThreeHundredThousandRowsRuns) {
  constexpr int64_t kRows = 300'000;
  constexpr int kOrgs = 10;
  const std::string path = TempPath("large");
  const RemoveOnExit cleanup{path};
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << kHeader << '\n';
    for (int64_t i = 0; i < kRows; ++i) {
      // 1000 rows a second, orgs in turn, every third row to m2.
      out << fmt::format("{}.{:03},org{},{},{},{}\n", i / 1000, i % 1000, i % kOrgs,
                         i % 3 == 0 ? "m2" : "m", 10 + i % 7, 1 + i % 5);
    }
    ASSERT_TRUE(out.good());
  }
  Scenario scenario = TraceScenario(path);
  scenario.limits = testing::NoLimits();
  scenario.run.duration = 400 * kSecond;
  const RunResult result = testing::RunScenario(scenario);
  EXPECT_EQ(result.metrics.overall.counts.offered, kRows);
  EXPECT_EQ(result.metrics.overall.counts.ok, kRows);
  // The ten orgs of the trace ("a" is declared but sends nothing, so it has no key and no slice).
  ASSERT_EQ(result.org_names.size(), static_cast<size_t>(kOrgs));
  for (OrgId org = 0; org < result.org_names.size(); ++org) {
    EXPECT_EQ(result.metrics.per_org[org].counts.offered, kRows / kOrgs) << result.org_names[org];
  }
  EXPECT_EQ(result.metrics.per_model[1].counts.offered, kRows / 3);
}

TEST(TraceReplay, EachOrgOfATraceIsAClientOfItsOwnUnderPaceAndMaxInFlight) {
  // Two orgs each send 4 requests at 0 s. Paced at 1 per second, each org's sends are a second
  // apart, but the two orgs' are not held back by each other.
  const std::string path = WriteTrace(
      "paced_orgs", {kHeader, "0s,x,m,10,1", "0s,x,m,10,1", "0s,x,m,10,1", "0s,x,m,10,1",
                     "0s,y,m,10,1", "0s,y,m,10,1", "0s,y,m,10,1", "0s,y,m,10,1"});
  RemoveOnExit remove{path};
  for (const bool paced : {true, false}) {
    SCOPED_TRACE(paced ? "pace" : "max_in_flight");
    Scenario scenario = TraceScenario(path);
    scenario.run.duration = 30 * kSecond;
    if (paced) {
      scenario.traces[0].client.pace_per_s = 1.0;
    } else {
      scenario.traces[0].client.max_in_flight = 1;  // each request takes 0.1 s
    }
    RecordingObserver observer;
    SimulationOptions options;
    options.observer = &observer;
    absl::StatusOr<RunResult> result = Simulate(scenario, scenario.policies[0], 1, options);
    ASSERT_TRUE(result.ok()) << result.status();
    std::map<std::string, std::vector<Nanos>> sends;
    for (const auto& entry : observer.entries) sends[entry.org].push_back(entry.record.arrival);
    ASSERT_EQ(sends.size(), 2u);
    const Nanos gap = paced ? kSecond : kSecond / 10;
    for (auto& [org, times] : sends) {
      std::sort(times.begin(), times.end());
      EXPECT_EQ(times, (std::vector<Nanos>{0, gap, 2 * gap, 3 * gap})) << org;
    }
  }
}

}  // namespace
}  // namespace ratesim

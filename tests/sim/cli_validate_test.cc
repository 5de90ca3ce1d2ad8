// `ratesim validate` fails where `run` would on a trace's rows (a malformed row, an unknown model),
// with run's message; and validate, run and compare warn (exit 0) of a trace or traffic stream that
// sends nothing because it begins at or after the end of the run.
#include <algorithm>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/support/cli_fixture.h"

namespace ratesim {
namespace {

using testing::CliResult;
using testing::RunRatesim;
using testing::WriteFile;

class CliValidateTest : public ::testing::Test {
 protected:
  // The tiny trace scenario (10 s) replaying `trace`.
  std::string TraceScenario(const std::string& trace) {
    std::filesystem::create_directories(temp_ / "traces");
    WriteFile(temp_ / "traces/day.csv", trace);
    return WriteFile(temp_ / "trace.toml", testing::kTinyTraceScenario);
  }

  testing::TempDir temp_;
};

TEST_F(CliValidateTest, ValidateFailsOnAMalformedTraceRowWithRunsMessage) {
  const std::string trace = temp_ / "traces/day.csv";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"time,org,model,input_tokens,output_tokens\n0.5,a,m,100,20\nsoon,b,m,100,20\n",
       trace + ":3:1: error: "},
      {"time,org,model,input_tokens,output_tokens\n0.5,a,m,100,20\n1,b,m,-4,20\n",
       trace + ":3:7: error: "},
      {"time,org,model,input_tokens,output_tokens\n0.5,a,m,100,20\n1,b,gpt,1,1\n",
       trace + ":3:5: error: unknown model 'gpt'; expected one of: m; add it to the scenario's "
               "[[models]] or correct the row"},
  };
  for (const auto& [text, message] : cases) {
    const std::string scenario = TraceScenario(text);
    const CliResult validate = RunRatesim({"validate", scenario});
    const CliResult run = RunRatesim({"run", scenario});
    EXPECT_EQ(validate.code, 2) << text;
    EXPECT_EQ(run.code, 2) << text;
    EXPECT_EQ(validate.out, "") << text;
    EXPECT_EQ(validate.err.rfind(message, 0), 0u) << validate.err;
    EXPECT_EQ(validate.err, run.err);
  }
}

TEST_F(CliValidateTest, ATraceWhollyAfterTheRunIsAWarningOfValidateAndRun) {
  const std::string scenario = TraceScenario(
      "time,org,model,input_tokens,output_tokens\n25s,a,m,100,20\n26s,b,m,100,20\n");
  const std::string warning = "warning: every row of trace '" + (temp_ / "traces/day.csv") +
                              "' is at or after the run's duration of 10s (the first, line 2, is "
                              "at 25s): it sends no requests\n";
  for (const char* command : {"validate", "run", "compare"}) {
    const CliResult r = RunRatesim({command, scenario});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.err, warning) << command;
  }
  // Shortened by --set, a trace that did send does so no more.
  const std::string sends = TraceScenario(std::string(testing::kTinyTrace));
  EXPECT_EQ(RunRatesim({"validate", sends}).err, "");
  EXPECT_NE(RunRatesim({"validate", sends, "--set", "run.duration=500ms"}).err.find(
                "(the first, line 2, is at 500ms)"),
            std::string::npos);
}

// A scenario of traces alone has no [[orgs]]: its summary counts what the traces hold instead of
// reading as an empty scenario.
TEST_F(CliValidateTest, TheSummaryCountsEachTracesRowsAndOrgs) {
  const std::string scenario = TraceScenario(std::string(testing::kTinyTrace));
  const CliResult r = RunRatesim({"validate", scenario});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(testing::FirstLine(r.out), "OK: " + scenario +
                       ": 1 model, 0 orgs, 0 traffic streams, 1 trace (5 rows from 2 orgs), 1 "
                       "policy, 10s\n");
  // Two traces of the same file: rows add up, orgs count once.
  std::string twice = testing::kTinyTraceScenario;
  twice += "\n[[traces]]\npath = \"traces/day.csv\"\n";
  const std::string both = WriteFile(temp_ / "twice.toml", twice);
  EXPECT_NE(RunRatesim({"validate", both}).out.find(", 2 traces (10 rows from 2 orgs), "),
            std::string::npos);
}

TEST_F(CliValidateTest, AnEmptyTraceIsAWarning) {
  const std::string scenario = TraceScenario("time,org,model,input_tokens,output_tokens\n");
  const CliResult r = RunRatesim({"validate", scenario});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "warning: trace '" + (temp_ / "traces/day.csv") +
                       "' has no rows: it sends no requests\n");
}

TEST_F(CliValidateTest, ATrafficStreamStartingAfterTheRunIsAWarning) {
  std::string text = testing::kTinyScenario;
  const std::string steady = "  model = \"m\"\n  shape = \"constant\"";
  text.replace(text.find(steady), steady.size(), steady + "\n  start = \"30s\"");
  const std::string scenario = WriteFile(temp_ / "late.toml", text);
  const std::string warning = "warning: the traffic of org 'steady' to model 'm' (" + scenario +
                              ":16) starts at 30s, at or after the run's duration of 20s: it "
                              "sends no requests\n";
  for (const char* command : {"validate", "run", "compare"}) {
    const CliResult r = RunRatesim({command, scenario});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.err, warning) << command;
  }
  EXPECT_EQ(RunRatesim({"validate", scenario, "--set", "run.duration=31s"}).err, "");
}

// A capacity change scheduled at or after the end never happens, and a resolution longer than the
// run gives a time series of one row: both are said, before the results, and the run goes ahead.
TEST_F(CliValidateTest, AScheduleChangeAfterTheRunAndAResolutionLongerThanItAreWarnings) {
  std::string text = testing::kTinyScenario;
  const std::string slots = "concurrency = 2";
  ASSERT_NE(text.find(slots), std::string::npos);
  text.replace(text.find(slots), slots.size(),
               slots + "\nschedule = [{ at = \"10s\", replicas = 2 }, { at = \"25s\", replicas = 0 }, "
                       "{ at = \"30s\", replicas = 1 }]");
  const std::string scenario = WriteFile(temp_ / "schedule.toml", text);
  const std::string line = std::to_string(1 + std::count(text.begin(), text.begin() + text.find("schedule"), '\n'));
  const std::string schedule_warning = "warning: the schedule of model 'm' (" + scenario + ":" + line +
                                       ") changes its replicas at 25s, after the run's duration of "
                                       "20s: ";
  const std::string drained = "no arrival meets the change, only the drain of requests still in flight\n";
  for (const char* command : {"validate", "run"}) {
    const CliResult r = RunRatesim({command, scenario});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.err, schedule_warning + drained) << command;
  }
  EXPECT_EQ(RunRatesim({"validate", scenario, "--set", "run.drain=false"}).err,
            schedule_warning + "the change never happens\n");
  // A change at the duration itself is still made (events at the duration are the run's): the
  // warning is of the next one.
  const std::string at_end = RunRatesim({"validate", scenario, "--set", "run.duration=25s"}).err;
  EXPECT_EQ(at_end.find("at 25s"), std::string::npos) << at_end;
  EXPECT_NE(at_end.find("at 30s, after the run's duration of 25s"), std::string::npos) << at_end;
  const CliResult coarse = RunRatesim({"validate", scenario, "--set", "run.resolution=\"1m\""});
  EXPECT_EQ(coarse.err, schedule_warning + drained +
                            "warning: the resolution of 1m is longer than the run's duration of 20s: "
                            "the time series' first row covers the whole run\n");
}

}  // namespace
}  // namespace ratesim

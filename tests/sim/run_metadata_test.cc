// run.json names the [[traces]] files a run replayed, with the hash of their bytes, as sweep.json
// does: the simulator reads a trace as the run goes, so its contents are as much an input as the
// scenario file's, yet neither the scenario's text nor its path shows them.
#include "sim/report/run_metadata.h"

#include <filesystem>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sim/report/json_writer.h"
#include "tests/support/cli_fixture.h"

namespace ratesim {
namespace {

using testing::CliResult;
using testing::ReadFile;
using testing::RunRatesim;
using testing::WriteFile;

// One file's {"path", "fnv1a64"} in run.json's "traces" list, as JsonWriter indents it.
std::string TraceEntry(const std::string& path, const std::string& hash) {
  return "{\n      \"path\": " + JsonQuote(path) + ",\n      \"fnv1a64\": \"" + hash + "\"\n    }";
}

TEST(RunMetadata, RecordsEachTraceFileWithTheHashOfItsBytes) {
  testing::TempDir temp;
  Scenario scenario;
  scenario.path = WriteFile(temp / "s.toml", "x");
  for (const char* name : {"a.csv", "b.csv", "a.csv"}) {  // a file replayed twice is named once
    TraceSpec trace;
    trace.path = WriteFile(temp / name, name);
    scenario.traces.push_back(trace);
  }
  const absl::StatusOr<RunMetadata> metadata = DescribeRun(scenario, {"none"}, {}, {});
  ASSERT_TRUE(metadata.ok()) << metadata.status();
  const std::string json = RunJson(*metadata);
  EXPECT_NE(json.find("\"traces\": [\n    " + TraceEntry(temp / "a.csv", HashText(Fnv1a64("a.csv"))) +
                      ",\n    " + TraceEntry(temp / "b.csv", HashText(Fnv1a64("b.csv"))) +
                      "\n  ],"),
            std::string::npos)
      << json;
}

TEST(RunMetadata, RecordsNoTracesAsAnEmptyList) {
  testing::TempDir temp;
  Scenario scenario;
  scenario.path = WriteFile(temp / "s.toml", "x");
  const absl::StatusOr<RunMetadata> metadata = DescribeRun(scenario, {"none"}, {}, {});
  ASSERT_TRUE(metadata.ok()) << metadata.status();
  EXPECT_NE(RunJson(*metadata).find("\"traces\": [],"), std::string::npos) << RunJson(*metadata);
}

TEST(RunMetadata, FailsNamingATraceFileThatCannotBeRead) {
  testing::TempDir temp;
  Scenario scenario;
  scenario.path = WriteFile(temp / "s.toml", "x");
  TraceSpec trace;
  trace.path = temp / "gone.csv";
  scenario.traces.push_back(trace);
  const absl::StatusOr<RunMetadata> metadata = DescribeRun(scenario, {"none"}, {}, {});
  ASSERT_FALSE(metadata.ok());
  EXPECT_NE(metadata.status().message().find("cannot read '" + (temp / "gone.csv") + "'"),
            std::string::npos)
      << metadata.status();
  EXPECT_NE(metadata.status().message().find("s.toml"), std::string::npos) << metadata.status();
}

// End to end: run and compare record the trace as the simulator resolved it, with the hash sweep
// records for it.
TEST(RunMetadata, RunAndCompareRecordTheTraceAsASweepDoes) {
  testing::TempDir temp;
  std::filesystem::create_directories(temp / "traces");
  const std::string trace = WriteFile(temp / "traces/day.csv", testing::kTinyTrace);
  const std::string scenario = WriteFile(temp / "replay.toml", testing::kTinyTraceScenario);
  const std::string resolved = std::filesystem::path(trace).lexically_normal().string();
  const std::string hash = HashText(Fnv1a64(testing::kTinyTrace));

  const CliResult sweep = RunRatesim({"sweep", scenario, "--out", temp / "sweep"});
  ASSERT_EQ(sweep.code, 0) << sweep.err;
  const std::string in_sweep = "{\"path\": " + JsonQuote(resolved) + ", \"fnv1a64\": \"" + hash + "\"}";
  ASSERT_NE(ReadFile(temp / "sweep/sweep.json").find(in_sweep), std::string::npos);

  for (const char* command : {"run", "compare"}) {
    const std::string out = temp / command;
    const CliResult r = RunRatesim({command, scenario, "--out", out});
    ASSERT_EQ(r.code, 0) << r.err;
    const std::string json = ReadFile(out + "/run.json");
    EXPECT_NE(json.find("\"traces\": [\n    " + TraceEntry(resolved, hash) + "\n  ],"),
              std::string::npos)
        << command << ":\n"
        << json;
  }
}

}  // namespace
}  // namespace ratesim

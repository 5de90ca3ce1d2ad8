// run.json, what a run records of itself: the version, the scenario file with its FNV-1a hash, the
// seeds, policies, overrides and command line, and the trace files it replayed.
#include "sim/report/run_metadata.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "fmt/format.h"
#include "gtest/gtest.h"
#include "sim/report/json_writer.h"
#include "sim/simulate/replication.h"
#include "sim/version.h"
#include "tests/support/cli_fixture.h"
#include "tests/support/json_reader.h"

namespace ratesim {
namespace {

using testing::CliResult;
using testing::Json;
using testing::ParseJson;
using testing::ReadFile;
using testing::RunRatesim;
using testing::TempDir;
using testing::WriteFile;

TEST(Fnv1a64, MatchesThePublishedTestVectors) {
  EXPECT_EQ(Fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(Fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(Fnv1a64("foobar"), 0x85944171f73967e8ULL);
}

TEST(RunMetadata, HashesTheScenarioFileAndRecordsWhatRan) {
  TempDir temp;
  const std::string path = temp / "s.toml";
  WriteFile(path, "foobar");
  Scenario scenario;
  scenario.path = path;
  scenario.title = "a \"quoted\" title";
  scenario.run.seed = 99;
  scenario.run.duration = 90 * kNanosPerSecond;
  const absl::StatusOr<RunMetadata> metadata = DescribeRun(
      scenario, {"none", "fifo"}, {"run.seed=99"}, {"ratesim", "compare", path, "--seed", "99"});
  ASSERT_TRUE(metadata.ok()) << metadata.status();
  const std::optional<Json> json = ParseJson(RunJson(*metadata));
  ASSERT_TRUE(json.has_value());
  EXPECT_EQ((*json)["version"].string, std::string(Version()));
  EXPECT_EQ((*json)["scenario"]["path"].string, path);
  EXPECT_EQ((*json)["scenario"]["title"].string, "a \"quoted\" title");
  EXPECT_EQ((*json)["scenario"]["fnv1a64"].string, "85944171f73967e8");
  EXPECT_EQ((*json)["seed"].number, 99);
  EXPECT_EQ((*json)["replications"].number, 1);
  ASSERT_EQ((*json)["seeds"].array.size(), 1u);
  EXPECT_EQ((*json)["seeds"].array[0].number, 99);
  EXPECT_EQ((*json)["duration_s"].number, 90);
  ASSERT_EQ((*json)["policies"].array.size(), 2u);
  EXPECT_EQ((*json)["policies"].array[1].string, "fifo");
  ASSERT_EQ((*json)["overrides"].array.size(), 1u);
  EXPECT_EQ((*json)["overrides"].array[0].string, "run.seed=99");
  ASSERT_EQ((*json)["command_line"].array.size(), 5u);
  EXPECT_EQ((*json)["command_line"].array[3].string, "--seed");
}

TEST(RunMetadata, RecordsTheReplicationsAndEverySeed) {
  TempDir temp;
  const std::string path = temp / "s.toml";
  WriteFile(path, "x");
  Scenario scenario;
  scenario.path = path;
  scenario.run.seed = 18446744073709551615ULL;  // seeds are 64-bit: written exactly
  const absl::StatusOr<RunMetadata> metadata = DescribeRun(scenario, {"none"}, {}, {}, 3);
  ASSERT_TRUE(metadata.ok()) << metadata.status();
  EXPECT_EQ(metadata->seeds, ReplicationSeeds(scenario.run.seed, 3));
  const std::string text = RunJson(*metadata);
  EXPECT_NE(text.find("\"replications\": 3,"), std::string::npos) << text;
  EXPECT_NE(text.find(fmt::format("\"seeds\": [\n    18446744073709551615,\n    {},\n    {}\n  ]",
                                  metadata->seeds[1], metadata->seeds[2])),
            std::string::npos)
      << text;
}

TEST(RunMetadata, FailsNamingAScenarioFileItCannotRead) {
  Scenario scenario;
  scenario.path = "/nonexistent/dir/s.toml";
  const absl::StatusOr<RunMetadata> metadata = DescribeRun(scenario, {}, {}, {});
  ASSERT_FALSE(metadata.ok());
  EXPECT_NE(metadata.status().message().find("/nonexistent/dir/s.toml"), absl::string_view::npos);
  EXPECT_NE(metadata.status().message().find("No such file"), absl::string_view::npos);
}

// ---------------------------------------------------------------------------------------------------
// run.json names the [[traces]] files a run replayed, with the hash of their bytes, as sweep.json
// does: the simulator reads a trace as the run goes, so its contents are as much an input as the
// scenario file's, yet neither the scenario's text nor its path shows them.

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

// [[traces]]: a scenario that replays a trace file instead of (or beside) orgs; the path, resolved
// from the scenario's folder, the file's header and rows, and the table's keys.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sim/scenario/scenario_loader.h"
#include "tests/support/minimal_scenario.h"
#include "tests/support/temp_dir.h"

namespace ratesim {
namespace {

using testing::ErrorLines;
using testing::HasError;
using testing::Joined;
using testing::Minimal;
using testing::Parse;

std::string SampleTrace() {
  return std::string(RATESIM_SOURCE_DIR) + "/tests/data/scenarios/traces/sample.csv";
}

// The minimal scenario without its org, replaying `trace_lines` from line 18 on.
std::string TraceOnly(const std::vector<std::string>& trace_lines) {
  std::vector<std::string> extra = {"[[traces]]"};
  extra.insert(extra.end(), trace_lines.begin(), trace_lines.end());
  return Minimal({{9, ""}, {10, ""}, {11, ""}, {12, ""}, {13, ""}, {14, ""}}, extra);
}

// The second model sample.csv's rows name, appended after a trace's lines.
std::vector<std::string> WithSampleModels(std::vector<std::string> trace_lines) {
  for (const char* line : {"[[models]]", "name = \"mistral-7b\"", "concurrency = 4",
                           "service = { dist = \"constant\", mean = \"1s\" }"}) {
    trace_lines.emplace_back(line);
  }
  return trace_lines;
}

// Writes `text` to a file named `name` in the test's temporary folder; returns its path.
std::string WriteTempFile(const std::string& name, const std::string& text) {
  return testing::WriteTextFile(testing::TempPath("scenario_loader_" + name), text);
}

TEST(ScenarioTraces, AScenarioMayReplayATraceInsteadOfOrgs) {
  absl::StatusOr<Scenario> s =
      Parse(TraceOnly(WithSampleModels({"path = \"" + SampleTrace() + "\""})));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_TRUE(s->orgs.empty());
  ASSERT_EQ(s->traces.size(), 1u);
  const TraceSpec& t = s->traces[0];
  EXPECT_EQ(t.path, SampleTrace());
  EXPECT_EQ(t.max_output_tokens, 0);
  EXPECT_EQ(t.client.on_failure, ClientSpec::OnFailure::kGiveUp);
  EXPECT_EQ(t.pos.line, 18);

  s = Parse(
      TraceOnly(WithSampleModels({"path = \"" + SampleTrace() + "\"", "max_output_tokens = 1024",
                                  "client = { on_failure = \"honor_reset\", max_attempts = 3 }"})));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->traces[0].max_output_tokens, 1024);
  EXPECT_EQ(s->traces[0].client.on_failure, ClientSpec::OnFailure::kHonorReset);
  EXPECT_EQ(s->traces[0].client.max_attempts, 3);
}

TEST(ScenarioTraces, ResolvesARelativePathAgainstTheScenarioFolder) {
  const std::string folder = std::string(RATESIM_SOURCE_DIR) + "/tests/data/scenarios";
  absl::StatusOr<Scenario> s =
      ParseScenario(TraceOnly(WithSampleModels({"path = \"traces/../traces/sample.csv\""})),
                    folder + "/unsaved.toml");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->traces[0].path, SampleTrace());

  s = ParseScenario(TraceOnly({"path = \"missing.csv\""}), "dir/s.toml");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(
      s.status().message(),
      "dir/s.toml:19:8: error: 'path' in [[traces]]: cannot open trace file 'dir/missing.csv': No "
      "such "
      "file or directory; check the path (a relative one is read from the scenario file's folder)");
}

TEST(ScenarioTraces, ChecksTheFilesHeaderAndThenItsRows) {
  const std::string bad_header = WriteTempFile("bad_header.csv", "t,org,model\n1,a,b\n");
  EXPECT_EQ(ErrorLines(TraceOnly({"path = \"" + bad_header + "\""})),
            std::vector<std::string>{
                "s.toml:19:8: error: 'path' in [[traces]]: bad trace file: " + bad_header +
                ":1:1: the header line is \"t,org,model\"; expected exactly "
                "\"time,org,model,input_tokens,output_tokens\""});
  // Once the rest is valid the rows are read too (for their keys and tokens), and a bad one is
  // reported as the trace reader words it, at its own line and column, before anything runs.
  const std::string bad_row =
      WriteTempFile("bad_row.csv", "time,org,model,input_tokens,output_tokens\n1,a,b,-5,x\n");
  EXPECT_EQ(
      ErrorLines(TraceOnly({"path = \"" + bad_row + "\""})),
      std::vector<std::string>{bad_row + ":2:7: error: input_tokens must be a whole number >= "
                                         "0, got -5"});
  const std::string unknown_model =
      WriteTempFile("unknown_model.csv", "time,org,model,input_tokens,output_tokens\n1,a,b,5,6\n");
  EXPECT_EQ(ErrorLines(TraceOnly({"path = \"" + unknown_model + "\""})),
            std::vector<std::string>{
                unknown_model + ":2:5: error: unknown model 'b'; expected one "
                                "of: llama-70b; add it to the scenario's [[models]] or correct "
                                "the row"});
  EXPECT_TRUE(HasError(ErrorLines(TraceOnly({"path = \"" + ::testing::TempDir() + "\""})),
                       "s.toml:19:8: error: 'path' in [[traces]]: cannot open trace file",
                       {"it is a directory"}));
}

TEST(ScenarioTraces, ChecksItsKeys) {
  std::vector<std::string> errors =
      ErrorLines(TraceOnly({"file = \"x.csv\"", "max_output_tokens = -1",
                            "client = { on_failure = \"give_up\", max_attempts = 2 }"}));
  EXPECT_TRUE(
      HasError(errors, "s.toml:18:1: error: missing key 'path' in [[traces]]; expected a string"));
  EXPECT_TRUE(
      HasError(errors,
               "s.toml:19:1: error: unknown key 'file' in [[traces]]; expected one of: path, "
               "max_output_tokens, client"));
  EXPECT_TRUE(
      HasError(errors,
               "s.toml:20:21: error: 'max_output_tokens' in [[traces]]: got -1; expected an "
               "integer from 0 to 1000000000000000"));
  EXPECT_TRUE(HasError(errors,
                       "s.toml:21:51: error: 'max_attempts' in 'client' of [[traces]]: got 2, but "
                       "on_failure = \"give_up\" never retries"));
  EXPECT_EQ(errors.size(), 4u) << Joined(errors);
  EXPECT_EQ(ErrorLines(TraceOnly({"path = \"\""})),
            std::vector<std::string>{
                "s.toml:19:8: error: 'path' in [[traces]]: got an empty string; expected a "
                "CSV file such as \"traces/day1.csv\""});
}

TEST(ScenarioTraces, AClientKeyInATraceIsPointedAtItsClientTable) {
  EXPECT_TRUE(HasError(ErrorLines(TraceOnly(WithSampleModels(
                           {"path = \"" + SampleTrace() + "\"", "on_failure = \"honor_reset\""}))),
                       "s.toml:20:1: error: unknown key 'on_failure' in [[traces]]; it is a key of "
                       "the client table: "
                       "write client = { on_failure = ... } in this entry"));
}

}  // namespace
}  // namespace ratesim

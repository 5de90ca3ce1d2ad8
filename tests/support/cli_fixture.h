// What the command-line tests share: tiny scenario files in a fresh temp dir (TinyScenarioTest),
// `ratesim` run in-process, and file helpers.
#ifndef RATESIM_TESTS_SUPPORT_CLI_FIXTURE_H_
#define RATESIM_TESTS_SUPPORT_CLI_FIXTURE_H_

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "sim/cli/cli.h"
#include "tests/support/temp_dir.h"
#include "tests/support/tiny_scenario.h"

namespace ratesim::testing {

// One steady org on a model that is down from 20 s to 30 s of a 60 s run; one policy. Constant
// arrivals and service that never collide, so every request outside the outage succeeds.
inline constexpr char kTinyOutageScenario[] = R"(title = "tiny outage"
[run]
duration = "60s"
seed = 5
resolution = "5s"

[limits]
formula = "earned"
window = "10m"

[[models]]
name = "m"
replicas = 2
concurrency = 2
service = { dist = "constant", mean = "500ms" }
schedule = [ { at = "20s", replicas = 0 }, { at = "30s", replicas = 2 } ]

[[orgs]]
name = "steady"
  [[orgs.traffic]]
  model = "m"
  shape = "constant"
  rate = "2rps"

[[policies]]
type = "none"
)";

// Traffic replayed from traces/day.csv, relative to the scenario file (write kTinyTrace there): two
// orgs on a model of 2 slots for 10 s.
inline constexpr char kTinyTraceScenario[] = R"(title = "tiny trace"
[run]
duration = "10s"
seed = 7
resolution = "5s"

[[models]]
name = "m"
concurrency = 2
service = { dist = "constant", mean = "1s" }

[[traces]]
path = "traces/day.csv"

[[policies]]
type = "none"
)";

// A few requests of orgs "a" and "b" in the first seconds (trace_reader.h has the format).
inline constexpr char kTinyTrace[] = R"(time,org,model,input_tokens,output_tokens
0.5,a,m,100,20
0.5,b,m,100,20
0.75,a,m,100,20
1.5s,b,m,100,20
2s,a,m,100,20
)";

// The first line of `text`, its newline included: a command's headline, before what follows it.
inline std::string FirstLine(const std::string& text) { return text.substr(0, text.find('\n') + 1); }

struct CliResult {
  int code;
  std::string out;
  std::string err;
};

// `ratesim` with `args`, in-process; `err_is_terminal` as RunCli takes it (its stderr is captured
// either way).
inline CliResult RunRatesim(std::vector<std::string> args, bool err_is_terminal = false) {
  args.insert(args.begin(), "ratesim");
  std::ostringstream out;
  std::ostringstream err;
  const int code = RunCli(args, out, err, err_is_terminal);
  return {code, out.str(), err.str()};
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// WriteTextFile under the name the command-line tests use.
inline std::string WriteFile(const std::string& path, const std::string& text) {
  return WriteTextFile(path, text);
}

inline std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

inline std::vector<std::string> CsvFields(const std::string& line) {
  std::vector<std::string> fields(1);
  for (char c : line) {
    if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

// Names of the entries of `dir`, sorted.
inline std::vector<std::string> Entries(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// A test of `ratesim` commands on tiny.toml (kTinyScenario), written into a fresh temp dir that
// the test may fill further and that goes with everything in it at the end.
class TinyScenarioTest : public ::testing::Test {
 protected:
  void SetUp() override { tiny_ = WriteFile(temp_ / "tiny.toml", kTinyScenario); }

  TempDir temp_;
  std::string tiny_;  // its path
};

}  // namespace ratesim::testing

#endif  // RATESIM_TESTS_SUPPORT_CLI_FIXTURE_H_

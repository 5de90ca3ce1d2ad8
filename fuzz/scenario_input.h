// What the scenario targets (scenario_fuzzer, run_fuzzer) share: how an input becomes a scenario's
// text and --set overrides, and the folder it is loaded from.
//
// Input: the scenario's text; each line "#set <key>=<value>" (a TOML comment, so the file still
// parses) is also passed as an override, as `--set <key>=<value>` would be.
//
// A scenario may name a trace file, which the loader reads relative to the scenario's folder: a
// fresh temporary one holding traces/gateway_sample.csv (the path the seed scenarios name) and
// nothing else. An input that could name a file outside it (an absolute path or ".." in the file;
// a '/', '\' or ".." in an override) is skipped, so that the fuzzer never reads /dev/zero or a
// file of the machine.
#ifndef RATESIM_FUZZ_SCENARIO_INPUT_H_
#define RATESIM_FUZZ_SCENARIO_INPUT_H_

#include <stdlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "sim/scenario/toml_reader.h"

namespace ratesim::fuzz {

// A trace of the model the seed scenarios name, with a quoted name, an empty line and a \r\n.
inline constexpr char kTrace[] =
    "time,org,model,input_tokens,output_tokens\n"
    "0.196,chat-app,llama-3.3-70b,199,39\n"
    "0.5s,\"batch, nightly\",llama-3.3-70b,2000,10\n"
    "\n"
    "12,chat-app,llama-3.3-70b,5,0\r\n";

// The scenario's path, in a folder made once per process.
inline const std::string& ScenarioPath() {
  static const std::string* path = [] {
    char folder[] = "/tmp/ratesim_scenario_fuzzer_XXXXXX";
    if (::mkdtemp(folder) == nullptr) std::abort();
    const std::string traces = std::string(folder) + "/traces";
    std::error_code error;
    if (!std::filesystem::create_directory(traces, error)) std::abort();
    std::FILE* file = std::fopen((traces + "/gateway_sample.csv").c_str(), "wb");
    if (file == nullptr) std::abort();
    std::fputs(kTrace, file);
    std::fclose(file);
    return new std::string(std::string(folder) + "/scenario.toml");
  }();
  return *path;
}

// Whether every trace path written in the file stays in the scenario's folder.
inline bool TracesStayInside(std::string_view text) {
  absl::StatusOr<toml::table> root = scenario_internal::ParseToml(text, "x");
  if (!root.ok()) return true;  // ParseScenario stops at the same syntax error
  const toml::array* traces = (*root)["traces"].as_array();
  if (traces == nullptr) return true;
  for (const toml::node& trace : *traces) {
    const toml::table* table = trace.as_table();
    if (table == nullptr) continue;
    const std::optional<std::string> path = (*table)["path"].value<std::string>();
    if (path && (absl::StartsWith(*path, "/") || absl::StrContains(*path, ".."))) return false;
  }
  return true;
}

// The overrides of `text`, or nullopt if the input is to be skipped (see above).
inline std::optional<std::vector<std::string>> SafeOverrides(std::string_view text) {
  std::vector<std::string> overrides;
  for (absl::string_view line : absl::StrSplit(absl::string_view(text.data(), text.size()), '\n')) {
    if (!absl::ConsumePrefix(&line, "#set ")) continue;
    line = absl::StripTrailingAsciiWhitespace(line);
    for (const absl::string_view unsafe : {"/", "\\", ".."}) {
      if (absl::StrContains(line, unsafe)) return std::nullopt;
    }
    overrides.emplace_back(line.data(), line.size());
  }
  if (!TracesStayInside(text)) return std::nullopt;
  return overrides;
}

}  // namespace ratesim::fuzz

#endif  // RATESIM_FUZZ_SCENARIO_INPUT_H_

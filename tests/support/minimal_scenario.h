// What the tests of the scenario loader share: a minimal valid scenario edited line by line, its
// parse, and the error lines of a parse that must fail.
#ifndef RATESIM_TESTS_SUPPORT_MINIMAL_SCENARIO_H_
#define RATESIM_TESTS_SUPPORT_MINIMAL_SCENARIO_H_

#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "sim/scenario/scenario_loader.h"

namespace ratesim::testing {

// A small valid scenario. Tests replace one of its lines by number, so every line:column below
// refers to this listing.
inline std::vector<std::string> MinimalLines() {
  return {
      "[run]",                                             // 1
      "duration = \"1m\"",                                 // 2
      "",                                                  // 3
      "[[models]]",                                        // 4
      "name = \"llama-70b\"",                              // 5
      "concurrency = 2",                                   // 6
      "service = { dist = \"constant\", mean = \"1s\" }",  // 7
      "",                                                  // 8
      "[[orgs]]",                                          // 9
      "name = \"acme\"",                                   // 10
      "  [[orgs.traffic]]",                                // 11
      "  model = \"llama-70b\"",                           // 12
      "  shape = \"poisson\"",                             // 13
      "  rate = \"60rpm\"",                                // 14
      "",                                                  // 15
      "[[policies]]",                                      // 16
      "type = \"fifo\"",                                   // 17
  };
}

// The minimal scenario with line `n` (1-based) replaced by `text`s, and `extra` lines appended
// (from line 18 on, inside [[policies]]).
inline std::string Minimal(const std::vector<std::pair<int, std::string>>& replacements = {},
                           const std::vector<std::string>& extra = {}) {
  std::vector<std::string> lines = MinimalLines();
  for (const auto& [n, text] : replacements) lines.at(static_cast<size_t>(n - 1)) = text;
  lines.insert(lines.end(), extra.begin(), extra.end());
  std::string out;
  for (const std::string& line : lines) out += line + "\n";
  return out;
}

// The scenario in `text`, read as the file s.toml with `overrides` (--set values).
inline absl::StatusOr<Scenario> Parse(const std::string& text,
                                      const std::vector<std::string>& overrides = {}) {
  return ParseScenario(text, "s.toml", overrides);
}

// The error lines of a parse that must fail with InvalidArgument.
inline std::vector<std::string> ErrorLines(const std::string& text,
                                           const std::vector<std::string>& overrides = {}) {
  absl::StatusOr<Scenario> scenario = Parse(text, overrides);
  EXPECT_FALSE(scenario.ok()) << "parsed although an error was expected:\n" << text;
  if (scenario.ok()) return {};
  EXPECT_EQ(scenario.status().code(), absl::StatusCode::kInvalidArgument);
  std::vector<std::string> lines;
  const std::string message(scenario.status().message());
  size_t start = 0;
  while (start <= message.size()) {
    const size_t end = message.find('\n', start);
    lines.push_back(
        message.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return lines;
}

// `lines`, each ending in a newline: for a failure's message.
inline std::string Joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) out += line + "\n";
  return out;
}

// Passes if one of `lines` starts with `prefix` and contains every one of `phrases`.
inline ::testing::AssertionResult HasError(const std::vector<std::string>& lines,
                                           const std::string& prefix,
                                           const std::vector<std::string>& phrases = {}) {
  for (const std::string& line : lines) {
    if (line.rfind(prefix, 0) != 0) continue;
    for (const std::string& phrase : phrases) {
      if (line.find(phrase) == std::string::npos) {
        return ::testing::AssertionFailure() << "\"" << line << "\" lacks \"" << phrase << "\"";
      }
    }
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "no error starts with \"" << prefix << "\" in:\n"
                                       << Joined(lines);
}

}  // namespace ratesim::testing

#endif  // RATESIM_TESTS_SUPPORT_MINIMAL_SCENARIO_H_

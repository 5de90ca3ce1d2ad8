// What the tests of a scenario's limit formula share: the tiny scenario with a [limits] table and
// an org's `limits`, and the message of a parse that must fail.
#ifndef RATESIM_TESTS_SUPPORT_SCENARIO_ERRORS_H_
#define RATESIM_TESTS_SUPPORT_SCENARIO_ERRORS_H_

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sim/scenario/scenario_loader.h"
#include "tests/support/tiny_scenario.h"

namespace ratesim::testing {

// kTinyScenario with `limits` (a [limits] table, or "") from line 8 on, before its [[models]],
// and `bursty_limits` (e.g. "scale = -1") as the `limits` of org 'bursty', on the line after
// its name.
inline std::string TinyWithLimits(const std::string& limits,
                                  const std::string& bursty_limits = "") {
  std::string text = kTinyScenario;
  text.replace(text.find("[[models]]"), 10, limits + "\n\n[[models]]");
  if (!bursty_limits.empty()) {
    text.replace(text.find("name = \"bursty\""), 15,
                 "name = \"bursty\"\nlimits = { " + bursty_limits + " }");
  }
  return text;
}

// The message of ParseScenario(text, "s.toml", overrides), which must fail.
inline std::string ErrorOf(const std::string& text,
                           const std::vector<std::string>& overrides = {}) {
  absl::StatusOr<Scenario> scenario = ParseScenario(text, "s.toml", overrides);
  EXPECT_FALSE(scenario.ok()) << "parsed although an error was expected:\n" << text;
  return scenario.ok() ? "" : std::string(scenario.status().message());
}

}  // namespace ratesim::testing

#endif  // RATESIM_TESTS_SUPPORT_SCENARIO_ERRORS_H_

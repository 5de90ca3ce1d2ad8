// A rate or a duration whose unit is right but spelt another way, as a scenario file reports it:
// the error says what to write, at the value.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/support/minimal_scenario.h"

namespace ratesim {
namespace {

using testing::ErrorLines;
using testing::Minimal;

std::vector<std::string> RateErrors(const std::string& rate) {
  return ErrorLines(Minimal({{14, "  rate = \"" + rate + "\""}}));
}

std::vector<std::string> DurationErrors(const std::string& duration) {
  return ErrorLines(Minimal({{2, "duration = \"" + duration + "\""}}));
}

TEST(ScenarioUnitSpelling, RateInCapitalsOrAfterASpaceIsToldItsSpelling) {
  EXPECT_EQ(RateErrors("2RPS"), std::vector<std::string>{"s.toml:14:10: error: 'rate' in [[orgs.traffic]]: "
                                                         "malformed rate \"2RPS\"; write \"2rps\" (units "
                                                         "are lowercase)"});
  EXPECT_EQ(RateErrors("2 rps"), std::vector<std::string>{"s.toml:14:10: error: 'rate' in [[orgs.traffic]]: "
                                                          "malformed rate \"2 rps\"; write \"2rps\" (without "
                                                          "spaces)"});
}

TEST(ScenarioUnitSpelling, RatePerHourIsGivenPerMinuteAndPerSecond) {
  EXPECT_EQ(RateErrors("7200rph"),
            std::vector<std::string>{"s.toml:14:10: error: 'rate' in [[orgs.traffic]]: malformed rate "
                                     "\"7200rph\"; write \"120rpm\" or \"2rps\" (no unit of requests per "
                                     "hour; units: rpm, rps)"});
}

TEST(ScenarioUnitSpelling, DurationOfAnotherSpellingIsToldItsUnit) {
  EXPECT_EQ(DurationErrors("10 s"), std::vector<std::string>{"s.toml:2:12: error: 'duration' in [run]: "
                                                             "malformed duration \"10 s\"; write \"10s\" "
                                                             "(without spaces)"});
  EXPECT_EQ(DurationErrors("10S"), std::vector<std::string>{"s.toml:2:12: error: 'duration' in [run]: "
                                                            "malformed duration \"10S\"; write \"10s\" "
                                                            "(units are lowercase)"});
  EXPECT_EQ(DurationErrors("1hr"), std::vector<std::string>{"s.toml:2:12: error: 'duration' in [run]: "
                                                            "malformed duration \"1hr\"; write \"1h\" "
                                                            "(units: ns, us, ms, s, m, h)"});
  EXPECT_EQ(DurationErrors("5min"), std::vector<std::string>{"s.toml:2:12: error: 'duration' in [run]: "
                                                             "malformed duration \"5min\"; write \"5m\" "
                                                             "(units: ns, us, ms, s, m, h)"});
}

TEST(ScenarioUnitSpelling, DurationInPartsIsGivenInOneUnit) {
  EXPECT_EQ(DurationErrors("1m30s"), std::vector<std::string>{"s.toml:2:12: error: 'duration' in [run]: "
                                                              "malformed duration \"1m30s\"; write \"90s\" "
                                                              "(one number and one unit)"});
}

}  // namespace
}  // namespace ratesim

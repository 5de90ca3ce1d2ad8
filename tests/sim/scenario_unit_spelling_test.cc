// A rate or a duration whose unit is right but spelt another way, as a scenario file reports it:
// the error says what to write, at the value.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/support/minimal_scenario.h"

namespace ratesim {
namespace {

using testing::ErrorLines;
using testing::Joined;
using testing::Minimal;

// The message of the one error in `lines`, after `where` (its location and key); all of `lines`
// when there is not exactly one such error, so that a comparison shows them.
std::string OnlyError(const std::vector<std::string>& lines, const std::string& where) {
  if (lines.size() == 1 && lines[0].rfind(where, 0) == 0) return lines[0].substr(where.size());
  return Joined(lines);
}

std::string RateError(const std::string& rate) {
  return OnlyError(ErrorLines(Minimal({{14, "  rate = \"" + rate + "\""}})),
                   "s.toml:14:10: error: 'rate' in [[orgs.traffic]]: ");
}

std::string DurationError(const std::string& duration) {
  return OnlyError(ErrorLines(Minimal({{2, "duration = \"" + duration + "\""}})),
                   "s.toml:2:12: error: 'duration' in [run]: ");
}

TEST(ScenarioUnitSpelling, RateInCapitalsOrAfterASpaceIsToldItsSpelling) {
  EXPECT_EQ(RateError("2RPS"), "malformed rate \"2RPS\"; write \"2rps\" (units are lowercase)");
  EXPECT_EQ(RateError("2 rps"), "malformed rate \"2 rps\"; write \"2rps\" (without spaces)");
}

TEST(ScenarioUnitSpelling, RatePerHourIsGivenPerMinuteAndPerSecond) {
  EXPECT_EQ(RateError("7200rph"), "malformed rate \"7200rph\"; write \"120rpm\" or \"2rps\" (no unit of "
                                  "requests per hour; units: rpm, rps)");
}

TEST(ScenarioUnitSpelling, DurationOfAnotherSpellingIsToldItsUnit) {
  EXPECT_EQ(DurationError("10 s"), "malformed duration \"10 s\"; write \"10s\" (without spaces)");
  EXPECT_EQ(DurationError("10S"), "malformed duration \"10S\"; write \"10s\" (units are lowercase)");
  EXPECT_EQ(DurationError("1hr"), "malformed duration \"1hr\"; write \"1h\" (units: ns, us, ms, s, m, h)");
  EXPECT_EQ(DurationError("5min"), "malformed duration \"5min\"; write \"5m\" (units: ns, us, ms, s, m, h)");
}

TEST(ScenarioUnitSpelling, DurationInPartsIsGivenInOneUnit) {
  EXPECT_EQ(DurationError("1m30s"), "malformed duration \"1m30s\"; write \"90s\" (one number and one unit)");
}

}  // namespace
}  // namespace ratesim

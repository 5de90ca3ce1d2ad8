// validate's per-stream line: what a stream sends against its org's starting limit, and what of it
// is over: the mean request rate, the mean token rate (input + max output), a burst's second.
#include <string>

#include "gtest/gtest.h"
#include "sim/report/stream_limits.h"
#include "tests/support/minimal_scenario.h"

namespace ratesim {
namespace {

using testing::Minimal;
using testing::Parse;

// The minimal scenario (one org sending 60 requests a minute under `earned`, base 60 RPM) with
// `traffic` in place of its rate line and `extra` appended (inside [[policies]]: a new table).
std::string Lines(const std::string& traffic, const std::vector<std::string>& extra = {}) {
  absl::StatusOr<Scenario> scenario = Parse(Minimal({{13, ""}, {14, traffic}}, extra));
  EXPECT_TRUE(scenario.ok()) << scenario.status();
  return scenario.ok() ? StreamLimitLines(*scenario) : "";
}

TEST(StreamLimitLines, AStreamAtItsBaseRateIsWithinIt) {
  // 150 tokens a request, as the window judges it at arrival: input + max output.
  EXPECT_EQ(Lines("  shape = \"constant\"\n  rate = \"60rpm\"\n  input_tokens = 100\n"
                  "  max_output_tokens = 50"),
            "limits: org 'acme' to 'llama-70b' sends about 60 RPM and 9000 TPM (s.toml:11), against a "
            "starting limit of 60 RPM and 180000 TPM: within it\n");
}

TEST(StreamLimitLines, SaysHowFarTheMeanRatesAreOver) {
  const std::string lines = Lines(
      "  shape = \"poisson\"\n  rate = \"2rps\"\n  input_tokens = 2000\n  max_output_tokens = 1000");
  EXPECT_NE(lines.find("sends about 120 RPM and 360000 TPM"), std::string::npos) << lines;
  EXPECT_NE(lines.find(": over it: 2.0x its request limit, 2.0x its token limit\n"),
            std::string::npos)
      << lines;
}

TEST(StreamLimitLines, ABurstDeeperThanTheWindowIsOverItsSecond) {
  // 30 requests within a second every 5 minutes: 6 RPM on average, far within the limit, but the
  // burst's second holds 30 against a window of 1.
  const std::string lines =
      Lines("  shape = \"bursts\"\n  count = 30\n  window = \"1s\"\n  every = \"5m\"");
  EXPECT_NE(lines.find("in bursts of 30 within 1s"), std::string::npos) << lines;
  EXPECT_NE(lines.find(": over it: about 30 of each burst's requests within a second, against a "
                       "one-second window of 1\n"),
            std::string::npos)
      << lines;
  // Spread over 30 s, a second of the burst holds 1: within.
  EXPECT_NE(Lines("  shape = \"bursts\"\n  count = 30\n  window = \"30s\"\n  every = \"5m\"")
                .find(": within it\n"),
            std::string::npos);
}

}  // namespace
}  // namespace ratesim

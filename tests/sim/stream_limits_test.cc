// validate's per-stream line: what a stream sends against its org's starting limit, and what of it
// is over: the mean request rate, the mean token rate (input + max output), a burst's second.
#include <algorithm>
#include <string>
#include <vector>

#include "fmt/format.h"

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

// Two streams of one org to one model share its limit: judged on what they send together while
// both send, and only then.
TEST(StreamLimitLines, StreamsOfOneOrgToOneModelAreJudgedTogether) {
  const std::string second =
      "  [[orgs.traffic]]\n  model = \"llama-70b\"\n  shape = \"constant\"\n  rate = \"40rpm\"";
  // 40 RPM from the start and 40 more from 30 s: 80 together against 60.
  const std::string both = Lines("  shape = \"constant\"\n  rate = \"40rpm\"\n" + second +
                                 "\n  start = \"30s\"");
  EXPECT_NE(both.find("limits: org 'acme' to 'llama-70b' sends in 2 streams up to about 80 RPM"),
            std::string::npos)
      << both;
  EXPECT_NE(both.find("(s.toml:11, 16)"), std::string::npos) << both;
  EXPECT_NE(both.find(": over it: 1.3x its request limit\n"), std::string::npos) << both;
  EXPECT_EQ(std::count(both.begin(), both.end(), '\n'), 1) << both;
  // One stops at 30 s, the other starts then: never together, 40 RPM at most.
  const std::string apart =
      Lines("  shape = \"constant\"\n  rate = \"40rpm\"\n  stop = \"30s\"\n" + second +
            "\n  start = \"30s\"");
  EXPECT_NE(apart.find("up to about 40 RPM"), std::string::npos) << apart;
  EXPECT_NE(apart.find(": within it\n"), std::string::npos) << apart;
}

TEST(StreamLimitLines, NameTheCopiesOfAnOrgOnceAndLeaveClosedLoopsOut) {
  absl::StatusOr<Scenario> copies = Parse(Minimal({{10, "name = \"acme\"\ncopies = 3"}}));
  ASSERT_TRUE(copies.ok()) << copies.status();
  const std::string lines = StreamLimitLines(*copies);
  EXPECT_EQ(lines.rfind("limits: each of the 3 copies of org 'acme' to 'llama-70b' sends about 60 RPM",
                        0),
            0u)
      << lines;
  EXPECT_EQ(std::count(lines.begin(), lines.end(), '\n'), 1) << lines;
  EXPECT_EQ(Lines("  shape = \"closed\"\n  workers = 4"), "");
}

TEST(StreamLimitLines, PastTwelveListOnlyThoseOverTheirLimit) {
  // 13 orgs within their limit and one over.
  std::vector<std::string> orgs;
  for (int i = 0; i < 13; ++i) {
    orgs.push_back(fmt::format("[[orgs]]\nname = \"o{}\"\n  [[orgs.traffic]]\n  model = "
                               "\"llama-70b\"\n  shape = \"constant\"\n  rate = \"30rpm\"",
                               i));
  }
  std::string text = Minimal({{14, "  rate = \"120rpm\""}});
  text = text.substr(0, text.find("[[policies]]"));
  for (const std::string& org : orgs) text += org + "\n";
  text += "[[policies]]\ntype = \"fifo\"\n";
  absl::StatusOr<Scenario> scenario = Parse(text);
  ASSERT_TRUE(scenario.ok()) << scenario.status();
  EXPECT_EQ(StreamLimitLines(*scenario),
            "limits: org 'acme' to 'llama-70b' sends about 120 RPM and 90720 TPM (s.toml:11), "
            "against a starting limit of 60 RPM and 180000 TPM: over it: 2.0x its request limit\n"
            "limits: 1 of 14 (org, model) pairs start over their limit (1 listed), 13 within it\n");
}

}  // namespace
}  // namespace ratesim

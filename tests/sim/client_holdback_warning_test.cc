// A client that holds back more than its stream sends is warned of, with what to write; one that
// keeps up is not.
#include <string>

#include "gtest/gtest.h"
#include "sim/report/client_holdback_warning.h"
#include "tests/support/minimal_scenario.h"

namespace ratesim {
namespace {

using testing::Minimal;
using testing::Parse;

// The minimal scenario (60 requests a minute to a model of 2 slots of 1 s) with `client` on its
// traffic and line 7 as `service`.
std::string Warnings(const std::string& client,
                     const std::string& service = "service = { dist = \"constant\", mean = \"1s\" }") {
  absl::StatusOr<Scenario> scenario =
      Parse(Minimal({{7, service}, {15, "  client = " + client}}));
  EXPECT_TRUE(scenario.ok()) << scenario.status();
  return scenario.ok() ? ClientHoldbackWarnings(*scenario) : "";
}

TEST(ClientHoldbackWarnings, APaceBelowTheStreamsRateSaysWhatAPerSecondPaceWouldBe) {
  EXPECT_EQ(Warnings("{ pace = \"30rpm\" }"),
            "warning: the client of org 'acme' to model 'llama-70b' (s.toml:11) paces at 0.5 "
            "requests/s (30 rpm), but the stream sends about 1 requests/s: the client's own queue "
            "grows all run long, its requests wait there before they are sent (their latency counts "
            "it), and the run drains them long after its traffic ends; if the pace was meant per "
            "second, write pace = \"30rps\"\n");
  // A pace whose number per minute would not keep up either is not a unit slip.
  const std::string slow = Warnings("{ pace = \"0.5rpm\" }");
  EXPECT_NE(slow.find("; raise the pace or lower the stream's rate\n"), std::string::npos) << slow;
}

TEST(ClientHoldbackWarnings, ACapInFlightBelowWhatTheServiceTimeNeedsSaysTheMostItLetsThrough) {
  const std::string warning =
      Warnings("{ max_in_flight = 1 }", "service = { dist = \"constant\", mean = \"2s\" }");
  EXPECT_NE(warning.find("caps its requests in flight at 1, which at the model's mean service "
                         "time of 2s lets at most 0.5 requests/s through, but the stream sends "
                         "about 1 requests/s"),
            std::string::npos)
      << warning;
  EXPECT_NE(warning.find("; raise max_in_flight or lower the stream's rate\n"), std::string::npos);
}

TEST(ClientHoldbackWarnings, SayNothingOfAClientThatKeepsUp) {
  EXPECT_EQ(Warnings("{ pace = \"1rps\" }"), "");  // exactly the stream's rate
  EXPECT_EQ(Warnings("{ max_in_flight = 1 }"), "");  // 1 in flight of 1 s: 1 a second
  EXPECT_EQ(Warnings("{ on_failure = \"backoff\" }"), "");
}

}  // namespace
}  // namespace ratesim

// The load `validate` reports per model: its streams' expected requests per second over the run
// against its nominal capacity at the start, worked by hand.
#include "sim/report/offered_load.h"

#include <string>

#include "gtest/gtest.h"
#include "tests/support/minimal_scenario.h"

namespace ratesim {
namespace {

using testing::Minimal;
using testing::Parse;

TEST(OfferedLoad, IsTheStreamsMeanRateAgainstTheSlotsOverTheMeanService) {
  // acme: poisson at 60 RPM, 1 request/s; 2 slots of a constant 1 s: 2 requests/s.
  absl::StatusOr<Scenario> scenario = Parse(Minimal());
  ASSERT_TRUE(scenario.ok()) << scenario.status();
  EXPECT_EQ(OfferedLoadLines(*scenario),
            "load: model 'llama-70b': about 1.0 requests/s offered on average, against 2.0 "
            "requests/s of capacity (2 slots at the start): 50%\n");
  // A unit slip that still parses: 60 per second, not per minute, is 30 times capacity.
  scenario = Parse(Minimal({{14, "  rate = \"60rps\""}, {6, "concurrency = 2\nreplicas = 1"}}));
  ASSERT_TRUE(scenario.ok()) << scenario.status();
  EXPECT_EQ(OfferedLoadLines(*scenario),
            "load: model 'llama-70b': about 60.0 requests/s offered on average, against 2.0 "
            "requests/s of capacity (2 slots at the start): 3000%\n");
}

TEST(OfferedLoad, NamesClosedLoopsWithoutCountingThem) {
  absl::StatusOr<Scenario> scenario =
      Parse(Minimal({{13, "  shape = \"closed\""}, {14, "  workers = 4"}}));
  ASSERT_TRUE(scenario.ok()) << scenario.status();
  EXPECT_EQ(OfferedLoadLines(*scenario),
            "load: model 'llama-70b': about 0 requests/s offered on average, and 1 closed loop "
            "paced by its replies, against 2.0 requests/s of capacity (2 slots at the start): 0%\n");
}

}  // namespace
}  // namespace ratesim

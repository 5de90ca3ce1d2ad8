// A warm-up that hides what the scenario sets up is warned of: a capacity change within it, a
// stream that stops within it. One that hides nothing is not.
#include <string>

#include "gtest/gtest.h"
#include "sim/report/warmup_warning.h"
#include "tests/support/minimal_scenario.h"

namespace ratesim {
namespace {

using testing::Minimal;
using testing::Parse;

TEST(WarmupWarnings, NameTheCapacityChangeAndTheStreamItHides) {
  const std::string text = Minimal({{3, "warmup = \"20s\""},
                                    {8, "schedule = [ { at = \"10s\", replicas = 2 }, "
                                        "{ at = \"15s\", replicas = 1 } ]"},
                                    {15, "  stop = \"20s\""}});
  absl::StatusOr<Scenario> scenario = Parse(text);
  ASSERT_TRUE(scenario.ok()) << scenario.status();
  EXPECT_EQ(WarmupWarnings(*scenario),
            "warning: the schedule of model 'llama-70b' (s.toml:8) changes its replicas at 10s, "
            "within the warm-up of 20s: the results measure only what comes after it; shorten the "
            "warm-up to before 10s to measure the change\n"
            "warning: the traffic of org 'acme' to model 'llama-70b' (s.toml:11) stops at 20s, "
            "within the warm-up of 20s: the results measure only what comes after it\n");
}

TEST(WarmupWarnings, SayNothingWhenTheWarmupHidesNothing) {
  // The change and the stop come after the warm-up: both are measured.
  absl::StatusOr<Scenario> scenario =
      Parse(Minimal({{3, "warmup = \"10s\""},
                     {8, "schedule = [ { at = \"10s\", replicas = 2 } ]"},
                     {15, "  stop = \"11s\""}}));
  ASSERT_TRUE(scenario.ok()) << scenario.status();
  EXPECT_EQ(WarmupWarnings(*scenario), "");
  scenario->run.warmup = 0;
  EXPECT_EQ(WarmupWarnings(*scenario), "");
}

}  // namespace
}  // namespace ratesim

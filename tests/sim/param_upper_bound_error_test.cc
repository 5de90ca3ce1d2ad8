// A limit formula's parameter above the upper bound its spec declares (aimd's decrease, gradient's
// min_gradient and smoothing, capacity_share's share, the range's capacity_share: all in (0, 1]) is
// an error at the key that sets it, in [limits], an org's limits, --set and a sweep's grid, with
// the range and what to do; the bound itself is accepted. A peak_window bucket longer than its
// window, and a gradient's short average longer than its long one, are conflicts at the key.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sim/scenario/scenario_loader.h"
#include "tests/support/minimal_scenario.h"
#include "tests/support/scenario_errors.h"

namespace ratesim {
namespace {

using testing::ErrorOf;

// The tiny scenario with `limits` from line 8 on, and `bursty` as org 'bursty''s limits (line 27
// when `limits` is two lines and a newline).
std::string Limited(const std::string& limits, const std::string& bursty = "") {
  return testing::TinyWithLimits(limits, bursty);
}

bool Parses(const std::string& text, const std::vector<std::string>& overrides = {}) {
  absl::StatusOr<Scenario> scenario = ParseScenario(text, "s.toml", overrides);
  EXPECT_TRUE(scenario.ok()) << scenario.status();
  return scenario.ok();
}

TEST(ParamUpperBoundError, AimdsDecreaseAboveOneIsRefusedAtItsKey) {
  EXPECT_EQ(ErrorOf(Limited("[limits]\nformula = \"aimd\"\ndecrease = 30\n")),
            "s.toml:10:12: error: 'decrease' in [limits]: got 30; expected a number in (0, 1] "
            "(decrease of limit formula 'aimd': factor the rate is multiplied by on each 503: 0.7 "
            "cuts it by 30%, 1 not at all); lower it to at most 1");
  EXPECT_TRUE(Parses(Limited("[limits]\nformula = \"aimd\"\ndecrease = 1\n")));
}

TEST(ParamUpperBoundError, GradientsMinGradientAndSmoothingAboveOneAreRefused) {
  EXPECT_EQ(ErrorOf(Limited("[limits]\nformula = \"gradient\"\nmin_gradient = 1.5\nsmoothing = 2\n")),
            "s.toml:10:16: error: 'min_gradient' in [limits]: got 1.5; expected a number in (0, 1] "
            "(min_gradient of limit formula 'gradient': smallest gradient: the deepest cut of the "
            "target); lower it to at most 1\n"
            "s.toml:11:13: error: 'smoothing' in [limits]: got 2; expected a number in (0, 1] "
            "(smoothing of limit formula 'gradient': share of the gap to the target closed per "
            "second at the full rate); lower it to at most 1");
  EXPECT_TRUE(
      Parses(Limited("[limits]\nformula = \"gradient\"\nmin_gradient = 1\nsmoothing = 1.0\n")));
}

TEST(ParamUpperBoundError, ASharePercentageIsRefusedInAnOrgsLimits) {
  EXPECT_EQ(ErrorOf(Limited("[limits]\nformula = \"capacity_share\"\n", "share = 50")),
            "s.toml:27:20: error: 'share' in 'limits' of [[orgs]]: got 50; expected a number in "
            "(0, 1] (share of limit formula 'capacity_share': share of the model's live capacity "
            "split among its keys, max-min fair (1 = all of it)); lower it to at most 1");
  EXPECT_TRUE(Parses(Limited("[limits]\nformula = \"capacity_share\"\n", "share = 1")));
}

TEST(ParamUpperBoundError, ARangesCapacityShareAboveOneIsRefusedFromSet) {
  EXPECT_EQ(ErrorOf(Limited(""), {"limits.capacity_share=50"}),
            "<--set limits.capacity_share=50>: error: 'capacity_share' in [limits]: got 50; "
            "expected a number in (0, 1] (capacity_share of limit formula 'earned': cap as a share "
            "of the model's live capacity (1 = all of it)); lower it to at most 1");
  EXPECT_TRUE(Parses(Limited(""), {"limits.capacity_share=1"}));
  // A whole [limits] table given by --set, as a sweep's grid gives it.
  EXPECT_EQ(ErrorOf(Limited(""), {"limits={ formula = \"aimd\", decrease = 30 }"}),
            "<--set limits={ formula = \"aimd\", decrease = 30 }>: error: 'decrease' in [limits]: "
            "got 30; expected a number in (0, 1] (decrease of limit formula 'aimd': factor the "
            "rate is multiplied by on each 503: 0.7 cuts it by 30%, 1 not at all); lower it to at "
            "most 1");
}

TEST(ParamUpperBoundError, APeakWindowBucketLongerThanTheWindowIsRefusedAtTheBucket) {
  EXPECT_EQ(ErrorOf(Limited("[limits]\nformula = \"peak_window\"\nbucket = \"2m\"\n"
                            "window = \"1m\"\n")),
            "s.toml:10:10: error: 'bucket' in [limits]: bucket = 120s is above window = 60s: a "
            "peak is the rate of a bucket, kept while the bucket is in the window, so a bucket "
            "must fit in the window; lower bucket to at most 60s, or raise window to at least "
            "120s");
  // Against the default window, which the message says it is.
  EXPECT_EQ(ErrorOf(Limited("[limits]\nformula = \"peak_window\"\nbucket = \"90s\"\n")),
            "s.toml:10:10: error: 'bucket' in [limits]: bucket = 90s is above window = 60s (its "
            "default): a peak is the rate of a bucket, kept while the bucket is in the window, so "
            "a bucket must fit in the window; lower bucket to at most 60s, or raise window to at "
            "least 90s");
  EXPECT_TRUE(Parses(Limited("[limits]\nformula = \"peak_window\"\nbucket = \"1m\"\n"
                             "window = \"1m\"\n")));
}

TEST(ParamUpperBoundError, AWindowShortenedBySetIsBlamedAtTheSet) {
  EXPECT_EQ(ErrorOf(Limited("[limits]\nformula = \"peak_window\"\nbucket = \"10s\"\n"),
                    {"limits.window=\"5s\""}),
            "<--set limits.window=\"5s\">: error: 'window' in [limits]: bucket = 10s (at "
            "s.toml:10:10) is above window = 5s: a peak is the rate of a bucket, kept while the "
            "bucket is in the window, so a bucket must fit in the window; lower bucket to at most "
            "5s, or raise window to at least 10s");
}

TEST(ParamUpperBoundError, AGradientsShortAverageLongerThanTheLongOneIsRefused) {
  EXPECT_EQ(ErrorOf(Limited("[limits]\nformula = \"gradient\"\nshort_samples = 20\n"
                            "long_samples = 10\n")),
            "s.toml:10:17: error: 'short_samples' in [limits]: short_samples = 20 is above "
            "long_samples = 10: the short-term latency average is compared with the long-term "
            "one, so it may not span more samples; lower short_samples to at most 10, or raise "
            "long_samples to at least 20");
}

// A policy's parameter above the one it may not exceed is reported at its key too: codel's target
// at or above its max_wait would never see a standing delay reach it, and so never shed.
TEST(ParamUpperBoundError, ACodelTargetNotBelowItsMaxWaitIsRefusedAtTheTarget) {
  const std::string codel = testing::Minimal({{17, "type = \"codel\""}},
                                             {"target = \"60s\"", "max_wait = \"30s\""});
  EXPECT_EQ(ErrorOf(codel),
            "s.toml:18:10: error: 'target' in [[policies]]: target = 60s is not below max_wait = "
            "30s: a request leaves the buffer at max_wait, so no standing delay reaches a target as "
            "long, and CoDel never sheds; lower target below 30s, or raise max_wait above 60s");
  // Equal is refused too: the delay is measured on requests that have not yet expired.
  EXPECT_NE(ErrorOf(testing::Minimal({{17, "type = \"codel\""}},
                                     {"target = \"30s\"", "max_wait = \"30s\""}))
                .find("target = 30s is not below max_wait = 30s"),
            std::string::npos);
  // From --set, at the value just typed, with the default it meets.
  EXPECT_EQ(ErrorOf(testing::Minimal({{17, "type = \"codel\""}}), {"policies.0.target=\"90s\""}),
            "<--set policies.0.target=\"90s\">: error: 'target' in [[policies]]: target = 90s is "
            "not below max_wait = 60s (its default): a request leaves the buffer at max_wait, so no "
            "standing delay reaches a target as long, and CoDel never sheds; lower target below "
            "60s, or raise max_wait above 90s");
  EXPECT_TRUE(Parses(testing::Minimal({{17, "type = \"codel\""}}, {"target = \"29s\"", "max_wait = \"30s\""})));
}

}  // namespace
}  // namespace ratesim

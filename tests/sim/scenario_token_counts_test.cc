// A traffic stream's token counts (input_tokens, output_tokens, max_output_tokens): their
// distributions and bounds, and counts whose sum would overflow.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sim/des/random.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/simulate/request_sampler.h"
#include "tests/support/minimal_scenario.h"

namespace ratesim {
namespace {

using testing::ErrorLines;
using testing::HasError;
using testing::Joined;
using testing::Minimal;
using testing::Parse;

TEST(ScenarioLoader, ChecksTokenCounts) {
  std::vector<std::string> errors = ErrorLines(Minimal({{15, "  max_output_tokens = 0"}}));
  EXPECT_TRUE(HasError(errors,
                       "s.toml:15:23: error: 'max_output_tokens' in [[orgs.traffic]]: got 0; "
                       "expected an integer from "
                       "1 to 1000000000000000"));
  errors = ErrorLines(Minimal(
      {{15,
        "  input_tokens = { dist = \"lognorm\", mean = 0, cv = -1, max = 5, min = 9, x = 1 }"}}));
  EXPECT_TRUE(
      HasError(errors,
               "s.toml:15:27: error: 'dist' in 'input_tokens' of [[orgs.traffic]]: unknown token "
               "distribution 'lognorm'; did you mean 'lognormal'?"));
  EXPECT_TRUE(HasError(errors,
                       "s.toml:15:45: error: 'mean' in 'input_tokens' of [[orgs.traffic]]: got 0; "
                       "expected a number > 0"));
  EXPECT_TRUE(HasError(errors,
                       "s.toml:15:53: error: 'cv' in 'input_tokens' of [[orgs.traffic]]: got -1; "
                       "expected a number >= 0"));
  EXPECT_TRUE(HasError(
      errors,
      "s.toml:15:63: error: 'max' in 'input_tokens' of [[orgs.traffic]]: got 5, below min = 9"));
  EXPECT_TRUE(HasError(
      errors, "s.toml:15:75: error: unknown key 'x' in 'input_tokens' of [[orgs.traffic]]"));
  EXPECT_EQ(errors.size(), 5u) << Joined(errors);
  EXPECT_TRUE(HasError(
      ErrorLines(Minimal({{15, "  output_tokens = \"200\""}})),
      "s.toml:15:19: error: 'output_tokens' in [[orgs.traffic]]: got a string; expected an "
      "integer from 0 to 1000000000000000 or a table"));
}

TEST(ScenarioLoader, RefusesTokenCountsWhoseSumWouldOverflow) {
  // input + max_output is the request's token estimate: two counts near INT64_MAX used to wrap
  // around to a negative estimate, which every token limit let through.
  std::vector<std::string> errors = ErrorLines(Minimal(
      {{15, "  input_tokens = 9223372036854775807\n  max_output_tokens = 1000000000000001"}}));
  EXPECT_TRUE(HasError(errors,
                       "s.toml:15:18: error: 'input_tokens' in [[orgs.traffic]]: got "
                       "9223372036854775807; expected an integer from 0 to 1000000000000000"));
  EXPECT_TRUE(HasError(errors,
                       "s.toml:16:23: error: 'max_output_tokens' in [[orgs.traffic]]: got "
                       "1000000000000001; expected an integer from 1 to 1000000000000000"));
  EXPECT_EQ(errors.size(), 2u) << Joined(errors);
  errors = ErrorLines(Minimal({{15,
                                "  input_tokens = { dist = \"lognormal\", mean = 1e308, cv = 1, "
                                "max = 9223372036854775807 }"}}));
  EXPECT_TRUE(
      HasError(errors,
               "s.toml:15:47: error: 'mean' in 'input_tokens' of [[orgs.traffic]]: got 1e+308; "
               "expected a number > 0 and at most 1000000000000000"));
  EXPECT_TRUE(HasError(errors,
                       "s.toml:15:68: error: 'max' in 'input_tokens' of [[orgs.traffic]]: got "
                       "9223372036854775807; expected an integer from 0 to 1000000000000000"));
  EXPECT_EQ(errors.size(), 2u) << Joined(errors);

  // The largest count is accepted, and a request of it is drawn as it is.
  absl::StatusOr<Scenario> s = Parse(
      Minimal({{15, "  input_tokens = 1000000000000000\n  max_output_tokens = 1000000000000000"}}));
  ASSERT_TRUE(s.ok()) << s.status();
  Rng rng(1);
  const TrafficSpec& traffic = s->orgs[0].traffic[0];
  EXPECT_EQ(DrawTokens(traffic.input_tokens, rng), kMaxTokens);
  EXPECT_EQ(DrawTokens(traffic.max_output_tokens, rng), kMaxTokens);

  // A cv whose square overflows draws NaN from the lognormal: the floor, not a wrapped-around
  // count.
  TokenCount wild;
  wild.kind = TokenCount::Kind::kLognormal;
  wild.mean = 500;
  wild.cv = 1e200;
  wild.min = 1;
  for (int i = 0; i < 100; ++i) EXPECT_EQ(DrawTokens(wild, rng), 1);
}

}  // namespace
}  // namespace ratesim

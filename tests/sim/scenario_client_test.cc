// A traffic stream's client: how it handles a failure (give up, back off, honour the reset), its
// retry defaults and the checks on its values.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sim/scenario/scenario_loader.h"
#include "tests/support/minimal_scenario.h"

namespace ratesim {
namespace {

using testing::ErrorLines;
using testing::HasError;
using testing::Joined;
using testing::Minimal;
using testing::Parse;

TEST(ScenarioClient, DefaultsMaxAttemptsByFailureHandling) {
  absl::StatusOr<Scenario> s = Parse(Minimal({{15, "  client = { on_failure = \"backoff\" }"}}));
  ASSERT_TRUE(s.ok()) << s.status();
  ClientSpec client = s->orgs[0].traffic[0].client;
  EXPECT_EQ(client.on_failure, ClientSpec::OnFailure::kBackoff);
  EXPECT_EQ(client.max_attempts, 5);
  EXPECT_EQ(client.base_backoff, kNanosPerSecond);
  EXPECT_EQ(client.multiplier, 2.0);
  EXPECT_EQ(client.max_backoff, 60 * kNanosPerSecond);
  EXPECT_EQ(client.jitter, 1.0);

  s = Parse(Minimal({{15, "  client = { on_failure = \"give_up\" }"}}));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->orgs[0].traffic[0].client.max_attempts, 1);

  s = Parse(Minimal({{15,
                      "  client = { on_failure = \"honor_reset\", max_attempts = 2, jitter = 0, "
                      "multiplier = 1, base_backoff = \"5s\", max_backoff = \"5s\" }"}}));
  ASSERT_TRUE(s.ok()) << s.status();
  client = s->orgs[0].traffic[0].client;
  EXPECT_EQ(client.on_failure, ClientSpec::OnFailure::kHonorReset);
  EXPECT_EQ(client.max_attempts, 2);
  EXPECT_EQ(client.jitter, 0.0);
  EXPECT_EQ(client.multiplier, 1.0);
  EXPECT_EQ(client.base_backoff, 5 * kNanosPerSecond);
  EXPECT_EQ(client.max_backoff, 5 * kNanosPerSecond);
}

TEST(ScenarioClient, RejectsRetriesForAClientThatGivesUp) {
  EXPECT_EQ(
      ErrorLines(Minimal({{15, "  client = { on_failure = \"give_up\", max_attempts = 3 }"}})),
      std::vector<std::string>{"s.toml:15:53: error: 'max_attempts' in 'client' of "
                               "[[orgs.traffic]]: got 3, but on_failure = "
                               "\"give_up\" never retries; set on_failure = \"backoff\" or "
                               "\"honor_reset\", or max_attempts = 1"});
  EXPECT_TRUE(
      HasError(ErrorLines(Minimal({{15, "  client = { max_attempts = 3 }"}})),
               "s.toml:15:29: error: 'max_attempts' in 'client' of [[orgs.traffic]]: got 3, but "
               "on_failure = \"give_up\" (the default) never retries"));
}

TEST(ScenarioClient, ChecksEveryValue) {
  const std::vector<std::string> errors = ErrorLines(Minimal(
      {{15,
        "  client = { on_failure = \"retry\", max_attempts = 0, multiplier = 0.5, jitter = 1.5, "
        "base_backoff = \"0s\", colour = 1 }"}}));
  const std::string in = "' in 'client' of [[orgs.traffic]]: ";
  EXPECT_TRUE(
      HasError(errors, "s.toml:15:27: error: 'on_failure" + in +
                           "unknown failure handling 'retry'; expected one of: give_up, backoff, "
                           "honor_reset"));
  EXPECT_TRUE(HasError(errors, "s.toml:15:51: error: 'max_attempts" + in +
                                   "got 0; expected an integer from 1 to 1000"));
  EXPECT_TRUE(HasError(
      errors, "s.toml:15:67: error: 'multiplier" + in + "got 0.5; expected a number >= 1"));
  EXPECT_TRUE(HasError(
      errors, "s.toml:15:81: error: 'jitter" + in + "got 1.5; expected a number in [0, 1]"));
  EXPECT_TRUE(HasError(
      errors, "s.toml:15:101: error: 'base_backoff" + in + "got \"0s\"; expected a duration > 0"));
  EXPECT_TRUE(HasError(
      errors, "s.toml:15:107: error: unknown key 'colour' in 'client' of [[orgs.traffic]]"));
  EXPECT_EQ(errors.size(), 6u) << Joined(errors);

  EXPECT_EQ(ErrorLines(Minimal({{15,
                                 "  client = { on_failure = \"backoff\", base_backoff = \"2s\", "
                                 "max_backoff = \"1s\" }"}})),
            std::vector<std::string>{
                "s.toml:15:73: error: 'max_backoff" + in +
                "got \"1s\", shorter than base_backoff = \"2s\"; expected max_backoff >= "
                "base_backoff"});
  EXPECT_EQ(
      ErrorLines(Minimal({{15, "  client = { on_failure = \"backoff\", base_backoff = \"2m\" }"}})),
      std::vector<std::string>{
          "s.toml:15:53: error: 'base_backoff" + in +
          "got \"2m\", longer than max_backoff = \"60s\" (the default); expected "
          "base_backoff <= max_backoff, so raise max_backoff too"});
  EXPECT_TRUE(HasError(
      ErrorLines(Minimal({{15, "  client = \"backoff\""}})),
      "s.toml:15:12: error: 'client' in [[orgs.traffic]]: got a string; expected a table such "
      "as { on_failure = \"backoff\", max_attempts = 5 }"));
}

TEST(ScenarioClient, LetsAClosedLoopStreamRetry) {
  absl::StatusOr<Scenario> s =
      Parse(Minimal({{13, "  shape = \"closed\""},
                     {14, "  workers = 4"},
                     {15, "  client = { on_failure = \"backoff\", max_attempts = 3 }"}}));
  ASSERT_TRUE(s.ok()) << s.status();
  const TrafficSpec& t = s->orgs[0].traffic[0];
  EXPECT_EQ(t.shape.kind, TrafficShape::Kind::kClosedLoop);
  EXPECT_EQ(t.client.on_failure, ClientSpec::OnFailure::kBackoff);
  EXPECT_EQ(t.client.max_attempts, 3);
}

}  // namespace
}  // namespace ratesim

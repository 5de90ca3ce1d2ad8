// The scenario keys of client timeouts: a client's `timeout` (a positive duration, none by default)
// and a model's `on_disconnect` (cancel, cancel_queued or ignore; cancel by default), their checks,
// and the hints that point a misplaced one where it belongs.
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

std::string StreamWith(const std::string& lines) { return Minimal({{15, lines}}); }
std::string ModelWith(const std::string& line) { return Minimal({{8, line}}); }

TEST(ScenarioTimeout, ReadsATimeoutAndDefaultsToNone) {
  absl::StatusOr<Scenario> s = Parse(Minimal());
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->orgs[0].traffic[0].client.timeout, kNever);
  EXPECT_EQ(s->models[0].on_disconnect, ModelSpec::OnDisconnect::kCancel);

  s = Parse(StreamWith("  client = { timeout = \"1500ms\" }"));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->orgs[0].traffic[0].client.timeout, 1500 * kNanosPerMillisecond);
  EXPECT_EQ(s->orgs[0].traffic[0].client.on_failure, ClientSpec::OnFailure::kGiveUp);

  s = Parse(StreamWith("  client = { on_failure = \"backoff\", timeout = \"2m\" }"));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->orgs[0].traffic[0].client.timeout, 120 * kNanosPerSecond);
  EXPECT_EQ(s->orgs[0].traffic[0].client.max_attempts, 5);
}

TEST(ScenarioTimeout, ReadsEveryDisconnectHandling) {
  const std::pair<const char*, ModelSpec::OnDisconnect> cases[] = {
      {"cancel", ModelSpec::OnDisconnect::kCancel},
      {"cancel_queued", ModelSpec::OnDisconnect::kCancelQueued},
      {"ignore", ModelSpec::OnDisconnect::kIgnore}};
  for (const auto& [name, value] : cases) {
    absl::StatusOr<Scenario> s = Parse(ModelWith("on_disconnect = \"" + std::string(name) + "\""));
    ASSERT_TRUE(s.ok()) << s.status();
    EXPECT_EQ(s->models[0].on_disconnect, value) << name;
  }
}

TEST(ScenarioTimeout, ATimeoutMustBeAPositiveDuration) {
  const std::string in = "s.toml:15:24: error: 'timeout' in 'client' of [[orgs.traffic]]: ";
  EXPECT_EQ(ErrorLines(StreamWith("  client = { timeout = \"0s\" }")),
            std::vector<std::string>{in + "got \"0s\"; expected a duration > 0 such as \"30s\""});
  const std::vector<std::string> negative =
      ErrorLines(StreamWith("  client = { timeout = \"-1s\" }"));
  EXPECT_TRUE(HasError(negative, in)) << Joined(negative);
  EXPECT_EQ(negative.size(), 1u) << Joined(negative);
  // A bare number has no unit: both readings are named.
  const std::vector<std::string> bare = ErrorLines(StreamWith("  client = { timeout = 30 }"));
  EXPECT_TRUE(HasError(bare, in, {"\"30ms\"", "\"30s\""})) << Joined(bare);
  EXPECT_EQ(bare.size(), 1u) << Joined(bare);
  const std::vector<std::string> word = ErrorLines(StreamWith("  client = { timeout = \"soon\" }"));
  EXPECT_TRUE(HasError(word, in)) << Joined(word);
}

TEST(ScenarioTimeout, AMisspeltDisconnectHandlingGetsADidYouMean) {
  const std::vector<std::string> errors = ErrorLines(ModelWith("on_disconnect = \"cancel_queud\""));
  EXPECT_TRUE(HasError(
      errors, "s.toml:8:17: error: 'on_disconnect' in [[models]]",
      {"'cancel_queud'", "did you mean 'cancel_queued'?", "cancel, cancel_queued, ignore"}))
      << Joined(errors);
  EXPECT_EQ(errors.size(), 1u) << Joined(errors);
  const std::vector<std::string> wrong_type = ErrorLines(ModelWith("on_disconnect = 1"));
  EXPECT_TRUE(HasError(wrong_type, "s.toml:8:17: error: 'on_disconnect' in [[models]]"))
      << Joined(wrong_type);
}

TEST(ScenarioTimeout, EachKeyIsReadOnlyWhereItBelongs) {
  // A client key written in the stream is pointed at the client table.
  EXPECT_TRUE(HasError(ErrorLines(StreamWith("  timeout = \"30s\"")),
                       "s.toml:15:3: error: unknown key 'timeout' in [[orgs.traffic]]",
                       {"write client = { timeout = ... } in this entry"}));
  // on_disconnect is the platform's, not the client's.
  EXPECT_TRUE(HasError(ErrorLines(StreamWith("  client = { on_disconnect = \"ignore\" }")),
                       "s.toml:15:14: error: unknown key 'on_disconnect' in 'client' of "
                       "[[orgs.traffic]]"));
  EXPECT_TRUE(HasError(ErrorLines(StreamWith("  on_disconnect = \"ignore\"")),
                       "s.toml:15:3: error: unknown key 'on_disconnect' in [[orgs.traffic]]"));
  // And a timeout is the client's, not the model's.
  EXPECT_TRUE(HasError(ErrorLines(ModelWith("timeout = \"30s\"")),
                       "s.toml:8:1: error: unknown key 'timeout' in [[models]]"));
}

}  // namespace
}  // namespace ratesim

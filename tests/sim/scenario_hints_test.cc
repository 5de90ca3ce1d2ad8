// Errors that say what was meant, from a new user's review: a key written in the wrong table (a
// client in its org, a client key in its stream, a rate in a closed loop), a key under another
// tool's name (max_tokens), a bare number for a duration, an error that a --set made, and an
// output_tokens above its max_output_tokens.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sim/scenario/diagnostics.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/scenario/units.h"
#include "tests/support/minimal_scenario.h"

namespace ratesim {
namespace {

using testing::ErrorLines;
using testing::HasError;
using testing::Joined;
using testing::Minimal;
using testing::Parse;

// The minimal scenario's stream with `lines` added at its end (from line 15 on).
std::string StreamWith(const std::string& lines) { return Minimal({{15, lines}}); }

TEST(ScenarioHints, AClientInAnOrgIsPointedAtItsStreams) {
  const std::vector<std::string> errors =
      ErrorLines(Minimal({{10, "name = \"acme\"\nclient = { on_failure = \"backoff\" }"}}));
  EXPECT_EQ(errors,
            (std::vector<std::string>{
                "s.toml:11:1: error: unknown key 'client' in [[orgs]]; a client belongs to a "
                "stream: write client = { on_failure = ... } in each [[orgs.traffic]] entry "
                "of this org"}));
}

TEST(ScenarioHints, AClientKeyInAStreamIsPointedAtItsClientTable) {
  EXPECT_EQ(ErrorLines(StreamWith("  on_failure = \"backoff\"")),
            (std::vector<std::string>{
                "s.toml:15:3: error: unknown key 'on_failure' in [[orgs.traffic]]; it is a key of "
                "the client table: write client = { on_failure = ... } in this entry"}));
  for (const std::string line : {"max_attempts = 3", "base_backoff = \"1s\"",
                                 "max_backoff = \"9s\"", "multiplier = 2", "jitter = 0.5"}) {
    const std::string key = line.substr(0, line.find(' '));
    EXPECT_TRUE(HasError(ErrorLines(StreamWith("  " + line)),
                         "s.toml:15:3: error: unknown key '" + key + "' in [[orgs.traffic]]",
                         {"write client = { " + key + " = ... } in this entry"}))
        << line;
  }
  // In its client table the same key is read.
  EXPECT_TRUE(Parse(StreamWith("  client = { on_failure = \"backoff\" }")).ok());
}

TEST(ScenarioHints, MaxTokensIsToldItsNameHere) {
  EXPECT_EQ(ErrorLines(StreamWith("  max_tokens = 512")),
            (std::vector<std::string>{"s.toml:15:3: error: unknown key 'max_tokens' in "
                                      "[[orgs.traffic]]; did you mean 'max_output_tokens'?"}));
}

TEST(ScenarioHints, AnAliasIsMeantOnlyWhereItsNameIsValid) {
  using scenario_internal::MeantName;
  EXPECT_EQ(MeantName("max_tokens", {"input_tokens", "max_output_tokens"}), "max_output_tokens");
  EXPECT_EQ(MeantName("prompt_tokens", {"input_tokens", "output_tokens"}), "input_tokens");
  EXPECT_EQ(MeantName("max_tokens", {"workers", "think"}), std::nullopt);
  // Without an alias, the nearest name as before.
  EXPECT_EQ(MeantName("wrkers", {"workers", "think"}), "workers");
}

TEST(ScenarioHints, AClosedLoopIsToldItHasNoRate) {
  const std::string closed = Minimal({{13, "  shape = \"closed\"\n  workers = 4"}});
  EXPECT_EQ(ErrorLines(closed),
            (std::vector<std::string>{
                "s.toml:15:3: error: unknown key 'rate' in [[orgs.traffic]]; a closed loop has no "
                "rate: its pace comes from workers (requests in flight) and think (each worker's "
                "pause between a reply and its next request); remove it, or use an open shape such "
                "as \"poisson\""}));
}

TEST(ScenarioHints, ABareDurationNamesBothReadings) {
  EXPECT_EQ(ErrorLines(StreamWith("  client = { on_failure = \"backoff\", base_backoff = 500 }")),
            (std::vector<std::string>{
                "s.toml:15:53: error: 'base_backoff' in 'client' of [[orgs.traffic]]: got the bare "
                "number 500; write the unit: \"500ms\" or \"500s\" (or another: ns, us, m, h)"}));
  // A string without a unit is told the same.
  EXPECT_EQ(ParseDuration("500").status().message(),
            "duration \"500\" has no unit; write the unit: \"500ms\" or \"500s\" (or another: ns, "
            "us, m, h)");
}

TEST(ScenarioHints, AnErrorInTheFileThatASetMadeNamesTheSet) {
  // --set made the stream a closed loop: the file's rate is wrong only because of it.
  const std::vector<std::string> errors = ErrorLines(Minimal(), {"orgs.0.traffic.0.shape=closed"});
  EXPECT_TRUE(HasError(errors, "s.toml:11:3: error: missing key 'workers' in [[orgs.traffic]]",
                       {"(after --set orgs.0.traffic.0.shape=closed)"}));
  EXPECT_TRUE(HasError(errors, "s.toml:14:3: error: unknown key 'rate' in [[orgs.traffic]]",
                       {"(after --set orgs.0.traffic.0.shape=closed)"}));
  // The stop written in the file is before the start --set gave.
  EXPECT_EQ(ErrorLines(StreamWith("  stop = \"30s\""), {"orgs.0.traffic.0.start=40s"}),
            (std::vector<std::string>{
                "s.toml:15:10: error: 'stop' in [[orgs.traffic]]: got \"30s\", not after start = "
                "\"40s\"; expected stop > start (after --set orgs.0.traffic.0.start=40s)"}));
  // An error at the --set itself is located there, and says nothing more.
  EXPECT_EQ(ErrorLines(Minimal(), {"orgs.0.traffic.0.rate=abc"}),
            (std::vector<std::string>{
                "<--set orgs.0.traffic.0.rate=abc>: error: 'rate' in [[orgs.traffic]]: malformed "
                "rate \"abc\"; expected a number and a unit, e.g. \"60rpm\" or \"1rps\" (units: "
                "rpm, rps)"}));
  // A --set elsewhere in the scenario is no part of an error in this table.
  EXPECT_EQ(ErrorLines(StreamWith("  max_tokens = 1"), {"run.seed=7"}),
            (std::vector<std::string>{"s.toml:15:3: error: unknown key 'max_tokens' in "
                                      "[[orgs.traffic]]; did you mean 'max_output_tokens'?"}));
}

TEST(ScenarioHints, AFixedOutputAboveItsFixedMaxIsAnError) {
  EXPECT_EQ(ErrorLines(StreamWith("  max_output_tokens = 256\n  output_tokens = 500")),
            (std::vector<std::string>{
                "s.toml:16:19: error: 'output_tokens' in [[orgs.traffic]]: got 500, above "
                "max_output_tokens = 256; a request never outputs more than its max_output_tokens, "
                "so raise max_output_tokens or lower output_tokens"}));
  EXPECT_TRUE(HasError(ErrorLines(StreamWith("  output_tokens = 500")),
                       "s.toml:15:19: error: 'output_tokens' in [[orgs.traffic]]: got 500, above "
                       "max_output_tokens = 256 (the default)"));
  EXPECT_TRUE(Parse(StreamWith("  max_output_tokens = 500\n  output_tokens = 500")).ok());
  // A bad max is told alone, not again as a max that output_tokens exceeds.
  EXPECT_EQ(
      ErrorLines(StreamWith("  max_output_tokens = 0\n  output_tokens = 500")),
      (std::vector<std::string>{"s.toml:15:23: error: 'max_output_tokens' in [[orgs.traffic]]: "
                                "got 0; expected an integer from 1 to 1000000000000000"}));
  // A drawn count above the max is capped as a real reply is: no mistake.
  EXPECT_TRUE(Parse(StreamWith("  max_output_tokens = 256\n"
                               "  output_tokens = { dist = \"lognormal\", mean = 500, cv = 0.5 }"))
                  .ok());
  EXPECT_TRUE(
      Parse(StreamWith("  max_output_tokens = { dist = \"lognormal\", mean = 100, cv = 0.5 }\n"
                       "  output_tokens = 500"))
          .ok());
}

}  // namespace
}  // namespace ratesim

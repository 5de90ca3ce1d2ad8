#include "sim/scenario/scenario_loader.h"

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "engine/limit_formula.h"
#include "engine/param_spec.h"
#include "gtest/gtest.h"
#include "sim/scenario/diagnostics.h"

#ifndef RATESIM_SOURCE_DIR
#define RATESIM_SOURCE_DIR "."
#endif

namespace ratesim {
namespace {

// A small valid scenario. Tests replace one of its lines by number, so every line:column below refers
// to this listing.
std::vector<std::string> MinimalLines() {
  return {
      "[run]",                                             // 1
      "duration = \"1m\"",                                 // 2
      "",                                                  // 3
      "[[models]]",                                        // 4
      "name = \"llama-70b\"",                              // 5
      "concurrency = 2",                                   // 6
      "service = { dist = \"constant\", mean = \"1s\" }",  // 7
      "",                                                  // 8
      "[[orgs]]",                                          // 9
      "name = \"acme\"",                                   // 10
      "  [[orgs.traffic]]",                                // 11
      "  model = \"llama-70b\"",                           // 12
      "  shape = \"poisson\"",                             // 13
      "  rate = \"60rpm\"",                                // 14
      "",                                                  // 15
      "[[policies]]",                                      // 16
      "type = \"fifo\"",                                   // 17
  };
}

// The minimal scenario with line `n` (1-based) replaced by `text`s, and `extra` lines appended (from
// line 18 on, inside [[policies]]).
std::string Minimal(const std::vector<std::pair<int, std::string>>& replacements = {},
                    const std::vector<std::string>& extra = {}) {
  std::vector<std::string> lines = MinimalLines();
  for (const auto& [n, text] : replacements) lines.at(static_cast<size_t>(n - 1)) = text;
  lines.insert(lines.end(), extra.begin(), extra.end());
  std::string out;
  for (const std::string& line : lines) out += line + "\n";
  return out;
}

absl::StatusOr<Scenario> Parse(const std::string& text, const std::vector<std::string>& overrides = {}) {
  return ParseScenario(text, "s.toml", overrides);
}

// The error lines of a parse that must fail with InvalidArgument.
std::vector<std::string> ErrorLines(const std::string& text, const std::vector<std::string>& overrides = {}) {
  absl::StatusOr<Scenario> scenario = Parse(text, overrides);
  EXPECT_FALSE(scenario.ok()) << "parsed although an error was expected:\n" << text;
  if (scenario.ok()) return {};
  EXPECT_EQ(scenario.status().code(), absl::StatusCode::kInvalidArgument);
  std::vector<std::string> lines;
  const std::string message(scenario.status().message());
  size_t start = 0;
  while (start <= message.size()) {
    const size_t end = message.find('\n', start);
    lines.push_back(message.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return lines;
}

std::string Joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) out += line + "\n";
  return out;
}

// Passes if one of `lines` starts with `prefix` and contains every one of `phrases`.
::testing::AssertionResult HasError(const std::vector<std::string>& lines, const std::string& prefix,
                                    const std::vector<std::string>& phrases = {}) {
  for (const std::string& line : lines) {
    if (line.rfind(prefix, 0) != 0) continue;
    for (const std::string& phrase : phrases) {
      if (line.find(phrase) == std::string::npos) {
        return ::testing::AssertionFailure() << "\"" << line << "\" lacks \"" << phrase << "\"";
      }
    }
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "no error starts with \"" << prefix << "\" in:\n" << Joined(lines);
}

// ---- valid input ----

TEST(ScenarioLoader, ReadsEveryFieldOfAFullScenario) {
  const std::string path = std::string(RATESIM_SOURCE_DIR) + "/tests/data/scenarios/full.toml";
  absl::StatusOr<Scenario> s = LoadScenarioFile(path);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->path, path);
  EXPECT_EQ(s->title, "two orgs, one steady, one bursty");
  EXPECT_EQ(s->run.duration, 600 * kNanosPerSecond);
  EXPECT_EQ(s->run.seed, 42u);
  EXPECT_EQ(s->run.resolution, 5 * kNanosPerSecond);
  EXPECT_FALSE(s->run.drain);

  EXPECT_EQ(s->limits.formula, "earned");
  EXPECT_EQ(s->limits.params.at("base_rpm"), 120.0);
  EXPECT_EQ(s->limits.params.at("headroom"), 3.0);
  EXPECT_EQ(s->limits.params.at("window"), 120.0);       // "2m", held in seconds
  EXPECT_EQ(s->limits.params.at("base_tpm"), 180000.0);  // default filled in
  EXPECT_EQ(s->limits.params.size(), Formulas()[0].params.size());

  ASSERT_EQ(s->models.size(), 2u);
  const ModelSpec& llama = s->models[0];
  EXPECT_EQ(llama.name, "llama-70b");
  EXPECT_EQ(llama.replicas, 2);
  EXPECT_EQ(llama.concurrency, 8);
  EXPECT_EQ(llama.service.kind, ServiceTime::Kind::kConstant);
  EXPECT_EQ(llama.service.mean, 2 * kNanosPerSecond);
  EXPECT_EQ(llama.pos.line, 17);
  EXPECT_EQ(llama.pos.column, 1);
  const ModelSpec& mistral = s->models[1];
  EXPECT_EQ(mistral.replicas, 1);
  EXPECT_EQ(mistral.concurrency, 4);
  EXPECT_EQ(mistral.service.kind, ServiceTime::Kind::kTokens);
  EXPECT_EQ(mistral.service.overhead, 150 * kNanosPerMillisecond);
  EXPECT_EQ(mistral.service.prefill_tokens_per_s, 8000.0);
  EXPECT_EQ(mistral.service.decode_tokens_per_s, 60.0);
  EXPECT_EQ(mistral.pos.line, 23);

  ASSERT_EQ(s->orgs.size(), 2u);
  const OrgSpec& steady = s->orgs[0];
  EXPECT_EQ(steady.name, "steady");
  EXPECT_EQ(steady.pos.line, 28);
  ASSERT_EQ(steady.limit_overrides.size(), 1u);
  EXPECT_EQ(steady.limit_overrides.at("base_rpm"), 240.0);
  ASSERT_EQ(steady.traffic.size(), 2u);
  const TrafficSpec& constant = steady.traffic[0];
  EXPECT_EQ(constant.model, "llama-70b");
  EXPECT_EQ(constant.pos.line, 32);
  EXPECT_EQ(constant.pos.column, 3);
  EXPECT_EQ(constant.shape.kind, TrafficShape::Kind::kConstant);
  EXPECT_DOUBLE_EQ(constant.shape.rate_per_s, 1.0);
  EXPECT_EQ(constant.shape.start, 0);
  EXPECT_EQ(constant.shape.stop, 540 * kNanosPerSecond);
  EXPECT_EQ(constant.input_tokens.kind, TokenCount::Kind::kFixed);
  EXPECT_EQ(constant.input_tokens.mean, 800.0);
  EXPECT_EQ(constant.max_output_tokens.mean, 300.0);
  EXPECT_EQ(constant.output_tokens.kind, TokenCount::Kind::kLognormal);
  EXPECT_EQ(constant.output_tokens.mean, 200.0);
  EXPECT_EQ(constant.output_tokens.cv, 0.5);
  EXPECT_EQ(constant.output_tokens.min, 1);
  EXPECT_EQ(constant.output_tokens.max, 300);
  const TrafficSpec& ramp = steady.traffic[1];
  EXPECT_EQ(ramp.model, "mistral-7b");
  EXPECT_EQ(ramp.shape.kind, TrafficShape::Kind::kRamp);
  EXPECT_EQ(ramp.shape.ramp_from_per_s, 0.0);
  EXPECT_DOUBLE_EQ(ramp.shape.ramp_to_per_s, 2.5);
  EXPECT_EQ(ramp.shape.ramp_over, 90 * kNanosPerSecond);
  EXPECT_FALSE(ramp.shape.ramp_poisson);
  EXPECT_EQ(ramp.shape.stop, kNever);
  EXPECT_EQ(ramp.input_tokens.mean, 500.0);       // default
  EXPECT_EQ(ramp.max_output_tokens.mean, 256.0);  // default
  EXPECT_EQ(ramp.output_tokens.kind, TokenCount::Kind::kFixed);
  EXPECT_EQ(ramp.output_tokens.mean, 256.0);  // defaults to max_output_tokens

  const OrgSpec& bursty = s->orgs[1];
  EXPECT_TRUE(bursty.limit_overrides.empty());
  ASSERT_EQ(bursty.traffic.size(), 1u);
  const TrafficShape& bursts = bursty.traffic[0].shape;
  EXPECT_EQ(bursts.kind, TrafficShape::Kind::kBursts);
  EXPECT_EQ(bursts.burst_count, 50);
  EXPECT_EQ(bursts.burst_window, kNanosPerSecond);
  EXPECT_EQ(bursts.burst_period, 60 * kNanosPerSecond);
  EXPECT_EQ(bursts.start, 30 * kNanosPerSecond);

  ASSERT_EQ(s->policies.size(), 2u);
  EXPECT_EQ(s->policies[0].type, "none");
  EXPECT_EQ(s->policies[0].label, "none");
  EXPECT_TRUE(s->policies[0].params.empty());
  EXPECT_EQ(s->policies[0].pos.line, 61);
  EXPECT_EQ(s->policies[1].type, "fifo");
  EXPECT_EQ(s->policies[1].label, "fifo-30s");
  EXPECT_EQ(s->policies[1].params.at("max_depth"), 256.0);
  EXPECT_EQ(s->policies[1].params.at("max_wait"), 30.0);
}

TEST(ScenarioLoader, FillsDefaults) {
  absl::StatusOr<Scenario> s = Parse(Minimal());
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->path, "s.toml");
  EXPECT_EQ(s->title, "");
  EXPECT_EQ(s->run.duration, 60 * kNanosPerSecond);
  EXPECT_EQ(s->run.seed, 1u);
  EXPECT_EQ(s->run.resolution, 10 * kNanosPerSecond);
  EXPECT_TRUE(s->run.drain);
  EXPECT_EQ(s->limits.formula, "earned");
  absl::StatusOr<ParamValues> defaults = ResolveParams(Formulas()[0].params, {});
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(s->limits.params, *defaults);
  EXPECT_EQ(s->models[0].replicas, 1);
  const TrafficSpec& t = s->orgs[0].traffic[0];
  EXPECT_EQ(t.shape.kind, TrafficShape::Kind::kPoisson);
  EXPECT_EQ(t.shape.start, 0);
  EXPECT_EQ(t.shape.stop, kNever);
  EXPECT_EQ(t.input_tokens.mean, 500.0);
  EXPECT_EQ(t.output_tokens.mean, 256.0);
  EXPECT_EQ(s->policies[0].label, "fifo");
  EXPECT_EQ(s->policies[0].params.at("max_depth"), 1000.0);
  EXPECT_EQ(s->policies[0].params.at("max_wait"), 30.0);
  EXPECT_EQ(s->policies[0].pos.line, 16);
}

TEST(ScenarioLoader, AcceptsArraysOfInlineTables) {
  absl::StatusOr<Scenario> s = Parse(
      "run = { duration = \"1s\" }\n"
      "models = [{ name = \"m\", concurrency = 1, service = { dist = \"exponential\", mean = \"250ms\" } }]\n"
      "orgs = [{ name = \"o\", traffic = [{ model = \"m\", shape = \"constant\", rate = \"1rps\" }] }]\n"
      "policies = [{ type = \"none\" }]\n");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->models[0].service.kind, ServiceTime::Kind::kExponential);
  EXPECT_EQ(s->models[0].service.mean, 250 * kNanosPerMillisecond);
  EXPECT_EQ(s->models[0].pos.line, 2);
  EXPECT_EQ(s->orgs[0].traffic[0].shape.rate_per_s, 1.0);
}

// ---- errors ----

TEST(ScenarioLoader, SuggestsTheNearestKeyForAMisspeltOne) {
  const std::vector<std::string> errors = ErrorLines(Minimal({}, {"max_dept = 256"}));
  ASSERT_EQ(errors.size(), 1u) << Joined(errors);
  EXPECT_EQ(errors[0],
            "s.toml:18:1: error: unknown key 'max_dept' in [[policies]]; did you mean 'max_depth'?");
}

TEST(ScenarioLoader, ListsValidKeysWhenNoneIsNear) {
  const std::vector<std::string> errors = ErrorLines(Minimal({{3, "colour = 1"}}));
  ASSERT_EQ(errors.size(), 1u) << Joined(errors);
  EXPECT_EQ(errors[0],
            "s.toml:3:1: error: unknown key 'colour' in [run]; expected one of: duration, seed, "
            "resolution, drain");
}

TEST(ScenarioLoader, ReportsUnknownKeysEverywhere) {
  const std::vector<std::string> errors = ErrorLines(
      "titel = \"x\"\n" + Minimal({{3, "seeed = 2"},
                                   {7, "service = { dist = \"constant\", mean = \"1s\", meen = 2 }"},
                                   {8, "concurency = 2"},
                                   {15, "  rat = \"1rps\""}},
                                  {"input_tokens = 3"}));
  // One line was prepended, so every position is one line lower than in the listing.
  EXPECT_TRUE(HasError(errors, "s.toml:1:1: error: unknown key 'titel' in the top-level table",
                       {"did you mean 'title'?"}));
  EXPECT_TRUE(HasError(errors, "s.toml:4:1: error: unknown key 'seeed' in [run]", {"did you mean 'seed'?"}));
  EXPECT_TRUE(HasError(errors, "s.toml:8:45: error: unknown key 'meen' in 'service' of [[models]]",
                       {"did you mean 'mean'?"}));
  EXPECT_TRUE(HasError(errors, "s.toml:9:1: error: unknown key 'concurency' in [[models]]",
                       {"did you mean 'concurrency'?"}));
  EXPECT_TRUE(HasError(errors, "s.toml:16:3: error: unknown key 'rat' in [[orgs.traffic]]",
                       {"did you mean 'rate'?"}));
  EXPECT_TRUE(HasError(errors, "s.toml:19:1: error: unknown key 'input_tokens' in [[policies]]"));
  EXPECT_EQ(errors.size(), 6u) << Joined(errors);
}

TEST(ScenarioLoader, RejectsATrafficModelThatIsNotDeclared) {
  const std::vector<std::string> errors = ErrorLines(Minimal({{12, "  model = \"llama-7b\""}}));
  ASSERT_EQ(errors.size(), 1u) << Joined(errors);
  EXPECT_EQ(errors[0],
            "s.toml:12:11: error: 'model' in [[orgs.traffic]]: unknown model 'llama-7b'; did you "
            "mean 'llama-70b'? expected one of: llama-70b");
}

TEST(ScenarioLoader, RejectsAnUnknownPolicyTypeWithoutJudgingItsKeys) {
  const std::vector<std::string> errors = ErrorLines(Minimal({{17, "type = \"fifoo\""}}, {"max_depth = 3"}));
  ASSERT_EQ(errors.size(), 1u) << Joined(errors);
  EXPECT_TRUE(HasError(errors,
                       "s.toml:17:8: error: 'type' in [[policies]]: unknown policy type 'fifoo'; did you "
                       "mean 'fifo'? expected one of: ",
                       {"none", "fifo"}));
}

TEST(ScenarioLoader, RejectsZeroAndNegativeRates) {
  EXPECT_TRUE(HasError(ErrorLines(Minimal({{14, "  rate = \"0rpm\""}})),
                       "s.toml:14:10: error: 'rate' in [[orgs.traffic]]: got \"0rpm\"; expected a rate > 0"));
  EXPECT_TRUE(HasError(ErrorLines(Minimal({{14, "  rate = \"-1rps\""}})),
                       "s.toml:14:10: error: 'rate' in [[orgs.traffic]]: negative rate \"-1rps\""));
  EXPECT_TRUE(HasError(ErrorLines(Minimal({{14, "  rate = 60"}})),
                       "s.toml:14:10: error: 'rate' in [[orgs.traffic]]: got the bare number 60",
                       {"write \"60rpm\" or \"60rps\""}));
  EXPECT_TRUE(HasError(ErrorLines(Minimal({{14, "  rate = \"60/min\""}})),
                       "s.toml:14:10: error: 'rate' in [[orgs.traffic]]: malformed rate \"60/min\"",
                       {"\"60rpm\" or \"1rps\""}));
}

TEST(ScenarioLoader, RejectsZeroNegativeAndFractionalConcurrency) {
  EXPECT_EQ(ErrorLines(Minimal({{6, "concurrency = 0"}})),
            std::vector<std::string>{
                "s.toml:6:15: error: 'concurrency' in [[models]]: got 0; expected an integer >= 1"});
  EXPECT_TRUE(HasError(ErrorLines(Minimal({{6, "concurrency = -3"}})),
                       "s.toml:6:15: error: 'concurrency' in [[models]]: got -3; expected an integer >= 1"));
  EXPECT_TRUE(HasError(
      ErrorLines(Minimal({{6, "concurrency = 2.5"}})),
      "s.toml:6:15: error: 'concurrency' in [[models]]: got 2.5, not an integer; expected an integer"));
  EXPECT_TRUE(HasError(ErrorLines(Minimal({{6, "concurrency = 2.0"}})),
                       "s.toml:6:15: error: 'concurrency' in [[models]]: got 2.0, not an integer"));
  EXPECT_TRUE(
      HasError(ErrorLines(Minimal({{6, "concurrency = \"8\""}})),
               "s.toml:6:15: error: 'concurrency' in [[models]]: got a string; expected an integer >= 1"));
  EXPECT_TRUE(HasError(ErrorLines(Minimal({{3, "seed = -1"}})),
                       "s.toml:3:8: error: 'seed' in [run]: got -1; expected an integer >= 0"));
}

TEST(ScenarioLoader, RejectsMalformedAndBareDurations) {
  EXPECT_EQ(ErrorLines(Minimal({{2, "duration = \"10 sec\""}})),
            std::vector<std::string>{
                "s.toml:2:12: error: 'duration' in [run]: malformed duration \"10 sec\"; "
                "expected a number and a unit, e.g. \"30s\" or \"1.5s\" (units: ns, us, ms, s, m, h)"});
  EXPECT_TRUE(HasError(ErrorLines(Minimal({{2, "duration = 30"}})),
                       "s.toml:2:12: error: 'duration' in [run]: got the bare number 30; write \"30s\""));
  EXPECT_TRUE(HasError(ErrorLines(Minimal({{2, "duration = \"0s\""}})),
                       "s.toml:2:12: error: 'duration' in [run]: got \"0s\"; expected a duration > 0"));
  EXPECT_TRUE(HasError(ErrorLines(Minimal({{2, "duration = true"}})),
                       "s.toml:2:12: error: 'duration' in [run]: got true; expected a duration"));
}

TEST(ScenarioLoader, ReportsMissingRequiredKeysAtTheirTable) {
  EXPECT_EQ(ErrorLines(Minimal({{6, ""}})),
            std::vector<std::string>{
                "s.toml:4:1: error: missing key 'concurrency' in [[models]]; expected an integer >= 1"});
  EXPECT_TRUE(HasError(ErrorLines(Minimal({{14, ""}})),
                       "s.toml:11:3: error: missing key 'rate' in [[orgs.traffic]]; expected a rate > 0"));
  EXPECT_TRUE(HasError(ErrorLines(Minimal({{7, ""}})),
                       "s.toml:4:1: error: missing key 'service' in [[models]]; expected a table such as"));
}

TEST(ScenarioLoader, ReportsMissingSections) {
  const std::vector<std::string> errors = ErrorLines("title = \"empty\"\n");
  EXPECT_TRUE(HasError(errors, "s.toml:1:1: error: missing [run]; add [run] with duration"));
  EXPECT_TRUE(HasError(errors, "s.toml:1:1: error: no [[models]]; add at least one"));
  EXPECT_TRUE(HasError(errors, "s.toml:1:1: error: no [[orgs]]; add at least one"));
  EXPECT_TRUE(HasError(errors, "s.toml:1:1: error: no [[policies]]; add at least one"));
  EXPECT_EQ(errors.size(), 4u) << Joined(errors);
  EXPECT_TRUE(HasError(ErrorLines(Minimal({{11, ""}, {12, ""}, {13, ""}, {14, ""}})),
                       "s.toml:9:1: error: org 'acme' has no [[orgs.traffic]]"));
  EXPECT_TRUE(HasError(ErrorLines("models = 3\n" + Minimal({{4, ""}, {5, ""}, {6, ""}, {7, ""}})),
                       "s.toml:1:10: error: 'models' in the top-level table: got an integer; expected an "
                       "array of tables, written [[models]]"));
}

TEST(ScenarioLoader, RejectsDuplicateNames) {
  const std::vector<std::string> errors =
      ErrorLines(Minimal({}, {"[[policies]]", "type = \"fifo\"", "[[models]]", "name = \"llama-70b\"",
                              "concurrency = 1", "service = { dist = \"constant\", mean = \"1s\" }"}));
  EXPECT_TRUE(HasError(
      errors,
      "s.toml:19:8: error: 'type' in [[policies]]: duplicate policy label 'fifo', first used at line 17",
      {"its own 'name'"}));
  EXPECT_TRUE(HasError(
      errors,
      "s.toml:21:8: error: 'name' in [[models]]: duplicate model name 'llama-70b', first used at line 5"));
  EXPECT_EQ(errors.size(), 2u) << Joined(errors);
}

TEST(ScenarioLoader, ChecksTrafficShapes) {
  EXPECT_TRUE(HasError(ErrorLines(Minimal({{13, "  shape = \"burst\""}})),
                       "s.toml:13:11: error: 'shape' in [[orgs.traffic]]: unknown traffic shape 'burst'; did "
                       "you mean 'bursts'?"));
  std::vector<std::string> errors =
      ErrorLines(Minimal({{13, "  shape = \"bursts\""}, {14, "  count = 0"}, {15, "  window = \"2m\""}}));
  EXPECT_TRUE(
      HasError(errors, "s.toml:14:11: error: 'count' in [[orgs.traffic]]: got 0; expected an integer >= 1"));
  EXPECT_TRUE(HasError(errors, "s.toml:11:3: error: missing key 'every' in [[orgs.traffic]]"));
  errors = ErrorLines(Minimal(
      {{13, "  shape = \"bursts\""}, {14, "  count = 5"}, {15, "  window = \"2m\"\n  every = \"1m\""}}));
  EXPECT_TRUE(HasError(errors,
                       "s.toml:15:12: error: 'window' in [[orgs.traffic]]: got \"2m\", longer than every = "
                       "\"1m\"; expected window <= every"));
  errors = ErrorLines(Minimal(
      {{13, "  shape = \"ramp\""}, {14, "  from = \"0rpm\""}, {15, "  to = \"0rps\"\n  over = \"0s\""}}));
  EXPECT_TRUE(HasError(errors, "s.toml:15:8: error: 'to' in [[orgs.traffic]]: from and to are both 0"));
  EXPECT_TRUE(HasError(
      errors, "s.toml:16:10: error: 'over' in [[orgs.traffic]]: got \"0s\"; expected a duration > 0"));
  errors = ErrorLines(Minimal({{15, "  start = \"5m\"\n  stop = \"1m\""}}));
  EXPECT_TRUE(HasError(errors,
                       "s.toml:16:10: error: 'stop' in [[orgs.traffic]]: got \"1m\", not after start = "
                       "\"5m\"; expected stop > start"));
}

TEST(ScenarioLoader, ChecksTokenCounts) {
  std::vector<std::string> errors = ErrorLines(Minimal({{15, "  max_output_tokens = 0"}}));
  EXPECT_TRUE(HasError(
      errors,
      "s.toml:15:23: error: 'max_output_tokens' in [[orgs.traffic]]: got 0; expected an integer >= 1"));
  errors = ErrorLines(
      Minimal({{15, "  input_tokens = { dist = \"lognorm\", mean = 0, cv = -1, max = 5, min = 9, x = 1 }"}}));
  EXPECT_TRUE(HasError(errors,
                       "s.toml:15:27: error: 'dist' in 'input_tokens' of [[orgs.traffic]]: unknown token "
                       "distribution 'lognorm'; did you mean 'lognormal'?"));
  EXPECT_TRUE(HasError(
      errors,
      "s.toml:15:45: error: 'mean' in 'input_tokens' of [[orgs.traffic]]: got 0; expected a number > 0"));
  EXPECT_TRUE(HasError(
      errors,
      "s.toml:15:53: error: 'cv' in 'input_tokens' of [[orgs.traffic]]: got -1; expected a number >= 0"));
  EXPECT_TRUE(HasError(
      errors, "s.toml:15:63: error: 'max' in 'input_tokens' of [[orgs.traffic]]: got 5, below min = 9"));
  EXPECT_TRUE(HasError(errors, "s.toml:15:75: error: unknown key 'x' in 'input_tokens' of [[orgs.traffic]]"));
  EXPECT_EQ(errors.size(), 5u) << Joined(errors);
  EXPECT_TRUE(HasError(ErrorLines(Minimal({{15, "  output_tokens = \"200\""}})),
                       "s.toml:15:19: error: 'output_tokens' in [[orgs.traffic]]: got a string; expected an "
                       "integer >= 0 or a table"));
}

TEST(ScenarioLoader, ChecksServiceTimes) {
  EXPECT_TRUE(HasError(
      ErrorLines(Minimal({{7, "service = { dist = \"expo\", mean = \"1s\" }"}})),
      "s.toml:7:20: error: 'dist' in 'service' of [[models]]: unknown service time distribution 'expo'",
      {"constant, exponential, tokens"}));
  const std::vector<std::string> errors =
      ErrorLines(Minimal({{7, "service = { dist = \"tokens\", overhead = \"-1ms\", prefill_tps = 0 }"}}));
  EXPECT_TRUE(
      HasError(errors, "s.toml:7:41: error: 'overhead' in 'service' of [[models]]: negative duration"));
  EXPECT_TRUE(HasError(
      errors, "s.toml:7:63: error: 'prefill_tps' in 'service' of [[models]]: got 0; expected a number > 0"));
  EXPECT_TRUE(HasError(errors, "s.toml:7:11: error: missing key 'decode_tps' in 'service' of [[models]]"));
}

TEST(ScenarioLoader, ChecksLimitFormulaAndItsParameters) {
  std::vector<std::string> errors = ErrorLines(Minimal({{3, "[limits]\nformula = \"earnd\"\nbase_rpm = 0"}}));
  EXPECT_TRUE(HasError(errors,
                       "s.toml:4:11: error: 'formula' in [limits]: unknown limit formula 'earnd'; did you "
                       "mean 'earned'? expected one of: ",
                       {"earned", "fixed"}));
  EXPECT_EQ(errors.size(), 1u) << Joined(errors);  // an unknown formula's parameters are not judged
  errors = ErrorLines(Minimal({{3, "[limits]\nhedroom = 3\nbase_rpm = 0\nwindow = 600"}}));
  EXPECT_TRUE(
      HasError(errors, "s.toml:4:1: error: unknown key 'hedroom' in [limits]; did you mean 'headroom'?"));
  EXPECT_TRUE(HasError(errors,
                       "s.toml:5:12: error: 'base_rpm' in [limits]: got 0; expected a number > 0 (base_rpm "
                       "of limit formula 'earned'"));
  EXPECT_TRUE(
      HasError(errors, "s.toml:6:10: error: 'window' in [limits]: got the bare number 600; write \"600s\""));
  EXPECT_EQ(errors.size(), 3u) << Joined(errors);
  errors = ErrorLines(Minimal({{3, "[limits]\nheadroom = 0.5"}}));
  EXPECT_TRUE(
      HasError(errors, "s.toml:4:12: error: 'headroom' in [limits]: got 0.5; expected a number >= 1"));
}

TEST(ScenarioLoader, ChecksOrgLimitOverridesAgainstTheFormula) {
  absl::StatusOr<Scenario> s = Parse(Minimal(
      {{3, "[limits]\nformula = \"fixed\"\nrpm = 30"}, {10, "name = \"acme\"\nlimits = { rpm = 600 }"}}));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->limits.params.at("rpm"), 30.0);
  EXPECT_EQ(s->orgs[0].limit_overrides, (ParamValues{{"rpm", 600.0}}));
  const std::vector<std::string> errors =
      ErrorLines(Minimal({{10, "name = \"acme\"\nlimits = { base_rmp = 5, headroom = 0 }"}}));
  EXPECT_TRUE(HasError(
      errors,
      "s.toml:11:12: error: unknown key 'base_rmp' in 'limits' of [[orgs]]; did you mean 'base_rpm'?"));
  EXPECT_TRUE(HasError(
      errors, "s.toml:11:37: error: 'headroom' in 'limits' of [[orgs]]: got 0; expected a number >= 1"));
  EXPECT_EQ(errors.size(), 2u) << Joined(errors);
}

TEST(ScenarioLoader, ChecksPolicyParameters) {
  const std::vector<std::string> errors = ErrorLines(Minimal({}, {"max_depth = 2.5", "max_wait = \"0s\""}));
  EXPECT_TRUE(HasError(errors, "s.toml:18:13: error: 'max_depth' in [[policies]]: got 2.5, not an integer"));
  EXPECT_TRUE(HasError(errors,
                       "s.toml:19:12: error: 'max_wait' in [[policies]]: got \"0s\"; expected a duration > "
                       "0s (max_wait of policy 'fifo'"));
  EXPECT_EQ(errors.size(), 2u) << Joined(errors);
  EXPECT_TRUE(HasError(ErrorLines(Minimal({}, {"max_depth = -1"})),
                       "s.toml:18:13: error: 'max_depth' in [[policies]]: got -1; expected an integer >= 0"));
}

TEST(ScenarioLoader, ReportsEveryErrorInFileOrder) {
  const std::vector<std::string> errors = ErrorLines(Minimal(
      {{2, "duration = \"1 minute\""}, {6, "concurrency = 0"}, {14, "  rate = \"0rps\""}}, {"max_dept = 1"}));
  ASSERT_EQ(errors.size(), 4u) << Joined(errors);
  EXPECT_EQ(errors[0].rfind("s.toml:2:12: error: 'duration'", 0), 0u) << errors[0];
  EXPECT_EQ(errors[1].rfind("s.toml:6:15: error: 'concurrency'", 0), 0u) << errors[1];
  EXPECT_EQ(errors[2].rfind("s.toml:14:10: error: 'rate'", 0), 0u) << errors[2];
  EXPECT_EQ(errors[3].rfind("s.toml:18:1: error: unknown key 'max_dept'", 0), 0u) << errors[3];
}

TEST(ScenarioLoader, ReportsTomlSyntaxErrorsWithTheirPosition) {
  const std::vector<std::string> errors = ErrorLines(Minimal({{6, "concurrency = = 2"}}));
  ASSERT_EQ(errors.size(), 1u) << Joined(errors);
  EXPECT_EQ(errors[0].rfind("s.toml:6:15: error: ", 0), 0u) << errors[0];
}

TEST(ScenarioLoader, ReportsAFileThatCannotBeOpened) {
  absl::StatusOr<Scenario> s = LoadScenarioFile("/nonexistent/dir/missing.toml");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(std::string(s.status().message()).find("'/nonexistent/dir/missing.toml'"), std::string::npos);
}

TEST(ScenarioLoader, ReportsADirectoryAsNotAFile) {
  absl::StatusOr<Scenario> s = LoadScenarioFile(std::string(RATESIM_SOURCE_DIR) + "/tests");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(std::string(s.status().message()).find("is a directory"), std::string::npos);
}

// ---- overrides ----

TEST(ScenarioOverrides, SetScalarsAndArrayElements) {
  absl::StatusOr<Scenario> s = Parse(
      Minimal(), {"run.seed=7", "run.duration=5m", "models.0.concurrency=16", "orgs.0.traffic.0.rate=2rps",
                  "policies.0.max_wait=10s", "policies.0.name=\"short\"", "run.drain = false"});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->run.seed, 7u);
  EXPECT_EQ(s->run.duration, 300 * kNanosPerSecond);
  EXPECT_FALSE(s->run.drain);
  EXPECT_EQ(s->models[0].concurrency, 16);
  EXPECT_EQ(s->orgs[0].traffic[0].shape.rate_per_s, 2.0);
  EXPECT_EQ(s->policies[0].params.at("max_wait"), 10.0);
  EXPECT_EQ(s->policies[0].label, "short");
}

TEST(ScenarioOverrides, SetTablesAndFormulaParameters) {
  absl::StatusOr<Scenario> s =
      Parse(Minimal({{3, "[limits]"}}),
            {"limits.headroom=3", "models.0.service={ dist = \"exponential\", mean = \"3s\" }"});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->limits.params.at("headroom"), 3.0);
  EXPECT_EQ(s->models[0].service.kind, ServiceTime::Kind::kExponential);
  EXPECT_EQ(s->models[0].service.mean, 3 * kNanosPerSecond);
}

TEST(ScenarioOverrides, ReportsPathsThatDoNotExist) {
  const std::vector<std::string> errors =
      ErrorLines(Minimal(), {"models.3.concurrency=1", "run2.seed=3", "limits.headroom=3",
                             "models.x.concurrency=1", "run.duration.x=1", "noequals"});
  ASSERT_EQ(errors.size(), 6u) << Joined(errors);
  EXPECT_EQ(errors[0],
            "<--set models.3.concurrency=1>: error: 'models' has 1 element(s); there is no index 3 (indices "
            "start at 0)");
  EXPECT_EQ(errors[1],
            "<--set run2.seed=3>: error: the scenario has no 'run2' to set 'seed' in; did you mean 'run'?");
  EXPECT_EQ(errors[2],
            "<--set limits.headroom=3>: error: the scenario has no 'limits' to set 'headroom' in; add "
            "[limits] to the file first");
  EXPECT_EQ(errors[3],
            "<--set models.x.concurrency=1>: error: 'models' is an array; address an element by its index, "
            "e.g. models.0");
  EXPECT_EQ(errors[4],
            "<--set run.duration.x=1>: error: 'run.duration' is a string, not a table; it has no key 'x'");
  EXPECT_EQ(errors[5], "<--set noequals>: error: expected dotted.key=value; write e.g. --set run.seed=7");
}

TEST(ScenarioOverrides, ChecksOverriddenValuesLikeFileValues) {
  const std::vector<std::string> errors =
      ErrorLines(Minimal({{6, "concurrency = 0"}}),
                 {"policies.0.max_dept=5", "run.seed=-2", "orgs.0.traffic.0.rate=60"});
  ASSERT_EQ(errors.size(), 4u) << Joined(errors);
  // Errors from overrides come first, then the file's.
  EXPECT_EQ(errors[0], "<--set run.seed=-2>: error: 'seed' in [run]: got -2; expected an integer >= 0");
  EXPECT_TRUE(HasError(
      errors, "<--set orgs.0.traffic.0.rate=60>: error: 'rate' in [[orgs.traffic]]: got the bare number 60"));
  EXPECT_TRUE(HasError(errors,
                       "<--set policies.0.max_dept=5>: error: unknown key 'max_dept' in [[policies]]; did "
                       "you mean 'max_depth'?"));
  EXPECT_EQ(errors[3], "s.toml:6:15: error: 'concurrency' in [[models]]: got 0; expected an integer >= 1");
}

// ---- suggestions ----

TEST(ScenarioDiagnostics, SuggestsOnlyNearNames) {
  using ::ratesim::EditDistance;
  using ::ratesim::NearestName;
  EXPECT_EQ(EditDistance("max_dept", "max_depth"), 1);
  EXPECT_EQ(EditDistance("max_dpeth", "max_depth"), 1);  // a transposition costs 1
  EXPECT_EQ(EditDistance("Rate", "rate"), 0);
  EXPECT_EQ(EditDistance("", "abc"), 3);
  const std::vector<std::string> keys = {"max_depth", "max_wait", "type", "name"};
  EXPECT_EQ(NearestName("max_wiat", keys), "max_wait");
  EXPECT_EQ(NearestName("typ", keys), "type");
  EXPECT_EQ(NearestName("colour", keys), std::nullopt);
  EXPECT_EQ(NearestName("x", {"cv"}), std::nullopt);  // as far as it is long: not a typo
  // distance 4 is within length / 3 for a 12-letter key, but not for an 8-letter one
  EXPECT_EQ(NearestName("growth_per_m", {"growth_per_minute"}), std::nullopt);
  EXPECT_EQ(NearestName("capacity_shar", {"capacity_share"}), "capacity_share");
}

}  // namespace
}  // namespace ratesim

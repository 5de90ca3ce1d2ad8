#include "sim/scenario/scenario_loader.h"

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "engine/limit_formula.h"
#include "engine/param_spec.h"
#include "gtest/gtest.h"
#include "sim/des/random.h"
#include "sim/scenario/diagnostics.h"
#include "sim/simulate/request_sampler.h"
#include "tests/support/temp_dir.h"

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
  ASSERT_EQ(llama.schedule.size(), 2u);
  EXPECT_EQ(llama.schedule[0].at, 300 * kNanosPerSecond);
  EXPECT_EQ(llama.schedule[0].replicas, 0);
  EXPECT_EQ(llama.schedule[0].pos.line, 22);
  EXPECT_EQ(llama.schedule[0].pos.column, 14);
  EXPECT_EQ(llama.schedule[1].at, 480 * kNanosPerSecond);
  EXPECT_EQ(llama.schedule[1].replicas, 2);
  const AutoscalerSpec& autoscaler = llama.autoscaler;
  EXPECT_TRUE(autoscaler.enabled);
  EXPECT_EQ(autoscaler.target_utilisation, 0.6);
  EXPECT_EQ(autoscaler.interval, 15 * kNanosPerSecond);
  EXPECT_EQ(autoscaler.window, 60 * kNanosPerSecond);
  EXPECT_EQ(autoscaler.provisioning_delay, 90 * kNanosPerSecond);
  EXPECT_EQ(autoscaler.min_replicas, 1);
  EXPECT_EQ(autoscaler.max_replicas, 6);
  EXPECT_EQ(autoscaler.scale_down_cooldown, 0);
  const ModelSpec& mistral = s->models[1];
  EXPECT_EQ(mistral.replicas, 0);  // raised by its schedule
  ASSERT_EQ(mistral.schedule.size(), 1u);
  EXPECT_EQ(mistral.schedule[0].at, 60 * kNanosPerSecond);
  EXPECT_EQ(mistral.schedule[0].replicas, 1);
  EXPECT_FALSE(mistral.autoscaler.enabled);
  EXPECT_EQ(mistral.concurrency, 4);
  EXPECT_EQ(mistral.service.kind, ServiceTime::Kind::kTokens);
  EXPECT_EQ(mistral.service.overhead, 150 * kNanosPerMillisecond);
  EXPECT_EQ(mistral.service.prefill_tokens_per_s, 8000.0);
  EXPECT_EQ(mistral.service.decode_tokens_per_s, 60.0);
  EXPECT_EQ(mistral.pos.line, 25);

  ASSERT_EQ(s->orgs.size(), 2u);
  const OrgSpec& steady = s->orgs[0];
  EXPECT_EQ(steady.name, "steady");
  EXPECT_EQ(steady.pos.line, 32);
  ASSERT_EQ(steady.limit_overrides.size(), 1u);
  EXPECT_EQ(steady.limit_overrides.at("base_rpm"), 240.0);
  ASSERT_EQ(steady.traffic.size(), 5u);
  const TrafficSpec& constant = steady.traffic[0];
  EXPECT_EQ(constant.model, "llama-70b");
  EXPECT_EQ(constant.pos.line, 36);
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
  EXPECT_EQ(constant.client.on_failure, ClientSpec::OnFailure::kBackoff);
  EXPECT_EQ(constant.client.max_attempts, 4);
  EXPECT_EQ(constant.client.base_backoff, 500 * kNanosPerMillisecond);
  EXPECT_EQ(constant.client.multiplier, 3.0);
  EXPECT_EQ(constant.client.max_backoff, 20 * kNanosPerSecond);
  EXPECT_EQ(constant.client.jitter, 0.5);
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
  EXPECT_EQ(ramp.client.on_failure, ClientSpec::OnFailure::kGiveUp);  // default
  EXPECT_EQ(ramp.client.max_attempts, 1);
  const TrafficSpec& step = steady.traffic[2];
  EXPECT_EQ(step.shape.kind, TrafficShape::Kind::kStep);
  EXPECT_DOUBLE_EQ(step.shape.rate_per_s, 0.5);
  EXPECT_DOUBLE_EQ(step.shape.step_to_per_s, 2.0);
  EXPECT_EQ(step.shape.step_at, 240 * kNanosPerSecond);
  EXPECT_TRUE(step.shape.poisson);
  EXPECT_EQ(step.client.on_failure, ClientSpec::OnFailure::kHonorReset);
  EXPECT_EQ(step.client.max_attempts, 5);  // the default for a client that retries
  EXPECT_EQ(step.client.base_backoff, kNanosPerSecond);
  const TrafficShape& onoff = steady.traffic[3].shape;
  EXPECT_EQ(onoff.kind, TrafficShape::Kind::kOnOff);
  EXPECT_DOUBLE_EQ(onoff.rate_per_s, 3.0);
  EXPECT_EQ(onoff.on_duration, 20 * kNanosPerSecond);
  EXPECT_EQ(onoff.off_duration, 40 * kNanosPerSecond);
  EXPECT_FALSE(onoff.poisson);  // default: even
  const TrafficShape& diurnal = steady.traffic[4].shape;
  EXPECT_EQ(diurnal.kind, TrafficShape::Kind::kDiurnal);
  EXPECT_DOUBLE_EQ(diurnal.rate_per_s, 1.5);
  EXPECT_EQ(diurnal.diurnal_amplitude, 0.8);
  EXPECT_EQ(diurnal.diurnal_period, 600 * kNanosPerSecond);
  EXPECT_EQ(diurnal.diurnal_phase, 150 * kNanosPerSecond);
  EXPECT_FALSE(diurnal.poisson);

  const OrgSpec& bursty = s->orgs[1];
  EXPECT_TRUE(bursty.limit_overrides.empty());
  ASSERT_EQ(bursty.traffic.size(), 2u);
  const TrafficShape& bursts = bursty.traffic[0].shape;
  EXPECT_EQ(bursts.kind, TrafficShape::Kind::kBursts);
  EXPECT_EQ(bursts.burst_count, 50);
  EXPECT_EQ(bursts.burst_window, kNanosPerSecond);
  EXPECT_EQ(bursts.burst_period, 60 * kNanosPerSecond);
  EXPECT_EQ(bursts.start, 30 * kNanosPerSecond);
  const TrafficSpec& closed = bursty.traffic[1];
  EXPECT_EQ(closed.shape.kind, TrafficShape::Kind::kClosedLoop);
  EXPECT_EQ(closed.shape.workers, 12);
  EXPECT_EQ(closed.shape.think_time, 1500 * kNanosPerMillisecond);
  EXPECT_EQ(closed.client.on_failure, ClientSpec::OnFailure::kBackoff);
  EXPECT_EQ(closed.client.max_attempts, 5);

  ASSERT_EQ(s->traces.size(), 1u);
  const TraceSpec& trace = s->traces[0];
  EXPECT_EQ(trace.path, std::string(RATESIM_SOURCE_DIR) + "/tests/data/scenarios/traces/sample.csv");
  EXPECT_EQ(trace.max_output_tokens, 512);
  EXPECT_EQ(trace.client.on_failure, ClientSpec::OnFailure::kGiveUp);
  EXPECT_EQ(trace.client.max_attempts, 1);
  EXPECT_EQ(trace.pos.line, 98);

  ASSERT_EQ(s->policies.size(), 2u);
  EXPECT_EQ(s->policies[0].type, "none");
  EXPECT_EQ(s->policies[0].label, "none");
  EXPECT_TRUE(s->policies[0].params.empty());
  EXPECT_EQ(s->policies[0].pos.line, 103);
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
  EXPECT_TRUE(HasError(errors, "s.toml:1:1: error: no [[orgs]] and no [[traces]]; add at least one [[orgs]]",
                       {"or a [[traces]] with a path"}));
  EXPECT_TRUE(HasError(errors, "s.toml:1:1: error: no [[policies]]; add at least one"));
  EXPECT_EQ(errors.size(), 4u) << Joined(errors);
  EXPECT_TRUE(HasError(ErrorLines(Minimal({{11, ""}, {12, ""}, {13, ""}, {14, ""}})),
                       "s.toml:9:1: error: org 'acme' has no [[orgs.traffic]]"));
  EXPECT_TRUE(HasError(ErrorLines("models = 3\n" + Minimal({{4, ""}, {5, ""}, {6, ""}, {7, ""}})),
                       "s.toml:1:10: error: 'models' in the top-level table: got an integer; expected an "
                       "array of tables, written [[models]]"));
}

TEST(ScenarioLoader, RefusesAResolutionThatCutsTheRunIntoTooManyIntervals) {
  // "1ns" for "1s": the run of a minute used to tick through 6e10 intervals, for hours.
  std::vector<std::string> errors = ErrorLines(Minimal({{3, "resolution = \"1ns\""}}));
  ASSERT_EQ(errors.size(), 1u) << Joined(errors);
  EXPECT_EQ(errors[0],
            "s.toml:3:14: error: 'resolution' in [run]: a resolution of 1ns cuts the run's "
            "duration of 1m into 60000000000 intervals; expected at most 1000000: set resolution "
            "to at least 60us");
  EXPECT_TRUE(Parse(Minimal({{3, "resolution = \"60us\""}})).ok());  // exactly 1000000
  EXPECT_TRUE(HasError(ErrorLines(Minimal({{3, "resolution = \"59us\""}})),
                       "s.toml:3:14: error: 'resolution' in [run]: a resolution of 59us cuts the "
                       "run's duration of 1m into 1016950 intervals"));
  // With the default resolution of 10s, at the duration that is too long for it.
  EXPECT_TRUE(HasError(ErrorLines(Minimal({{2, "duration = \"3000h\""}})),
                       "s.toml:2:12: error: 'duration' in [run]: a resolution of 10s cuts the run's "
                       "duration of 3000h into 1080000 intervals"));
}

TEST(ScenarioLoader, ReportsAnEmptyArrayOfTablesWhereItWasWritten) {
  // Not at the top of the file, which after --set still holds the sections the value emptied.
  std::vector<std::string> errors = ErrorLines(Minimal(), {"policies=[]"});
  EXPECT_TRUE(HasError(errors, "<--set policies=[]>: error: no [[policies]]; add at least one"));
  EXPECT_EQ(errors.size(), 1u) << Joined(errors);
  errors = ErrorLines(Minimal(), {"orgs.0.traffic=[]"});
  EXPECT_TRUE(HasError(errors, "<--set orgs.0.traffic=[]>: error: org 'acme' has no [[orgs.traffic]]"));
  EXPECT_EQ(errors.size(), 1u) << Joined(errors);
  // In the file, at the empty array.
  errors = ErrorLines("models = []\n" + Minimal({{4, ""}, {5, ""}, {6, ""}, {7, ""}}));
  EXPECT_TRUE(HasError(errors, "s.toml:1:10: error: no [[models]]; add at least one"));
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
      HasError(errors, "s.toml:14:11: error: 'count' in [[orgs.traffic]]: got 0; expected an integer from 1 to "
                               "10000000"));
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
      "s.toml:15:23: error: 'max_output_tokens' in [[orgs.traffic]]: got 0; expected an integer from "
      "1 to 1000000000000000"));
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
                       "integer from 0 to 1000000000000000 or a table"));
}

// `parts` copies of `part` joined by `dot`.
std::string Dotted(const std::string& part, int parts, const std::string& dot = ".") {
  std::string key = part;
  for (int i = 1; i < parts; ++i) key += dot + part;
  return key;
}

TEST(ScenarioLoader, RefusesAKeyOfTooManyDottedPartsBeforeTomlOverflowsTheStack) {
  // toml++ nests a table per part with no bound: 100000 parts used to crash with SIGSEGV.
  std::vector<std::string> errors = ErrorLines(Minimal({{3, "[" + Dotted("b", 100000) + "]"}}));
  ASSERT_EQ(errors.size(), 1u) << Joined(errors);
  EXPECT_EQ(errors[0],
            "s.toml:3:2: error: a key of more than 256 parts joined by dots, where ratesim's keys "
            "have a few (orgs.traffic); correct the key");
  errors = ErrorLines(Minimal({{3, "  " + Dotted("\"q\"", 257, " . ") + " = 1"}}));
  EXPECT_TRUE(HasError(errors, "s.toml:3:3: error: a key of more than 256 parts"));

  // At the limit, and with dots in strings, comments and numbers, the file is read as before.
  errors = ErrorLines(Minimal({{3, Dotted("a", 256) + " = 1"}}));
  EXPECT_TRUE(HasError(errors, "s.toml:3:1: error: unknown key 'a' in [run]")) << Joined(errors);
  errors = ErrorLines(Minimal({{3, "note = \"" + Dotted("a", 1000) + "\" # " + Dotted("b", 1000) +
                                       "\nlist = [" + Dotted("1.5", 300, ", ") + "]"}}));
  EXPECT_TRUE(HasError(errors, "s.toml:3:1: error: unknown key 'note' in [run]")) << Joined(errors);
  EXPECT_TRUE(HasError(errors, "s.toml:4:1: error: unknown key 'list' in [run]")) << Joined(errors);
}

TEST(ScenarioLoader, BoundsBurstsWorkersAndAttempts) {
  // A billion-request burst or a hundred million workers exhausted memory instead of failing.
  std::vector<std::string> errors = ErrorLines(Minimal(
      {{13, "  shape = \"bursts\""},
       {14, "  count = 10000001\n  window = \"1s\"\n  every = \"1m\""},
       {15, "  client = { on_failure = \"backoff\", max_attempts = 1001 }"}}));
  EXPECT_TRUE(HasError(errors, "s.toml:14:11: error: 'count' in [[orgs.traffic]]: got 10000001; "
                               "expected an integer from 1 to 10000000"))
      << Joined(errors);
  EXPECT_TRUE(HasError(errors, "s.toml:17:53: error: 'max_attempts' in 'client' of "
                               "[[orgs.traffic]]: got 1001; expected an integer from 1 to 1000"))
      << Joined(errors);
  EXPECT_EQ(errors.size(), 2u) << Joined(errors);
  errors = ErrorLines(Minimal({{13, "  shape = \"closed\""},
                               {14, "  workers = 1000001\n  think = \"1s\""}}));
  EXPECT_TRUE(HasError(errors, "s.toml:14:13: error: 'workers' in [[orgs.traffic]]: got 1000001; "
                               "expected an integer from 1 to 1000000"))
      << Joined(errors);
  // The bounds themselves are accepted.
  EXPECT_TRUE(Parse(Minimal({{13, "  shape = \"closed\""},
                             {14, "  workers = 1000000\n  think = \"1s\""},
                             {15, "  client = { on_failure = \"backoff\", max_attempts = 1000 }"}}))
                  .ok());
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
  errors = ErrorLines(Minimal(
      {{15, "  input_tokens = { dist = \"lognormal\", mean = 1e308, cv = 1, max = 9223372036854775807 }"}}));
  EXPECT_TRUE(HasError(errors,
                       "s.toml:15:47: error: 'mean' in 'input_tokens' of [[orgs.traffic]]: got 1e+308; "
                       "expected a number > 0 and at most 1000000000000000"));
  EXPECT_TRUE(HasError(errors,
                       "s.toml:15:68: error: 'max' in 'input_tokens' of [[orgs.traffic]]: got "
                       "9223372036854775807; expected an integer from 0 to 1000000000000000"));
  EXPECT_EQ(errors.size(), 2u) << Joined(errors);

  // The largest count is accepted, and a request of it is drawn as it is.
  absl::StatusOr<Scenario> s = Parse(Minimal(
      {{15, "  input_tokens = 1000000000000000\n  max_output_tokens = 1000000000000000"}}));
  ASSERT_TRUE(s.ok()) << s.status();
  Rng rng(1);
  const TrafficSpec& traffic = s->orgs[0].traffic[0];
  EXPECT_EQ(DrawTokens(traffic.input_tokens, rng), kMaxTokens);
  EXPECT_EQ(DrawTokens(traffic.max_output_tokens, rng), kMaxTokens);

  // A cv whose square overflows draws NaN from the lognormal: the floor, not a wrapped-around count.
  TokenCount wild;
  wild.kind = TokenCount::Kind::kLognormal;
  wild.mean = 500;
  wild.cv = 1e200;
  wild.min = 1;
  for (int i = 0; i < 100; ++i) EXPECT_EQ(DrawTokens(wild, rng), 1);
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

// ---- the `expr` formula: text parameters, constants, errors inside an expression ----

// [limits] for `expr` replacing line 3 of the minimal scenario: `requests` is on line 5, its
// expression starting at column 19 (after `requests_per_s = "`).
std::string ExprLimits(const std::string& requests, const std::string& extra = "") {
  return "[limits]\nformula = \"expr\"\nrequests_per_s = \"" + requests +
         "\"\ntokens_per_s = \"min(rate_tps * growth^(elapsed_s/60), max(base_tps, 2 * ok_tps_10m))\"\n" +
         "growth = 1.5" + extra;
}

TEST(ScenarioLoader, ReadsAnExprFormulaWithItsConstantsAndOrgOverrides) {
  absl::StatusOr<Scenario> s =
      Parse(Minimal({{3, ExprLimits("max(base_rps, 2 * ok_rps_10m) * scale", "\nscale = 1\nbase_rpm = 120")},
                     {10, "name = \"acme\"\nlimits = { growth = 2, base_tpm = 6000 }"}}));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->limits.formula, "expr");
  EXPECT_EQ(s->limits.texts.at("requests_per_s"), "max(base_rps, 2 * ok_rps_10m) * scale");
  EXPECT_EQ(s->limits.texts.size(), 2u);
  EXPECT_EQ(s->limits.params.at("growth"), 1.5);
  EXPECT_EQ(s->limits.params.at("scale"), 1.0);
  EXPECT_EQ(s->limits.params.at("base_rpm"), 120.0);
  EXPECT_EQ(s->limits.params.at("base_tpm"), 180000.0);  // earned's default filled in
  EXPECT_EQ(s->limits.params.size(), 7u);                 // 5 bounds + 2 constants
  EXPECT_EQ(s->orgs[0].limit_overrides, (ParamValues{{"growth", 2.0}, {"base_tpm", 6000.0}}));
}

TEST(ScenarioLoader, PointsIntoTheExpressionAtAMisspeltVariable) {
  // "max(base_rps, 2 * ok_rsp_10m)": the name starts at offset 18, column 19 + 18 = 37.
  const std::vector<std::string> errors =
      ErrorLines(Minimal({{3, ExprLimits("max(base_rps, 2 * ok_rsp_10m)")}}));
  EXPECT_TRUE(HasError(errors,
                       "s.toml:5:37: error: 'requests_per_s' in [limits]: column 19 of the expression: "
                       "muparser: Unexpected token \"ok_rsp_10m\" found at position 18; 'ok_rsp_10m' is "
                       "neither a variable nor a function; did you mean 'ok_rps_10m'? expected one of: "
                       "rate_rps, rate_tps, ok_rps_1m,",
                       {"r503_1m", "ceiling_tps, growth"}));  // every variable, and the constants
  EXPECT_EQ(errors.size(), 1u) << Joined(errors);
}

TEST(ScenarioLoader, PointsIntoTheExpressionAtASyntaxError) {
  // "min(rate_rps, * 2)": muparser stops at the '*', offset 14.
  std::vector<std::string> errors = ErrorLines(Minimal({{3, ExprLimits("min(rate_rps, * 2)")}}));
  EXPECT_TRUE(HasError(errors,
                       "s.toml:5:33: error: 'requests_per_s' in [limits]: column 15 of the expression: "
                       "muparser: Unexpected operator \"*\" found at position 14; fix the expression"));
  // An unbalanced parenthesis: muparser reports the end of the text, the closing quote's column.
  errors = ErrorLines(Minimal({{3, ExprLimits("min(rate_rps, 2")}}));
  EXPECT_TRUE(HasError(errors, "s.toml:5:", {"'requests_per_s' in [limits]: column", "muparser:"}));
  // A literal string ('...') is exact too; with an escape the error points at the string and the
  // message still gives the column inside the expression.
  errors = ErrorLines(Minimal({{3, "[limits]\nformula = \"expr\"\ntokens_per_s = 'base_tps'\n"
                                   "requests_per_s = 'base_rps + * 1'"}}));
  EXPECT_TRUE(HasError(errors, "s.toml:6:30: error: 'requests_per_s' in [limits]: column 12 of"));
  errors = ErrorLines(Minimal({{3, "[limits]\nformula = \"expr\"\ntokens_per_s = \"base_tps\"\n"
                                   "requests_per_s = \"base_rps\\u0020+ * 1\""}}));
  EXPECT_TRUE(HasError(errors, "s.toml:6:18: error: 'requests_per_s' in [limits]: column 12 of"));
}

TEST(ScenarioLoader, RefusesAnExpressionNotFiniteOnANewKey) {
  const std::vector<std::string> errors = ErrorLines(Minimal({{3, ExprLimits("base_rps / ok_rps_1m")}}));
  EXPECT_TRUE(HasError(errors,
                       "s.toml:5:18: error: 'requests_per_s' in [limits]: the expression: gives inf for a "
                       "new key",
                       {"guard the division"}));
}

TEST(ScenarioLoader, ExprNeedsBothExpressions) {
  std::vector<std::string> errors =
      ErrorLines(Minimal({{3, "[limits]\nformula = \"expr\"\ntokens_per_s = \"base_tps\""}}));
  EXPECT_TRUE(HasError(errors,
                       "s.toml:3:1: error: missing key 'requests_per_s' in [limits]; limit formula 'expr' "
                       "needs it: an expression of the rate in requests/s, such as requests_per_s = "));
  EXPECT_EQ(errors.size(), 1u) << Joined(errors);
  errors = ErrorLines(Minimal({{3, "[limits]\nformula = \"expr\"\nrequests_per_s = 60"}}));
  EXPECT_TRUE(HasError(errors,
                       "s.toml:5:18: error: 'requests_per_s' in [limits]: got an integer; expected an "
                       "expression in a string"));
  EXPECT_TRUE(HasError(errors, "s.toml:3:1: error: missing key 'tokens_per_s' in [limits]"));
}

TEST(ScenarioLoader, ChecksTheConstantsOfAnExprTable) {
  std::vector<std::string> errors = ErrorLines(Minimal(
      {{3, ExprLimits("base_rps", "\nrate_rps = 2\nrequest_per_s = \"base_rps\"\nbase_rpm = 0")}}));
  EXPECT_TRUE(HasError(errors,
                       "s.toml:8:12: error: 'rate_rps' in [limits]: 'rate_rps' is a variable of the "
                       "expressions, set at each update; give the constant another name"));
  EXPECT_TRUE(HasError(errors,
                       "s.toml:9:17: error: 'request_per_s' in [limits]: got a string; expected a number",
                       {"did you mean 'requests_per_s'?"}));
  EXPECT_TRUE(HasError(errors, "s.toml:10:12: error: 'base_rpm' in [limits]: got 0; expected a number > 0"));
  EXPECT_EQ(errors.size(), 3u) << Joined(errors);
}

TEST(ScenarioLoader, AnOrgOverridesTheNumbersOfAnExprFormulaNotItsExpressions) {
  const std::vector<std::string> errors = ErrorLines(
      Minimal({{3, ExprLimits("base_rps")},
               {10, "name = \"acme\"\nlimits = { requests_per_s = \"1\", grwth = 2, growth = \"x\" }"}}));
  EXPECT_TRUE(HasError(errors,
                       "s.toml:15:29: error: 'requests_per_s' in 'limits' of [[orgs]]: an org cannot change "
                       "the expressions of limit formula 'expr'"));
  EXPECT_TRUE(HasError(errors, "s.toml:15:34: error: unknown key 'grwth' in 'limits' of [[orgs]]; did you "
                               "mean 'growth'?"));
  EXPECT_TRUE(HasError(errors, "s.toml:15:54: error: 'growth' in 'limits' of [[orgs]]: got a string"));
  EXPECT_EQ(errors.size(), 3u) << Joined(errors);
}

TEST(ScenarioLoader, AnExpressionSetOnTheCommandLineIsCheckedToo) {
  const std::vector<std::string> errors =
      ErrorLines(Minimal({{3, ExprLimits("base_rps")}}), {"limits.requests_per_s=base_rps * grwth"});
  EXPECT_TRUE(HasError(errors,
                       "<--set limits.requests_per_s=base_rps * grwth>: error: 'requests_per_s' in [limits]: "
                       "column 12 of the expression",
                       {"did you mean 'growth'?"}));
}

TEST(ScenarioLoader, RefusesAConstantNeitherExpressionUses) {
  // `headrom` beside `headroom`: a sweep over it would run identical points.
  const std::string limits = ExprLimits("max(base_rps, headroom * ok_rps_10m)", "\nheadroom = 2");
  std::vector<std::string> errors = ErrorLines(Minimal({{3, limits + "\nheadrom = 3\nzzz = 1"}}));
  EXPECT_TRUE(HasError(errors,
                       "s.toml:9:11: error: 'headrom' in [limits]: constant 'headrom' is not used by "
                       "requests_per_s or tokens_per_s, so it changes nothing; did you mean 'headroom'?"));
  EXPECT_TRUE(HasError(errors, "s.toml:10:7: error: 'zzz' in [limits]: constant 'zzz' is not used by",
                       {"use it in an expression or remove it"}));
  EXPECT_EQ(errors.size(), 2u) << Joined(errors);
  // Added on the command line, as a sweep's grid does.
  errors = ErrorLines(Minimal({{3, limits}}), {"limits.headrom=1"});
  EXPECT_TRUE(HasError(errors, "<--set limits.headrom=1>: error: 'headrom' in [limits]: constant 'headrom'",
                       {"did you mean 'headroom'?"}));
  EXPECT_EQ(errors.size(), 1u) << Joined(errors);
  // An org that sets it is not told again, as an unknown key, of the one mistake.
  errors = ErrorLines(Minimal({{3, limits + "\nheadrom = 3"}, {10, "name = \"acme\"\nlimits = { headrom = 4 }"}}));
  EXPECT_TRUE(HasError(errors, "s.toml:9:11: error: 'headrom' in [limits]: constant 'headrom'",
                       {"did you mean 'headroom'?"}));
  EXPECT_EQ(errors.size(), 1u) << Joined(errors);
  // The bound parameters are parameters, whether the expressions name them or not.
  EXPECT_TRUE(Parse(Minimal({{3, limits + "\nbase_rpm = 120\nbase_tpm = 6000\nceiling_rpm = 1200\n"
                                          "ceiling_tpm = 60000\ncapacity_share = 0.3"},
                             {10, "name = \"acme\"\nlimits = { headroom = 3, base_rpm = 60 }"}}))
                  .ok());
}

TEST(ScenarioLoader, RefusesADecimalCommaInAnExpression) {
  // "rate_rps * 1,5": muparser reads two results and keeps the last, 5. The ',' is at offset 12.
  const std::vector<std::string> errors = ErrorLines(Minimal({{3, ExprLimits("rate_rps * 1,5")}}));
  EXPECT_TRUE(HasError(errors,
                       "s.toml:5:31: error: 'requests_per_s' in [limits]: column 13 of the expression: ',' "
                       "outside a function's arguments makes 2 values of one expression (muparser would "
                       "keep the last); use a dot for decimals; an expression gives one value"));
  EXPECT_EQ(errors.size(), 1u) << Joined(errors);
}

TEST(ScenarioLoader, RefusesAnAssignmentInAnExpression) {
  // It would leak into tokens_per_s, which shares the variables. The '=' is at offset 11.
  std::vector<std::string> errors = ErrorLines(Minimal({{3, ExprLimits("(ok_rps_1m = 1000)*0 + rate_rps")}}));
  EXPECT_TRUE(HasError(errors,
                       "s.toml:5:30: error: 'requests_per_s' in [limits]: column 12 of the expression: '=' "
                       "is an assignment: an expression may not change a variable or constant (the two "
                       "expressions share them); remove it; to compare, write =="));
  EXPECT_EQ(errors.size(), 1u) << Joined(errors);
  errors = ErrorLines(Minimal({{3, ExprLimits("(ok_rps_1m += 1)*0 + rate_rps")}}));
  EXPECT_TRUE(HasError(errors, "s.toml:5:30: error: 'requests_per_s' in [limits]: column 12 of the expression: "
                               "'+=' is an assignment"));
  // Comparisons are fine.
  EXPECT_TRUE(Parse(Minimal({{3, ExprLimits("rate_rps >= 1 && rate_rps != 2 ? rate_rps : base_rps")}})).ok());
}

TEST(ScenarioLoader, SaysAnEmptyExpressionIsEmpty) {
  const std::vector<std::string> errors = ErrorLines(Minimal({{3, ExprLimits("")}}));
  EXPECT_TRUE(HasError(errors,
                       "s.toml:5:18: error: 'requests_per_s' in [limits]: requests_per_s is empty; write an "
                       "expression, e.g. \"max(base_rps, 2 * ok_rps_10m)\""));
  EXPECT_EQ(errors.size(), 1u) << Joined(errors);
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

// ---- capacity over time: schedule and autoscaler ----

TEST(ScenarioCapacity, ReadsAScheduleThatRaisesReplicasFromZero) {
  absl::StatusOr<Scenario> s = Parse(Minimal(
      {{8, "replicas = 0\nschedule = [{ at = \"30s\", replicas = 4 }, { at = \"45s\", replicas = 0 }]"}}));
  ASSERT_TRUE(s.ok()) << s.status();
  const ModelSpec& m = s->models[0];
  EXPECT_EQ(m.replicas, 0);
  ASSERT_EQ(m.schedule.size(), 2u);
  EXPECT_EQ(m.schedule[0].at, 30 * kNanosPerSecond);
  EXPECT_EQ(m.schedule[0].replicas, 4);
  EXPECT_EQ(m.schedule[0].pos.line, 9);
  EXPECT_EQ(m.schedule[0].pos.column, 13);
  EXPECT_EQ(m.schedule[1].at, 45 * kNanosPerSecond);
  EXPECT_EQ(m.schedule[1].replicas, 0);
  EXPECT_FALSE(m.autoscaler.enabled);
  // Without either key: no changes, no autoscaler.
  s = Parse(Minimal());
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_TRUE(s->models[0].schedule.empty());
  EXPECT_FALSE(s->models[0].autoscaler.enabled);
}

TEST(ScenarioCapacity, DefaultsTheAutoscalerBoundsToTheModelsReplicas) {
  absl::StatusOr<Scenario> s =
      Parse(Minimal({{8, "replicas = 3\nautoscaler = { min_replicas = 3, max_replicas = 3 }"}}));
  ASSERT_TRUE(s.ok()) << s.status();
  const AutoscalerSpec& a = s->models[0].autoscaler;
  EXPECT_TRUE(a.enabled);
  EXPECT_EQ(a.target_utilisation, 0.7);
  EXPECT_EQ(a.interval, 30 * kNanosPerSecond);
  EXPECT_EQ(a.window, 120 * kNanosPerSecond);
  EXPECT_EQ(a.provisioning_delay, 120 * kNanosPerSecond);
  EXPECT_EQ(a.scale_down_cooldown, 300 * kNanosPerSecond);
  EXPECT_EQ(a.min_replicas, 3);
  EXPECT_EQ(a.max_replicas, 3);
  s = Parse(Minimal({{8, "replicas = 3\nautoscaler = { max_replicas = 8 }"}}));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->models[0].autoscaler.min_replicas, 3);
  EXPECT_EQ(s->models[0].autoscaler.max_replicas, 8);
  s = Parse(Minimal({{8, "replicas = 3\nautoscaler = { min_replicas = 1 }"}}));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->models[0].autoscaler.min_replicas, 1);
  EXPECT_EQ(s->models[0].autoscaler.max_replicas, 3);
}

TEST(ScenarioCapacity, RejectsAScheduleOutOfOrderAndItsBadEntries) {
  std::vector<std::string> errors = ErrorLines(Minimal(
      {{8, "schedule = [{ at = \"5m\", replicas = 0 }, { at = \"5m\", replicas = 2 }, "
           "{ at = \"1m\", replicas = -1 }, { replicas = 1, when = \"2m\" }]"}}));
  EXPECT_TRUE(HasError(errors,
                       "s.toml:8:49: error: 'at' in 'schedule' of [[models]]: got \"5m\", not after the "
                       "previous entry's at = \"5m\"; expected each 'at' later than the one before"));
  EXPECT_TRUE(HasError(errors, "s.toml:8:78: error: 'at' in 'schedule' of [[models]]: got \"1m\", not after",
                       {"at = \"5m\""}));
  EXPECT_TRUE(HasError(
      errors, "s.toml:8:95: error: 'replicas' in 'schedule' of [[models]]: got -1; expected an integer >= 0"));
  EXPECT_TRUE(HasError(errors, "s.toml:8:101: error: missing key 'at' in 'schedule' of [[models]]; expected a "
                               "duration such as \"30s\""));
  EXPECT_TRUE(HasError(errors, "s.toml:8:117: error: unknown key 'when' in 'schedule' of [[models]]",
                       {"expected one of: at, replicas"}));
  EXPECT_EQ(errors.size(), 5u) << Joined(errors);
  EXPECT_EQ(ErrorLines(Minimal({{8, "schedule = 3"}})),
            std::vector<std::string>{"s.toml:8:12: error: 'schedule' in [[models]]: got an integer; expected "
                                     "an array of tables such as [{ at = \"5m\", replicas = 0 }, { at = "
                                     "\"8m\", replicas = 2 }]"});
  EXPECT_TRUE(HasError(ErrorLines(Minimal({{8, "schedule = [3]"}})),
                       "s.toml:8:13: error: element 0 of 'schedule' in [[models]]: got an integer; expected "
                       "a table"));
}

TEST(ScenarioCapacity, RejectsAModelThatNeverHasReplicas) {
  const std::string never =
      "s.toml:8:12: error: 'replicas' in [[models]]: model 'llama-70b' has no replicas ever; set replicas "
      ">= 1, or add a schedule entry that raises it, such as schedule = [{ at = \"1m\", replicas = 1 }]";
  EXPECT_EQ(ErrorLines(Minimal({{8, "replicas = 0"}})), std::vector<std::string>{never});
  // A schedule that keeps it at 0 does not help.
  EXPECT_EQ(ErrorLines(Minimal({{8, "replicas = 0\nschedule = [{ at = \"1m\", replicas = 0 }]"}})),
            std::vector<std::string>{never});
  // A negative count is reported as such, and only once.
  EXPECT_EQ(ErrorLines(Minimal({{8, "replicas = -1"}})),
            std::vector<std::string>{
                "s.toml:8:12: error: 'replicas' in [[models]]: got -1; expected an integer >= 0"});
}

TEST(ScenarioCapacity, ChecksTheAutoscalersValues) {
  std::vector<std::string> errors = ErrorLines(Minimal(
      {{8, "autoscaler = { target_utilisation = 1.5, interval = \"0s\", window = \"-1m\", "
           "provisioning_delay = \"0s\", scale_down_cooldown = 5, min_replicas = 0, target_utilization = 1 }"}}));
  const std::string at = "' in 'autoscaler' of [[models]]: ";
  EXPECT_TRUE(HasError(errors, "s.toml:8:37: error: 'target_utilisation" + at + "got 1.5; expected a number in "
                                                                                "(0, 1]"));
  EXPECT_TRUE(HasError(errors, "s.toml:8:53: error: 'interval" + at + "got \"0s\"; expected a duration > 0"));
  EXPECT_TRUE(HasError(errors, "s.toml:8:68: error: 'window" + at + "negative duration \"-1m\""));
  EXPECT_TRUE(HasError(errors, "s.toml:8:124: error: 'scale_down_cooldown" + at + "got the bare number 5",
                       {"write \"5s\""}));
  EXPECT_TRUE(HasError(errors, "s.toml:8:142: error: 'min_replicas" + at + "got 0; expected an integer >= 1"));
  EXPECT_TRUE(HasError(errors,
                       "s.toml:8:145: error: unknown key 'target_utilization' in 'autoscaler' of [[models]]; "
                       "did you mean 'target_utilisation'?"));
  EXPECT_EQ(errors.size(), 6u) << Joined(errors);  // provisioning_delay = "0s" is valid

  EXPECT_EQ(ErrorLines(Minimal({{8, "replicas = 4\nautoscaler = { min_replicas = 3, max_replicas = 2 }"}})),
            std::vector<std::string>{"s.toml:9:49: error: 'max_replicas" + at +
                                     "got 2, below min_replicas = 3; expected min_replicas <= max_replicas"});
  EXPECT_EQ(ErrorLines(Minimal({{8, "replicas = 2\nautoscaler = { min_replicas = 3 }"}})),
            std::vector<std::string>{"s.toml:9:31: error: 'min_replicas" + at +
                                     "got 3, above the model's replicas = 2; expected min_replicas <= "
                                     "replicas (the count at the start)"});
  // Neither bound: both would be the starting count, and the autoscaler could do nothing.
  EXPECT_EQ(ErrorLines(Minimal({{8, "replicas = 3\nautoscaler = { target_utilisation = 0.6 }"}})),
            std::vector<std::string>{
                "s.toml:9:14: error: 'autoscaler' in [[models]]: model 'llama-70b' has an autoscaler "
                "without min_replicas or max_replicas, so both are its replicas = 3 and it can "
                "neither add nor remove one; set max_replicas above 3 to let it scale up, "
                "min_replicas below 3 to let it scale down, or both"});
  // From one replica it can only scale up, and the advice says so.
  EXPECT_EQ(ErrorLines(Minimal({{8, "autoscaler = { window = \"1m\" }"}})),
            std::vector<std::string>{
                "s.toml:8:14: error: 'autoscaler' in [[models]]: model 'llama-70b' has an autoscaler "
                "without min_replicas or max_replicas, so both are its replicas = 1 and it can "
                "neither add nor remove one; set max_replicas above 1 to let it scale up"});
  EXPECT_EQ(ErrorLines(Minimal({{8, "replicas = 4\nautoscaler = { max_replicas = 2 }"}})),
            std::vector<std::string>{"s.toml:9:31: error: 'max_replicas" + at +
                                     "got 2, below the model's replicas = 4; expected max_replicas >= "
                                     "replicas (the count at the start)"});
  EXPECT_EQ(ErrorLines(Minimal({{8, "replicas = 0\nschedule = [{ at = \"1m\", replicas = 2 }]\n"
                                    "autoscaler = { max_replicas = 4 }"}})),
            std::vector<std::string>{
                "s.toml:10:14: error: 'autoscaler' in [[models]]: model 'llama-70b' starts with replicas = 0, "
                "but an autoscaler keeps at least min_replicas >= 1; set replicas >= 1 (a schedule entry can "
                "still drop it to 0 later)"});
}

// ---- traffic shapes ----

TEST(ScenarioTraffic, ReadsStepOnOffDiurnalAndClosedShapes) {
  absl::StatusOr<Scenario> s = Parse(
      Minimal({{13, "  shape = \"step\""}, {14, "  rate = \"0rpm\""}, {15, "  to = \"120rpm\"\n  at = \"30s\""}}));
  ASSERT_TRUE(s.ok()) << s.status();
  TrafficShape shape = s->orgs[0].traffic[0].shape;
  EXPECT_EQ(shape.kind, TrafficShape::Kind::kStep);
  EXPECT_EQ(shape.rate_per_s, 0.0);
  EXPECT_DOUBLE_EQ(shape.step_to_per_s, 2.0);
  EXPECT_EQ(shape.step_at, 30 * kNanosPerSecond);
  EXPECT_FALSE(shape.poisson);  // default: even

  s = Parse(Minimal({{13, "  shape = \"onoff\""}, {15, "  on = \"10s\"\n  off = \"1m\"\n  arrivals = \"poisson\""}}));
  ASSERT_TRUE(s.ok()) << s.status();
  shape = s->orgs[0].traffic[0].shape;
  EXPECT_EQ(shape.kind, TrafficShape::Kind::kOnOff);
  EXPECT_DOUBLE_EQ(shape.rate_per_s, 1.0);
  EXPECT_EQ(shape.on_duration, 10 * kNanosPerSecond);
  EXPECT_EQ(shape.off_duration, 60 * kNanosPerSecond);
  EXPECT_TRUE(shape.poisson);

  s = Parse(Minimal({{13, "  shape = \"diurnal\""}}));
  ASSERT_TRUE(s.ok()) << s.status();
  shape = s->orgs[0].traffic[0].shape;
  EXPECT_EQ(shape.kind, TrafficShape::Kind::kDiurnal);
  EXPECT_DOUBLE_EQ(shape.rate_per_s, 1.0);
  EXPECT_EQ(shape.diurnal_amplitude, 0.5);
  EXPECT_EQ(shape.diurnal_period, 24 * 3600 * kNanosPerSecond);
  EXPECT_EQ(shape.diurnal_phase, 0);
  EXPECT_TRUE(shape.poisson);  // default: poisson

  s = Parse(Minimal({{13, "  shape = \"closed\""}, {14, "  workers = 3\n  start = \"10s\""}}));
  ASSERT_TRUE(s.ok()) << s.status();
  shape = s->orgs[0].traffic[0].shape;
  EXPECT_EQ(shape.kind, TrafficShape::Kind::kClosedLoop);
  EXPECT_EQ(shape.workers, 3);
  EXPECT_EQ(shape.think_time, 0);
  EXPECT_EQ(shape.start, 10 * kNanosPerSecond);

  s = Parse(Minimal({{13, "  shape = \"ramp\""}, {14, "  from = \"0rpm\"\n  to = \"1rps\"\n  over = \"1m\""}}));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_TRUE(s->orgs[0].traffic[0].shape.ramp_poisson);  // ramp keeps its own default
}

TEST(ScenarioTraffic, ChecksStepAndOnOffKeys) {
  std::vector<std::string> errors =
      ErrorLines(Minimal({{13, "  shape = \"step\""}, {14, "  rate = \"0rpm\""}, {15, "  to = \"0rps\""}}));
  EXPECT_TRUE(HasError(errors, "s.toml:15:8: error: 'to' in [[orgs.traffic]]: rate and to are both 0; expected "
                               "at least one of them > 0"));
  EXPECT_TRUE(HasError(errors, "s.toml:11:3: error: missing key 'at' in [[orgs.traffic]]; expected a duration"));
  EXPECT_EQ(errors.size(), 2u) << Joined(errors);
  EXPECT_TRUE(HasError(ErrorLines(Minimal({{13, "  shape = \"step\""}, {15, "  to = \"-1rps\"\n  at = \"1m\""}})),
                       "s.toml:15:8: error: 'to' in [[orgs.traffic]]: negative rate \"-1rps\""));
  errors = ErrorLines(Minimal({{13, "  shape = \"onoff\""}, {15, "  on = \"0s\""}}));
  EXPECT_TRUE(
      HasError(errors, "s.toml:15:8: error: 'on' in [[orgs.traffic]]: got \"0s\"; expected a duration > 0"));
  EXPECT_TRUE(HasError(errors, "s.toml:11:3: error: missing key 'off' in [[orgs.traffic]]; expected a duration "
                               "> 0"));
  EXPECT_EQ(errors.size(), 2u) << Joined(errors);
  EXPECT_TRUE(HasError(ErrorLines(Minimal({{13, "  shape = \"onoff\""}, {14, "  rate = \"0rps\""},
                                           {15, "  on = \"1s\"\n  off = \"1s\""}})),
                       "s.toml:14:10: error: 'rate' in [[orgs.traffic]]: got \"0rps\"; expected a rate > 0"));
}

TEST(ScenarioTraffic, ChecksDiurnalAndClosedKeys) {
  EXPECT_EQ(ErrorLines(Minimal({{13, "  shape = \"diurnal\""}, {15, "  amplitude = 1.5"}})),
            std::vector<std::string>{"s.toml:15:15: error: 'amplitude' in [[orgs.traffic]]: got 1.5; expected "
                                     "a number in [0, 1] (1: the rate falls to 0 at the trough)"});
  std::vector<std::string> errors = ErrorLines(Minimal(
      {{13, "  shape = \"diurnal\""}, {15, "  period = \"0s\"\n  phase = \"-1h\"\n  arrivals = \"uniform\""}}));
  EXPECT_TRUE(HasError(errors, "s.toml:15:12: error: 'period' in [[orgs.traffic]]: got \"0s\"; expected a "
                               "duration > 0"));
  EXPECT_TRUE(HasError(errors, "s.toml:16:11: error: 'phase' in [[orgs.traffic]]: negative duration \"-1h\""));
  EXPECT_TRUE(HasError(errors, "s.toml:17:14: error: 'arrivals' in [[orgs.traffic]]: unknown arrival process "
                               "'uniform'; expected one of: poisson, even"));
  EXPECT_EQ(errors.size(), 3u) << Joined(errors);

  errors = ErrorLines(Minimal({{13, "  shape = \"closed\""}, {14, "  workers = 0"}, {15, "  think = \"-1s\""}}));
  EXPECT_TRUE(
      HasError(errors, "s.toml:14:13: error: 'workers' in [[orgs.traffic]]: got 0; expected an integer from 1 "
                               "to 1000000"));
  EXPECT_TRUE(HasError(errors, "s.toml:15:11: error: 'think' in [[orgs.traffic]]: negative duration \"-1s\""));
  EXPECT_EQ(errors.size(), 2u) << Joined(errors);
  // A closed loop has no rate: its workers set the pace.
  errors = ErrorLines(Minimal({{13, "  shape = \"closed\""}}));
  EXPECT_TRUE(HasError(errors, "s.toml:11:3: error: missing key 'workers' in [[orgs.traffic]]; expected an "
                               "integer from 1 to 1000000"));
  EXPECT_TRUE(HasError(errors, "s.toml:14:3: error: unknown key 'rate' in [[orgs.traffic]]"));
  EXPECT_EQ(errors.size(), 2u) << Joined(errors);
}

TEST(ScenarioTraffic, AcceptsArrivalsOnlyWhereTheShapeHasAChoice) {
  EXPECT_EQ(ErrorLines(Minimal({{15, "  arrivals = \"even\""}})),
            std::vector<std::string>{"s.toml:15:3: error: unknown key 'arrivals' in [[orgs.traffic]]; "
                                     "expected one of: model, shape, rate, start, stop, input_tokens, "
                                     "max_output_tokens, output_tokens, client"});
  EXPECT_TRUE(HasError(ErrorLines(Minimal({{13, "  shape = \"diurnl\""}})),
                       "s.toml:13:11: error: 'shape' in [[orgs.traffic]]: unknown traffic shape 'diurnl'; did "
                       "you mean 'diurnal'? expected one of: constant, poisson, bursts, ramp, step, onoff, "
                       "diurnal, closed"));
}

// ---- clients ----

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

  s = Parse(Minimal({{15, "  client = { on_failure = \"honor_reset\", max_attempts = 2, jitter = 0, "
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
  EXPECT_EQ(ErrorLines(Minimal({{15, "  client = { on_failure = \"give_up\", max_attempts = 3 }"}})),
            std::vector<std::string>{
                "s.toml:15:53: error: 'max_attempts' in 'client' of [[orgs.traffic]]: got 3, but on_failure = "
                "\"give_up\" never retries; set on_failure = \"backoff\" or \"honor_reset\", or max_attempts = 1"});
  EXPECT_TRUE(HasError(ErrorLines(Minimal({{15, "  client = { max_attempts = 3 }"}})),
                       "s.toml:15:29: error: 'max_attempts' in 'client' of [[orgs.traffic]]: got 3, but "
                       "on_failure = \"give_up\" (the default) never retries"));
}

TEST(ScenarioClient, ChecksEveryValue) {
  const std::vector<std::string> errors = ErrorLines(Minimal(
      {{15, "  client = { on_failure = \"retry\", max_attempts = 0, multiplier = 0.5, jitter = 1.5, "
            "base_backoff = \"0s\", colour = 1 }"}}));
  const std::string in = "' in 'client' of [[orgs.traffic]]: ";
  EXPECT_TRUE(HasError(errors, "s.toml:15:27: error: 'on_failure" + in +
                                   "unknown failure handling 'retry'; expected one of: give_up, backoff, "
                                   "honor_reset"));
  EXPECT_TRUE(HasError(errors, "s.toml:15:51: error: 'max_attempts" + in + "got 0; expected an integer from 1 to 1000"));
  EXPECT_TRUE(HasError(errors, "s.toml:15:67: error: 'multiplier" + in + "got 0.5; expected a number >= 1"));
  EXPECT_TRUE(HasError(errors, "s.toml:15:81: error: 'jitter" + in + "got 1.5; expected a number in [0, 1]"));
  EXPECT_TRUE(HasError(errors, "s.toml:15:101: error: 'base_backoff" + in + "got \"0s\"; expected a duration > 0"));
  EXPECT_TRUE(HasError(errors, "s.toml:15:107: error: unknown key 'colour' in 'client' of [[orgs.traffic]]"));
  EXPECT_EQ(errors.size(), 6u) << Joined(errors);

  EXPECT_EQ(ErrorLines(Minimal({{15, "  client = { on_failure = \"backoff\", base_backoff = \"2s\", "
                                     "max_backoff = \"1s\" }"}})),
            std::vector<std::string>{"s.toml:15:73: error: 'max_backoff" + in +
                                     "got \"1s\", shorter than base_backoff = \"2s\"; expected max_backoff >= "
                                     "base_backoff"});
  EXPECT_EQ(ErrorLines(Minimal({{15, "  client = { on_failure = \"backoff\", base_backoff = \"2m\" }"}})),
            std::vector<std::string>{"s.toml:15:53: error: 'base_backoff" + in +
                                     "got \"2m\", longer than max_backoff = \"60s\" (the default); expected "
                                     "base_backoff <= max_backoff, so raise max_backoff too"});
  EXPECT_TRUE(HasError(ErrorLines(Minimal({{15, "  client = \"backoff\""}})),
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

// ---- traces ----

std::string SampleTrace() {
  return std::string(RATESIM_SOURCE_DIR) + "/tests/data/scenarios/traces/sample.csv";
}

// The minimal scenario without its org, replaying `trace_lines` from line 18 on.
std::string TraceOnly(const std::vector<std::string>& trace_lines) {
  std::vector<std::string> extra = {"[[traces]]"};
  extra.insert(extra.end(), trace_lines.begin(), trace_lines.end());
  return Minimal({{9, ""}, {10, ""}, {11, ""}, {12, ""}, {13, ""}, {14, ""}}, extra);
}

// The second model sample.csv's rows name, appended after a trace's lines.
std::vector<std::string> WithSampleModels(std::vector<std::string> trace_lines) {
  for (const char* line : {"[[models]]", "name = \"mistral-7b\"", "concurrency = 4",
                           "service = { dist = \"constant\", mean = \"1s\" }"}) {
    trace_lines.emplace_back(line);
  }
  return trace_lines;
}

// Writes `text` to a file named `name` in the test's temporary folder; returns its path.
std::string WriteTempFile(const std::string& name, const std::string& text) {
  return testing::WriteTextFile(::testing::TempDir() + "scenario_loader_" + name, text);
}

TEST(ScenarioTraces, AScenarioMayReplayATraceInsteadOfOrgs) {
  absl::StatusOr<Scenario> s = Parse(TraceOnly(WithSampleModels({"path = \"" + SampleTrace() + "\""})));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_TRUE(s->orgs.empty());
  ASSERT_EQ(s->traces.size(), 1u);
  const TraceSpec& t = s->traces[0];
  EXPECT_EQ(t.path, SampleTrace());
  EXPECT_EQ(t.max_output_tokens, 0);
  EXPECT_EQ(t.client.on_failure, ClientSpec::OnFailure::kGiveUp);
  EXPECT_EQ(t.pos.line, 18);

  s = Parse(TraceOnly(WithSampleModels({"path = \"" + SampleTrace() + "\"", "max_output_tokens = 1024",
                                        "client = { on_failure = \"honor_reset\", max_attempts = 3 }"})));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->traces[0].max_output_tokens, 1024);
  EXPECT_EQ(s->traces[0].client.on_failure, ClientSpec::OnFailure::kHonorReset);
  EXPECT_EQ(s->traces[0].client.max_attempts, 3);
}

TEST(ScenarioTraces, ResolvesARelativePathAgainstTheScenarioFolder) {
  const std::string folder = std::string(RATESIM_SOURCE_DIR) + "/tests/data/scenarios";
  absl::StatusOr<Scenario> s =
      ParseScenario(TraceOnly(WithSampleModels({"path = \"traces/../traces/sample.csv\""})),
                    folder + "/unsaved.toml");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->traces[0].path, SampleTrace());

  s = ParseScenario(TraceOnly({"path = \"missing.csv\""}), "dir/s.toml");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message(),
            "dir/s.toml:19:8: error: 'path' in [[traces]]: cannot open trace file 'dir/missing.csv': No such "
            "file or directory; check the path (a relative one is read from the scenario file's folder)");
}

TEST(ScenarioTraces, ChecksTheFilesHeaderAndThenItsRows) {
  const std::string bad_header = WriteTempFile("bad_header.csv", "t,org,model\n1,a,b\n");
  EXPECT_EQ(ErrorLines(TraceOnly({"path = \"" + bad_header + "\""})),
            std::vector<std::string>{
                "s.toml:19:8: error: 'path' in [[traces]]: bad trace file: " + bad_header +
                ":1:1: the header line is \"t,org,model\"; expected exactly "
                "\"time,org,model,input_tokens,output_tokens\""});
  // Once the rest is valid the rows are read too (for their keys and tokens), and a bad one is
  // reported as the trace reader words it, at its own line and column, before anything runs.
  const std::string bad_row =
      WriteTempFile("bad_row.csv", "time,org,model,input_tokens,output_tokens\n1,a,b,-5,x\n");
  EXPECT_EQ(ErrorLines(TraceOnly({"path = \"" + bad_row + "\""})),
            std::vector<std::string>{bad_row + ":2:7: error: input_tokens must be a whole number >= "
                                     "0, got -5"});
  const std::string unknown_model =
      WriteTempFile("unknown_model.csv", "time,org,model,input_tokens,output_tokens\n1,a,b,5,6\n");
  EXPECT_EQ(ErrorLines(TraceOnly({"path = \"" + unknown_model + "\""})),
            std::vector<std::string>{unknown_model + ":2:5: error: unknown model 'b'; expected one "
                                     "of: llama-70b; add it to the scenario's [[models]] or correct "
                                     "the row"});
  EXPECT_TRUE(HasError(ErrorLines(TraceOnly({"path = \"" + ::testing::TempDir() + "\""})),
                       "s.toml:19:8: error: 'path' in [[traces]]: cannot open trace file", {"it is a directory"}));
}

TEST(ScenarioTraces, ChecksItsKeys) {
  std::vector<std::string> errors = ErrorLines(TraceOnly(
      {"file = \"x.csv\"", "max_output_tokens = -1", "client = { on_failure = \"give_up\", max_attempts = 2 }"}));
  EXPECT_TRUE(HasError(errors, "s.toml:18:1: error: missing key 'path' in [[traces]]; expected a string"));
  EXPECT_TRUE(HasError(errors, "s.toml:19:1: error: unknown key 'file' in [[traces]]; expected one of: path, "
                               "max_output_tokens, client"));
  EXPECT_TRUE(HasError(errors, "s.toml:20:21: error: 'max_output_tokens' in [[traces]]: got -1; expected an "
                               "integer from 0 to 1000000000000000"));
  EXPECT_TRUE(HasError(errors, "s.toml:21:51: error: 'max_attempts' in 'client' of [[traces]]: got 2, but "
                               "on_failure = \"give_up\" never retries"));
  EXPECT_EQ(errors.size(), 4u) << Joined(errors);
  EXPECT_EQ(ErrorLines(TraceOnly({"path = \"\""})),
            std::vector<std::string>{"s.toml:19:8: error: 'path' in [[traces]]: got an empty string; expected a "
                                     "CSV file such as \"traces/day1.csv\""});
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

TEST(ScenarioOverrides, CreateATableTheFileLeavesOut) {
  // Minimal() has no [limits]: a sweep over a formula parameter must still work on it.
  absl::StatusOr<Scenario> s = Parse(Minimal(), {"limits.headroom=3", "limits.formula=\"earned\""});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->limits.params.at("headroom"), 3.0);
  // A table no scenario has is created too, and the loader refuses it where the override said it.
  const std::vector<std::string> errors = ErrorLines(Minimal(), {"limitz2.headroom=3"});
  ASSERT_EQ(errors.size(), 1u) << Joined(errors);
  EXPECT_NE(errors[0].find("<--set limitz2.headroom=3>: error:"), std::string::npos) << errors[0];
  EXPECT_NE(errors[0].find("limitz2"), std::string::npos) << errors[0];
}

TEST(ScenarioOverrides, ReportsPathsThatDoNotExist) {
  const std::vector<std::string> errors =
      ErrorLines(Minimal(), {"models.3.concurrency=1", "run2.seed=3", "models.x.concurrency=1",
                             "run.duration.x=1", "noequals", "limits.headrom=3"});
  ASSERT_EQ(errors.size(), 6u) << Joined(errors);
  EXPECT_EQ(errors[0],
            "<--set models.3.concurrency=1>: error: 'models' has 1 element(s); there is no index 3 (indices "
            "start at 0)");
  EXPECT_EQ(errors[1],
            "<--set run2.seed=3>: error: the scenario has no 'run2' to set 'seed' in; did you mean 'run'?");
  EXPECT_EQ(errors[2],
            "<--set models.x.concurrency=1>: error: 'models' is an array; address an element by its index, "
            "e.g. models.0");
  EXPECT_EQ(errors[3],
            "<--set run.duration.x=1>: error: 'run.duration' is a string, not a table; it has no key 'x'");
  EXPECT_EQ(errors[4], "<--set noequals>: error: expected dotted.key=value; write e.g. --set run.seed=7");
  // [limits] is created (CreateATableTheFileLeavesOut); the misspelt parameter is the loader's.
  EXPECT_EQ(errors[5],
            "<--set limits.headrom=3>: error: unknown key 'headrom' in [limits]; did you mean 'headroom'?");
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

TEST(ScenarioOverrides, SetKeysOfTheNewForms) {
  absl::StatusOr<Scenario> s = Parse(
      Minimal({{8, "autoscaler = { max_replicas = 2 }"}, {15, "  client = { on_failure = \"backoff\" }"}}),
      {"models.0.autoscaler.max_replicas=4", "models.0.schedule=[{ at = \"30s\", replicas = 2 }]",
       "orgs.0.traffic.0.client.max_attempts=7", "orgs.0.traffic.0.client.max_backoff=2m"});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->models[0].autoscaler.max_replicas, 4);
  ASSERT_EQ(s->models[0].schedule.size(), 1u);
  EXPECT_EQ(s->models[0].schedule[0].at, 30 * kNanosPerSecond);
  EXPECT_EQ(s->orgs[0].traffic[0].client.max_attempts, 7);
  EXPECT_EQ(s->orgs[0].traffic[0].client.max_backoff, 120 * kNanosPerSecond);
  EXPECT_EQ(ErrorLines(Minimal({{8, "autoscaler = { max_replicas = 2 }"}}), {"models.0.autoscaler.max_replicas=0"}),
            std::vector<std::string>{"<--set models.0.autoscaler.max_replicas=0>: error: 'max_replicas' in "
                                     "'autoscaler' of [[models]]: got 0; expected an integer >= 1"});
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

TEST(ScenarioModels, AModelMayKeepItsOwnPolicy) {
  absl::StatusOr<Scenario> scenario = Parse(Minimal(
      {{7, "service = { dist = \"constant\", mean = \"1s\" }\n"
           "policy = { type = \"fifo\", name = \"batch\", max_depth = 100000, max_wait = \"24h\" }"}}));
  ASSERT_TRUE(scenario.ok()) << scenario.status();
  const PolicySpec& own = scenario->models[0].own_policy;
  EXPECT_EQ(own.type, "fifo");
  EXPECT_EQ(own.label, "batch");
  EXPECT_EQ(own.params.at("max_depth"), 100000);
  EXPECT_EQ(own.params.at("max_wait"), 24 * 3600);
  EXPECT_TRUE(Parse(Minimal()).value().models[0].own_policy.type.empty());
}

TEST(ScenarioModels, AModelsOwnPolicyIsCheckedLikeAnyPolicy) {
  const std::string errors = Joined(ErrorLines(
      Minimal({{7, "service = { dist = \"constant\", mean = \"1s\" }\n"
                   "policy = { type = \"fifa\", max_wait = \"1h\" }"}})));
  EXPECT_NE(errors.find("s.toml:8:"), std::string::npos) << errors;
  EXPECT_NE(errors.find("unknown policy type 'fifa'; did you mean 'fifo'?"), std::string::npos) << errors;
  const std::string typo = Joined(ErrorLines(
      Minimal({{7, "service = { dist = \"constant\", mean = \"1s\" }\n"
                   "policy = { type = \"fifo\", max_wiat = \"1h\" }"}})));
  EXPECT_NE(typo.find("unknown key 'max_wiat' in 'policy' of [[models]]; did you mean 'max_wait'?"),
            std::string::npos)
      << typo;
}

}  // namespace
}  // namespace ratesim

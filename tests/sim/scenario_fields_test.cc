// A valid scenario read field by field: every field of tests/data/scenarios/full.toml, the defaults
// of the minimal one, and the same tables written as arrays of inline tables.
#include <string>
#include <vector>

#include "engine/limit_formula.h"
#include "engine/param_spec.h"
#include "gtest/gtest.h"
#include "sim/scenario/scenario_loader.h"
#include "tests/support/minimal_scenario.h"

namespace ratesim {
namespace {

using testing::Minimal;
using testing::Parse;

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
  EXPECT_EQ(step.client.timeout, 45 * kNanosPerSecond);
  EXPECT_EQ(step.client.max_in_flight, 3);
  EXPECT_DOUBLE_EQ(step.client.pace_per_s, 2.0);
  EXPECT_EQ(steady.traffic[0].client.timeout, kNever);  // the defaults: none of the three
  EXPECT_EQ(steady.traffic[0].client.max_in_flight, 0);
  EXPECT_EQ(steady.traffic[0].client.pace_per_s, 0.0);
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
  EXPECT_EQ(trace.path,
            std::string(RATESIM_SOURCE_DIR) + "/tests/data/scenarios/traces/sample.csv");
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
      "models = [{ name = \"m\", concurrency = 1, service = { dist = \"exponential\", mean = "
      "\"250ms\" } }]\n"
      "orgs = [{ name = \"o\", traffic = [{ model = \"m\", shape = \"constant\", rate = \"1rps\" "
      "}] }]\n"
      "policies = [{ type = \"none\" }]\n");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->models[0].service.kind, ServiceTime::Kind::kExponential);
  EXPECT_EQ(s->models[0].service.mean, 250 * kNanosPerMillisecond);
  EXPECT_EQ(s->models[0].pos.line, 2);
  EXPECT_EQ(s->orgs[0].traffic[0].shape.rate_per_s, 1.0);
}

}  // namespace
}  // namespace ratesim

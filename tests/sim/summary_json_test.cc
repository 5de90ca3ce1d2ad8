// summary.json, parsed back with the strict reader (json_reader.h): the JSON writer under it, the
// counts, rates, latencies and failed attempts of each policy, org and model for one run, and the
// mean and 95% half-width of each over replications; on runs built by hand (report_runs.h).
#include "sim/report/summary_json.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "engine/fail_reason.h"
#include "sim/metrics/run_metrics.h"
#include "sim/report/json_writer.h"
#include "tests/support/json_reader.h"
#include "tests/support/report_runs.h"

namespace ratesim {
namespace {

using testing::HalfWidth3;
using testing::Json;
using testing::kMs;
using testing::MakeRun;
using testing::ParseJson;
using testing::Replica;
using testing::ReplicatedRuns;

TEST(JsonWriter, EscapesStringsAndWritesNonFiniteAsNull) {
  const std::string nasty = "q\"b\\s/\n\t\x01 é";
  JsonWriter json;
  json.BeginObject();
  json.Key(nasty);
  json.String(nasty);
  json.Key("nan");
  json.Double(std::nan(""));
  json.Key("inf");
  json.Double(-std::numeric_limits<double>::infinity());
  json.Key("tiny");
  json.Double(1e-300);
  json.Key("empty");
  json.BeginArray();
  json.EndArray();
  json.EndObject();
  const std::string text = json.Take();
  const std::optional<Json> parsed = ParseJson(text);
  ASSERT_TRUE(parsed.has_value()) << text;
  EXPECT_EQ((*parsed)[nasty].string, nasty);
  EXPECT_EQ((*parsed)["nan"].type, Json::Type::kNull);
  EXPECT_EQ((*parsed)["inf"].type, Json::Type::kNull);
  EXPECT_DOUBLE_EQ((*parsed)["tiny"].number, 1e-300);
  EXPECT_EQ((*parsed)["empty"].type, Json::Type::kArray);
}

Json ParsedSummary(const std::vector<RunResult>& runs) {
  const std::string text = SummaryJson(runs);
  EXPECT_EQ(text.find("nan"), std::string::npos);
  EXPECT_EQ(text.find("inf"), std::string::npos);
  std::optional<Json> parsed = ParseJson(text);
  EXPECT_TRUE(parsed.has_value()) << text;
  return parsed.value_or(Json());
}

TEST(SummaryJson, HoldsCountsAndRatesPerPolicyOverall) {
  const Json summary = ParsedSummary({MakeRun("none", 1), MakeRun("fifo", 2)});
  EXPECT_EQ(summary["policies"].Keys(), (std::vector<std::string>{"none", "fifo"}));
  const Json& fifo = summary["policies"]["fifo"];
  EXPECT_EQ(fifo["seed"].number, 7);
  EXPECT_EQ(fifo["end_time_s"].number, 60);
  const Json& overall = fifo["overall"];
  EXPECT_EQ(overall["offered"].number, 300);
  EXPECT_EQ(overall["ok"].number, 210);
  EXPECT_EQ(overall["r429_request"].number, 54);
  EXPECT_EQ(overall["r429_token"].number, 6);
  EXPECT_EQ(overall["r429"].number, 60);
  EXPECT_EQ(overall["r503"].number, 30);
  EXPECT_EQ(overall["in_flight"].number, 0);
  EXPECT_EQ(overall["retries"].number, 0);
  EXPECT_DOUBLE_EQ(overall["success_rate"].number, 0.7);
  EXPECT_DOUBLE_EQ(overall["utilisation"].number, 0.5);
}

TEST(SummaryJson, GivesLatencyAndQueueWaitInSeconds) {
  const Json summary = ParsedSummary({MakeRun("none", 1)});
  const Json& latency = summary["policies"]["none"]["overall"]["latency"];
  EXPECT_EQ(latency["count"].number, 100);
  // Quantiles come from a histogram with 1/256 relative error; min and max are exact.
  EXPECT_NEAR(latency["p50"].number, 0.020, 0.020 / 256);
  EXPECT_NEAR(latency["p90"].number, 0.100, 0.100 / 256);
  EXPECT_DOUBLE_EQ(latency["p99"].number, 2.0);
  EXPECT_DOUBLE_EQ(latency["max"].number, 2.0);
  EXPECT_DOUBLE_EQ(latency["mean"].number, (60 * 0.020 + 35 * 0.100 + 5 * 2.0) / 100);
  const Json& wait = summary["policies"]["none"]["overall"]["queue_wait"];
  EXPECT_DOUBLE_EQ(wait["p99"].number, 0.5);
  EXPECT_DOUBLE_EQ(wait["mean"].number, 0.5);
}

TEST(SummaryJson, HasEveryOrgAndModelByNameAndNullLatenciesForEmptySlices) {
  const Json summary = ParsedSummary({MakeRun("none", 1)});
  const Json& run = summary["policies"]["none"];
  EXPECT_EQ(run["per_org"].Keys(), (std::vector<std::string>{"acme", "beta, inc"}));
  EXPECT_EQ(run["per_org"]["beta, inc"]["r429_request"].number, 20);
  EXPECT_DOUBLE_EQ(run["per_org"]["beta, inc"]["success_rate"].number, 25.0 / 50.0);
  // beta recorded no latency: a count of 0, and no quantile, mean or max (null, not 0 or NaN).
  const Json& latency = run["per_org"]["beta, inc"]["latency"];
  EXPECT_EQ(latency["count"].number, 0);
  for (const char* field : {"p50", "p90", "p99", "mean", "max"}) {
    EXPECT_EQ(latency[field].type, Json::Type::kNull) << field;
  }
  EXPECT_EQ(run["per_model"].Keys(), (std::vector<std::string>{"llama", "mistral"}));
  const Json& llama = run["per_model"]["llama"];
  EXPECT_EQ(llama["offered"].number, 100);
  EXPECT_DOUBLE_EQ(llama["utilisation"].number, 0.75);
  EXPECT_EQ(llama["slots"].number, 8);
  EXPECT_EQ(llama["started"].number, 90);
  EXPECT_DOUBLE_EQ(llama["mean_buffered"].number, 20.0 / 60e9);
  EXPECT_DOUBLE_EQ(run["per_model"]["mistral"]["utilisation"].number, 0.25);
}

TEST(SummaryJson, GivesEachOrgsRatesPerModelWhereTheRunSummarisedThem) {
  RunResult run = MakeRun("none", 1);
  // No rates summarised: no "rates" key.
  EXPECT_FALSE(ParsedSummary({run})["policies"]["none"]["per_org"]["acme"].Has("rates"));
  run.metrics.rates = {KeyRates{0, 1, RateStats{90, 60, 120, 100}, RateStats{9000, 6000, 12000, 10000}},
                       KeyRates{1, 0, RateStats{60, 60, 60, 60}, RateStats{}}};
  const Json summary = ParsedSummary({run});
  const Json& acme = summary["policies"]["none"]["per_org"]["acme"];
  EXPECT_EQ(acme["rates"].Keys(), (std::vector<std::string>{"mistral"}));
  EXPECT_EQ(acme["rates"]["mistral"]["rpm"]["mean"].number, 90);
  EXPECT_EQ(acme["rates"]["mistral"]["rpm"]["min"].number, 60);
  EXPECT_EQ(acme["rates"]["mistral"]["rpm"]["max"].number, 120);
  EXPECT_EQ(acme["rates"]["mistral"]["rpm"]["last"].number, 100);
  EXPECT_EQ(acme["rates"]["mistral"]["tpm"]["mean"].number, 9000);
  EXPECT_EQ(summary["policies"]["none"]["per_org"]["beta, inc"]["rates"].Keys(),
            (std::vector<std::string>{"llama"}));
}

TEST(SummaryJson, CountsRetriesInEverySlice) {
  std::vector<RunResult> runs = {MakeRun("none", 1)};
  runs[0].metrics.overall.counts.retries = 9;
  runs[0].metrics.per_org[1].counts.retries = 9;
  const Json summary = ParsedSummary(runs);
  EXPECT_EQ(summary["policies"]["none"]["overall"]["retries"].number, 9);
  EXPECT_EQ(summary["policies"]["none"]["per_org"]["beta, inc"]["retries"].number, 9);
  EXPECT_EQ(summary["policies"]["none"]["per_org"]["acme"]["retries"].number, 0);
  // Right after in_flight, in the single-run layout that is otherwise unchanged.
  const std::vector<std::string> keys = summary["policies"]["none"]["overall"].Keys();
  EXPECT_EQ(keys, (std::vector<std::string>{"offered", "ok", "r429_request", "r429_token", "r429",
                                            "r503", "timed_out", "in_flight", "retries",
                                            "timeouts", "served_after_timeout",
                                            "failed_after_timeout",
                                            "over_rate_attempts",
                                            "failed_attempts_by_reason", "success_rate", "latency",
                                            "queue_wait", "utilisation", "fairness"}));
}

// MakeRun's failures given reasons: acme's 20 attempts are 4 no_capacity, 10 expired and 6
// buffer_full; beta's 25 are 20 displaced and 5 shed. Each slice holds its own; overall the sum.
void GiveReasons(RunResult& run) {
  RunMetrics& m = run.metrics;
  auto set = [](OutcomeCounts& counts, FailReason reason, int64_t count) {
    counts.failed_attempts[static_cast<size_t>(reason)] = count;
  };
  for (OutcomeCounts* acme : {&m.per_org[0].counts, &m.per_model[0].counts}) {
    set(*acme, FailReason::kNoCapacity, 4);
    set(*acme, FailReason::kExpired, 10);
    set(*acme, FailReason::kBufferFull, 6);
  }
  for (OutcomeCounts* beta : {&m.per_org[1].counts, &m.per_model[1].counts}) {
    set(*beta, FailReason::kDisplaced, 20);
    set(*beta, FailReason::kShed, 5);
  }
  m.overall.counts.failed_attempts = {};
  for (const SliceMetrics& org : m.per_org) {
    for (size_t reason = 0; reason < kFailReasonCount; ++reason) {
      m.overall.counts.failed_attempts[reason] += org.counts.failed_attempts[reason];
    }
  }
}

TEST(SummaryJson, CountsFailedAttemptsByEveryReasonInEverySlice) {
  std::vector<RunResult> runs = {MakeRun("none", 1)};
  GiveReasons(runs[0]);
  const Json summary = ParsedSummary(runs);
  const Json& run = summary["policies"]["none"];
  const std::vector<std::string> reasons = {"no_capacity", "buffer_full", "would_expire",
                                            "expired",     "displaced",   "shed"};
  const Json& overall = run["overall"]["failed_attempts_by_reason"];
  // Every reason is named, in FailReason's order, the ones never met as 0.
  EXPECT_EQ(overall.Keys(), reasons);
  const std::vector<double> want = {4, 6, 0, 10, 20, 5};
  double total = 0;
  for (size_t i = 0; i < reasons.size(); ++i) {
    EXPECT_EQ(overall[reasons[i]].number, want[i]) << reasons[i];
    total += overall[reasons[i]].number;
  }
  // No retries and nothing in flight: the attempts that failed are the requests that failed.
  EXPECT_EQ(total, run["overall"]["r429"].number + run["overall"]["r503"].number);
  const Json& beta = run["per_org"]["beta, inc"]["failed_attempts_by_reason"];
  EXPECT_EQ(beta["displaced"].number, 20);
  EXPECT_EQ(beta["expired"].number, 0);
  EXPECT_EQ(run["per_org"]["acme"]["failed_attempts_by_reason"]["expired"].number, 10);
  EXPECT_EQ(run["per_model"]["mistral"]["failed_attempts_by_reason"]["shed"].number, 5);
  EXPECT_EQ(run["per_model"]["llama"]["failed_attempts_by_reason"]["shed"].number, 0);
}

TEST(SummaryJson, GivesFairnessAcrossOrgsOnlyWithTwoOrgsOrMore) {
  // acme 80 of 100 served, beta 25 of 50: Jain's index (0.8 + 0.5)² / (2 × (0.64 + 0.25)).
  const Json summary = ParsedSummary({MakeRun("none", 1)});
  EXPECT_DOUBLE_EQ(summary["policies"]["none"]["overall"]["fairness"].number, 1.69 / 1.78);
  EXPECT_FALSE(summary["policies"]["none"]["per_org"]["acme"].Has("fairness"));
  // One org is served like itself by definition: no field rather than a 1 that says nothing.
  RunResult solo{"fifo", 1, {"solo"}, {"m"}, RunMetrics(1, 1)};
  solo.metrics.per_org[0].counts.offered = 10;
  solo.metrics.per_org[0].counts.ok = 4;
  solo.metrics.per_org[0].counts.r503 = 6;
  solo.metrics.overall.counts = solo.metrics.per_org[0].counts;
  EXPECT_FALSE(ParsedSummary({solo})["policies"]["fifo"]["overall"].Has("fairness"));
  // Two orgs, one of which finished nothing: nothing to compare, so null rather than a 1.
  RunResult idle = MakeRun("none", 1);
  idle.metrics.per_org[1].counts = OutcomeCounts();
  EXPECT_EQ(ParsedSummary({idle})["policies"]["none"]["overall"]["fairness"].type,
            Json::Type::kNull);
}

TEST(SummaryJson, SuccessRateAndLatencyAreNullWhenNothingFinished) {
  // Every request still in flight at the end (or none offered, every stream starting after the
  // end): no success rate and no latency, where 0 would read as total loss and instant answers.
  RunResult run{"none", 1, {"a"}, {"m"}, RunMetrics(1, 1)};
  run.metrics.overall.counts.offered = 3;
  run.metrics.overall.counts.in_flight = 3;
  const Json summary = ParsedSummary({run});
  const Json& overall = summary["policies"]["none"]["overall"];
  EXPECT_EQ(overall["success_rate"].type, Json::Type::kNull);
  EXPECT_EQ(overall["latency"]["p99"].type, Json::Type::kNull);
  EXPECT_EQ(overall["queue_wait"]["mean"].type, Json::Type::kNull);
  EXPECT_EQ(overall["utilisation"].number, 0);
  EXPECT_EQ(summary["policies"]["none"]["per_org"]["a"]["success_rate"].type, Json::Type::kNull);
  // All failed is a success rate of 0, not null.
  run.metrics.overall.counts.in_flight = 0;
  run.metrics.overall.counts.r503 = 3;
  EXPECT_EQ(ParsedSummary({run})["policies"]["none"]["overall"]["success_rate"].number, 0);
}

// ---------------------------------------------------------------------------------------------------
// Over replications: means and 95% half-widths.

TEST(SummaryJson, EstimatesFairnessOverReplications) {
  // Three replications in which beta is served 25, 40 and 50 of its 50 (acme 80 of 100): indexes
  // J(0.8, 0.5), J(0.8, 0.8) = 1 and J(0.8, 1.0), with J(a, b) = (a + b)² / (2 (a² + b²)).
  const auto jain = [](double a, double b) { return (a + b) * (a + b) / (2 * (a * a + b * b)); };
  std::vector<RunResult> runs = {MakeRun("fifo", 1), MakeRun("fifo", 1), MakeRun("fifo", 1)};
  const int64_t beta_ok[] = {25, 40, 50};
  for (size_t r = 0; r < runs.size(); ++r) {
    OutcomeCounts& beta = runs[r].metrics.per_org[1].counts;
    beta.ok = beta_ok[r];
    beta.r503 = 0;
    beta.r429_request = 50 - beta_ok[r];
  }
  const std::optional<Json> parsed = ParseJson(SummaryJson(runs, 3));
  ASSERT_TRUE(parsed.has_value());
  const Json& fairness = (*parsed)["policies"]["fifo"]["overall"]["fairness"];
  const double a = jain(0.8, 0.5), b = jain(0.8, 0.8), c = jain(0.8, 1.0);
  EXPECT_NEAR(fairness["mean"].number, (a + b + c) / 3, 1e-12);
  EXPECT_NEAR(fairness["ci95"].number, HalfWidth3(a, b, c), 1e-12);
}

TEST(SummaryJson, GivesMeanAndHalfWidthPerMetricWithReplications) {
  const std::string text = SummaryJson(ReplicatedRuns(), 3);
  EXPECT_EQ(text.find("nan"), std::string::npos);
  const std::optional<Json> parsed = ParseJson(text);
  ASSERT_TRUE(parsed.has_value()) << text;
  EXPECT_EQ((*parsed)["policies"].Keys(), (std::vector<std::string>{"fifo", "none"}));
  const Json& fifo = (*parsed)["policies"]["fifo"];
  EXPECT_EQ(fifo["replications"].number, 3);
  ASSERT_EQ(fifo["seeds"].array.size(), 3u);
  EXPECT_EQ(fifo["seeds"].array[2].number, 3);
  const Json& overall = fifo["overall"];
  EXPECT_NEAR(overall["success_rate"]["mean"].number, 0.94, 1e-12);
  EXPECT_NEAR(overall["success_rate"]["ci95"].number, HalfWidth3(0.90, 0.95, 0.97), 1e-12);
  EXPECT_NEAR(overall["r429_share"]["mean"].number, 0.1 / 3, 1e-12);
  EXPECT_NEAR(overall["r503_share"]["ci95"].number, HalfWidth3(0.05, 0.02, 0.01), 1e-12);
  EXPECT_NEAR(overall["ok"]["mean"].number, 94, 1e-12);
  EXPECT_EQ(overall["offered"]["mean"].number, 100);
  EXPECT_EQ(overall["offered"]["ci95"].number, 0);
  EXPECT_NEAR(overall["latency"]["p99"]["mean"].number, 0.110, 1e-12);
  EXPECT_NEAR(overall["latency"]["p99"]["ci95"].number, HalfWidth3(0.100, 0.120, 0.110), 1e-12);
  EXPECT_NEAR(overall["queue_wait"]["p99"]["mean"].number, 0.5, 1e-12);
  EXPECT_NEAR(overall["utilisation"]["mean"].number, 0.6, 1e-12);
  EXPECT_NEAR(overall["utilisation"]["ci95"].number, HalfWidth3(0.5, 0.6, 0.7), 1e-12);
  EXPECT_NEAR(fifo["per_org"]["acme"]["success_rate"]["mean"].number, 0.94, 1e-12);
  EXPECT_NEAR(fifo["per_org"]["acme"]["latency"]["p99"]["ci95"].number,
              HalfWidth3(0.100, 0.120, 0.110), 1e-12);
  EXPECT_NEAR(fifo["per_model"]["m"]["utilisation"]["mean"].number, 0.6, 1e-12);
  EXPECT_EQ(fifo["per_model"]["m"]["slots"]["mean"].number, 4);
  EXPECT_EQ(fifo["end_time_s"]["mean"].number, 60);
  // Every replication in the one-run layout.
  ASSERT_EQ(fifo["runs"].array.size(), 3u);
  EXPECT_EQ(fifo["runs"].array[1]["seed"].number, 2);
  EXPECT_EQ(fifo["runs"].array[1]["overall"]["ok"].number, 95);
  EXPECT_EQ(fifo["runs"].array[1]["overall"]["success_rate"].number, 0.95);
}

TEST(SummaryJson, EstimatesEachReasonsFailedAttemptsOverReplications) {
  // fifo's replications expired 4, 7 and 10 attempts and found the buffer full once each; none
  // failed nothing for a reason (its counts stay 0).
  std::vector<RunResult> runs = ReplicatedRuns();
  const int64_t expired[] = {4, 7, 10};
  for (int r = 0; r < 3; ++r) {
    RunMetrics& m = runs[r].metrics;
    for (SliceMetrics* slice : {&m.overall, &m.per_org[0], &m.per_model[0]}) {
      slice->counts.failed_attempts[static_cast<size_t>(FailReason::kExpired)] = expired[r];
      slice->counts.failed_attempts[static_cast<size_t>(FailReason::kBufferFull)] = 1;
    }
  }
  const Json summary = ParseJson(SummaryJson(runs, 3)).value_or(Json());
  const Json& fifo = summary["policies"]["fifo"];
  const Json& overall = fifo["overall"]["failed_attempts_by_reason"];
  EXPECT_NEAR(overall["expired"]["mean"].number, 7, 1e-12);
  EXPECT_NEAR(overall["expired"]["ci95"].number, HalfWidth3(4, 7, 10), 1e-12);
  EXPECT_EQ(overall["buffer_full"]["mean"].number, 1);
  EXPECT_EQ(overall["buffer_full"]["ci95"].number, 0);
  EXPECT_EQ(overall["shed"]["mean"].number, 0);
  EXPECT_NEAR(fifo["per_org"]["acme"]["failed_attempts_by_reason"]["expired"]["mean"].number, 7,
              1e-12);
  EXPECT_NEAR(fifo["per_model"]["m"]["failed_attempts_by_reason"]["expired"]["ci95"].number,
              HalfWidth3(4, 7, 10), 1e-12);
  // Each replication keeps its own counts.
  EXPECT_EQ(fifo["runs"].array[2]["overall"]["failed_attempts_by_reason"]["expired"].number, 10);
  EXPECT_EQ(
      summary["policies"]["none"]["overall"]["failed_attempts_by_reason"]["expired"]["mean"].number,
      0);
}

TEST(SummaryJson, LeavesUndefinedValuesOutOfTheEstimate) {
  // The second replication served nothing: no latency to average, but a success rate of 0.
  const std::vector<RunResult> runs = {Replica("fifo", 1, 90, 5, 100 * kMs, 0.5),
                                       Replica("fifo", 2, 0, 100, 0, 0.5)};
  const Json replicated = ParseJson(SummaryJson(runs, 2)).value_or(Json());
  const Json& overall = replicated["policies"]["fifo"]["overall"];
  EXPECT_NEAR(overall["latency"]["p99"]["mean"].number, 0.1, 1e-12);
  EXPECT_EQ(overall["latency"]["p99"]["ci95"].type, Json::Type::kNull);  // one value: no interval
  EXPECT_NEAR(overall["latency"]["count"]["mean"].number, 45, 1e-12);
  EXPECT_NEAR(overall["success_rate"]["mean"].number, 0.45, 1e-12);
  EXPECT_NEAR(overall["success_rate"]["ci95"].number, 12.7062047362 * 0.45, 1e-9);
}

TEST(SummaryJson, LeavesAReplicationWhereNothingFinishedOutOfTheSuccessRate) {
  // The second replication finished nothing (all 100 in flight): its success rate is undefined,
  // not 0, so the estimate is the first's alone, as the terminal's table has it; its own entry
  // under "runs" is null.
  RunResult stuck = Replica("fifo", 2, 0, 0, 0, 0.5);
  for (SliceMetrics* slice : {&stuck.metrics.overall, &stuck.metrics.per_org[0]}) {
    slice->counts.r429_request = 0;
    slice->counts.in_flight = 100;
  }
  const std::vector<RunResult> runs = {Replica("fifo", 1, 90, 5, 100 * kMs, 0.5), stuck};
  const Json replicated = ParseJson(SummaryJson(runs, 2)).value_or(Json());
  const Json& fifo = replicated["policies"]["fifo"];
  EXPECT_NEAR(fifo["overall"]["success_rate"]["mean"].number, 0.9, 1e-12);
  EXPECT_EQ(fifo["overall"]["success_rate"]["ci95"].type, Json::Type::kNull);  // one value
  EXPECT_NEAR(fifo["per_org"]["acme"]["success_rate"]["mean"].number, 0.9, 1e-12);
  EXPECT_EQ(fifo["runs"].array.at(1)["overall"]["success_rate"].type, Json::Type::kNull);
  EXPECT_EQ(fifo["runs"].array.at(1)["overall"]["latency"]["p50"].type, Json::Type::kNull);
  EXPECT_DOUBLE_EQ(fifo["runs"].array.at(0)["overall"]["success_rate"].number, 0.9);
}

}  // namespace
}  // namespace ratesim

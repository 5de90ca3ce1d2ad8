// RunResults built by hand with known counts, latencies and series, for the tests of the report
// writers (table, summary.json, timeseries.csv, output directory): one run of two orgs and two
// models, and replications of one org whose means and 95% intervals are worked out by hand.
#ifndef RATESIM_TESTS_SUPPORT_REPORT_RUNS_H_
#define RATESIM_TESTS_SUPPORT_REPORT_RUNS_H_

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/time.h"
#include "sim/metrics/run_metrics.h"

namespace ratesim::testing {

inline constexpr Nanos kMs = kNanosPerMillisecond;

// ---------------------------------------------------------------------------------------------------
// One run.

// Two orgs ("acme", "beta, inc" with a comma), two models; counts chosen so that every column
// differs.
inline RunResult MakeRun(const std::string& policy, int64_t scale) {
  RunResult run{policy, 7, {"acme", "beta, inc"}, {"llama", "mistral"}, RunMetrics(2, 2)};
  RunMetrics& m = run.metrics;
  OutcomeCounts& acme = m.per_org[0].counts;
  acme.offered = 100 * scale;
  acme.ok = 80 * scale;
  acme.r429_request = 7 * scale;
  acme.r429_token = 3 * scale;
  acme.r503 = 10 * scale;
  OutcomeCounts& beta = m.per_org[1].counts;
  beta.offered = 50 * scale;
  beta.ok = 25 * scale;
  beta.r429_request = 20 * scale;
  beta.r503 = 5 * scale;
  m.overall.counts.Add(acme);
  m.overall.counts.Add(beta);
  m.per_model[0].counts.Add(acme);
  m.per_model[1].counts.Add(beta);
  // Latencies: 60 at 20ms, 35 at 100ms, 5 at 2s, so p50 = 20ms, p90 = 100ms and p99 = 2s; queue
  // waits all 500ms.
  for (int i = 0; i < 100; ++i) {
    const Nanos latency = i < 60 ? 20 * kMs : i < 95 ? 100 * kMs : 2 * kNanosPerSecond;
    for (SliceMetrics* slice : {&m.overall, &m.per_org[0], &m.per_model[0]}) {
      slice->latency.Record(latency);
      slice->queue_wait.Record(500 * kMs);
    }
  }
  m.model_usage[0] = {8, 30.0, 40.0, 20.0, 90};  // 75% busy
  m.model_usage[1] = {4, 10.0, 40.0, 0.0, 30};   // 25% busy
  m.end_time = 60 * kNanosPerSecond;
  m.series = {
      {10 * kNanosPerSecond, SeriesMetric::kOffered, 0, 0, 12.0},
      {10 * kNanosPerSecond, SeriesMetric::kRateRpm, 1, 1, 90.5},
      {10 * kNanosPerSecond, SeriesMetric::kUtilisation, kNoOrg, 0, 0.75},
      {20 * kNanosPerSecond, SeriesMetric::kBuffered, kNoOrg, 1, std::nan("")},
  };
  return run;
}

// ---------------------------------------------------------------------------------------------------
// Replications: means and 95% intervals. The hand computations use t(0.975, 2), which has a closed
// form: with 2 degrees of freedom P(T <= t) = 1/2 + t / (2 sqrt(2 + t^2)), so t / sqrt(2 + t^2) =
// 0.95 and t = sqrt(2 * 0.9025 / 0.0975) = 4.30265272975.

inline const double kT2 = std::sqrt(2 * 0.9025 / 0.0975);

// One replication: org "acme" on model "m", 100 requests: `ok` served (all with latency `latency`
// and queue wait 500ms), `r503` 503s, the rest 429 (request limited); utilisation `util`.
inline RunResult Replica(const std::string& policy, uint64_t seed, int64_t ok, int64_t r503,
                         Nanos latency, double util) {
  RunResult run{policy, seed, {"acme"}, {"m"}, RunMetrics(1, 1)};
  RunMetrics& m = run.metrics;
  OutcomeCounts& counts = m.overall.counts;
  counts.offered = 100;
  counts.ok = ok;
  counts.r503 = r503;
  counts.r429_request = 100 - ok - r503;
  m.per_org[0].counts = counts;
  m.per_model[0].counts = counts;
  for (int64_t i = 0; i < ok; ++i) {
    for (SliceMetrics* slice : {&m.overall, &m.per_org[0], &m.per_model[0]}) {
      slice->latency.Record(latency);
      slice->queue_wait.Record(500 * kMs);
    }
  }
  m.model_usage[0] = {4, util * 100.0, 100.0, 0.0, ok};
  m.end_time = 60 * kNanosPerSecond;
  m.series = {{10 * kNanosPerSecond, SeriesMetric::kOffered, 0, 0, static_cast<double>(ok)}};
  return run;
}

// fifo: success 90%, 95%, 97%; 503 share 5%, 2%, 1%; latency 100, 120, 110ms; util 50, 60, 70%.
// none: three identical replications.
inline std::vector<RunResult> ReplicatedRuns() {
  return {Replica("fifo", 1, 90, 5, 100 * kMs, 0.5), Replica("fifo", 2, 95, 2, 120 * kMs, 0.6),
          Replica("fifo", 3, 97, 1, 110 * kMs, 0.7), Replica("none", 1, 80, 0, 10 * kMs, 0.4),
          Replica("none", 2, 80, 0, 10 * kMs, 0.4),  Replica("none", 3, 80, 0, 10 * kMs, 0.4)};
}

// Half-width of the 95% interval of three values, by hand.
inline double HalfWidth3(double a, double b, double c) {
  const double mean = (a + b + c) / 3;
  const double s =
      std::sqrt(((a - mean) * (a - mean) + (b - mean) * (b - mean) + (c - mean) * (c - mean)) / 2);
  return kT2 * s / std::sqrt(3.0);
}

}  // namespace ratesim::testing

#endif  // RATESIM_TESTS_SUPPORT_REPORT_RUNS_H_

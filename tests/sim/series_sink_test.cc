// The streamed time series against the naive one: a run's sink receives exactly the points a kept
// series holds, interval by interval; the streamed timeseries.csv is byte-identical to the one
// written from kept series for any thread count; the sweep's streaming recovery judge agrees with
// judging the kept series; and a run asked for no series builds none and measures the same.
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "sim/metrics/series_sink.h"
#include "sim/report/output_dir.h"
#include "sim/report/summary_json.h"
#include "sim/report/timeseries_csv.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/simulate/runner.h"
#include "sim/simulate/simulation.h"
#include "sim/sweep/recovery.h"
#include "tests/support/temp_dir.h"
#include "tests/support/scenario_library.h"

namespace ratesim {
namespace {

Scenario Load(const std::string& file, const std::vector<std::string>& overrides = {}) {
  return testing::LoadLibraryScenario(file, overrides);
}

// Every interval as it came: its points, and whether they all carry one time.
class IntervalRecorder : public SeriesSink {
 public:
  void OnInterval(const std::vector<SeriesPoint>& points, const KeyRegistry& names) override {
    intervals.push_back(points);
    key_count = names.key_count();
    model_count = names.model_count();
  }
  std::vector<std::vector<SeriesPoint>> intervals;
  size_t key_count = 0;
  size_t model_count = 0;
};

bool SamePoint(const SeriesPoint& a, const SeriesPoint& b) {
  return a.time == b.time && a.metric == b.metric && a.org == b.org && a.model == b.model &&
         a.value == b.value;
}

TEST(SeriesSink, ReceivesExactlyTheKeptSeriesIntervalByInterval) {
  // Retries, an outage and a partial last interval (the run drains past its duration).
  for (const char* file : {"retry_storm.toml", "outage_spiral.toml", "noisy_neighbour.toml"}) {
    SCOPED_TRACE(file);
    const Scenario scenario = Load(file);
    IntervalRecorder sink;
    SimulationOptions options;
    options.series = &sink;
    options.keep_series = true;
    absl::StatusOr<RunResult> run =
        Simulate(scenario, scenario.policies[0], scenario.run.seed, options);
    ASSERT_TRUE(run.ok()) << run.status();
    const std::vector<SeriesPoint>& kept = run->metrics.series;
    ASSERT_FALSE(sink.intervals.empty());
    size_t next = 0;
    Nanos previous = 0;
    for (const std::vector<SeriesPoint>& interval : sink.intervals) {
      // Seven points per key, then per model three and one per failure reason, all at the
      // interval's end, ends increasing.
      ASSERT_EQ(interval.size(), 7 * sink.key_count + (3 + kFailReasonCount) * sink.model_count);
      EXPECT_GT(interval.front().time, previous);
      previous = interval.front().time;
      for (const SeriesPoint& point : interval) {
        EXPECT_EQ(point.time, interval.front().time);
        ASSERT_LT(next, kept.size());
        EXPECT_TRUE(SamePoint(point, kept[next])) << "point " << next;
        ++next;
      }
    }
    EXPECT_EQ(next, kept.size());
    EXPECT_EQ(previous, run->metrics.end_time);
  }
}

TEST(SeriesSink, ARunWithoutASinkBuildsNoSeriesAndMeasuresTheSame) {
  const Scenario scenario = Load("outage_spiral.toml");
  SeriesCollector collector;
  SimulationOptions with_sink;
  with_sink.series = &collector;
  absl::StatusOr<RunResult> streamed =
      Simulate(scenario, scenario.policies[0], scenario.run.seed, with_sink);
  absl::StatusOr<RunResult> bare = Simulate(scenario, scenario.policies[0], scenario.run.seed);
  ASSERT_TRUE(streamed.ok() && bare.ok());
  EXPECT_FALSE(collector.points.empty());
  EXPECT_TRUE(streamed->metrics.series.empty());  // streamed, not kept
  EXPECT_TRUE(bare->metrics.series.empty());
  // Occupancy integrals are cut at the same instants with or without a series: identical sums.
  EXPECT_EQ(SummaryJson({*bare}), SummaryJson({*streamed}));
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(TimeseriesLog, StreamsTheSameBytesAsTheKeptSeriesForAnyThreadCount) {
  const Scenario scenario = Load("quickstart.toml", {"run.duration=3m"});
  for (const int replications : {1, 3}) {
    ComparisonOptions kept_options;
    kept_options.replications = replications;
    kept_options.keep_series = true;
    absl::StatusOr<std::vector<RunResult>> kept = RunComparison(scenario, {}, kept_options);
    ASSERT_TRUE(kept.ok()) << kept.status();
    std::ostringstream expected;
    WriteTimeseriesCsv(*kept, expected, replications);

    for (const int threads : {1, 2, 5}) {
      SCOPED_TRACE(::testing::Message() << replications << " replications, " << threads
                                        << " threads");
      testing::TempDir dir;
      absl::StatusOr<std::unique_ptr<StagedOutput>> output = StagedOutput::Create(dir / "out");
      ASSERT_TRUE(output.ok()) << output.status();
      std::vector<std::string> labels;
      for (const PolicySpec& policy : scenario.policies) labels.push_back(policy.label);
      TimeseriesLog log(**output, labels, replications);
      ComparisonOptions options;
      options.replications = replications;
      options.threads = threads;
      options.series = [&log](size_t policy, int replication) {
        return log.Open(policy, replication);
      };
      absl::StatusOr<std::vector<RunResult>> runs = RunComparison(scenario, {}, options);
      ASSERT_TRUE(runs.ok()) << runs.status();
      for (const RunResult& run : *runs) EXPECT_TRUE(run.metrics.series.empty());
      ASSERT_TRUE(log.Finish().ok());
      ASSERT_TRUE((*output)->Publish({std::string(kTimeseriesCsvFileName)}).ok());
      EXPECT_EQ(ReadFile(dir / "out/timeseries.csv"), expected.str());
    }
  }
}

TEST(RecoverySink, JudgesAsTheKeptSeriesIsJudged) {
  for (const char* window : {"1m", "10m"}) {
    const Scenario scenario = Load("outage_spiral.toml", {std::string("limits.window=") + window});
    const std::optional<Outage> outage = LastRestoredOutage(scenario);
    ASSERT_TRUE(outage.has_value());
    RecoverySink sink(*outage);
    SimulationOptions options;
    options.series = &sink;
    options.keep_series = true;
    absl::StatusOr<RunResult> run =
        Simulate(scenario, scenario.policies[0], scenario.run.seed, options);
    ASSERT_TRUE(run.ok()) << run.status();
    const Recovery expected = AssessRecovery(ModelOutcomeSeries(*run, outage->model), *outage);
    const Recovery streamed = sink.Result();
    ASSERT_TRUE(expected.baseline.has_value());  // the check covers a judged recovery
    EXPECT_EQ(streamed.baseline, expected.baseline);
    EXPECT_EQ(streamed.recovery_s, expected.recovery_s);
    EXPECT_EQ(streamed.spiral, expected.spiral);
    ASSERT_TRUE(expected.rate_low_share.has_value());
    EXPECT_EQ(streamed.rate_low_share, expected.rate_low_share);
    EXPECT_EQ(streamed.rate_recovery_s, expected.rate_recovery_s);
    EXPECT_EQ(streamed.rate_after_share, expected.rate_after_share);
  }
}

TEST(RecoverySink, SaysNothingOfAModelTheRunLacks) {
  const Scenario scenario = Load("outage_spiral.toml");
  RecoverySink sink(Outage{"no-such-model", 60 * kNanosPerSecond, 120 * kNanosPerSecond});
  SimulationOptions options;
  options.series = &sink;
  ASSERT_TRUE(Simulate(scenario, scenario.policies[0], scenario.run.seed, options).ok());
  const Recovery recovery = sink.Result();
  EXPECT_FALSE(recovery.baseline.has_value());
  EXPECT_FALSE(recovery.recovery_s.has_value());
  EXPECT_FALSE(recovery.spiral.has_value());
}

}  // namespace
}  // namespace ratesim

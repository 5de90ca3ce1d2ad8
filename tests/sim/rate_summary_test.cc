// Each key's dynamic rate summarised over a run (RunMetrics::rates, summary.json's per_org rates):
// checked against the kept time series, summarised by hand.
#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "sim/scenario/scenario_loader.h"
#include "sim/simulate/simulation.h"
#include "tests/support/scenario_library.h"

namespace ratesim {
namespace {

Scenario Load(const std::string& file, const std::vector<std::string>& overrides = {}) {
  return testing::LoadLibraryScenario(file, overrides);
}

// The statistics of `metric`'s points of key (org, model) over the intervals that start before
// `traffic_end`, from the whole series: the naive oracle.
RateStats FromSeries(const std::vector<SeriesPoint>& series, SeriesMetric metric, uint32_t org,
                     uint32_t model, Nanos traffic_end) {
  std::vector<double> values;
  Nanos start = 0;  // of the interval the next new time ends
  Nanos end = 0;
  for (const SeriesPoint& point : series) {
    if (point.time != end) {
      start = end;
      end = point.time;
    }
    if (point.metric == metric && point.org == org && point.model == model && start < traffic_end) {
      values.push_back(point.value);
    }
  }
  RateStats stats;
  if (values.empty()) return stats;
  double sum = 0.0;
  for (double v : values) sum += v;
  stats.mean = sum / static_cast<double>(values.size());
  stats.min = *std::min_element(values.begin(), values.end());
  stats.max = *std::max_element(values.begin(), values.end());
  stats.last = values.back();
  return stats;
}

void ExpectSame(const RateStats& summarised, const RateStats& oracle, const std::string& what) {
  EXPECT_NEAR(summarised.mean, oracle.mean, 1e-9 * std::max(1.0, oracle.mean)) << what;
  EXPECT_EQ(summarised.min, oracle.min) << what;
  EXPECT_EQ(summarised.max, oracle.max) << what;
  EXPECT_EQ(summarised.last, oracle.last) << what;
}

TEST(RateSummary, IsTheKeptSeriesRatesOverTheTrafficSummarised) {
  // An outage moves the rates; the drain after the traffic is left out.
  const Scenario scenario = Load("outage_spiral.toml");
  ASSERT_TRUE(scenario.run.drain);
  for (const PolicySpec& policy : scenario.policies) {
    SimulationOptions options;
    options.keep_series = true;
    options.summarise_rates = true;
    const absl::StatusOr<RunResult> run = Simulate(scenario, policy, scenario.run.seed, options);
    ASSERT_TRUE(run.ok()) << run.status();
    const std::vector<KeyRates>& rates = run->metrics.rates;
    ASSERT_FALSE(rates.empty());
    bool moved = false;
    for (const KeyRates& key : rates) {
      const std::string what = run->org_names[key.org] + "/" + run->model_names[key.model];
      ExpectSame(key.requests_per_min,
                 FromSeries(run->metrics.series, SeriesMetric::kRateRpm, key.org, key.model,
                            scenario.run.duration),
                 what + " rpm");
      ExpectSame(key.tokens_per_min,
                 FromSeries(run->metrics.series, SeriesMetric::kRateTpm, key.org, key.model,
                            scenario.run.duration),
                 what + " tpm");
      moved |= key.requests_per_min.min < key.requests_per_min.max;
      EXPECT_LE(key.requests_per_min.min, key.requests_per_min.mean);
      EXPECT_LE(key.requests_per_min.mean, key.requests_per_min.max);
    }
    EXPECT_TRUE(moved) << "the check covers rates that change";
  }
}

TEST(RateSummary, ALastSampleOfTheDrainIsNotTheLast) {
  // Under fifo the queue drains a second past the traffic, serving the steady org, whose rate moves
  // on: the summary's last is the sample at the end of the traffic's last interval, not the
  // series' last point.
  const Scenario scenario = Load("quickstart.toml", {"run.resolution=\"1s\""});
  ASSERT_EQ(scenario.policies.back().type, "fifo");
  SimulationOptions options;
  options.keep_series = true;
  options.summarise_rates = true;
  const absl::StatusOr<RunResult> run =
      Simulate(scenario, scenario.policies.back(), scenario.run.seed, options);
  ASSERT_TRUE(run.ok()) << run.status();
  ASSERT_GT(run->metrics.end_time, scenario.run.duration) << "the check needs a drain";
  const KeyRates& key = run->metrics.rates[0];
  ASSERT_EQ(run->org_names[key.org], "steady");
  Nanos last_time = 0;
  double last_in_traffic = -1.0;
  double last_of_series = -1.0;
  for (const SeriesPoint& point : run->metrics.series) {
    if (point.metric != SeriesMetric::kRateRpm || point.org != key.org || point.model != key.model) {
      continue;
    }
    if (last_time < scenario.run.duration) last_in_traffic = point.value;
    last_of_series = point.value;
    last_time = point.time;
  }
  ASSERT_NE(last_in_traffic, last_of_series) << "the check needs a rate that moves in the drain";
  EXPECT_EQ(key.requests_per_min.last, last_in_traffic);
}

TEST(RateSummary, IsTheSameWithoutASeriesAndNoneUnlessAsked) {
  const Scenario scenario = Load("quickstart.toml");
  SimulationOptions with_series;
  with_series.keep_series = true;
  with_series.summarise_rates = true;
  SimulationOptions without_series;
  without_series.summarise_rates = true;
  const absl::StatusOr<RunResult> a = Simulate(scenario, scenario.policies[0], 1, with_series);
  const absl::StatusOr<RunResult> b = Simulate(scenario, scenario.policies[0], 1, without_series);
  const absl::StatusOr<RunResult> none = Simulate(scenario, scenario.policies[0], 1);
  ASSERT_TRUE(a.ok() && b.ok() && none.ok());
  ASSERT_EQ(a->metrics.rates.size(), b->metrics.rates.size());
  for (size_t k = 0; k < a->metrics.rates.size(); ++k) {
    EXPECT_EQ(a->metrics.rates[k].requests_per_min.mean, b->metrics.rates[k].requests_per_min.mean);
    EXPECT_EQ(a->metrics.rates[k].tokens_per_min.last, b->metrics.rates[k].tokens_per_min.last);
  }
  EXPECT_TRUE(none->metrics.rates.empty());
  // Summarising looks at the rates and changes nothing else.
  EXPECT_EQ(b->metrics.overall.counts.ok, none->metrics.overall.counts.ok);
  EXPECT_EQ(b->metrics.overall.counts.r429(), none->metrics.overall.counts.r429());
}

}  // namespace
}  // namespace ratesim

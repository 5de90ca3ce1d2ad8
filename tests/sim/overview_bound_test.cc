// The overview of a long run stays within kMaxOverviewPoints: fed synthetic intervals (of uneven
// lengths, with models down for a while), OverviewSink's coalesced points are checked against a
// naive oracle that keeps every interval and combines each point's intervals from scratch.
#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "engine/key_registry.h"
#include "engine/time.h"
#include "fmt/format.h"
#include "gtest/gtest.h"
#include "sim/metrics/overview_sink.h"

namespace ratesim {
namespace {

// What one interval says, before the recorder's encoding: utilisation NaN while a model is down.
struct Interval {
  Nanos end = 0;
  double end_s = 0;                             // ToSeconds(end), as the sink reads it
  std::vector<double> offered, ok, r429, r503;  // per key, counts
  std::vector<double> rate_rpm;                 // per key, at the interval's end
  std::vector<double> utilisation;              // per model; NaN while down
  std::vector<std::vector<double>> failed;      // [model][reason], counts
};

// `count` intervals of 0.5 s to 2 s, random counts and rates; every model down for a tenth of the
// run from a quarter in, and the first model also from half-way for a seventh of it.
std::vector<Interval> Intervals(size_t count, size_t keys, size_t models, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> ms(500, 2000);
  std::uniform_int_distribution<int> counts(0, 20);
  std::uniform_real_distribution<double> level(0.05, 1.0);
  std::vector<Interval> intervals(count);
  Nanos end = 0;
  for (size_t i = 0; i < count; ++i) {
    Interval& interval = intervals[i];
    end += ms(rng) * (kNanosPerSecond / 1000);
    interval.end = end;
    interval.end_s = ToSeconds(end);
    for (size_t key = 0; key < keys; ++key) {
      interval.offered.push_back(counts(rng));
      interval.ok.push_back(counts(rng));
      interval.r429.push_back(counts(rng));
      interval.r503.push_back(counts(rng));
      interval.rate_rpm.push_back(60 * level(rng));
    }
    const bool all_down = i >= count / 4 && i < count / 4 + count / 10;
    const bool first_down = i >= count / 2 && i < count / 2 + count / 7;
    for (size_t model = 0; model < models; ++model) {
      const bool down = all_down || (model == 0 && first_down);
      interval.utilisation.push_back(down ? NAN : level(rng));
      interval.failed.emplace_back();
      for (size_t reason = 0; reason < kFailReasonCount; ++reason) {
        interval.failed.back().push_back(counts(rng) % 3);
      }
    }
  }
  return intervals;
}

// Feeds `intervals` to `sink` as the recorder would: per key its outcome counts and rates, then per
// model its utilisation (0 while down, with no live slots), buffered, slots and failed attempts.
void Feed(const std::vector<Interval>& intervals, size_t keys, size_t models, OverviewSink& sink) {
  KeyRegistry names;
  for (size_t model = 0; model < models; ++model) names.InternModel(fmt::format("m{}", model));
  for (size_t key = 0; key < keys; ++key) {
    names.InternKey(names.InternOrg(fmt::format("org{}", key)), static_cast<ModelId>(key % models));
  }
  std::vector<SeriesPoint> points;
  for (const Interval& interval : intervals) {
    const Nanos time = interval.end;
    points.clear();
    for (uint32_t key = 0; key < keys; ++key) {
      const uint32_t model = key % models;
      points.push_back({time, SeriesMetric::kOffered, key, model, interval.offered[key]});
      points.push_back({time, SeriesMetric::kOk, key, model, interval.ok[key]});
      points.push_back({time, SeriesMetric::kRejected429, key, model, interval.r429[key]});
      points.push_back({time, SeriesMetric::kRejected503, key, model, interval.r503[key]});
      points.push_back({time, SeriesMetric::kRetries, key, model, 0});
      points.push_back({time, SeriesMetric::kRateRpm, key, model, interval.rate_rpm[key]});
      points.push_back({time, SeriesMetric::kRateTpm, key, model, 0});
    }
    for (uint32_t model = 0; model < models; ++model) {
      const double utilisation = interval.utilisation[model];
      const bool down = std::isnan(utilisation);
      points.push_back({time, SeriesMetric::kUtilisation, kNoOrg, model, down ? 0 : utilisation});
      points.push_back({time, SeriesMetric::kBuffered, kNoOrg, model, 0});
      points.push_back({time, SeriesMetric::kSlots, kNoOrg, model, down ? 0.0 : 4.0});
      for (size_t reason = 0; reason < kFailReasonCount; ++reason) {
        points.push_back({time, FailedAttemptsMetric(static_cast<FailReason>(reason)), kNoOrg,
                          model, interval.failed[model][reason]});
      }
    }
    sink.OnInterval(points, names);
  }
}

// The nearest-rank quantiles (10th, 50th, 90th) of the numbers among `values`, by sorting; NaN
// when there are none.
std::vector<double> SortedQuantiles(std::vector<double> values) {
  values.erase(
      std::remove_if(values.begin(), values.end(), [](double value) { return std::isnan(value); }),
      values.end());
  std::sort(values.begin(), values.end());
  std::vector<double> quantiles;
  for (const double q : {0.1, 0.5, 0.9}) {
    const size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(values.size())));
    quantiles.push_back(values.empty() ? NAN : values[std::max<size_t>(rank, 1) - 1]);
  }
  return quantiles;
}

// Each line's value for one interval: the things' own while there are few, else their quantiles.
std::vector<double> LineValues(const std::vector<double>& things) {
  return things.size() > kMaxOverviewLines ? SortedQuantiles(things) : things;
}

double Sum(const std::vector<double>& values) {
  double sum = 0;
  for (const double value : values) sum += value;
  return sum;
}

// The point of the oracle made of intervals [first, last): outcomes per second over the whole
// length, utilisation the mean weighted by length over the intervals where it is a number, rates
// at the end.
struct OraclePoint {
  double time_s;
  std::vector<double> per_s;  // offered, ok, 429, 503, then failed by reason
  std::vector<double> rate_rpm, utilisation;
};

OraclePoint Oracle(const std::vector<Interval>& intervals, size_t first, size_t last) {
  OraclePoint point;
  point.time_s = intervals[last - 1].end_s;
  double length = 0;
  std::vector<double> counts(4 + kFailReasonCount, 0.0);
  const size_t lines = LineValues(intervals[first].utilisation).size();
  std::vector<double> busy(lines, 0.0), live(lines, 0.0);
  for (size_t i = first; i < last; ++i) {
    const Interval& interval = intervals[i];
    const double interval_length = interval.end_s - (i == 0 ? 0.0 : intervals[i - 1].end_s);
    length += interval_length;
    counts[0] += Sum(interval.offered);
    counts[1] += Sum(interval.ok);
    counts[2] += Sum(interval.r429);
    counts[3] += Sum(interval.r503);
    for (const std::vector<double>& failed : interval.failed) {
      for (size_t reason = 0; reason < kFailReasonCount; ++reason) {
        counts[4 + reason] += failed[reason];
      }
    }
    const std::vector<double> utilisation = LineValues(interval.utilisation);
    for (size_t line = 0; line < lines; ++line) {
      if (std::isnan(utilisation[line])) continue;
      busy[line] += utilisation[line] * interval_length;
      live[line] += interval_length;
    }
  }
  for (const double count : counts) point.per_s.push_back(count / length);
  point.rate_rpm = LineValues(intervals[last - 1].rate_rpm);
  for (size_t line = 0; line < lines; ++line) {
    point.utilisation.push_back(live[line] > 0 ? busy[line] / live[line] : NAN);
  }
  // The mean of one value is that value, to the bit (u * length / length need not be).
  if (last - first == 1) point.utilisation = LineValues(intervals[first].utilisation);
  return point;
}

void ExpectClose(double expected, double actual, bool exact) {
  if (exact || std::isnan(expected)) {  // NaN: EXPECT_EQ would fail on NaN == NaN
    if (std::isnan(expected)) {
      EXPECT_TRUE(std::isnan(actual)) << actual;
    } else {
      EXPECT_EQ(expected, actual);
    }
  } else {
    EXPECT_NEAR(expected, actual, 1e-9 * std::max(1.0, std::abs(expected)));
  }
}

TEST(OverviewBound, KeepsAtMostTheBoundEachPointTheOraclesOverItsIntervals) {
  constexpr size_t kBound = kMaxOverviewPoints;
  struct Case {
    size_t intervals, keys, models, intervals_per_point;
  };
  const Case cases[] = {
      {kBound, 2, 2, 1},            // fits: kept whole
      {kBound + 1, 2, 2, 2},        // one more: halved, the last point holds the one interval
      {3 * kBound + 7, 3, 1, 4},    // coalesced twice; the last point part full
      {20 * kBound + 1, 2, 2, 32},  // five times
      {5 * kBound - 3, 12, 10, 8},  // spread lines, of keys and of models
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(fmt::format("{} intervals, {} keys, {} models", c.intervals, c.keys, c.models));
    const std::vector<Interval> intervals = Intervals(c.intervals, c.keys, c.models, c.intervals);
    RunOverview overview;
    OverviewSink sink(&overview, nullptr);
    Feed(intervals, c.keys, c.models, sink);

    const size_t k = c.intervals_per_point;
    const size_t points = (c.intervals + k - 1) / k;
    EXPECT_EQ(overview.intervals_per_point, k);
    ASSERT_LE(points, kBound);
    ASSERT_EQ(overview.time_s.size(), points);
    ASSERT_EQ(overview.rate_rpm.values.size(), LineValues(intervals[0].rate_rpm).size());
    ASSERT_EQ(overview.utilisation.values.size(), LineValues(intervals[0].utilisation).size());
    size_t nan_points = 0;
    for (size_t p = 0; p < points; ++p) {
      SCOPED_TRACE(fmt::format("point {}", p));
      const OraclePoint oracle = Oracle(intervals, p * k, std::min((p + 1) * k, c.intervals));
      const bool exact = k == 1;  // a point of one interval is that interval's, to the bit
      EXPECT_EQ(overview.time_s[p], oracle.time_s);
      const std::vector<const std::vector<double>*> per_s = {
          &overview.offered_per_s, &overview.ok_per_s, &overview.r429_per_s, &overview.r503_per_s};
      for (size_t s = 0; s < 4; ++s) ExpectClose(oracle.per_s[s], (*per_s[s])[p], exact);
      for (size_t reason = 0; reason < kFailReasonCount; ++reason) {
        ExpectClose(oracle.per_s[4 + reason], overview.failed_per_s[reason][p], exact);
      }
      for (size_t line = 0; line < oracle.rate_rpm.size(); ++line) {
        EXPECT_EQ(overview.rate_rpm.values[line][p], oracle.rate_rpm[line]);
      }
      for (size_t line = 0; line < oracle.utilisation.size(); ++line) {
        ExpectClose(oracle.utilisation[line], overview.utilisation.values[line][p], exact);
        nan_points += std::isnan(oracle.utilisation[line]);
      }
    }
    EXPECT_GT(nan_points, 0u);  // some points were down throughout, and stayed NaN
  }
}

}  // namespace
}  // namespace ratesim

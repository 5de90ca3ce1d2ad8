#include "sim/metrics/overview_sink.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>

#include "fmt/format.h"

namespace ratesim {
namespace {

constexpr double kSpreadQuantiles[] = {0.1, 0.5, 0.9};
static_assert(kMaxOverviewPoints % 2 == 0, "a full overview is merged in pairs");

// The q-quantile of `values` (nearest rank), reordering them. REQUIRES: values not empty.
double Quantile(std::vector<double>& values, double q) {
  const size_t n = values.size();
  const size_t rank = std::min(n, std::max<size_t>(1, static_cast<size_t>(std::ceil(q * n)))) - 1;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(rank),
                   values.end());
  return values[rank];
}

// Appends this interval's `values` (one per thing) to `lines`: one line per thing while there are
// at most kMaxOverviewLines, else their spread. The choice is made at the `first` interval, whose
// `names` (only then needed) label the lines; a thing that appears later is left out, and one
// missing is NaN, so that every line has a value per point.
void Append(std::vector<double>& values, const std::vector<std::string>& names, const char* kind,
            bool first, OverviewLines& lines) {
  if (first) {
    lines.spread = values.size() > kMaxOverviewLines;
    if (lines.spread) {
      for (const double q : kSpreadQuantiles) {
        lines.labels.push_back(fmt::format("p{:g} of {} {}", q * 100, values.size(), kind));
      }
    } else {
      lines.labels = names;
    }
    lines.values.resize(lines.labels.size());
  }
  if (lines.spread) {  // over the things with a value: NaN has no rank
    values.erase(std::remove_if(values.begin(), values.end(),
                                [](double value) { return !std::isfinite(value); }),
                 values.end());
  }
  for (size_t line = 0; line < lines.labels.size(); ++line) {
    double value = NAN;
    if (lines.spread) {
      if (!values.empty()) value = Quantile(values, kSpreadQuantiles[line]);
    } else if (line < values.size()) {
      value = values[line];
    }
    lines.values[line].push_back(value);
  }
}

// The mean of `a` and `b` weighted by `a_weight` and `b_weight`; a value of weight 0 (NaN, for
// utilisation while down) does not count, and if neither counts the result is `a`. Written as a
// step from `a` so that equal values stay exactly equal.
double WeightedMean(double a, double a_weight, double b, double b_weight) {
  if (b_weight <= 0) return a;
  if (a_weight <= 0) return b;
  return a + (b - a) * (b_weight / (a_weight + b_weight));
}

// The per-second series of `overview`: each combines as a mean weighted by duration.
std::array<std::vector<double>*, 5 + kFailReasonCount> PerSecond(RunOverview& overview) {
  std::array<std::vector<double>*, 5 + kFailReasonCount> series{
      &overview.offered_per_s, &overview.ok_per_s, &overview.r429_per_s, &overview.r503_per_s,
      &overview.timed_out_per_s};
  for (size_t reason = 0; reason < kFailReasonCount; ++reason) {
    series[5 + reason] = &overview.failed_per_s[reason];
  }
  return series;
}

}  // namespace

OverviewSink::OverviewSink(RunOverview* out, std::unique_ptr<SeriesSink> next)
    : out_(out), next_(std::move(next)) {}

void OverviewSink::OnInterval(const std::vector<SeriesPoint>& points, const KeyRegistry& names) {
  if (!points.empty()) {
    const double end_s = ToSeconds(points.front().time);
    const double start_s = out_->time_s.empty() ? 0.0 : out_->time_s.back();
    const double length_s = end_s > start_s ? end_s - start_s : 1.0;
    const bool first = out_->time_s.empty();
    double offered = 0, ok = 0, r429 = 0, r503 = 0, timed_out = 0;
    rates_.clear();
    rate_names_.clear();
    utilisations_.clear();
    model_names_.clear();
    std::array<double, kFailReasonCount> failed{};
    for (const SeriesPoint& point : points) {
      if (const std::optional<FailReason> reason = FailReasonCounted(point.metric)) {
        failed[static_cast<size_t>(*reason)] += point.value;
        continue;
      }
      switch (point.metric) {
        case SeriesMetric::kOffered:
          offered += point.value;
          break;
        case SeriesMetric::kOk:
          ok += point.value;
          break;
        case SeriesMetric::kRejected429:
          r429 += point.value;
          break;
        case SeriesMetric::kRejected503:
          r503 += point.value;
          break;
        case SeriesMetric::kTimedOut:
          timed_out += point.value;
          break;
        case SeriesMetric::kRateRpm:
          rates_.push_back(point.value);
          if (first) {
            rate_names_.push_back(
                fmt::format("{}/{}", names.org_name(point.org), names.model_name(point.model)));
          }
          break;
        case SeriesMetric::kUtilisation:
          utilisations_.push_back(point.value);
          if (first) model_names_.push_back(names.model_name(point.model));
          break;
        case SeriesMetric::kSlots: {
          // After its utilisation (same model). A model with no work and no live slot at the
          // interval's start or end was down (or only just back), not idle: its line breaks
          // rather than drop to 0.
          const size_t model = utilisations_.size() - 1;
          if (slots_.size() <= model) slots_.resize(model + 1, 0.0);
          const double before = first ? point.value : slots_[model];
          if ((point.value == 0 || before == 0) && utilisations_.back() == 0) {
            utilisations_.back() = NAN;
          }
          slots_[model] = point.value;
          break;
        }
        default:
          break;
      }
    }
    // Full of whole points: merge them in pairs, and the interval starts a point of its own.
    const size_t held = out_->time_s.size();
    const bool last_whole = last_intervals_ == out_->intervals_per_point;
    if (last_whole && held == kMaxOverviewPoints) {
      for (size_t point = 0; point < held / 2; ++point) Merge(point, 2 * point, 2 * point + 1);
      Truncate(held / 2);
      out_->intervals_per_point *= 2;
    }
    // The interval as a point of its own...
    out_->time_s.push_back(end_s);
    out_->offered_per_s.push_back(offered / length_s);
    out_->ok_per_s.push_back(ok / length_s);
    out_->r429_per_s.push_back(r429 / length_s);
    out_->r503_per_s.push_back(r503 / length_s);
    out_->timed_out_per_s.push_back(timed_out / length_s);
    for (size_t reason = 0; reason < kFailReasonCount; ++reason) {
      out_->failed_per_s[reason].push_back(failed[reason] / length_s);
    }
    weight_s_.push_back(length_s);
    Append(rates_, rate_names_, "keys", first, out_->rate_rpm);
    Append(utilisations_, model_names_, "models", first, out_->utilisation);
    const std::vector<std::vector<double>>& utilisation = out_->utilisation.values;
    utilisation_weight_s_.resize(utilisation.size());
    for (size_t line = 0; line < utilisation.size(); ++line) {
      utilisation_weight_s_[line].push_back(std::isfinite(utilisation[line].back()) ? length_s
                                                                                    : 0.0);
    }
    // ... or joining the last one, which has room.
    if (held > 0 && !last_whole) {
      Merge(held - 1, held - 1, held);
      Truncate(held);
      ++last_intervals_;
    } else {
      last_intervals_ = 1;
    }
  }
  if (next_ != nullptr) next_->OnInterval(points, names);
}

void OverviewSink::Merge(size_t to, size_t a, size_t b) {
  const double a_weight = weight_s_[a];
  const double b_weight = weight_s_[b];
  out_->time_s[to] = out_->time_s[b];
  for (std::vector<double>* per_s : PerSecond(*out_)) {
    (*per_s)[to] = WeightedMean((*per_s)[a], a_weight, (*per_s)[b], b_weight);
  }
  weight_s_[to] = a_weight + b_weight;
  // A key's rate is a level, which the recorder samples at each interval's end, not a flow over
  // the interval; the point is drawn at its end, where this is the value the time series holds,
  // so a coalesced line still passes through true samples. A mean would draw rates no key held at
  // any instant, and a mean of percentiles is no percentile of the keys at all.
  for (std::vector<double>& line : out_->rate_rpm.values) line[to] = line[b];
  // Utilisation is itself a mean over its interval (the busy share of the live slots), so over
  // longer intervals it is their mean, weighted by duration; not by live slot-time, which is not
  // kept, so while a model's slots change it is the mean of its busy shares, not the busy share
  // of the whole span. Its spread lines are likewise the mean of each interval's percentile.
  std::vector<std::vector<double>>& utilisation = out_->utilisation.values;
  for (size_t line = 0; line < utilisation.size(); ++line) {
    std::vector<double>& weight_s = utilisation_weight_s_[line];
    utilisation[line][to] =
        WeightedMean(utilisation[line][a], weight_s[a], utilisation[line][b], weight_s[b]);
    weight_s[to] = weight_s[a] + weight_s[b];
  }
}

void OverviewSink::Truncate(size_t points) {
  out_->time_s.resize(points);
  for (std::vector<double>* per_s : PerSecond(*out_)) per_s->resize(points);
  weight_s_.resize(points);
  for (std::vector<double>& line : out_->rate_rpm.values) line.resize(points);
  for (std::vector<double>& line : out_->utilisation.values) line.resize(points);
  for (std::vector<double>& weight_s : utilisation_weight_s_) weight_s.resize(points);
}

}  // namespace ratesim

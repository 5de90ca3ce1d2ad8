#include "sim/metrics/overview_sink.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>

#include "fmt/format.h"

namespace ratesim {
namespace {

constexpr double kSpreadQuantiles[] = {0.1, 0.5, 0.9};

// The q-quantile of `values` (nearest rank), reordering them. REQUIRES: values not empty.
double Quantile(std::vector<double>& values, double q) {
  const size_t n = values.size();
  const size_t rank = std::min(n, std::max<size_t>(1, static_cast<size_t>(std::ceil(q * n)))) - 1;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(rank),
                   values.end());
  return values[rank];
}

// Appends this interval's `values` (one per thing) to `lines`: one line per thing while there are
// at most kMaxOverviewLines, else their spread. The choice is made at the first interval, whose
// `names` (only then needed) label the lines; a thing that appears later is left out.
void Append(std::vector<double>& values, const std::vector<std::string>& names, const char* kind,
            OverviewLines& lines) {
  if (values.empty()) return;
  if (lines.labels.empty()) {
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

}  // namespace

OverviewSink::OverviewSink(RunOverview* out, std::unique_ptr<SeriesSink> next)
    : out_(out), next_(std::move(next)) {}

void OverviewSink::OnInterval(const std::vector<SeriesPoint>& points, const KeyRegistry& names) {
  if (!points.empty()) {
    const double end_s = ToSeconds(points.front().time);
    const double start_s = out_->time_s.empty() ? 0.0 : out_->time_s.back();
    const double length_s = end_s > start_s ? end_s - start_s : 1.0;
    const bool first = out_->time_s.empty();
    double offered = 0, ok = 0, r429 = 0, r503 = 0;
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
    out_->time_s.push_back(end_s);
    out_->offered_per_s.push_back(offered / length_s);
    out_->ok_per_s.push_back(ok / length_s);
    out_->r429_per_s.push_back(r429 / length_s);
    out_->r503_per_s.push_back(r503 / length_s);
    for (size_t reason = 0; reason < kFailReasonCount; ++reason) {
      out_->failed_per_s[reason].push_back(failed[reason] / length_s);
    }
    Append(rates_, rate_names_, "keys", out_->rate_rpm);
    Append(utilisations_, model_names_, "models", out_->utilisation);
  }
  if (next_ != nullptr) next_->OnInterval(points, names);
}

}  // namespace ratesim

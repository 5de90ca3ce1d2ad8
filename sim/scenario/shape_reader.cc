// Reading the `shape` of an [[orgs.traffic]] stream: which arrival process, and that process's keys.
#include <string>
#include <vector>

#include "fmt/format.h"
#include "fmt/ranges.h"
#include "sim/scenario/section_keys.h"
#include "sim/scenario/section_readers.h"

namespace ratesim {
namespace scenario_internal {
namespace {

const std::vector<std::string>& Shapes() {
  static const std::vector<std::string>* const shapes = new std::vector<std::string>{
      "constant", "poisson", "bursts", "ramp", "step", "onoff", "diurnal", "closed"};
  return *shapes;
}

// `arrivals = "poisson" | "even"`: true for Poisson; `fallback` when absent or invalid (reported).
bool ReadArrivals(TableReader& reader, bool fallback) {
  const std::optional<std::string> arrivals = reader.String("arrivals", Need::kOptional);
  if (!arrivals) return fallback;
  if (*arrivals == "poisson" || *arrivals == "even") return *arrivals == "poisson";
  reader.ValueError("arrivals", fmt::format("unknown arrival process '{}'{}", *arrivals,
                                            SuggestionFor(*arrivals, {"poisson", "even"}, true)));
  return fallback;
}

// Reports "from and to are both 0" style errors at `second` when both rates are zero.
void RequireOneNonZero(TableReader& reader, const std::optional<double>& first, std::string_view first_key,
                       const std::optional<double>& second, std::string_view second_key) {
  if (first && second && *first == 0.0 && *second == 0.0) {
    reader.ValueError(second_key, fmt::format("{} and {} are both 0; expected at least one of them > 0",
                                              first_key, second_key));
  }
}

void ReadBursts(TableReader& reader, TrafficShape& shape) {
  shape.burst_count = reader.Integer("count", Need::kRequired, 1, kMaxBurstCount).value_or(0);
  const std::optional<Nanos> window = reader.Duration("window", Need::kRequired, Bound::kPositive);
  const std::optional<Nanos> every = reader.Duration("every", Need::kRequired, Bound::kPositive);
  shape.burst_window = window.value_or(0);
  shape.burst_period = every.value_or(0);
  if (window && every && *window > *every) {
    reader.ValueError("window", fmt::format("got {}, longer than every = {}; expected window <= every",
                                            Written(*reader.Find("window")), Written(*reader.Find("every"))));
  }
}

void ReadRamp(TableReader& reader, TrafficShape& shape) {
  const std::optional<double> from = reader.Rate("from", Need::kRequired, Bound::kNonNegative);
  const std::optional<double> to = reader.Rate("to", Need::kRequired, Bound::kNonNegative);
  shape.ramp_from_per_s = from.value_or(0.0);
  shape.ramp_to_per_s = to.value_or(0.0);
  RequireOneNonZero(reader, from, "from", to, "to");
  shape.ramp_over = reader.Duration("over", Need::kRequired, Bound::kPositive).value_or(0);
  shape.ramp_poisson = ReadArrivals(reader, shape.ramp_poisson);
}

void ReadStep(TableReader& reader, TrafficShape& shape) {
  const std::optional<double> before = reader.Rate("rate", Need::kRequired, Bound::kNonNegative);
  const std::optional<double> after = reader.Rate("to", Need::kRequired, Bound::kNonNegative);
  shape.rate_per_s = before.value_or(0.0);
  shape.step_to_per_s = after.value_or(0.0);
  RequireOneNonZero(reader, before, "rate", after, "to");
  shape.step_at = reader.Duration("at", Need::kRequired, Bound::kNonNegative).value_or(0);
  shape.poisson = ReadArrivals(reader, false);
}

void ReadOnOff(TableReader& reader, TrafficShape& shape) {
  shape.rate_per_s = reader.Rate("rate", Need::kRequired, Bound::kPositive).value_or(0.0);
  shape.on_duration = reader.Duration("on", Need::kRequired, Bound::kPositive).value_or(0);
  shape.off_duration = reader.Duration("off", Need::kRequired, Bound::kPositive).value_or(0);
  shape.poisson = ReadArrivals(reader, false);
}

void ReadDiurnal(TableReader& reader, TrafficShape& shape) {
  shape.rate_per_s = reader.Rate("rate", Need::kRequired, Bound::kPositive).value_or(0.0);
  shape.diurnal_amplitude = 0.5;
  if (std::optional<double> amplitude = reader.Number("amplitude", Need::kOptional, Bound::kNonNegative)) {
    if (*amplitude > 1.0) {
      reader.ValueError("amplitude", fmt::format("got {}; expected a number in [0, 1] (1: the rate falls to 0 "
                                                 "at the trough)",
                                                 Written(*reader.Find("amplitude"))));
    } else {
      shape.diurnal_amplitude = *amplitude;
    }
  }
  shape.diurnal_period =
      reader.Duration("period", Need::kOptional, Bound::kPositive).value_or(shape.diurnal_period);
  shape.diurnal_phase = reader.Duration("phase", Need::kOptional, Bound::kNonNegative).value_or(0);
  shape.poisson = ReadArrivals(reader, true);
}

void ReadClosedLoop(TableReader& reader, TrafficShape& shape) {
  shape.workers = reader.Integer("workers", Need::kRequired, 1, kMaxWorkers).value_or(0);
  shape.think_time = reader.Duration("think", Need::kOptional, Bound::kNonNegative).value_or(0);
  // `rate` is every open shape's key: "did you mean" or a list would not say why not here.
  reader.ExplainUnknown("rate",
                        "a closed loop has no rate: its pace comes from workers (requests in "
                        "flight) and think (each worker's pause between a reply and its "
                        "next request); remove it, or use an open shape such as \"poisson\"");
}

}  // namespace

void ReadShape(TableReader& reader, TrafficShape& shape) {
  const std::optional<std::string> kind = reader.String(
      "shape", Need::kRequired, fmt::format("a string, one of {}", fmt::join(Shapes(), ", ")));
  if (!kind) {
    // Every key some shape takes, so that only real typos remain.
    for (const std::string& key : ShapeKeys()) reader.Allow(key);
    return;
  }
  using Kind = TrafficShape::Kind;
  if (*kind == "constant" || *kind == "poisson") {
    shape.kind = *kind == "constant" ? Kind::kConstant : Kind::kPoisson;
    shape.rate_per_s = reader.Rate("rate", Need::kRequired, Bound::kPositive).value_or(0.0);
  } else if (*kind == "bursts") {
    shape.kind = Kind::kBursts;
    ReadBursts(reader, shape);
  } else if (*kind == "ramp") {
    shape.kind = Kind::kRamp;
    ReadRamp(reader, shape);
  } else if (*kind == "step") {
    shape.kind = Kind::kStep;
    ReadStep(reader, shape);
  } else if (*kind == "onoff") {
    shape.kind = Kind::kOnOff;
    ReadOnOff(reader, shape);
  } else if (*kind == "diurnal") {
    shape.kind = Kind::kDiurnal;
    ReadDiurnal(reader, shape);
  } else if (*kind == "closed") {
    shape.kind = Kind::kClosedLoop;
    ReadClosedLoop(reader, shape);
  } else {
    reader.ValueError(
        "shape", fmt::format("unknown traffic shape '{}'{}", *kind, SuggestionFor(*kind, Shapes(), true)));
    for (const std::string& key : ShapeKeys()) reader.Allow(key);
  }
}

}  // namespace scenario_internal
}  // namespace ratesim

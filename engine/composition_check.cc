#include "engine/composition_check.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "fmt/format.h"

namespace ratesim {
namespace {

// What happens at each touch of the key during a phase of its life.
enum class Touch { kSuccess, kTooManyRequests, kUnavailable, kNothing };

// A stretch of the key's life: it is touched `per_s` times a second, evenly, for `seconds`.
struct Phase {
  const char* what;  // for CompositionGap::state
  double seconds;
  int per_s;
  Touch touch;
  int over_every;  // kSuccess: every over_every-th success is over the rate (0: none is)
  double tokens;   // per success
  double latency_s;
  ModelCapacity capacity;
  double utilisation;
};

// The model the key lives on (FormulaProbe's default), and the same model short of capacity: its
// ceilings fall to 2 requests/s and 2e4 tokens/s at a capacity share of 0.5.
constexpr ModelCapacity kModel = {100, 1e6};
constexpr ModelCapacity kShort = {4, 4e4};

// A life with something in it for every variable a formula may read: the rate climbs on earned
// usage, meets the ceiling, is refused, loses capacity, sees 503s, recovers in a surge (so that a
// rate held low by the 503s is below what usage would give it) and settles. Token counts are large
// enough that token rates leave their floor too.
constexpr Phase kLife[] = {
    {"ramping up on 2 within-rate successes/s", 600, 2, Touch::kSuccess, 0, 2000, 0.5, kModel, 0.2},
    {"busy: 20 successes/s, one in four over the rate", 120, 20, Touch::kSuccess, 4, 2000, 2.0,
     kModel, 0.7},
    {"turned away: 5 429s/s", 10, 5, Touch::kTooManyRequests, 0, 0, 0, kModel, 0.9},
    {"model short of capacity: requests waiting, no success", 30, 2, Touch::kNothing, 0, 0, 0,
     kShort, 1.0},
    {"model short of capacity: 2 503s/s", 60, 2, Touch::kUnavailable, 0, 0, 0, kShort, 1.0},
    {"capacity back: a surge of 10 within-rate successes/s after the 503s", 120, 10,
     Touch::kSuccess, 0, 2000, 1.0, kModel, 0.5},
    {"steady at 2 within-rate successes/s", 300, 2, Touch::kSuccess, 0, 2000, 0.5, kModel, 0.2},
};

// The key is compared this often during its life, seconds: often enough that a threshold on a
// decaying variable (say, hold the rate while recent 503s exceed 1) is crossed within a short span
// of some comparison.
constexpr int kComparisonEveryS = 10;
// After its life, the key idles this long and is compared once more.
constexpr double kIdleS = 3600.0;

bool IsRateState(KeyQuantity quantity) { return quantity != KeyQuantity::kExtraWord; }

}  // namespace

std::string QuantityName(KeyQuantity quantity, size_t word) {
  switch (quantity) {
    case KeyQuantity::kRequestRate:
      return "request_rate";
    case KeyQuantity::kTokenRate:
      return "token_rate";
    case KeyQuantity::kUsageRequests:
      return "usage_requests";
    case KeyQuantity::kUsageTokens:
      return "usage_tokens";
    case KeyQuantity::kExtraWord:
      break;
  }
  return fmt::format("extra word {}", word);
}

std::vector<SpanOutcome> AdvanceLazyAndStepped(const FormulaProbe& key,
                                               absl::Span<const double> step_ends) {
  FormulaProbe lazy = key;
  lazy.AdvanceTo(key.now_s + step_ends.back());
  FormulaProbe stepped = key;
  for (const double end : step_ends) stepped.AdvanceTo(key.now_s + end);
  std::vector<SpanOutcome> outcomes = {
      {KeyQuantity::kRequestRate, 0, lazy.state.request_rate, stepped.state.request_rate},
      {KeyQuantity::kTokenRate, 0, lazy.state.token_rate, stepped.state.token_rate},
      {KeyQuantity::kUsageRequests, 0, lazy.state.usage_requests, stepped.state.usage_requests},
      {KeyQuantity::kUsageTokens, 0, lazy.state.usage_tokens, stepped.state.usage_tokens},
  };
  for (size_t w = 0; w < lazy.extra.size(); ++w) {
    outcomes.push_back({KeyQuantity::kExtraWord, w, lazy.extra[w], stepped.extra[w]});
  }
  return outcomes;
}

double RelativeGap(double lazy, double stepped, double floor) {
  if (lazy == stepped) return 0.0;
  if (!std::isfinite(lazy) || !std::isfinite(stepped)) {
    return std::numeric_limits<double>::infinity();
  }
  return std::abs(lazy - stepped) / std::max({std::abs(lazy), std::abs(stepped), floor});
}

void ProbeLife(const LimitFormula& formula,
               absl::FunctionRef<void(const FormulaProbe& key, const std::string& state)> at_state) {
  FormulaProbe key(formula, kModel);
  // When the key last had each failure, for the description: expressions may read their counts.
  double last_429_s = -1.0;
  double last_503_s = -1.0;
  auto probe = [&](std::string state) {
    if (last_429_s >= 0)
      state += fmt::format("; its last 429 {:g} s before", key.now_s - last_429_s);
    if (last_503_s >= 0)
      state += fmt::format("; its last 503 {:g} s before", key.now_s - last_503_s);
    key.SummariseAlone();
    at_state(key, state);
  };

  probe("a new key");
  for (const Phase& phase : kLife) {
    key.capacity = phase.capacity;
    key.utilisation = phase.utilisation;
    const double start_s = key.now_s;
    const int touches = static_cast<int>(phase.seconds * phase.per_s);
    for (int i = 1; i <= touches; ++i) {
      const double in_s = static_cast<double>(i) / phase.per_s;
      key.AdvanceTo(start_s + in_s);
      switch (phase.touch) {
        case Touch::kSuccess:
          key.Succeed(phase.tokens, phase.over_every == 0 || i % phase.over_every != 0,
                      phase.latency_s);
          break;
        case Touch::kTooManyRequests:
          key.Fail(HttpStatus::kTooManyRequests);
          last_429_s = key.now_s;
          break;
        case Touch::kUnavailable:
          key.Fail(HttpStatus::kServiceUnavailable);
          last_503_s = key.now_s;
          break;
        case Touch::kNothing:
          break;
      }
      if (i % static_cast<int>(kComparisonEveryS * phase.per_s) == 0) {
        probe(fmt::format("{}, {:g} s in", phase.what, in_s));
      }
    }
  }
  key.utilisation = 0.0;
  key.Advance(kIdleS);
  probe("idle for an hour after steady traffic");
}

std::optional<CompositionGap> CheckComposition(const LimitFormula& formula,
                                               const CompositionCheckOptions& options) {
  std::optional<CompositionGap> worst;
  ProbeLife(formula, [&](const FormulaProbe& key, const std::string& state) {
    for (const double span_s : options.spans_s) {
      std::vector<double> step_ends(options.steps);
      for (int i = 0; i < options.steps; ++i) step_ends[i] = span_s * (i + 1) / options.steps;
      for (const SpanOutcome& outcome : AdvanceLazyAndStepped(key, step_ends)) {
        if (!IsRateState(outcome.quantity)) continue;
        const double relative = RelativeGap(outcome.lazy, outcome.stepped, options.floor);
        // Ties keep the first found. RelativeGap is never NaN, which would compare false here.
        if (relative <= options.tolerance || (worst && relative <= worst->relative)) continue;
        worst.emplace();
        worst->quantity = outcome.quantity;
        worst->span_s = span_s;
        worst->steps = options.steps;
        worst->lazy = outcome.lazy;
        worst->stepped = outcome.stepped;
        worst->relative = relative;
        worst->state = state;
      }
    }
  });
  return worst;
}

}  // namespace ratesim

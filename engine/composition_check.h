// Whether a limit formula composes under lazy updates, as limit_formula.h requires: one update of a
// key over a span must leave it where many small updates over the same span, with nothing happening
// in between, would. A formula that breaks this gives a key a rate that depends on how often the
// key is touched, so a run's results depend on the timing of its traffic and not only on its
// amount. Built-in formulas are held to it by tests (every_formula_test.cc); a formula written in a
// scenario file (`expr`) is held to it by `ratesim validate`, which warns with what
// CheckComposition finds.
#ifndef RATESIM_ENGINE_COMPOSITION_CHECK_H_
#define RATESIM_ENGINE_COMPOSITION_CHECK_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/types/span.h"
#include "engine/formula_probe.h"
#include "engine/limit_formula.h"

namespace ratesim {

// A number of a key's state that an update moves.
enum class KeyQuantity {
  kRequestRate,    // RateState::request_rate, requests/s
  kTokenRate,      // RateState::token_rate, tokens/s
  kUsageRequests,  // RateState::usage_requests, requests/s
  kUsageTokens,    // RateState::usage_tokens, tokens/s
  kExtraWord,      // one of the formula's own words (ExtraWords())
};

// One quantity of a key after a span covered by one update (lazy) and by several (stepped).
struct SpanOutcome {
  KeyQuantity quantity = KeyQuantity::kRequestRate;
  size_t word = 0;  // kExtraWord: which word
  double lazy = 0.0;
  double stepped = 0.0;
};

// "request_rate", "token_rate", "usage_requests", "usage_tokens" or "extra word N".
std::string QuantityName(KeyQuantity quantity, size_t word = 0);

// Advances two copies of `key` over the same span, step_ends.back() seconds from key.now_s, with
// nothing happening in between: one by a single update, the other by an update to key.now_s +
// each of `step_ends` in turn. Returns every quantity of both: RateState's four, then each of the
// formula's own words. `key` is left as it was.
// REQUIRES: `step_ends` non-empty, sorted, every value >= 0.
std::vector<SpanOutcome> AdvanceLazyAndStepped(const FormulaProbe& key,
                                               absl::Span<const double> step_ends);

// |lazy - stepped| / max(|lazy|, |stepped|, floor): how far apart two values are, relative to the
// larger, where values below `floor` in magnitude count as `floor` (so two negligible numbers are
// not far apart however their ratio). 0 if both are equal (infinities included); infinite if just
// one of them is not finite or either is NaN.
double RelativeGap(double lazy, double stepped, double floor);

// The worst disagreement CheckComposition found.
struct CompositionGap {
  KeyQuantity quantity = KeyQuantity::kRequestRate;  // one of RateState's four
  double span_s = 0.0;                               // the time both copies covered
  int steps = 0;          // the updates the stepped copy took, each span_s / steps long
  double lazy = 0.0;      // the quantity after one update over span_s
  double stepped = 0.0;   // after `steps` updates
  double relative = 0.0;  // RelativeGap(lazy, stepped, CompositionCheckOptions::floor)
  std::string state;      // where the key stood before the span, in a few words
};

struct CompositionCheckOptions {
  // The spans compared at each point of the key's life, seconds.
  std::vector<double> spans_s = {1, 60, 600, 3600};
  // The updates each span is stepped in, of equal length.
  int steps = 100;
  // A relative gap above this is a disagreement. Rounding alone stays below 1e-12 over this life
  // for every built-in formula and every expression we know to compose (measured: at most 3e-13,
  // where rounding moves the crossing of a growing and a decaying term of a min()); a formula
  // that does not compose gets a part of its change per update wrong, orders of magnitude above.
  double tolerance = 1e-6;
  // Values below this (requests/s or tokens/s) count as this in the relative gap: a millionth of a
  // request a second is not a rate a run could tell apart from zero.
  double floor = 1e-6;
};

// Drives one key of `formula` through the fixed life CheckComposition describes (no randomness),
// calling `at_state` at each of its probe points, every 10 s of it and at its start and end, with
// the key as it stands there and where that is in a few words ("a new key", "busy: ..., 70 s in";
// with the time since its last 429 and 503). `at_state` may copy the key, not move it.
void ProbeLife(const LimitFormula& formula,
               absl::FunctionRef<void(const FormulaProbe& key, const std::string& state)> at_state);

// Drives one key of `formula` through a fixed life (no randomness: the same answer every time) on
// a model of 100 requests/s and 1e6 tokens/s: new; ramping up on within-rate successes; busy, some
// successes over the rate; turned away with 429s; short of capacity, then 503s; recovering in a
// surge; steady; idle for an hour. Every 10 s of it, and at its start and end, compares one update
// over each span of `options` with the same span in `options.steps` updates, on RateState's four
// quantities (not the formula's own words, which may count updates, as `expr` counts its
// non-finite results). Returns the largest relative gap (the first found of equal ones) if it
// exceeds options.tolerance, else nullopt.
std::optional<CompositionGap> CheckComposition(const LimitFormula& formula,
                                               const CompositionCheckOptions& options = {});

}  // namespace ratesim

#endif  // RATESIM_ENGINE_COMPOSITION_CHECK_H_

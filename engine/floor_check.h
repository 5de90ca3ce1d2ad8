// Whether the expressions of an `expr` formula ever give a key more than its floor. An expression
// that is below the floor in every state (negative, say, or in the wrong unit) is clamped to the
// floor at every update, so every key keeps its base rate whatever its traffic: the run goes ahead
// and nothing in its results says the expression never mattered. `ratesim validate` warns of it
// with what CheckAlwaysAtFloor finds, probing the key's life that the composition check drives
// (composition_check.h).
#ifndef RATESIM_ENGINE_FLOOR_CHECK_H_
#define RATESIM_ENGINE_FLOOR_CHECK_H_

#include <optional>
#include <string>
#include <vector>

#include "engine/expr_formula.h"

namespace ratesim {

// What CheckAlwaysAtFloor found of an expression, in its unit (requests/s or tokens/s).
struct ExpressionAtFloor {
  bool always = false;  // below the floor, or not a number, at every probe
  double highest = 0.0; // the largest of its results that was a number (NaN: none was)
  double floor = 0.0;   // the floor it was below: the formula's base
  int not_finite = 0;   // probes at which it was not a finite number (NaN or ±inf)
  std::string first_not_finite;  // the first such probe's state, in ProbeLife's words
};

struct FloorClamp {
  ExpressionAtFloor requests;  // requests_per_s
  ExpressionAtFloor tokens;    // tokens_per_s
  int probes = 0;              // the results of each expression probed (states x spans x models)
};

// Evaluates both expressions (ExprFormula::Evaluate) at every probe point of ProbeLife, over each
// of `spans_s` (the next update a key there might get, seconds), on a model of each of
// `capacities` (the capacities the keys will see: an expression may read capacity_rps, and a
// ceiling depends on it), or of the probe's own capacity if none is given. A result counts as below
// the floor if it is less than the floor by more than rounding (a billionth of it), or is not a
// finite number (Advance sets those to the floor). Returns what it found if either expression was
// below the floor at every probe, or not a finite number at some probe (`ln(r429_1m)` once a key
// has had no 429 for a while: the key falls back to its floor there, a fault a new key alone does
// not show), else nullopt.
std::optional<FloorClamp> CheckAlwaysAtFloor(const ExprFormula& formula,
                                             const std::vector<ModelCapacity>& capacities = {},
                                             const std::vector<double>& spans_s = {1, 60, 600,
                                                                                   3600});

}  // namespace ratesim

#endif  // RATESIM_ENGINE_FLOOR_CHECK_H_

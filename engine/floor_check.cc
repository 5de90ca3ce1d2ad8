#include "engine/floor_check.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "engine/composition_check.h"
#include "engine/formula_probe.h"

namespace ratesim {
namespace {

// Folds one result into what is known of its expression, whose `floor` it is clamped to.
void Note(double result, double floor, ExpressionAtFloor& seen) {
  seen.floor = floor;
  // Negated, so that NaN counts as below: it gives the floor too.
  if (!(result >= floor - 1e-9 * floor)) {
    if (std::isfinite(result) && !(result <= seen.highest)) seen.highest = result;
    return;
  }
  seen.always = false;
  if (!(result <= seen.highest)) seen.highest = result;
}

}  // namespace

std::optional<FloorClamp> CheckAlwaysAtFloor(const ExprFormula& formula,
                                             const std::vector<double>& spans_s) {
  FloorClamp found;
  found.requests = {true, std::numeric_limits<double>::quiet_NaN(), 0.0};
  found.tokens = found.requests;
  ProbeLife(formula, [&](const FormulaProbe& key, const std::string&) {
    for (const double span_s : spans_s) {
      const Update update = key.UpdateTo(key.now_s + span_s);
      const ExprFormula::Results results = formula.Evaluate(key.state, key.extra, update);
      const RateBounds bounds = formula.Bounds(update.model.capacity);
      Note(results.requests, bounds.min_requests, found.requests);
      Note(results.tokens, bounds.min_tokens, found.tokens);
      ++found.probes;
    }
  });
  if (!found.requests.always && !found.tokens.always) return std::nullopt;
  return found;
}

}  // namespace ratesim

#include "engine/floor_check.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "engine/composition_check.h"
#include "engine/formula_probe.h"

namespace ratesim {
namespace {

// Folds one result, got in `state`, into what is known of its expression, whose `floor` it is
// clamped to.
void FoldResult(double result, double floor, const std::string& state, ExpressionAtFloor& seen) {
  seen.floor = floor;
  if (std::isfinite(result) && !(result <= seen.highest)) seen.highest = result;
  if (!std::isfinite(result) && seen.not_finite++ == 0) seen.first_not_finite = state;
  // Advance sets a result that is not a finite number (NaN, and +inf too) to the floor.
  const bool clamped_to_floor = !std::isfinite(result) || result < floor - 1e-9 * floor;
  if (!clamped_to_floor) seen.always = false;
}

}  // namespace

std::optional<FloorClamp> CheckAlwaysAtFloor(const ExprFormula& formula,
                                             const std::vector<ModelCapacity>& capacities,
                                             const std::vector<double>& spans_s) {
  FloorClamp found;
  found.requests.always = true;
  found.requests.highest = std::numeric_limits<double>::quiet_NaN();
  found.tokens = found.requests;
  ProbeLife(formula, [&](const FormulaProbe& key, const std::string& state) {
    for (const double span_s : spans_s) {
      Update update = key.UpdateTo(key.now_s + span_s);
      const std::vector<ModelCapacity> own = {update.model.capacity};
      for (const ModelCapacity& capacity : capacities.empty() ? own : capacities) {
        update.model.capacity = capacity;
        const ExprFormula::Results results = formula.Evaluate(key.state, key.extra, update);
        const RateBounds bounds = formula.Bounds(capacity);
        FoldResult(results.requests, bounds.min_requests, state, found.requests);
        FoldResult(results.tokens, bounds.min_tokens, state, found.tokens);
        ++found.probes;
      }
    }
  });
  const bool any = found.requests.always || found.tokens.always || found.requests.not_finite > 0 ||
                   found.tokens.not_finite > 0;
  if (!any) return std::nullopt;
  return found;
}

}  // namespace ratesim

#include "sim/report/composition_warning.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/expr_formula.h"
#include "engine/limit_formula.h"
#include "engine/shown_number.h"
#include "fmt/format.h"
#include "fmt/ranges.h"
#include "sim/scenario/scenario_formulas.h"

namespace ratesim {
namespace {

// Enough significant digits that two values `relative` apart print differently; at least three.
int DigitsToTell(double relative) {
  if (!(relative > 0) || !std::isfinite(relative)) return 3;
  return std::clamp(static_cast<int>(std::ceil(-std::log10(relative))) + 2, 3, 12);
}

// `value` with `digits` significant digits, in fixed notation: "2.00", "11.0", "147784",
// "0.000374".
std::string Significant(double value, int digits) {
  if (std::isnan(value)) return ShownNumber(value);
  if (value == 0 || !std::isfinite(value)) return fmt::format("{:g}", value);
  const int magnitude = static_cast<int>(std::floor(std::log10(std::abs(value))));
  return fmt::format("{:.{}f}", value, std::max(0, digits - 1 - magnitude));
}

std::string Percent(double relative) {
  const double percent = 100 * relative;
  return percent >= 10 ? fmt::format("{:.0f}%", percent) : fmt::format("{:.2g}%", percent);
}

bool IsTokens(KeyQuantity quantity) {
  return quantity == KeyQuantity::kTokenRate || quantity == KeyQuantity::kUsageTokens;
}

// What disagrees: for `expr` the expression that computed the rate, else the rate or usage.
std::string Subject(std::string_view formula, KeyQuantity quantity) {
  const bool expr = formula == ExprFormula::kName;
  switch (quantity) {
    case KeyQuantity::kRequestRate:
      return expr ? fmt::format("its {}", ExprFormula::kRequestsParam) : "its request rate";
    case KeyQuantity::kTokenRate:
      return expr ? fmt::format("its {}", ExprFormula::kTokensParam) : "its token rate";
    default:
      return "its " + QuantityName(quantity);
  }
}

}  // namespace

std::string CompositionWarning(std::string_view formula, std::string_view owner,
                               const CompositionGap& gap) {
  const int digits = DigitsToTell(gap.relative);
  const char* unit = IsTokens(gap.quantity) ? "tokens/s" : "req/s";
  const std::string apart =
      std::isfinite(gap.relative) ? Percent(gap.relative) + " apart" : "one is not a finite number";
  const std::string fix =
      formula == ExprFormula::kName
          ? "Write growth and decay as functions of elapsed_s, e.g. rate_rps * 1.5^(elapsed_s/60) "
            "rather than rate_rps * 1.01, so that one update over a minute gives what sixty "
            "updates of a second give."
          : "Its Advance must catch up in closed form (engine/limit_formula.h); "
            "ctest -R EveryFormula holds it to that.";
  return fmt::format(
      "warning: limit formula '{}' of {} does not compose under lazy updates: at one point of a "
      "test key's life ({}), {} gives {} {} after one update over {:g} s, but {} {} after {} "
      "updates of {:g} s ({}). The engine updates a key only when the key is touched, with all "
      "the time since it was last touched, so the rate depends on how often a key is touched: "
      "results then depend on the timing of the traffic, not only on its amount. {}\n",
      formula, owner, gap.state, Subject(formula, gap.quantity), Significant(gap.lazy, digits),
      unit, gap.span_s, Significant(gap.stepped, digits), unit, gap.steps, gap.span_s / gap.steps,
      apart, fix);
}

std::string CompositionWarnings(const Scenario& scenario) {
  std::string warnings;
  for (const ScenarioFormula& made : ScenarioFormulas(scenario)) {
    if (const std::optional<CompositionGap> gap = CheckComposition(*made.formula)) {
      warnings += CompositionWarning(scenario.limits.formula, made.owner, *gap);
    }
  }
  return warnings;
}

std::string CompositionInputs(const Scenario& scenario) {
  // Sorted, since the parameter maps' order is not defined; lengths before texts, so that no two
  // different inputs read alike.
  auto add_sorted = [](std::string& text, const auto& map) {
    std::vector<std::string> entries;
    for (const auto& [name, value] : map) {
      const std::string text = fmt::format("{}", value);
      entries.push_back(fmt::format("{}:{}={}:{}", name.size(), name, text.size(), text));
    }
    std::sort(entries.begin(), entries.end());
    text += fmt::format("{}[{}]", entries.size(), fmt::join(entries, ","));
  };
  const LimitSpec& limits = scenario.limits;
  std::string text = fmt::format("{}:{}", limits.formula.size(), limits.formula);
  add_sorted(text, limits.params);
  add_sorted(text, limits.texts);
  for (const OrgSpec& org : scenario.orgs) {
    if (org.limit_overrides.empty()) continue;
    text += fmt::format("{}:{}", org.name.size(), org.name);
    add_sorted(text, org.limit_overrides);
  }
  return text;
}

}  // namespace ratesim

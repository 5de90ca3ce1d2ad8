// The registry of limit formulas by name: the one place that knows every built-in formula.
#include "engine/aimd_formula.h"
#include "engine/capacity_share_formula.h"
#include "engine/earned_formula.h"
#include "engine/expr_formula.h"
#include "engine/fixed_formula.h"
#include "engine/gradient_formula.h"
#include "engine/limit_formula.h"
#include "engine/peak_window_formula.h"
#include "fmt/format.h"

namespace ratesim {
namespace {

template <typename Formula>
std::unique_ptr<LimitFormula> Make(const ParamValues& resolved) {
  return std::make_unique<Formula>(resolved);
}

}  // namespace

const std::vector<FormulaInfo>& Formulas() {
  static const std::vector<FormulaInfo>* const formulas = new std::vector<FormulaInfo>{
      {"earned",
       "headroom x trailing successful usage, clamped to [base, ceiling], bounded growth (default)",
       EarnedFormula::Params(), &Make<EarnedFormula>},
      {"fixed", "a static limit in RPM and TPM", FixedFormula::Params(), &Make<FixedFormula>},
      {"aimd", "additive increase on within-rate success, multiplicative decrease on each 503",
       AimdFormula::Params(), &Make<AimdFormula>},
      {"peak_window", "multiple x the peak successful rate in a trailing window, within bounds",
       PeakWindowFormula::Params(), &Make<PeakWindowFormula>},
      {"capacity_share",
       "a share of the model's live capacity split max-min fair by the keys' recent usage",
       CapacityShareFormula::Params(), &Make<CapacityShareFormula>},
      {"gradient", "latency gradient (like Gradient2): rising latency cuts the rate, flat grows it",
       GradientFormula::Params(), &Make<GradientFormula>},
      {ExprFormula::kName, "two expressions in the scenario file, evaluated at each update of a key",
       ExprFormula::Params(), nullptr,
       [](const ParamValues& numbers, const ParamTexts& texts) {
         return ExprFormula::Create(numbers, texts);
       },
       ExprFormula::Help()},
  };
  return *formulas;
}

absl::StatusOr<std::unique_ptr<LimitFormula>> MakeFormula(std::string_view name,
                                                          const ParamValues& params,
                                                          const ParamTexts& texts) {
  for (const FormulaInfo& info : Formulas()) {
    if (info.name == name && info.make_written != nullptr) return info.make_written(params, texts);
  }
  if (!texts.empty()) {
    return absl::InvalidArgumentError(fmt::format(
        "limit formula '{}' takes no text parameters, got '{}'", name, SortedNames(texts).front()));
  }
  return MakeByName<LimitFormula>(Formulas(), "limit formula", name, params);
}

}  // namespace ratesim

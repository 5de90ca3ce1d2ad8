#include "sim/cli/list_commands.h"

#include <cmath>

#include "engine/limit_formula.h"
#include "engine/smoothing_policy.h"
#include "fmt/format.h"
#include "sim/scenario/units.h"
#include "sim/report/text_table.h"

namespace ratesim {
namespace {

std::string KindName(ParamKind kind) {
  switch (kind) {
    case ParamKind::kNumber: return "number";
    case ParamKind::kCount: return "count";
    case ParamKind::kDuration: return "duration";
  }
  return "";
}

// The default as a scenario file would write it: "30s" for a duration, "64" for a count.
std::string DefaultText(const ParamSpec& spec) {
  if (spec.kind == ParamKind::kDuration) return FormatDuration(FromSeconds(spec.default_value));
  if (std::isinf(spec.default_value)) return "unlimited";
  return fmt::format("{}", spec.default_value);
}

// The values the spec accepts, as the loader checks them: "> 0", "(0, 1]", and "<= window" for a
// parameter that may not exceed another. From the spec, so that a listing cannot promise a bound
// that is not enforced.
std::string RangeOf(const ParamSpec& spec) {
  if (spec.at_most.empty()) return RangeText(spec);
  return fmt::format("{}, {} {}", RangeText(spec), spec.below_at_most ? "<" : "<=", spec.at_most);
}

// More about an entry after its parameters: a written formula's texts and variables.
std::string DetailsOf(const FormulaInfo& info) { return info.details; }
std::string DetailsOf(const PolicyInfo&) { return ""; }

// One block per entry: "name  summary", then its parameters as an indented table, then its details.
template <typename Info>
void List(const std::vector<Info>& infos, const char* what, std::ostream& out) {
  size_t width = 0;
  for (const Info& info : infos) width = std::max(width, info.name.size());
  for (size_t i = 0; i < infos.size(); ++i) {
    const Info& info = infos[i];
    if (i > 0) out << '\n';
    out << fmt::format("{:<{}}  {}\n", info.name, width, info.summary);
    if (info.params.empty()) {
      out << "    (no parameters)\n";
      continue;
    }
    TextTable table({{"parameter", TextTable::Align::kLeft},
                     {"kind", TextTable::Align::kLeft},
                     {"default", TextTable::Align::kRight},
                     {"range", TextTable::Align::kLeft},
                     {"help", TextTable::Align::kLeft}});
    for (const ParamSpec& spec : info.params) {
      table.AddRow({spec.name, KindName(spec.kind), DefaultText(spec), RangeOf(spec), spec.help});
    }
    const std::string text = table.Render();
    size_t start = 0;
    while (start < text.size()) {
      const size_t end = text.find('\n', start);
      out << "    " << text.substr(start, end - start + 1);
      start = end + 1;
    }
    out << DetailsOf(info);
  }
  out << fmt::format("\nset them in a scenario's {}\n", what);
}

}  // namespace

int ListPoliciesCommand(const ParsedArgs& args, const CommandContext& context) {
  List(Policies(), "[[policies]] table: type = \"<name>\", then parameter = value", context.out);
  return kExitOk;
}

int ListFormulasCommand(const ParsedArgs& args, const CommandContext& context) {
  List(Formulas(), "[limits] table: formula = \"<name>\", then parameter = value", context.out);
  return kExitOk;
}

}  // namespace ratesim

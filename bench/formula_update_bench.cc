// The cost of one key's formula work per request: an Advance (the lazy update) and a RecordSuccess,
// for every formula built in C++ (from the registry) and for `expr` with three expressions: the
// restatement of `earned`, the scenario example that holds the rate on 503s, and a constant.
#include <memory>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "engine/limit_formula.h"

namespace ratesim {
namespace {

void FormulaUpdate(benchmark::State& state, std::string name, ParamValues numbers, ParamTexts texts) {
  absl::StatusOr<std::unique_ptr<LimitFormula>> made = MakeFormula(name, numbers, texts);
  if (!made.ok()) {
    state.SkipWithError(std::string(made.status().message()).c_str());
    return;
  }
  const LimitFormula& formula = **made;
  const ModelCapacity capacity{100, 1e6};
  RateState rate = formula.Initial(capacity);
  std::vector<double> extra(formula.ExtraWords(), 0.0);
  Update update;
  update.model.capacity = capacity;
  update.model.utilisation = 0.5;
  update.elapsed_s = 0.25;  // a key at 4 requests/s
  Completion completion;
  completion.tokens = 500;
  for (auto _ : state) {
    update.now_s += update.elapsed_s;
    formula.Advance(rate, absl::MakeSpan(extra), update);
    formula.RecordSuccess(rate, absl::MakeSpan(extra), completion);
    benchmark::DoNotOptimize(rate);
  }
  state.SetItemsProcessed(state.iterations());
}

const int registered = [] {
  for (const FormulaInfo& info : Formulas()) {
    if (info.make_written != nullptr) continue;
    benchmark::RegisterBenchmark(("BM_FormulaUpdate/" + info.name).c_str(), FormulaUpdate, info.name,
                                 ParamValues{}, ParamTexts{});
  }
  benchmark::RegisterBenchmark(
      "BM_FormulaUpdate/expr_earned", FormulaUpdate, "expr", ParamValues{},
      ParamTexts{{"requests_per_s",
                  "min(rate_rps * 1.5^(elapsed_s/60), max(base_rps, min(ceiling_rps, 2*ok_rps_10m)))"},
                 {"tokens_per_s",
                  "min(rate_tps * 1.5^(elapsed_s/60), max(base_tps, min(ceiling_tps, 2*ok_tps_10m)))"}});
  benchmark::RegisterBenchmark(
      "BM_FormulaUpdate/expr_hold", FormulaUpdate, "expr",
      ParamValues{{"growth", 1.5}, {"headroom", 2}, {"hold", 1}},
      ParamTexts{{"requests_per_s",
                  "hold * r503_1m > 1 ? rate_rps : min(rate_rps * growth^(elapsed_s/60), "
                  "max(base_rps, min(ceiling_rps, headroom * ok_rps_1m)))"},
                 {"tokens_per_s",
                  "hold * r503_1m > 1 ? rate_tps : min(rate_tps * growth^(elapsed_s/60), "
                  "max(base_tps, min(ceiling_tps, headroom * ok_tps_1m)))"}});
  benchmark::RegisterBenchmark("BM_FormulaUpdate/expr_constant", FormulaUpdate, "expr", ParamValues{},
                               ParamTexts{{"requests_per_s", "base_rps"}, {"tokens_per_s", "base_tps"}});
  return 0;
}();

}  // namespace
}  // namespace ratesim

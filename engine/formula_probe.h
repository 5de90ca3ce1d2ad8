// One key of a limit formula driven by hand, as the engine would drive it: its RateState, the words
// the formula keeps of its own, a clock and the model it sees. For formulas with a model summary
// the summary is whatever the caller puts in `summary` (the engine's period refresh is tested
// there). Tests use it to hold formulas to their promises, and composition_check.h to find out
// whether a formula catches up in closed form. A copy is an independent key in the same state.
#ifndef RATESIM_ENGINE_FORMULA_PROBE_H_
#define RATESIM_ENGINE_FORMULA_PROBE_H_

#include <vector>

#include "absl/types/span.h"
#include "engine/limit_formula.h"

namespace ratesim {

class FormulaProbe {
 public:
  explicit FormulaProbe(const LimitFormula& formula, ModelCapacity capacity = {100, 1e6})
      : capacity(capacity),
        state(formula.Initial(capacity)),
        extra(formula.ExtraWords(), 0.0),
        summary(formula.SummaryWords(), 0.0),
        formula_(&formula) {}

  // Time passes: `elapsed_s` >= 0 with nothing in between.
  void Advance(double elapsed_s) { AdvanceTo(now_s + elapsed_s); }
  // Time passes up to `to_s` (not before the probe's now).
  void AdvanceTo(double to_s) {
    const Update update = UpdateTo(to_s);
    now_s = to_s;
    formula_->Advance(state, absl::MakeSpan(extra), update);
  }
  // The update that would bring the key to `to_s` (not before the probe's now), on the model as
  // it is; the key stays where it is.
  Update UpdateTo(double to_s) const {
    Update update;
    update.elapsed_s = to_s - now_s;
    update.now_s = to_s;
    update.model.capacity = capacity;
    update.model.utilisation = utilisation;
    update.model.summary = summary;
    return update;
  }
  void Succeed(double tokens, bool within_rate = true, double latency_s = 0.5) {
    Completion completion;
    completion.tokens = tokens;
    completion.latency_s = latency_s;
    completion.within_rate = within_rate;
    formula_->RecordSuccess(state, absl::MakeSpan(extra), completion);
  }
  void Fail(HttpStatus status) { formula_->RecordFailure(state, absl::MakeSpan(extra), status); }
  RateBounds Bounds() const { return formula_->Bounds(capacity); }
  const LimitFormula& formula() const { return *formula_; }
  // Sets `summary` to the formula's summary of a model where this key is alone, as it stands now.
  void SummariseAlone() {
    const KeySample sample{&state, extra, 0.0};
    formula_->Summarise(absl::MakeConstSpan(&sample, 1), capacity, absl::MakeSpan(summary));
  }

  double now_s = 0.0;  // the key was created at 0
  ModelCapacity capacity;
  double utilisation = 0.0;
  RateState state;
  std::vector<double> extra;
  std::vector<double> summary;

 private:
  const LimitFormula* formula_;
};

}  // namespace ratesim

#endif  // RATESIM_ENGINE_FORMULA_PROBE_H_

// Calls into a LimitFormula for tests of formulas that keep no words beyond RateState: the time,
// model view and completion a test does not care about are filled in plainly.
#ifndef RATESIM_TESTS_SUPPORT_FORMULA_CALLS_H_
#define RATESIM_TESTS_SUPPORT_FORMULA_CALLS_H_

#include "engine/limit_formula.h"
#include "gtest/gtest.h"

namespace ratesim {

inline void Advance(const LimitFormula& formula, RateState& state, double elapsed_s,
                    const ModelCapacity& capacity) {
  EXPECT_EQ(formula.ExtraWords(), 0u) << "use FormulaProbe for formulas with words of their own";
  Update update;
  update.elapsed_s = elapsed_s;
  update.model.capacity = capacity;
  formula.Advance(state, {}, update);
}

inline void Succeed(const LimitFormula& formula, RateState& state, double tokens, bool within_rate) {
  Completion completion;
  completion.tokens = tokens;
  completion.within_rate = within_rate;
  formula.RecordSuccess(state, {}, completion);
}

inline void Fail(const LimitFormula& formula, RateState& state, HttpStatus status) {
  formula.RecordFailure(state, {}, status);
}

}  // namespace ratesim

#endif  // RATESIM_TESTS_SUPPORT_FORMULA_CALLS_H_

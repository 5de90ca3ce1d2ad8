// `fixed`: the classic static tier. The rate is the configured RPM/TPM, whatever the usage.
#ifndef RATESIM_ENGINE_FIXED_FORMULA_H_
#define RATESIM_ENGINE_FIXED_FORMULA_H_

#include <vector>

#include "engine/limit_formula.h"

namespace ratesim {

class FixedFormula final : public LimitFormula {
 public:
  static std::vector<ParamSpec> Params();
  // REQUIRES: `params` resolved against Params().
  explicit FixedFormula(const ParamValues& params);

  RateBounds Bounds(const ModelCapacity&) const override {
    return {request_rate_, request_rate_, token_rate_, token_rate_};
  }
  RateState Initial(const ModelCapacity& capacity) const override;
  void Advance(RateState&, absl::Span<double>, const Update&) const override {}
  void RecordSuccess(RateState&, absl::Span<double>, const Completion&) const override {}
  bool Constant() const override { return true; }

 private:
  double request_rate_;  // requests/s
  double token_rate_;    // tokens/s
};

}  // namespace ratesim

#endif  // RATESIM_ENGINE_FIXED_FORMULA_H_

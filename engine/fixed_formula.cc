#include "engine/fixed_formula.h"

namespace ratesim {

std::vector<ParamSpec> FixedFormula::Params() {
  return {
      {"rpm", ParamKind::kNumber, 60.0, 0.0, true, "the limit in requests per minute"},
      {"tpm", ParamKind::kNumber, 180000.0, 0.0, true, "the limit in tokens per minute"},
  };
}

FixedFormula::FixedFormula(const ParamValues& params)
    : request_rate_(params.at("rpm") / 60.0), token_rate_(params.at("tpm") / 60.0) {}

RateState FixedFormula::Initial(const ModelCapacity&) const {
  return RateState{request_rate_, token_rate_, 0.0, 0.0};
}

}  // namespace ratesim

// The seam researchers change: a limit formula maps an (org, model) key's recent successful usage, the
// model's live capacity and the time elapsed to the key's next dynamic rate, in requests/s and
// tokens/s.
//
// Formulas update lazily: the engine calls Advance only when a key is touched, with the whole time
// elapsed since its last update, and Advance must catch up in closed form. Advancing by a then b must
// equal advancing by a + b (up to rounding); tests hold every formula to that.
//
// Thread-safety: a formula is immutable after construction and may be shared.
#ifndef RATESIM_ENGINE_LIMIT_FORMULA_H_
#define RATESIM_ENGINE_LIMIT_FORMULA_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/attribution.h"
#include "engine/param_spec.h"

namespace ratesim {

// What a model can serve, as the formulas see it: nominal throughput of its live slots.
struct ModelCapacity {
  double requests_per_s = 0.0;
  double tokens_per_s = 0.0;
};

// The part of a key's state that a formula owns. Plain values; the engine stores one per key.
struct RateState {
  double request_rate = 0.0;  // the dynamic rate, requests/s
  double token_rate = 0.0;    // the dynamic rate, tokens/s
  double usage_requests = 0.0;  // the formula's measure of recent successful requests/s
  double usage_tokens = 0.0;    // the formula's measure of recent successful tokens/s
};

class LimitFormula {
 public:
  virtual ~LimitFormula() = default;

  // The state of a key seen for the first time.
  virtual RateState Initial(const ModelCapacity& capacity) const = 0;

  // Moves `state` forward by `elapsed_s` >= 0 seconds with no success in between.
  virtual void Advance(RateState& state, double elapsed_s, const ModelCapacity& capacity) const = 0;

  // A request of this key completed successfully now, with `tokens` actual tokens (input + output).
  // `within_rate` tells whether it was within the dynamic rate at arrival.
  virtual void RecordSuccess(RateState& state, double tokens, bool within_rate) const = 0;

  // A request of this key failed now with `status` (503: the platform was overloaded; 429: the
  // key was over its rate). Formulas that react to overload override it; the default ignores it.
  virtual void RecordFailure(RateState& state, HttpStatus status) const {}
};

struct FormulaInfo {
  std::string name;
  std::string summary;
  std::vector<ParamSpec> params;
  // REQUIRES: `resolved` holds every parameter of `params`.
  std::unique_ptr<LimitFormula> (*make)(const ParamValues& resolved);
};

// Every registered formula, in a stable order.
const std::vector<FormulaInfo>& Formulas();

// A new formula. Fails with InvalidArgument on an unknown name (the message lists the known ones) or
// a parameter its spec rejects.
absl::StatusOr<std::unique_ptr<LimitFormula>> MakeFormula(std::string_view name,
                                                          const ParamValues& params);

}  // namespace ratesim

#endif  // RATESIM_ENGINE_LIMIT_FORMULA_H_

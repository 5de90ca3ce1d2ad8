// `expr`: a limit formula written in the scenario file, without recompiling, as two muparser
// expressions, one per dimension:
//
//   [limits]
//   formula = "expr"
//   requests_per_s = "min(rate_rps * growth^(elapsed_s/60), max(base_rps, 2 * ok_rps_10m))"
//   tokens_per_s   = "min(rate_tps * growth^(elapsed_s/60), max(base_tps, 2 * ok_tps_10m))"
//   growth = 1.5   # every number of the table that is not a parameter is a constant of both,
//                  # which one of them must use
//
// Both are evaluated at each lazy update of a key (Advance), never per request, on the variables
// below as they stand at the update; each result becomes the key's rate in its dimension, clamped
// to Bounds() (floor base, ceiling as earned's). A result that is not finite (a division by zero,
// say) gives the floor. ExprFormula::Create refuses expressions that are empty, assign, do not
// compile, give more than one value (a decimal comma) or a non-finite result on a new key, and
// constants that neither expression uses (see Create).
//
// Variables (Variables() lists them with this help; `ratesim formulas` prints it):
//   rate_rps, rate_tps           the key's rate before this update
//   ok_rps_1m, ok_rps_10m, ok_rps_1h, ok_tps_1m, ok_tps_10m, ok_tps_1h
//                                within-rate successful requests/s and tokens/s: exponentially
//                                weighted averages, time constants 1 min, 10 min, 1 h. The impulse law
//                                of `earned`: each success adds 1/window (tokens/window), decaying as
//                                e^(-t/window), so ok_rps_10m is earned's usage with its default window
//   served_rps_1m, ..._10m, ..._1h, served_tps_1m, ..._10m, ..._1h
//                                the same over every success, within the rate or not
//   r429_1m, r503_1m             recent 429s and 503s of the key: each adds 1, decaying as e^(-t/60s)
//   capacity_rps, capacity_tps   the model's live nominal capacity; through a total outage the
//                                last above 0 (Engine::SetCapacity), so never 0 once it was not
//   utilisation                  busy share of the model's live slots at the update, 0 to 1 (slots
//                                taken away count as live while their requests run; 1 with none)
//   now_s, elapsed_s, age_s      the time, the time since the key's previous update and since its
//                                first request, seconds
//   base_rps, base_tps, ceiling_rps, ceiling_tps
//                                the bounds the result is clamped to (ceilings follow the capacity)
// plus muparser's functions and operators (min, max, exp, ln, abs, ^, ?:, ...).
//
// State: the ten-minute averages are RateState's usage (what reports show, as for `earned`); the
// other trailing rates and counts are ExtraWords(). Between updates every trailing value only
// decays, in closed form, so the values the expressions see do not depend on how updates were
// split; whether the rates compose (advancing by a then b equals a + b) depends on the expressions.
// The restatement of `earned` does; `ratesim validate` warns of expressions that do not
// (composition_check.h).
//
// Thread-safety: like every formula, an instance belongs to one engine. Its expressions read their
// variables from members that Advance fills before evaluating (muparser binds variables by
// address), so it must not be shared between threads.
#ifndef RATESIM_ENGINE_EXPR_FORMULA_H_
#define RATESIM_ENGINE_EXPR_FORMULA_H_

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/limit_formula.h"
#include "engine/rate_range.h"

namespace mu {
class Parser;
}  // namespace mu

namespace ratesim {

// Where an expression of `expr` is wrong, for a scenario loader to point into its text.
struct ExprError {
  enum class Kind {
    kNone,
    kEmpty,           // the expression is empty or blank
    kAssignment,      // it assigns (=, +=, -=, *=, /=): `token` is the operator, at `position`
    kSyntax,          // muparser does not compile it (see unknown_name)
    kManyResults,     // it gives several values: `position` is the first ',' between them
    kNotFinite,       // its result on a new key is not finite
    kUnusedConstant,  // constants neither expression uses: unused_constants (`param` is empty)
  };
  Kind kind = Kind::kNone;
  std::string param;         // the expression's parameter: "requests_per_s" or "tokens_per_s"
  int position = -1;         // 0-based offset in the expression of the fault; -1: none (all of it)
  std::string token;         // the faulty token as muparser read it; may be empty
  bool unknown_name = false; // `token` is a name that is neither a variable nor a function
  std::string message;       // what is wrong: what muparser said (kSyntax), else ours
  // What to do. For kSyntax only where muparser's words name no fix that we know: an if-then-else
  // without its else (`position` then at its '?', which muparser does not give), a function that
  // muparser lacks (clamp, pow, if, round); else empty, and a loader, which knows the names to
  // suggest, says what to do.
  std::string fix;
  // kUnusedConstant: every constant that neither expression uses, and every name (variable or
  // constant) that they do use, for a "did you mean"; both sorted.
  std::vector<std::string> unused_constants;
  std::vector<std::string> used_names;
};

class ExprFormula final : public LimitFormula {
 public:
  static constexpr const char* kName = "expr";
  // The text parameters, both required.
  static constexpr const char* kRequestsParam = "requests_per_s";
  static constexpr const char* kTokensParam = "tokens_per_s";

  struct Variable {
    const char* name;
    const char* help;
  };
  // Every variable the expressions may use, in a stable order.
  static const std::vector<Variable>& Variables();
  // The names of Variables(), and of the constants a scenario may add: every name the expressions
  // may read.
  static std::vector<std::string> VariableNames();
  // The numeric parameters: the bounds, with `earned`'s names and defaults.
  static std::vector<ParamSpec> Params();
  // The text parameters and the variables, as `ratesim formulas` prints them after Params().
  static std::string Help();
  // OkStatus if `name` = `value` may be a constant of the expressions: a name of letters, digits
  // and
  // '_', not a digit first, that no variable nor muparser constant (_pi, _e) has, and a finite
  // value. Else InvalidArgument saying why and what to do.
  static absl::Status CheckConstant(const std::string& name, double value);

  // Makes the formula. `numbers` are the parameters as written: those of Params() (defaults filled
  // in here) and any other, which becomes a constant of the expressions under its own name (a name
  // of letters, digits and '_', not a digit first, not a variable's), and which one of them must
  // use. `texts` holds exactly the two expressions. Both are compiled and evaluated once on a new
  // key: rate at the floor, every trailing rate and count 0, now_s = elapsed_s = age_s = 0, on a
  // model of 1 request/s and 1 token/s of capacity, utilisation 0. Fails with InvalidArgument: a
  // bad number or text parameter; an expression that is empty, assigns (=, +=, ...: the two share
  // their variables, so an assignment would leak into the other), does not compile, gives more
  // than one value (muparser's ',' outside a function's arguments, as in a decimal comma "1,5"),
  // or gives a non-finite result on that new key; or a constant that neither expression uses. For
  // the expressions' faults, `*error` (if not null) says where and what (see ExprError::Kind).
  static absl::StatusOr<std::unique_ptr<LimitFormula>> Create(const ParamValues& numbers,
                                                              const ParamTexts& texts,
                                                              ExprError* error = nullptr);

  // Not copyable: the compiled expressions point at this instance's variables.
  ExprFormula(const ExprFormula&) = delete;
  ExprFormula& operator=(const ExprFormula&) = delete;
  ~ExprFormula() override;

  size_t ExtraWords() const override { return kWords; }
  RateBounds Bounds(const ModelCapacity& capacity) const override;
  RateState Initial(const ModelCapacity& capacity) const override;
  void Advance(RateState& state, absl::Span<double> extra, const Update& update) const override;
  void RecordSuccess(RateState& state, absl::Span<double> extra,
                     const Completion& completion) const override;
  void RecordFailure(RateState& state, absl::Span<double> extra, HttpStatus status) const override;
  // What the two expressions give, before Advance clamps each to Bounds() (a result that is not
  // finite gives the floor): requests/s and tokens/s.
  struct Results {
    double requests = 0.0;
    double tokens = 0.0;
  };
  // The results of the expressions for a key in `state` and `extra` (as ExtraWords() lays them
  // out) at `update`: what its Advance would clamp. The key is left as it was. For checks of the
  // expressions (floor_check.h): a key's rate does not show whether the floor clamped it.
  Results Evaluate(const RateState& state, absl::Span<const double> extra,
                   const Update& update) const;

  NonFiniteCounts NonFiniteResults(absl::Span<const double> extra) const override {
    return {static_cast<int64_t>(extra[kNonFiniteRequests]),
            static_cast<int64_t>(extra[kNonFiniteTokens])};
  }

 private:
  RateRange range_;
  // The per-key words beyond RateState (whose usage holds the ten-minute within-rate averages).
  enum Word : size_t {
    kOkRequests1m, kOkRequests1h, kOkTokens1m, kOkTokens1h,
    kServedRequests1m, kServedRequests10m, kServedRequests1h,
    kServedTokens1m, kServedTokens10m, kServedTokens1h,
    k429s, k503s,
    // When the key was created: noted at its first update, whose elapsed time runs from the
    // creation (the engine keeps no creation time per key); kCreatedKnown is 0 until then.
    kCreatedS, kCreatedKnown,
    // Updates whose request (token) result was not finite, and gave the floor (NonFiniteResults).
    kNonFiniteRequests, kNonFiniteTokens,
    kWords
  };

  static constexpr size_t kVariableCount = 26;

  explicit ExprFormula(const ParamValues& resolved);
  // Advance but the clamping: decays the key's trailing values to the update (noting its creation
  // at its first) and returns the expressions' results there, unclamped.
  Results DecayAndEvaluate(RateState& state, absl::Span<double> extra, const Update& update,
                           const RateBounds& bounds) const;
  // Fills the variables from a key's state at an update (its trailing values already decayed to
  // now).
  void Load(const RateState& state, absl::Span<const double> extra, const Update& update,
            const RateBounds& bounds) const;

  std::unique_ptr<mu::Parser> requests_;  // compiled once; read values_
  std::unique_ptr<mu::Parser> tokens_;
  // The variables' values, in Variables() order: the scratch state the parsers read.
  mutable std::array<double, kVariableCount> values_{};
  // The constants' values, bound as variables (so that the parsers list the ones they use), never
  // written after Create.
  std::vector<double> constants_;
};

}  // namespace ratesim

#endif  // RATESIM_ENGINE_EXPR_FORMULA_H_

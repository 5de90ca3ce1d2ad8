// The seam researchers change: a limit formula maps an (org, model) key's recent successful usage, the
// model's live capacity and the time elapsed to the key's next dynamic rate, in requests/s and
// tokens/s.
//
// Formulas update lazily: the engine calls Advance only when a key is touched, with the whole time
// elapsed since its last update, and Advance must catch up in closed form. Advancing by a then b must
// equal advancing by a + b (up to rounding); tests hold every built-in formula to that.
//
// Thread-safety: a formula belongs to one engine (one thread); it may keep scratch state for its
// evaluation, so it is not shared between engines.
#ifndef RATESIM_ENGINE_LIMIT_FORMULA_H_
#define RATESIM_ENGINE_LIMIT_FORMULA_H_

#include <cstddef>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "engine/attribution.h"
#include "engine/param_spec.h"

namespace ratesim {

// What a model can serve, as the formulas see it: nominal throughput of its live slots. Zero is
// zero (an outage); a gateway that does not know its capacity leaves the default, infinity.
struct ModelCapacity {
  double requests_per_s = std::numeric_limits<double>::infinity();
  double tokens_per_s = std::numeric_limits<double>::infinity();
};

// The part of a key's state that every formula has. Plain values; the engine stores one per key.
struct RateState {
  double request_rate = 0.0;  // the dynamic rate, requests/s
  double token_rate = 0.0;    // the dynamic rate, tokens/s
  double usage_requests = 0.0;  // the formula's measure of recent successful requests/s
  double usage_tokens = 0.0;    // the formula's measure of recent successful tokens/s
};

// The range a formula keeps its rates in, for a model of a given capacity: after every Advance,
// floor <= rate <= ceiling in each dimension. Tests hold every formula to it; `expr` clamps to it.
struct RateBounds {
  double min_requests = 0.0;  // requests/s
  double max_requests = 0.0;
  double min_tokens = 0.0;    // tokens/s
  double max_tokens = 0.0;
};

// What a formula sees of its key's model at an update.
struct ModelView {
  ModelCapacity capacity;
  // busy / max(live, busy) slots at the update: in [0, 1], and 1 with no slot live (none spare)
  double utilisation = 0.0;
  // This formula's summary of the model (SummaryWords() values) as of the start of the current
  // summary period, shared with the formulas of its SummaryGroup; empty for formulas without one.
  absl::Span<const double> summary;
};

// One lazy update of a key: the time it covers and where the key stands.
struct Update {
  double now_s = 0.0;      // the engine's time at the update, seconds
  double elapsed_s = 0.0;  // since the key's previous update, >= 0 (at its first update: since
                           // the key was created, which a formula may note in its own words)
  ModelView model;
};

// A successful request of the key, reported when it completes.
struct Completion {
  double tokens = 0.0;     // actual tokens, input + output
  double latency_s = 0.0;  // arrival to completion, queueing included
  bool within_rate = true; // whether it was within the dynamic rate at arrival
};

// A key as a model summary sees it: its state as of its last update, and how long ago that was.
struct KeySample {
  const RateState* rate = nullptr;
  absl::Span<const double> extra;
  double since_update_s = 0.0;
};

// Updates of a key whose request rate, and whose token rate, came out as NaN or infinite.
struct NonFiniteCounts {
  int64_t requests = 0;
  int64_t tokens = 0;
  int64_t total() const { return requests + tokens; }
};

class LimitFormula {
 public:
  virtual ~LimitFormula() = default;

  // How many doubles of per-key state the formula keeps beyond RateState (trailing windows, error
  // counts, ...). The engine stores them next to the key, zero-initialised, and passes them to
  // every call as `extra`. Keys of formulas that need none pay nothing.
  virtual size_t ExtraWords() const { return 0; }

  // The range of the rates on a model of `capacity` (see RateBounds).
  virtual RateBounds Bounds(const ModelCapacity& capacity) const = 0;

  // The state of a key seen for the first time.
  virtual RateState Initial(const ModelCapacity& capacity) const = 0;

  // Moves the key forward by update.elapsed_s with no success or failure in between.
  virtual void Advance(RateState& state, absl::Span<double> extra, const Update& update) const = 0;

  // A request of this key completed successfully now (the key was just advanced to now).
  virtual void RecordSuccess(RateState& state, absl::Span<double> extra,
                             const Completion& completion) const = 0;

  // A request of this key failed now with `status` (503: the platform was overloaded; 429: the
  // key was over its rate). Formulas that react to overload override it; the default ignores it.
  virtual void RecordFailure(RateState& state, absl::Span<double> extra, HttpStatus status) const {}

  // Whether the rates never move: Advance, RecordSuccess and RecordFailure leave every key's
  // RateState as Initial made it, whatever the usage and the capacity (a fixed tier). The engine
  // then makes none of those calls and builds no ModelView for them: a key's update is the refill
  // of its windows alone. A constant formula keeps no words of its own (ExtraWords 0) and no model
  // summary (SummaryPeriodS 0).
  virtual bool Constant() const { return false; }

  // How many of the key's updates computed a rate that was not a finite number and so left that
  // rate at its floor: a formula written as an expression can divide by zero or take the logarithm
  // of 0 in states its author did not foresee, and a run's report names the keys where it happened
  // rather than hide it. Counted in the key's own words, so the updates made only to observe a
  // rate (headers, time series) do not count. Built-in formulas cannot fail: none.
  virtual NonFiniteCounts NonFiniteResults(absl::Span<const double> extra) const { return {}; }

  // --- Model summaries: for formulas that split a model among its keys ---------------------------
  // A formula with SummaryPeriodS() > 0 gets, in every ModelView, a summary of all the keys of the
  // model that use it (or any formula of its SummaryGroup), computed by Summarise at the start of
  // each period (times that are whole multiples of the period), so it is the same whoever touches
  // the model first.
  virtual double SummaryPeriodS() const { return 0.0; }
  virtual size_t SummaryWords() const { return 0; }
  // Writes the summary of `keys` (each as last updated, since_update_s before the period start).
  virtual void Summarise(absl::Span<const KeySample> keys, const ModelCapacity& capacity,
                         absl::Span<double> summary) const {}
  // Which formulas share one summary of a model. Empty (the default): this instance keeps its own,
  // over its own keys. Two instances whose groups are equal and not empty keep one summary of each
  // model, over the keys of both, computed by whichever of them is asked first: so the group must
  // name everything that enters SummaryPeriodS, SummaryWords and Summarise (the formula and those
  // of its parameters), and nothing else, so that instances differing only in what clamps a
  // key's own rate (an org's own base or ceiling) still split the model as one.
  virtual std::string SummaryGroup() const { return {}; }
};

struct FormulaInfo {
  std::string name;
  std::string summary;
  std::vector<ParamSpec> params;
  // REQUIRES: `resolved` holds every parameter of `params`.
  std::unique_ptr<LimitFormula> (*make)(const ParamValues& resolved);

  // --- Formulas written in the scenario file (`expr`); the others leave these as they are --------
  // Made by this instead of `make` (then null), from its numbers as given (it resolves them itself,
  // and takes numbers beyond `params` as constants of its expressions) and its text parameters.
  // Fails with InvalidArgument on a bad number or text.
  absl::StatusOr<std::unique_ptr<LimitFormula>> (*make_written)(const ParamValues& numbers,
                                                                const ParamTexts& texts) = nullptr;
  // What `ratesim formulas` prints after `params`: the text parameters and the variables.
  std::string details = "";
};

// Every registered formula, in a stable order.
const std::vector<FormulaInfo>& Formulas();

// A new formula. Fails with InvalidArgument on an unknown name (the message lists the known ones), a
// parameter its spec rejects, or `texts` given to a formula that takes none (only written formulas
// such as `expr` take texts; see FormulaInfo::make_written).
absl::StatusOr<std::unique_ptr<LimitFormula>> MakeFormula(std::string_view name,
                                                          const ParamValues& params,
                                                          const ParamTexts& texts = {});

}  // namespace ratesim

#endif  // RATESIM_ENGINE_LIMIT_FORMULA_H_

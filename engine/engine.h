// The server-side engine: for each (org, model) key a dynamic rate from a limit formula; for each model
// a number of concurrency slots and a smoothing policy in front of them; for each request a
// classification at arrival and, if it fails, its attribution (503 within rate, 429 over it).
//
// A gateway or the simulator drives it with three calls: Arrive when a request comes in, Complete
// when a started request finishes, Wake when a model's policy asked for it (NextWakeup). Each
// call reports what happened through an Effects: the requests that start now and those that fail.
// Time is always an argument; the engine reads no clock.
//
// Setup (AddModel, AddFormula, AddKey) allocates; the request path (Arrive, Complete, Wake) does not,
// once the caller's Effects and the policies' buffers have grown to their working size.
//
// Thread-safety: none, not even between const calls (the observers refresh internal caches): one
// engine per thread, or one mutex around every call. A model's slots, buffer and capacity live in
// one engine, so to spread load over engines, give each engine whole models (with all their keys).
#ifndef RATESIM_ENGINE_ENGINE_H_
#define RATESIM_ENGINE_ENGINE_H_

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/types/span.h"

#include "engine/huge_page_allocator.h"
#include "engine/ids.h"
#include "engine/key_registry.h"
#include "engine/limit_formula.h"
#include "engine/rate_limit_headers.h"
#include "engine/smoothing_policy.h"
#include "engine/ticket.h"

namespace ratesim {

using FormulaId = uint32_t;

// What one engine call caused. The caller clears it between calls (or not, to batch).
struct Effects {
  std::vector<Ticket> started;   // hold a slot from now until the caller's Complete
  std::vector<Failure> failed;   // left without service, attributed
  void Clear() {
    started.clear();
    failed.clear();
  }
};

class Engine {
 public:
  Engine() = default;
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // --- Setup -------------------------------------------------------------------------------------
  // A model with `slots` concurrency slots (replicas × slots per replica), the nominal capacity the
  // formulas see, and its smoothing policy. REQUIRES: a new name, slots >= 0.
  ModelId AddModel(std::string_view name, int64_t slots, ModelCapacity capacity,
                   std::unique_ptr<SmoothingPolicy> policy);
  // A formula whose SummaryGroup() equals that of one added before shares its model summaries.
  FormulaId AddFormula(std::unique_ptr<LimitFormula> formula);
  // Room for `orgs` orgs and `keys` keys, so that adding them does not regrow (and leave up to
  // half of every per-key array unused). Call after the formulas are added. An optimisation only.
  void Reserve(size_t orgs, size_t keys);
  // The key for (org, model), created on first call with `formula` and its initial rate; a later
  // call returns the same key, and its `formula` and `now` are ignored (the key keeps its own).
  // REQUIRES: `model` and `formula` were returned by AddModel and AddFormula.
  KeyId AddKey(std::string_view org, ModelId model, FormulaId formula, Nanos now);

  // Changes a model's live slots and capacity at `now` (an outage, a scale-up). More slots start
  // buffered requests at once (reported in *out). Fewer slots take effect as running requests end.
  // A capacity of zero (no replica up) leaves the formulas seeing the last capacity above zero.
  void SetCapacity(ModelId model, int64_t slots, ModelCapacity capacity, Nanos now, Effects* out);

  // --- Request path --------------------------------------------------------------------------------
  struct ArrivalResult {
    RateClass rate_class;
    SmoothingPolicy::Admission admission;
  };
  // A request of `key` with `token_estimate` = input tokens + max output tokens arrives at `now`.
  // `request` is the caller's handle, carried in the ticket. Served now: its ticket is appended to
  // out->started. Rejected: its failure to out->failed. Buffered: it appears in a later call's Effects.
  // REQUIRES: now is not before the previous call's now; token_estimate >= 0. (Checked by assert in
  // a debug build only: the request path checks nothing it is told.)
  ArrivalResult Arrive(KeyId key, uint64_t request, int64_t token_estimate, Nanos now, Effects* out);

  // A started request ends successfully at `now` having used `actual_tokens` (input + output). Frees
  // its slot, records the usage, and starts buffered requests on free slots.
  // REQUIRES: `ticket` came from an Effects' `started` and was neither completed nor released;
  // actual_tokens >= 0; now as for Arrive.
  void Complete(const Ticket& ticket, int64_t actual_tokens, Nanos now, Effects* out);

  // A started request ends at `now` without success: the model failed or timed out upstream, or its
  // client went away. Frees its slot and starts buffered requests on it, as Complete does, but
  // records no usage (only successes earn a rate); its place in the key's window stays spent, since
  // it was sent. Completing it as a success of 0 tokens instead would count it as earned usage.
  // REQUIRES: as for Complete.
  void Release(const Ticket& ticket, Nanos now, Effects* out);

  // The client of a buffered request went away at `now` (it timed out, or closed its connection):
  // the request leaves the buffer as if it had never come. No Effects report it later, it fails
  // nothing and earns nothing, and under a policy that charges admitted requests (pacing) its key
  // gets back the place it held in its window and schedule. The request is named by its key, the
  // handle given to Arrive and its arrival (Arrive's `now`). Returns false, changing nothing, if
  // the engine does not hold it: it started or failed in some Effects already (a started one is
  // ended with Release). Costs at most O(depth) of the model's buffer, and little for a request
  // near either end of a FIFO, such as the oldest ones, which client timeouts withdraw.
  // REQUIRES: handles are unique among the requests the engine holds; now as for Arrive.
  bool Withdraw(KeyId key, uint64_t request, Nanos arrival, Nanos now);

  // Time has reached `now` for `model`: fails buffered requests whose deadline is at or before
  // `now` and those the policy set aside to drop, each with the policy's reason, and starts those
  // that became eligible on free slots.
  void Wake(ModelId model, Nanos now, Effects* out);

  // When `model` next needs a Wake: the earliest deadline or pacing release of its buffer; kNever
  // if none.
  Nanos NextWakeup(ModelId model) const { return models_[model].policy->NextWakeup(); }

  // A hint: the key's state will be needed soon (a gateway holding a batch of requests, a simulator
  // that knows its next events). Starts loading it into the cache; changes nothing.
  // REQUIRES: `key` was returned by AddKey.
  void Prefetch(KeyId key) const {
#if defined(__GNUC__)
    __builtin_prefetch(&keys_[key], 1);
#endif
    registry_.PrefetchKey(key);
  }

  // --- Observing (const: nothing observed changes later decisions) -------------------------------
  // The key's rate state as of `now`. REQUIRES: now not before the key's last update.
  RateState RateAt(KeyId key, Nanos now) const;
  // The headers of a response to a request estimated at `tokens` (input + max output): reset_s
  // is the time until such a request fits again in both dimensions, so that a 429 for tokens does
  // not say "now" (with `tokens` 0, until the request window has room and any token debt is
  // repaid).
  RateLimitHeaders Headers(KeyId key, Nanos now, int64_t tokens) const;
  // How many of the key's updates fell back to a floor on a result that was not a number (see
  // LimitFormula::NonFiniteResults); none for every built-in formula.
  NonFiniteCounts NonFiniteResults(KeyId key) const;

  int64_t slots(ModelId model) const { return models_[model].slots; }
  int64_t busy(ModelId model) const { return models_[model].busy; }
  size_t buffered(ModelId model) const { return models_[model].policy->Depth(); }
  const ModelCapacity& capacity(ModelId model) const { return models_[model].capacity; }
  const KeyRegistry& registry() const { return registry_; }

 private:
  // What the request path reads and writes per key: one 64-byte cache line, in one flat array
  // indexed by KeyId. The org is in the registry (read once per arrival, for the ticket); a
  // formula's own words are in extra_words_, at KeyId × extra_stride_.
  struct alignas(64) KeyState {
    RateState rate;
    double request_level;  // enforcement bucket, requests
    double token_level;    // enforcement bucket, tokens
    Nanos updated;         // time to which `rate` and the levels are current
    FormulaId formula;
    ModelId model;
  };
  static_assert(sizeof(KeyState) == 64, "one cache line per key");
  // Formulas that keep one summary of a model between them (LimitFormula::SummaryGroup); dense,
  // so that a model's summaries are a vector. A formula with no group has one of its own.
  using SummaryGroupId = uint32_t;
  // A summary group's summary of one model, as of the start of the summary period `period_start`.
  struct Summary {
    Nanos period_start = -1;
    std::vector<double> words;
  };
  struct ModelState {
    int64_t slots;
    int64_t busy;
    ModelCapacity capacity;
    std::unique_ptr<SmoothingPolicy> policy;
    // Tickets the policy holds (buffered minus started and dropped): with none, the request path
    // skips its calls into the policy.
    size_t held;
    bool uses_fits_at;
    bool charges_over_rate;  // the policy's ChargesOverRateRequests, asked once
    // Indexed by RateClass: the policy's ServesFreeSlotUntouched, asked once.
    std::array<bool, kRateClassCount> serves_free_slot_untouched;
    std::vector<KeyId> keys;  // the keys on the model whose formula keeps a model summary
    // Indexed by SummaryGroupId. A cache: each entry is a function of the keys' states at its
    // period start, so refreshing it from a const observer changes no later decision.
    mutable std::vector<Summary> summaries;
  };

  absl::Span<double> ExtraOf(KeyId key) {
    return absl::MakeSpan(extra_words_.data() + key * extra_stride_,
                          formulas_[keys_[key].formula].extra_words);
  }
  // Whether a catch-up decides (it will be stored) or only observes (a copy, for RateAt/Headers).
  enum class Purpose { kDecide, kObserve };
  // `state` (with its formula words `extra`) brought forward to `now`: bucket refill at the rate in
  // force, then the formula.
  void CatchUp(KeyState& state, absl::Span<double> extra, Nanos now, Purpose purpose) const;
  // The key brought forward to `now` to decide. Inline: a key touched again at the same instant (an
  // arrival's completion in a batch, a failure just after its arrival) needs nothing.
  void CatchUp(KeyId key, Nanos now) {
    latest_decision_ = std::max(latest_decision_, now);
    KeyState& state = keys_[key];
    if (now > state.updated) CatchUp(state, ExtraOf(key), now, Purpose::kDecide);
  }
  // Draws a request of `tokens` from the key's windows if it is within rate; returns its class.
  static RateClass Classify(KeyState& state, double tokens);
  // Every field of a ticket, in one place for both of Arrive's paths.
  void FillTicket(Ticket& ticket, uint64_t request, Nanos now, KeyId key, ModelId model,
                  RateClass rate_class, int64_t token_estimate) const;
  // Arrive's general case: the policy decides.
  ArrivalResult ArriveThroughPolicy(const Ticket& ticket, KeyState& state, double tokens, Nanos now,
                                    Effects* out);
  // A copy of the key's state brought forward to `now`; the engine is unchanged.
  KeyState StateAt(KeyId key, Nanos now) const;
  // The windows after the rate moved from `before`: what no longer fits is gone, and a debt is
  // kept in time (DebtAtRate) under a policy that charges over-rate requests.
  void FitWindowToRate(KeyState& state, const RateState& before) const;
  // Gives back to the key's windows what admitting `ticket` took from them, under a policy that
  // charges over-rate requests (ChargesOverRateRequests), as it fails without having started.
  void RefundUnstarted(const Ticket& ticket, Nanos now);
  // Clamps the key's rates to its formula's bounds on the live capacity, if `before` (the rates
  // before a success or failure was recorded) moved.
  void KeepWithinBounds(KeyState& state, const RateState& before) {
    // A rate the event left alone is still within them (Advance put it there): most successes.
    if (state.rate.request_rate == before.request_rate &&
        state.rate.token_rate == before.token_rate) {
      return;
    }
    ClampToBounds(state, before);
  }
  void ClampToBounds(KeyState& state, const RateState& before);
  // What `state`'s formula sees of its model at `now`.
  void ViewOf(const KeyState& state, Nanos now, Purpose purpose, ModelView* view) const;
  // The summary `formula`'s group keeps of `model` for the period containing `now`, refreshed if
  // stale. REQUIRES: the formula keeps one (summary_period > 0). An observer may look ahead into a
  // period no decision has reached: its summary is computed aside, since decisions may still change
  // the keys before that period starts.
  absl::Span<const double> SummaryOf(ModelId model, FormulaId formula, Nanos now,
                                     Purpose purpose) const;
  // When a request of `tokens` would fit `state`'s windows, at the current rates.
  static Nanos FitsAt(const KeyState& state, double tokens, Nanos now);
  // Starts buffered requests on free slots of `model`.
  void FillSlots(ModelId model, Nanos now, Effects* out);
  // Fails `ticket` now: attributes it, tells its key's formula, reports it in *out.
  void Fail(const Ticket& ticket, FailReason reason, Nanos now, Effects* out);
  // Fails, each with its reason, the requests the policy dropped into dropped_scratch_, and
  // empties it.
  void FailDropped(Nanos now, Effects* out);

  KeyRegistry registry_;
  std::vector<KeyState, HugePageAllocator<KeyState>> keys_;
  std::vector<ModelState> models_;
  // A formula with the shape facts the request path needs, read once so that they cost no call.
  struct FormulaSlot {
    std::unique_ptr<LimitFormula> formula;
    size_t extra_words;
    bool constant;         // LimitFormula::Constant: no formula call on the request path
    Nanos summary_period;  // 0: no model summary
    SummaryGroupId summary_group;
  };
  // The group of a formula with this summary period, a new one unless it names a known group.
  SummaryGroupId InternSummaryGroup(const LimitFormula& formula, Nanos summary_period);
  std::vector<FormulaSlot> formulas_;
  // Every key's formula words, extra_stride_ (the most any formula asks for) per key: no offset to
  // store per key; keys of formulas with fewer words leave the rest unused.
  std::vector<double> extra_words_;
  size_t extra_stride_ = 0;
  // The named summary groups, each by its first formula (whose slot holds the group's id).
  absl::flat_hash_map<std::string, FormulaId> summary_groups_;
  SummaryGroupId summary_group_count_ = 0;
  std::vector<Dropped> dropped_scratch_;  // reused so that dropping allocates nothing
  mutable std::vector<KeySample> summary_scratch_;
  mutable std::vector<double> observed_summary_;
  mutable Nanos latest_decision_ = 0;  // the latest time a key was brought forward to decide
};

}  // namespace ratesim

#endif  // RATESIM_ENGINE_ENGINE_H_

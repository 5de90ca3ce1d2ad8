#include "engine/engine.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <utility>

#include "absl/container/inlined_vector.h"
#include "engine/enforcement_window.h"

namespace ratesim {

ModelId Engine::AddModel(std::string_view name, int64_t slots, ModelCapacity capacity,
                         std::unique_ptr<SmoothingPolicy> policy) {
  const ModelId model = registry_.InternModel(name);
  const bool uses_fits_at = policy->UsesFitsAt();
  const bool charges_over_rate = policy->ChargesOverRateRequests();
  std::array<bool, kRateClassCount> untouched{};
  for (size_t rate_class = 0; rate_class < kRateClassCount; ++rate_class) {
    // The fast path skips ArriveThroughPolicy, and so the charge of an over-rate request.
    const bool charged = charges_over_rate && rate_class != static_cast<size_t>(RateClass::kWithin);
    untouched[rate_class] =
        !charged && policy->ServesFreeSlotUntouched(static_cast<RateClass>(rate_class));
  }
  models_.push_back(
      ModelState{slots, 0, capacity, std::move(policy), 0, uses_fits_at, charges_over_rate,
                 untouched, {}, {}});
  return model;
}

FormulaId Engine::AddFormula(std::unique_ptr<LimitFormula> formula) {
  const size_t extra_words = formula->ExtraWords();
  const double period_s = formula->SummaryPeriodS();
  const Nanos period = period_s > 0 ? std::max<Nanos>(1, FromSeconds(period_s)) : 0;
  const SummaryGroupId group = InternSummaryGroup(*formula, period);
  const bool constant = formula->Constant();
  formulas_.push_back(FormulaSlot{std::move(formula), extra_words, constant, period, group});
  if (extra_words > extra_stride_) {
    // Lay the existing keys' words out at the wider stride (setup only; keys keep their words).
    std::vector<double> wider(keys_.size() * extra_words, 0.0);
    for (size_t key = 0; key < keys_.size(); ++key) {
      std::copy_n(extra_words_.begin() + key * extra_stride_, extra_stride_,
                  wider.begin() + key * extra_words);
    }
    extra_words_ = std::move(wider);
    extra_stride_ = extra_words;
  }
  return static_cast<FormulaId>(formulas_.size() - 1);
}

Engine::SummaryGroupId Engine::InternSummaryGroup(const LimitFormula& formula,
                                                 Nanos summary_period) {
  const std::string name = summary_period > 0 ? formula.SummaryGroup() : std::string();
  if (name.empty()) return summary_group_count_++;  // a summary of its own, if any
  const auto [named, added] =
      summary_groups_.try_emplace(name, static_cast<FormulaId>(formulas_.size()));
  if (added) return summary_group_count_++;
  // One summary serves the whole group: its members must agree on its shape (SummaryGroup's
  // contract), or a member would read words it did not ask for, refreshed on another beat.
  const FormulaSlot& first = formulas_[named->second];
  assert(first.summary_period == summary_period);
  assert(first.formula->SummaryWords() == formula.SummaryWords());
  return first.summary_group;
}

void Engine::Reserve(size_t orgs, size_t keys) {
  registry_.Reserve(orgs, keys);
  keys_.reserve(keys);
  extra_words_.reserve(keys * extra_stride_);
}

KeyId Engine::AddKey(std::string_view org_name, ModelId model, FormulaId formula, Nanos now) {
  const OrgId org = registry_.InternOrg(org_name);
  const KeyId key = registry_.InternKey(org, model);
  if (key < keys_.size()) return key;
  const RateState rate = formulas_[formula].formula->Initial(models_[model].capacity);
  extra_words_.resize(extra_words_.size() + extra_stride_, 0.0);
  // A new key starts with a full window: its first second of traffic is within rate.
  keys_.push_back(KeyState{rate, WindowDepth(rate.request_rate), WindowDepth(rate.token_rate), now,
                           formula, model});
  if (formulas_[formula].summary_period > 0) models_[model].keys.push_back(key);
  return key;
}

void Engine::SetCapacity(ModelId model, int64_t slots, ModelCapacity capacity, Nanos now,
                         Effects* out) {
  models_[model].slots = slots;
  // A total outage is not a capacity plan: the formulas keep seeing the capacity the model had,
  // so the rates neither collapse (which would blame the orgs, with 429s, for the platform's
  // failure) nor lose their ceiling. Any live capacity, however small, is what they see.
  if (capacity.requests_per_s > 0 || capacity.tokens_per_s > 0) models_[model].capacity = capacity;
  FillSlots(model, now, out);
}

void Engine::ViewOf(const KeyState& state, Nanos now, Purpose purpose, ModelView* view) const {
  // Filled in place: a ModelView returned by value and copied into the Update went through the
  // stack in pieces, and reading it back stalled on store forwarding (half of CatchUp's time).
  const ModelState& model = models_[state.model];
  view->capacity = model.capacity;
  // A share of the slots there are, as the recorder's: slots taken away finish their running
  // requests and count as live while they do. With none live nothing is spare: 1, where the
  // recorder's time series, which reports what was used, shows 0 for an interval with no slot.
  const int64_t live = std::max(model.slots, model.busy);
  view->utilisation = live > 0 ? static_cast<double>(model.busy) / static_cast<double>(live) : 1.0;
  if (formulas_[state.formula].summary_period > 0) {
    view->summary = SummaryOf(state.model, state.formula, now, purpose);
  }
}

absl::Span<const double> Engine::SummaryOf(ModelId model_id, FormulaId formula_id, Nanos now,
                                           Purpose purpose) const {
  const FormulaSlot& slot = formulas_[formula_id];
  const LimitFormula& formula = *slot.formula;
  const ModelState& model = models_[model_id];
  if (model.summaries.size() <= slot.summary_group) model.summaries.resize(summary_group_count_);
  Summary& summary = model.summaries[slot.summary_group];
  const Nanos period_start = now - now % slot.summary_period;
  if (summary.period_start == period_start) return summary.words;
  // Keys are summarised as they stood at the period start. None of them has been updated since:
  // the first touch of any of them in this period is what brings us here.
  summary_scratch_.clear();
  for (KeyId key : model.keys) {
    const KeyState& state = keys_[key];
    const FormulaSlot& key_slot = formulas_[state.formula];
    // A key updated after the period start was created after it (see above): not yet there.
    if (key_slot.summary_group != slot.summary_group || state.updated > period_start) continue;
    summary_scratch_.push_back(KeySample{
        &state.rate,
        absl::MakeConstSpan(extra_words_.data() + key * extra_stride_, key_slot.extra_words),
        ToSeconds(std::max<Nanos>(0, period_start - state.updated))});
  }
  const bool cache = purpose == Purpose::kDecide || period_start <= latest_decision_;
  std::vector<double>& words = cache ? summary.words : observed_summary_;
  words.assign(formula.SummaryWords(), 0.0);
  formula.Summarise(summary_scratch_, model.capacity, absl::MakeSpan(words));
  if (cache) summary.period_start = period_start;
  return words;
}

void Engine::CatchUp(KeyState& state, absl::Span<double> extra, Nanos now, Purpose purpose) const {
  // Deciders come through CatchUp(KeyId), which notes latest_decision_ and skips a current key.
  if (now <= state.updated) return;
  const double elapsed_s = ToSeconds(now - state.updated);
  state.request_level = Refill(state.request_level, state.rate.request_rate, elapsed_s);
  state.token_level = Refill(state.token_level, state.rate.token_rate, elapsed_s);
  // A constant formula's rates stay where they are, and the refilled windows fit them already.
  const FormulaSlot& slot = formulas_[state.formula];
  if (slot.constant) {
    state.updated = now;
    return;
  }
  Update update;
  update.now_s = ToSeconds(now);
  update.elapsed_s = elapsed_s;
  ViewOf(state, now, purpose, &update.model);
  const RateState before = state.rate;
  slot.formula->Advance(state.rate, extra, update);
  FitWindowToRate(state, before);
  // Last: the model's summary (ViewOf) leaves out keys updated after its period start.
  state.updated = now;
}

void Engine::FitWindowToRate(KeyState& state, const RateState& before) const {
  // Only a charging policy leaves a debt worth rescaling; the test of the levels first keeps the
  // model's flag out of the common path.
  if ((state.request_level < 0.0 || state.token_level < 0.0) &&
      models_[state.model].charges_over_rate) {
    state.request_level =
        DebtAtRate(state.request_level, before.request_rate, state.rate.request_rate);
    state.token_level = DebtAtRate(state.token_level, before.token_rate, state.rate.token_rate);
  }
  // A lower rate means a shallower window: what no longer fits in it is gone.
  state.request_level = std::min(state.request_level, WindowDepth(state.rate.request_rate));
  state.token_level = std::min(state.token_level, WindowDepth(state.rate.token_rate));
}

void Engine::ClampToBounds(KeyState& state, const RateState& before) {
  // Successes and failures move some formulas' rates between updates (aimd, gradient) without
  // the capacity in view; the bounds of the live capacity apply from this instant, not from the
  // key's next update.
  const RateBounds bounds = formulas_[state.formula].formula->Bounds(models_[state.model].capacity);
  state.rate.request_rate = std::clamp(state.rate.request_rate, bounds.min_requests, bounds.max_requests);
  state.rate.token_rate = std::clamp(state.rate.token_rate, bounds.min_tokens, bounds.max_tokens);
  FitWindowToRate(state, before);
}

RateClass Engine::Classify(KeyState& state, double tokens) {
  // Without branches: whether a request is within rate is as unpredictable as the traffic, and a
  // mispredicted branch here cost more than both tests. Drawing 0 × tokens leaves a level as it was.
  const bool requests_fit = Fits(state.request_level, 1.0, state.rate.request_rate);
  const bool tokens_fit = Fits(state.token_level, tokens, state.rate.token_rate);
  const bool within = requests_fit && tokens_fit;
  const double draw = static_cast<double>(within);
  state.request_level -= draw;
  state.token_level -= draw * tokens;
  // kWithin = 0, kOverRequests = 1 (the request dimension is checked first), kOverTokens = 2.
  static_assert(static_cast<int>(RateClass::kWithin) == 0 &&
                static_cast<int>(RateClass::kOverRequests) == 1 &&
                static_cast<int>(RateClass::kOverTokens) == 2);
  return static_cast<RateClass>(static_cast<int>(!within) * (1 + static_cast<int>(requests_fit)));
}

Engine::ArrivalResult Engine::Arrive(KeyId key, uint64_t request, int64_t token_estimate, Nanos now,
                                     Effects* out) {
  assert(token_estimate >= 0);
  assert(now >= latest_decision_);
  CatchUp(key, now);
  KeyState& state = keys_[key];
  ModelState& model = models_[state.model];
  // Under a charging policy a request expiring now gives its place in its key's window back
  // (RefundUnstarted): the arrival is classified after that, as after anything else timed for now.
  if (model.charges_over_rate && model.held > 0) Wake(state.model, now, out);
  const double tokens = static_cast<double>(token_estimate);
  const RateClass rate_class = Classify(state, tokens);
  if (model.held == 0 && model.busy < model.slots &&
      model.serves_free_slot_untouched[static_cast<size_t>(rate_class)]) {
    // What the policy would do, without the call. The ticket is written where it is kept: built
    // on the stack and copied, it was read back before its pieces had landed (a store-forwarding
    // stall that cost more than the rest of the arrival).
    ++model.busy;
    FillTicket(out->started.emplace_back(), request, now, key, state.model, rate_class,
               token_estimate);
    return {rate_class, SmoothingPolicy::Admission::kServe};
  }
  Ticket ticket;
  FillTicket(ticket, request, now, key, state.model, rate_class, token_estimate);
  return ArriveThroughPolicy(ticket, state, tokens, now, out);
}

void Engine::FillTicket(Ticket& ticket, uint64_t request, Nanos now, KeyId key, ModelId model,
                        RateClass rate_class, int64_t token_estimate) const {
  ticket.request = request;
  ticket.arrival = now;
  ticket.key = key;
  ticket.org = registry_.key_org(key);
  ticket.model = model;
  ticket.rate_class = rate_class;
  ticket.token_estimate = token_estimate;
  ticket.ready_at = now;
}

Engine::ArrivalResult Engine::ArriveThroughPolicy(const Ticket& ticket, KeyState& state,
                                                  double tokens, Nanos now, Effects* out) {
  ModelState& model = models_[ticket.model];
  // What is timed for this instant happens before the arrival: expiring requests leave the buffer
  // and requests released now start first, whatever order the caller delivers events in. (Arrive
  // did it already, before classifying, for a charging policy.)
  if (model.held > 0 && !model.charges_over_rate) Wake(ticket.model, now, out);
  KeyView view{state.rate.request_rate, state.rate.token_rate, now};
  if (model.uses_fits_at && ticket.rate_class != RateClass::kWithin) {
    view.fits_at = FitsAt(state, tokens, now);
  }
  FailReason reason = FailReason::kNoCapacity;
  const SmoothingPolicy::Admission admission =
      model.policy->OnArrival(ticket, view, model.busy < model.slots, now, &reason);
  switch (admission) {
    case SmoothingPolicy::Admission::kServe:
      ++model.busy;
      out->started.push_back(ticket);
      break;
    case SmoothingPolicy::Admission::kRejected:
      Fail(ticket, reason, now, out);
      break;
    case SmoothingPolicy::Admission::kBuffered:
      ++model.held;
      break;
  }
  if (model.charges_over_rate && ticket.rate_class != RateClass::kWithin &&
      admission != SmoothingPolicy::Admission::kRejected) {
    state.request_level -= 1.0;
    state.token_level -= tokens;
  }
  return {ticket.rate_class, admission};
}

namespace {

// Seconds until a bucket at `level`, refilling at `rate`, holds what a request of `cost` needs:
// 0 when it does already.
double SecondsUntilFits(double level, double cost, double rate) {
  const double missing = LevelNeeded(cost, rate) - level;
  return missing > kLevelTolerance ? missing / rate : 0.0;
}

// Seconds until a request of `tokens` fits windows at these levels and rates, in both dimensions.
double SecondsUntilFits(double request_level, double token_level, const RateState& rate,
                        double tokens) {
  return std::max(SecondsUntilFits(request_level, 1.0, rate.request_rate),
                  SecondsUntilFits(token_level, tokens, rate.token_rate));
}

}  // namespace

Nanos Engine::FitsAt(const KeyState& state, double tokens, Nanos now) {
  return AfterWait(
      now, SecondsUntilFits(state.request_level, state.token_level, state.rate, tokens));
}

void Engine::Complete(const Ticket& ticket, int64_t actual_tokens, Nanos now, Effects* out) {
  assert(actual_tokens >= 0);
  assert(models_[ticket.model].busy > 0);  // a ticket completed or released twice
  CatchUp(ticket.key, now);
  KeyState& state = keys_[ticket.key];
  ModelState& model = models_[ticket.model];
  const FormulaSlot& slot = formulas_[state.formula];
  if (!slot.constant) {
    Completion completion;
    completion.tokens = static_cast<double>(actual_tokens);
    completion.latency_s = ToSeconds(now - std::max(ticket.arrival, ticket.ready_at));
    // A request charged to the window when admitted was served as rate budget: it counts as usage
    // within the rate, as it does in the window.
    completion.within_rate = ticket.rate_class == RateClass::kWithin || model.charges_over_rate;
    const RateState before = state.rate;
    slot.formula->RecordSuccess(state.rate, ExtraOf(ticket.key), completion);
    KeepWithinBounds(state, before);
  }
  --model.busy;
  if (model.held > 0) FillSlots(ticket.model, now, out);
}

void Engine::Release(const Ticket& ticket, Nanos now, Effects* out) {
  ModelState& model = models_[ticket.model];
  assert(model.busy > 0);  // a ticket completed or released twice
  --model.busy;
  if (model.held > 0) FillSlots(ticket.model, now, out);
}

bool Engine::Withdraw(KeyId key, uint64_t request, Nanos arrival, Nanos now) {
  Ticket which;
  which.request = request;
  which.arrival = arrival;
  which.key = key;
  which.org = registry_.key_org(key);
  which.model = keys_[key].model;
  ModelState& model = models_[which.model];
  Ticket withdrawn;
  if (model.held == 0 || !model.policy->Withdraw(which, &withdrawn)) return false;
  --model.held;
  RefundUnstarted(withdrawn, now);
  return true;
}

void Engine::Wake(ModelId model, Nanos now, Effects* out) {
  models_[model].policy->Expire(now, &dropped_scratch_);
  FailDropped(now, out);
  FillSlots(model, now, out);
}

void Engine::FillSlots(ModelId model_id, Nanos now, Effects* out) {
  ModelState& model = models_[model_id];
  Ticket next;
  while (model.busy < model.slots && model.policy->Next(now, &next, &dropped_scratch_)) {
    ++model.busy;
    --model.held;
    out->started.push_back(next);
  }
  FailDropped(now, out);
}

void Engine::Fail(const Ticket& ticket, FailReason reason, Nanos now, Effects* out) {
  const Attribution attribution = AttributeFailure(ticket.rate_class);
  CatchUp(ticket.key, now);
  KeyState& state = keys_[ticket.key];
  const FormulaSlot& slot = formulas_[state.formula];
  if (!slot.constant) {
    const RateState before = state.rate;
    slot.formula->RecordFailure(state.rate, ExtraOf(ticket.key), attribution.status);
    KeepWithinBounds(state, before);
  }
  out->failed.push_back(Failure{ticket, reason, attribution});
}

void Engine::FailDropped(Nanos now, Effects* out) {
  // Every refund before any failure: a failure may move its key's rate (aimd on a 503), which
  // rescales a debt, and a refund made after it would give back a request at the wrong rate.
  for (const Dropped& dropped : dropped_scratch_) RefundUnstarted(dropped.ticket, now);
  for (const Dropped& dropped : dropped_scratch_) {
    --models_[dropped.ticket.model].held;
    Fail(dropped.ticket, dropped.reason, now, out);
  }
  dropped_scratch_.clear();
}

void Engine::RefundUnstarted(const Ticket& ticket, Nanos now) {
  if (!models_[ticket.model].charges_over_rate) return;
  // Under a charging policy every admitted request holds a place in its key's window (within-rate
  // ones drew it, over-rate ones were charged) and later requests are scheduled behind it.
  // Unrefunded, each request that expired waiting for a slot pushed the key's later ones a request
  // further back: a key on a busy model fell below its rate for good.
  CatchUp(ticket.key, now);
  KeyState& state = keys_[ticket.key];
  state.request_level = std::min(state.request_level + 1.0, WindowDepth(state.rate.request_rate));
  state.token_level = std::min(state.token_level + static_cast<double>(ticket.token_estimate),
                               WindowDepth(state.rate.token_rate));
}

Engine::KeyState Engine::StateAt(KeyId key, Nanos now) const {
  KeyState state = keys_[key];
  const size_t words = formulas_[state.formula].extra_words;
  // The formula's words are advanced on a copy too: observing changes nothing.
  const auto first = extra_words_.begin() + key * extra_stride_;
  absl::InlinedVector<double, 16> extra(first, first + words);
  CatchUp(state, absl::MakeSpan(extra), now, Purpose::kObserve);
  return state;
}

RateState Engine::RateAt(KeyId key, Nanos now) const { return StateAt(key, now).rate; }

NonFiniteCounts Engine::NonFiniteResults(KeyId key) const {
  const FormulaSlot& formula = formulas_[keys_[key].formula];
  return formula.formula->NonFiniteResults(
      absl::MakeConstSpan(extra_words_.data() + key * extra_stride_, formula.extra_words));
}

namespace {

// A whole count of a window's level for a header. A rate near the largest double (a formula's
// absurd floor) gives a level past int64_t, whose cast is undefined (in practice INT64_MIN, a
// negative "remaining"): such a level saturates instead. REQUIRES: whole >= 0.
int64_t HeaderCount(double whole) {
  constexpr double kBeyondInt64 = 9223372036854775808.0;  // 2^63
  return whole >= kBeyondInt64 ? INT64_MAX : static_cast<int64_t>(whole);
}

}  // namespace

RateLimitHeaders Engine::Headers(KeyId key, Nanos now, int64_t tokens) const {
  const KeyState state = StateAt(key, now);
  const double request_rate = state.rate.request_rate;
  RateLimitHeaders headers;
  headers.limit_rpm = request_rate * 60.0;
  // A slow key's window holds less than one request, yet a full window admits one: count it.
  const double whole = std::floor(std::max(0.0, state.request_level) + kLevelTolerance);
  headers.remaining =
      HeaderCount(Fits(state.request_level, 1.0, request_rate) ? std::max(1.0, whole) : whole);
  headers.reset_s = SecondsUntilFits(state.request_level, state.token_level, state.rate,
                                     static_cast<double>(tokens));
  headers.token_limit_tpm = state.rate.token_rate * 60.0;
  headers.token_remaining =
      HeaderCount(std::floor(std::max(0.0, state.token_level) + kLevelTolerance));
  return headers;
}

}  // namespace ratesim

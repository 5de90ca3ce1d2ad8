#include "engine/pacing_policy.h"

#include "engine/buffer_params.h"

#include <algorithm>
#include <limits>

namespace ratesim {
namespace {

// Heap orders: std::push_heap keeps the greatest on top, so "greater" gives a min-heap.
struct LaterEligible {
  template <typename P>
  bool operator()(const P& a, const P& b) const {
    return a.eligible != b.eligible ? a.eligible > b.eligible : a.seq > b.seq;
  }
};
struct LaterArrival {
  template <typename P>
  bool operator()(const P& a, const P& b) const {
    return a.ticket.arrival != b.ticket.arrival ? a.ticket.arrival > b.ticket.arrival
                                                : a.seq > b.seq;
  }
};

constexpr Nanos kNoRelease = std::numeric_limits<Nanos>::min();
// No place in a key's schedule: a within-rate request's, or a key's last place once given back.
// A place is at or after its request's arrival, so never the earliest time there is.
constexpr Nanos kNoPlace = std::numeric_limits<Nanos>::min();
// Spacing is capped so that schedule arithmetic cannot overflow: ~31 years is "never" for a buffer.
constexpr double kMaxSpacing = 1e18;

// Removes the request `which` names from a heap ordered by `order` into *taken: a linear search and
// a rebuild, O(size), which a withdrawal can afford and the request path never pays.
template <typename P, typename Order>
bool TakeFromHeap(std::vector<P>& heap, const Ticket& which, Order order, P* taken) {
  const auto it = std::find_if(heap.begin(), heap.end(),
                               [&which](const P& entry) { return IsRequest(entry.ticket, which); });
  if (it == heap.end()) return false;
  *taken = *it;
  heap.erase(it);
  std::make_heap(heap.begin(), heap.end(), order);
  return true;
}

Nanos SaturatingAdd(Nanos a, Nanos b) {
  return a > std::numeric_limits<Nanos>::max() - b ? std::numeric_limits<Nanos>::max() : a + b;
}

}  // namespace

std::vector<ParamSpec> PacingPolicy::Params() {
  return {
      MaxDepthParam(),
      MaxWaitParam(30.0),
      {"burst", ParamKind::kNumber, 0.0, 0.0, false,
       "over-rate requests per key let through unpaced before pacing starts; refills at the rate"},
  };
}

PacingPolicy::PacingPolicy(const ParamValues& params)
    : max_depth_(MaxDepth(params)),
      max_wait_(MaxWait(params)),
      burst_(params.at("burst")) {}

SmoothingPolicy::Admission PacingPolicy::OnArrival(const Ticket& ticket, const KeyView& key,
                                                   bool slot_free, Nanos now, FailReason* reason) {
  if (ticket.rate_class == RateClass::kWithin) {
    return Enqueue(ticket, kNoPlace, kNoRelease, slot_free, reason);
  }
  if (!(key.request_rate > 0.0)) {
    *reason = FailReason::kWouldExpire;
    return Admission::kRejected;
  }
  if (ticket.key >= schedule_.size()) {
    schedule_.resize(ticket.key + size_t{1}, KeySchedule{kNoRelease, kNoPlace, kNoRelease, 0});
  }
  KeySchedule& schedule = schedule_[ticket.key];
  const double spacing_ns =
      std::min(kMaxSpacing, static_cast<double>(kNanosPerSecond) / key.request_rate);
  const Nanos spacing = std::max<Nanos>(1, static_cast<Nanos>(spacing_ns));

  // The burst allowance: fewer than `burst` of this key's requests ahead in the schedule.
  const Nanos scheduled = std::max(now, schedule.next_release);
  if (static_cast<double>(scheduled - now) < burst_ * static_cast<double>(spacing)) {
    const Nanos release = SaturatingAdd(scheduled, spacing);
    const Admission admission = Enqueue(ticket, scheduled, release, slot_free, reason);
    TakePlace(schedule, scheduled, release, admission);
    return admission;
  }

  const Nanos eligible = std::max(key.fits_at, schedule.next_release);
  if (eligible >= ticket.arrival + max_wait_) {
    *reason = FailReason::kWouldExpire;
    return Admission::kRejected;
  }
  if (Depth() >= max_depth_) {
    *reason = FailReason::kBufferFull;
    return Admission::kRejected;
  }
  const Nanos release = SaturatingAdd(eligible, spacing);
  if (eligible <= now) {
    const Admission admission = Enqueue(ticket, eligible, release, slot_free, reason);
    TakePlace(schedule, eligible, release, admission);
    return admission;
  }
  pacing_.push_back(Paced{ticket, eligible, release, seq_++});
  pacing_.back().ticket.ready_at = eligible;
  std::push_heap(pacing_.begin(), pacing_.end(), LaterEligible{});
  TakePlace(schedule, eligible, release, Admission::kBuffered);
  return Admission::kBuffered;
}

void PacingPolicy::TakePlace(KeySchedule& schedule, Nanos place, Nanos release,
                             Admission admission) {
  if (admission == Admission::kRejected) return;
  schedule.last_place = place;
  schedule.next_release = release;
  if (admission == Admission::kServe) {
    schedule.started_release = std::max(schedule.started_release, release);
  } else {
    ++schedule.held;
  }
}

void PacingPolicy::StartHolder(const Ticket& ticket, Nanos place, Nanos release) {
  if (place == kNoPlace) return;
  KeySchedule& schedule = schedule_[ticket.key];
  --schedule.held;
  schedule.started_release = std::max(schedule.started_release, release);
}

SmoothingPolicy::Admission PacingPolicy::Enqueue(const Ticket& ticket, Nanos place, Nanos release,
                                                 bool slot_free, FailReason* reason) {
  if (slot_free) {
    // A free slot means nothing startable waits, unless this arrival's own Expire just released
    // paced requests. They are older and go first: the arrival queues behind them and the engine
    // is asked to Wake now. With no room to queue, it takes the slot rather than fail beside it.
    if (released_.empty() || Depth() >= max_depth_) return Admission::kServe;
    fill_at_ = ticket.arrival;
  } else if (Depth() >= max_depth_) {
    *reason = FailReason::kBufferFull;
    return Admission::kRejected;
  }
  ready_.push_back(Ready{ticket, place, release});
  return Admission::kBuffered;
}

bool PacingPolicy::Next(Nanos now, Ticket* next, std::vector<Dropped>* dropped) {
  Expire(now, dropped);
  // Oldest arrival first; at equal arrival the never-paced request goes first.
  if (!ready_.empty() &&
      (released_.empty() || ready_.front().ticket.arrival <= released_.front().ticket.arrival)) {
    const Ready ready = ready_.pop_front();
    StartHolder(ready.ticket, ready.place, ready.release);
    *next = ready.ticket;
    return true;
  }
  if (released_.empty()) return false;
  std::pop_heap(released_.begin(), released_.end(), LaterArrival{});
  const Paced& paced = released_.back();
  StartHolder(paced.ticket, paced.eligible, paced.release);
  *next = paced.ticket;
  released_.pop_back();
  return true;
}

void PacingPolicy::Expire(Nanos now, std::vector<Dropped>* dropped) {
  fill_at_ = kNever;
  while (!pacing_.empty() && pacing_.front().eligible <= now) {
    std::pop_heap(pacing_.begin(), pacing_.end(), LaterEligible{});
    released_.push_back(pacing_.back());
    pacing_.pop_back();
    std::push_heap(released_.begin(), released_.end(), LaterArrival{});
  }
  while (!ready_.empty() && ready_.front().ticket.arrival + max_wait_ <= now) {
    const Ready expired = ready_.pop_front();
    dropped->push_back({expired.ticket, FailReason::kExpired});
    GiveBackPlace(expired.ticket, expired.place);
  }
  while (!released_.empty() && released_.front().ticket.arrival + max_wait_ <= now) {
    std::pop_heap(released_.begin(), released_.end(), LaterArrival{});
    dropped->push_back({released_.back().ticket, FailReason::kExpired});
    GiveBackPlace(released_.back().ticket, released_.back().eligible);
    released_.pop_back();
  }
}

bool PacingPolicy::Withdraw(const Ticket& which, Ticket* withdrawn) {
  Ready ready;
  if (TakeRequest(ready_, which, &ready)) {
    *withdrawn = ready.ticket;
    GiveBackPlace(ready.ticket, ready.place);
    return true;
  }
  Paced paced;
  if (TakeFromHeap(released_, which, LaterArrival{}, &paced) ||
      TakeFromHeap(pacing_, which, LaterEligible{}, &paced)) {
    *withdrawn = paced.ticket;
    GiveBackPlace(paced.ticket, paced.eligible);
    return true;
  }
  return false;
}

void PacingPolicy::GiveBackPlace(const Ticket& ticket, Nanos place) {
  if (place == kNoPlace) return;
  // A place is only ever held by an admitted over-rate request, whose key has a schedule.
  KeySchedule& schedule = schedule_[ticket.key];
  if (--schedule.held == 0) {
    // No place is held any more: the schedule runs from the key's last started request alone.
    schedule.next_release = schedule.started_release;
    schedule.last_place = kNoPlace;
  } else if (schedule.last_place == place) {
    schedule.next_release = place;
    schedule.last_place = kNoPlace;
  }
}

Nanos PacingPolicy::NextWakeup() const {
  Nanos wakeup = fill_at_;
  if (!ready_.empty()) wakeup = std::min(wakeup, ready_.front().ticket.arrival + max_wait_);
  if (!released_.empty()) wakeup = std::min(wakeup, released_.front().ticket.arrival + max_wait_);
  if (!pacing_.empty()) wakeup = std::min(wakeup, pacing_.front().eligible);
  return wakeup;
}

}  // namespace ratesim

// The seam between arrivals and a model's capacity: a smoothing policy owns the buffer in front of one
// model's concurrency slots. On arrival it serves, buffers or rejects; when a slot frees it picks the
// next request; it gives up requests whose wait reached their deadline, or that it drops for a
// reason of its own (displaced, shed), saying which; and it lets go of a request whose client left.
//
// Thread-safety: none; one policy instance serves one model of one engine.
#ifndef RATESIM_ENGINE_SMOOTHING_POLICY_H_
#define RATESIM_ENGINE_SMOOTHING_POLICY_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/param_spec.h"
#include "engine/ticket.h"
#include "engine/time.h"

namespace ratesim {

// What the engine knows of an arriving request's key, for policies that pace or prioritise.
struct KeyView {
  double request_rate = 0.0;  // the key's dynamic rate, requests/s
  double token_rate = 0.0;    // tokens/s
  Nanos fits_at = 0;          // earliest time this request would be within rate (now if it is)
};

class SmoothingPolicy {
 public:
  enum class Admission { kServe, kBuffered, kRejected };

  virtual ~SmoothingPolicy() = default;

  // A request arrives. `key` is what the engine knows of its key; `slot_free` tells whether one of
  // the model's slots is idle now.
  // Returns kServe only if slot_free: the caller starts the request at once. kBuffered: the policy
  // keeps the ticket until Next starts it or Next or Expire drops it. kRejected: the caller fails
  // it now (*reason says why).
  virtual Admission OnArrival(const Ticket& ticket, const KeyView& key, bool slot_free, Nanos now,
                              FailReason* reason) = 0;

  // A slot is free at `now`. Returns true and sets *next to the buffered request to start, or false
  // if none should start. Buffered requests the policy gives up on the way (past their deadline:
  // kExpired; or dropped by the policy's own rule: kDisplaced, kShed) are appended to *dropped, in
  // the order the engine is to fail them.
  virtual bool Next(Nanos now, Ticket* next, std::vector<Dropped>* dropped) = 0;

  // Time has reached `now`: appends to *dropped every buffered request whose deadline is at or
  // before `now` (kExpired) and any the policy set aside to give up (kDisplaced), removing them,
  // and does whatever else the policy timed for `now` (a paced request becoming eligible to start).
  virtual void Expire(Nanos now, std::vector<Dropped>* dropped) = 0;

  // The client of a buffered request went away (its timeout, a closed connection): removes the
  // request as if it had never come, failing nothing, and returns true with its ticket in
  // *withdrawn. `which` names it by its handle (`request`) and `arrival`, and says where to look
  // (`key`, `org`); its other fields are not read. Returns false, changing nothing, if the policy
  // holds no such request (it started or failed already). A request set aside to be dropped
  // (kDisplaced) is held until handed back, and may be withdrawn. Handles are unique among the
  // requests a policy holds.
  virtual bool Withdraw(const Ticket& which, Ticket* withdrawn) = 0;

  // The earliest time at which the policy needs Expire called (a deadline, a paced request becoming
  // eligible), or kNever when nothing is timed.
  virtual Nanos NextWakeup() const = 0;

  // Requests buffered now.
  virtual size_t Depth() const = 0;

  // Whether OnArrival reads KeyView::fits_at; the engine computes it only for policies that do.
  virtual bool UsesFitsAt() const { return false; }

  // Whether an over-rate request the policy admits (serves or buffers) is charged to its key's
  // window at once, in advance of its start, which may leave the window in debt. A policy that
  // spreads over-rate requests out at the key's rate serves them as rate budget: uncharged, the
  // key's within-rate arrivals would get the whole rate on top of them, twice the rate in all.
  // Charged, a later arrival finds the debt and waits its turn too. What the engine does for such
  // a policy: a charged request counts as within-rate usage when it completes (its key's formula
  // grows on it as on any request served within the rate), any request it admitted that expires
  // unstarted is refunded (within-rate ones too: each holds a place in the key's schedule), and a
  // debt is kept in time when the rate changes (DebtAtRate). A policy that delays a request for
  // its key's rate sets Ticket::ready_at, from which formulas see its latency. Other policies serve over-rate
  // requests from spare capacity only, which the rate does not count (the default, false).
  virtual bool ChargesOverRateRequests() const { return false; }

  // Whether, while the policy holds nothing, OnArrival with a slot free serves a request of
  // `rate_class` and changes nothing in the policy. The engine then starts such a request without
  // the call: the common case of a model with spare slots costs no virtual call. Asked once, at
  // setup. The default, false, is always correct.
  virtual bool ServesFreeSlotUntouched(RateClass) const { return false; }
};

// A policy by name, as a scenario file or a command line names it.
struct PolicyInfo {
  std::string name;
  std::string summary;
  std::vector<ParamSpec> params;
  // REQUIRES: `resolved` holds every parameter of `params`.
  std::unique_ptr<SmoothingPolicy> (*make)(const ParamValues& resolved);
};

// Every registered policy, in a stable order.
const std::vector<PolicyInfo>& Policies();

// A new policy instance. Fails with InvalidArgument on an unknown name (the message lists the known
// ones) or a parameter its spec rejects.
absl::StatusOr<std::unique_ptr<SmoothingPolicy>> MakePolicy(std::string_view name,
                                                            const ParamValues& params);

}  // namespace ratesim

#endif  // RATESIM_ENGINE_SMOOTHING_POLICY_H_

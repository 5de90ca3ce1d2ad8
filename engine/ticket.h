// A request as the engine's buffers hold it: a small plain struct, copied by value, never allocated
// on its own.
#ifndef RATESIM_ENGINE_TICKET_H_
#define RATESIM_ENGINE_TICKET_H_

#include <cstdint>

#include "engine/attribution.h"
#include "engine/fail_reason.h"
#include "engine/ids.h"
#include "engine/time.h"

namespace ratesim {

struct Ticket {
  uint64_t request = 0;  // the caller's handle for the request; the engine only carries it
  Nanos arrival = 0;
  KeyId key = 0;
  OrgId org = 0;
  ModelId model = 0;
  RateClass rate_class = RateClass::kWithin;
  int64_t token_estimate = 0;  // input + max output tokens, as classified
  // When the request may start as far as its own rate is concerned: its arrival, or the later
  // time pacing spread it to. The latency a limit formula sees runs from here, so that a wait the
  // key's own excess caused is not read as the platform's congestion. At or before `arrival`
  // (the default) means at arrival.
  Nanos ready_at = 0;
};

// Whether `ticket` is the request `which` names for a withdrawal: the same caller's handle, arrived
// at the same instant (SmoothingPolicy::Withdraw).
inline bool IsRequest(const Ticket& ticket, const Ticket& which) {
  return ticket.request == which.request && ticket.arrival == which.arrival;
}

// A request a smoothing policy gives up after having buffered it, and why: the engine fails it with
// this reason.
struct Dropped {
  Ticket ticket;
  FailReason reason;
};

struct Failure {
  Ticket ticket;
  FailReason reason;
  Attribution attribution;
};

}  // namespace ratesim

#endif  // RATESIM_ENGINE_TICKET_H_

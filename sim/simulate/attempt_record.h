// What happened to one attempt of one request, for a per-request audit: enough to explain any 503 or
// 429 (its class at arrival, what the policy did, how it ended). The simulator hands one record per
// ended attempt to an AttemptObserver, if the run has one; without one it builds none.
#ifndef RATESIM_SIM_SIMULATE_ATTEMPT_RECORD_H_
#define RATESIM_SIM_SIMULATE_ATTEMPT_RECORD_H_

#include <cstdint>

#include "engine/attribution.h"
#include "engine/key_registry.h"
#include "engine/rate_limit_headers.h"
#include "engine/smoothing_policy.h"
#include "engine/ticket.h"
#include "engine/time.h"

namespace ratesim {

struct AttemptRecord {
  uint64_t request = 0;  // the logical request, numbered in arrival order from 0
  int64_t attempt = 1;   // 1 for the first attempt, 2 for the first retry, ...
  bool final = true;     // the request ends with this attempt (success, give up, attempts used up)
  // The client gave up waiting for a response (its timeout): status, error_type, reason and
  // headers are then meaningless, since no response came.
  bool timed_out = false;
  KeyId key = 0;
  OrgId org = 0;
  ModelId model = 0;
  // The org's stream that sent it: its index in the org's [[orgs.traffic]] list (StreamSpec's
  // org_stream); -1 for a request replayed from a trace.
  int32_t stream = -1;
  Nanos arrival = 0;     // of this attempt
  Nanos started = -1;    // start of service; -1 if never started
  Nanos ended = 0;       // completion or failure
  RateClass rate_class = RateClass::kWithin;
  SmoothingPolicy::Admission admission = SmoothingPolicy::Admission::kServe;  // at arrival
  HttpStatus status = HttpStatus::kOk;
  ErrorType error_type = ErrorType::kNone;
  FailReason reason = FailReason::kNoCapacity;  // meaningful when status != 200
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;
  // The rate-limit headers the attempt's response carried: the key as of `ended`, after the
  // engine recorded the success or failure (what a client's next request would be judged by),
  // and after anything else the engine did at that instant (a success frees a slot, and buffered
  // requests of the key that expire at the same instant have failed by then too).
  RateLimitHeaders headers;
};

// Receives every ended attempt of a run, in the order they end (ties in event order).
// Thread-safety: called from the run's thread only.
class AttemptObserver {
 public:
  virtual ~AttemptObserver() = default;
  virtual void OnAttemptEnd(const AttemptRecord& record, const KeyRegistry& names) = 0;
};

}  // namespace ratesim

#endif  // RATESIM_SIM_SIMULATE_ATTEMPT_RECORD_H_

// The live replica count of one model: changes on a schedule (an outage, a drop, a recovery) and an
// autoscaler that follows sustained load. Decides only; the simulation applies its decisions to the
// engine and schedules the events it asks for.
//
// Invariants: 0 <= replicas(); pending() replicas are being provisioned and arrive together after the
// provisioning delay unless a scheduled change cancels them (a newer generation).
#ifndef RATESIM_SIM_SIMULATE_CAPACITY_CONTROLLER_H_
#define RATESIM_SIM_SIMULATE_CAPACITY_CONTROLLER_H_

#include <cstdint>
#include <deque>

#include "engine/time.h"
#include "sim/scenario/scenario.h"

namespace ratesim {

class CapacityController {
 public:
  explicit CapacityController(const ModelSpec& spec);

  int64_t replicas() const { return replicas_; }
  int64_t pending() const { return pending_; }
  uint64_t generation() const { return generation_; }

  // A scheduled change: `replicas` from now on; provisioning in progress is cancelled.
  void Set(int64_t replicas, Nanos now);

  // Replicas ordered at generation `generation` are ready. Returns false (and changes nothing) if a
  // scheduled change cancelled them since.
  bool Ready(int64_t count, uint64_t generation, Nanos now);

  struct Decision {
    int64_t order = 0;   // replicas to provision now, ready after the provisioning delay
    int64_t remove = 0;  // replicas to remove now
  };
  // An autoscaler evaluation at `now`, given the model's cumulative busy and available slot time
  // (slot-nanoseconds since the start of the run). REQUIRES: spec.autoscaler.enabled.
  Decision Evaluate(Nanos now, double busy_slot_ns, double slot_ns);

  // The mean utilisation of the last evaluation's window (for tests and reports).
  double last_utilisation() const { return last_utilisation_; }

 private:
  struct Snapshot {
    Nanos time;
    double busy_slot_ns;
    double slot_ns;
  };

  AutoscalerSpec spec_;
  int64_t concurrency_;  // slots per replica
  int64_t replicas_;
  int64_t pending_ = 0;
  uint64_t generation_ = 0;
  Nanos last_change_ = 0;
  double last_utilisation_ = 0.0;
  std::deque<Snapshot> history_;  // evaluations of the last window, oldest first
};

}  // namespace ratesim

#endif  // RATESIM_SIM_SIMULATE_CAPACITY_CONTROLLER_H_

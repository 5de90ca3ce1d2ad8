#include "sim/simulate/capacity_controller.h"

#include <algorithm>
#include <cmath>

namespace ratesim {

CapacityController::CapacityController(const ModelSpec& spec)
    : spec_(spec.autoscaler), concurrency_(spec.concurrency), replicas_(spec.replicas) {
  history_.push_back(Snapshot{0, 0.0, 0.0});  // the run starts with nothing measured
}

void CapacityController::Set(int64_t replicas, Nanos now) {
  replicas_ = replicas;
  pending_ = 0;
  ++generation_;
  last_change_ = now;
}

bool CapacityController::Ready(int64_t count, uint64_t generation, Nanos now) {
  if (generation != generation_) return false;
  replicas_ += count;
  pending_ -= count;
  last_change_ = now;
  return true;
}

CapacityController::Decision CapacityController::Evaluate(Nanos now, double busy_slot_ns,
                                                          double slot_ns) {
  history_.push_back(Snapshot{now, busy_slot_ns, slot_ns});
  while (history_.size() > 1 && history_[1].time <= now - spec_.window) history_.pop_front();
  const Snapshot& oldest = history_.front();
  const double window_slots = slot_ns - oldest.slot_ns;
  Decision decision;
  // Sustained load only: until a whole window has been seen there is nothing to follow. A model with
  // no replicas is down (a scheduled outage), not idle: the autoscaler leaves it alone until the
  // schedule brings it back.
  if (oldest.time > now - spec_.window || window_slots <= 0 || replicas_ == 0) return decision;
  const double busy = busy_slot_ns - oldest.busy_slot_ns;
  last_utilisation_ = busy / window_slots;

  // Size for the work measured, not for the replicas that happened to do it: the mean number of busy
  // slots over the window, at the target utilisation. (Scaling the replica count by its utilisation
  // instead overshoots as soon as new replicas join a window measured before them.)
  const int64_t planned = replicas_ + pending_;
  const double mean_busy_slots = busy / static_cast<double>(now - oldest.time);
  const double wanted = std::ceil(mean_busy_slots / (spec_.target_utilisation *
                                                     static_cast<double>(concurrency_)) - 1e-9);
  const int64_t desired = std::clamp(static_cast<int64_t>(wanted), spec_.min_replicas,
                                     spec_.max_replicas);
  if (desired > planned) {
    decision.order = desired - planned;
    pending_ += decision.order;
    last_change_ = now;
  } else if (desired < replicas_ && pending_ == 0 && now - last_change_ >= spec_.scale_down_cooldown) {
    decision.remove = replicas_ - desired;
    replicas_ = desired;
    last_change_ = now;
  }
  return decision;
}

}  // namespace ratesim

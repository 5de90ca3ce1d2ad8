#include "sim/simulate/run_progress.h"

#include <algorithm>

namespace ratesim {

RunProgress::Run::Run(RunProgress* progress, Nanos duration) : progress_(progress) {
  if (progress_ == nullptr) return;
  const std::lock_guard<std::mutex> lock(progress_->mutex_);
  for (Slot& slot : progress_->slots_) {
    if (!slot.busy) {
      slot_ = &slot;
      break;
    }
  }
  if (slot_ == nullptr) slot_ = &progress_->slots_.emplace_back();
  slot_->now.store(0, std::memory_order_relaxed);
  slot_->duration = duration;
  slot_->busy = true;
}

RunProgress::Run::~Run() {
  if (progress_ == nullptr) return;
  const std::lock_guard<std::mutex> lock(progress_->mutex_);
  slot_->busy = false;
  ++progress_->finished_;
  progress_->finished_seconds_ += ToSeconds(slot_->duration);
}

std::atomic<Nanos>* RunProgress::Run::clock() const {
  return slot_ == nullptr ? nullptr : &slot_->now;
}

RunProgress::RunProgress(size_t total_runs, double total_seconds)
    : total_runs_(total_runs), total_seconds_(total_seconds) {}

RunProgress::Snapshot RunProgress::Read() const {
  Snapshot snapshot;
  snapshot.total = total_runs_;
  const std::lock_guard<std::mutex> lock(mutex_);
  snapshot.finished = finished_;
  double running_seconds = 0;
  double shares = 0;
  for (const Slot& slot : slots_) {
    if (!slot.busy) continue;
    // A run that drains goes on past its duration: it counts as at its end.
    const Nanos now = std::clamp<Nanos>(slot.now.load(std::memory_order_relaxed), 0, slot.duration);
    ++snapshot.running;
    running_seconds += ToSeconds(now);
    shares += slot.duration > 0 ? static_cast<double>(now) / static_cast<double>(slot.duration) : 1;
  }
  if (snapshot.running > 0) snapshot.running_share = shares / snapshot.running;
  if (total_seconds_ > 0) {
    snapshot.done_share =
        std::clamp((finished_seconds_ + running_seconds) / total_seconds_, 0.0, 1.0);
  }
  return snapshot;
}

}  // namespace ratesim

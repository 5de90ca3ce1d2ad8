#include "sim/simulate/cancellation.h"

#include <atomic>

namespace ratesim {
namespace {

// 0 while no cancellation was requested, else the signal that requested it. A lock-free atomic is
// what a signal handler may write.
std::atomic<int> requested_signal{0};
static_assert(std::atomic<int>::is_always_lock_free);

}  // namespace

void RequestCancellation(int signal) {
  int none = 0;
  requested_signal.compare_exchange_strong(none, signal, std::memory_order_relaxed);
}

bool CancellationRequested() { return requested_signal.load(std::memory_order_relaxed) != 0; }

int CancellationSignal() { return requested_signal.load(std::memory_order_relaxed); }

void ClearCancellation() { requested_signal.store(0, std::memory_order_relaxed); }

absl::Status CancelledStatus() { return absl::CancelledError("interrupted"); }

}  // namespace ratesim

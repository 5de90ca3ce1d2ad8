#include "sim/simulate/client_gate.h"

#include <algorithm>

namespace ratesim {

bool ClientGate::Admit(const ClientSpec& client, uint64_t slot, Nanos now) {
  if (waiting_.empty() && MaySend(client, now)) {
    Send(client, now);
    return true;
  }
  waiting_.push_back(slot);
  return false;
}

bool ClientGate::NeedsWake(const ClientSpec& client, Nanos now, Nanos* at) {
  if (wake_pending_ || waiting_.empty()) return false;
  if (client.max_in_flight > 0 && in_flight_ >= client.max_in_flight) return false;
  wake_pending_ = true;
  *at = std::max(now, next_send_);
  return true;
}

bool ClientGate::Release(const ClientSpec& client, Nanos now, uint64_t* slot) {
  if (waiting_.empty() || !MaySend(client, now)) return false;
  *slot = waiting_.front();
  waiting_.pop_front();
  Send(client, now);
  return true;
}

bool ClientGate::MaySend(const ClientSpec& client, Nanos now) const {
  return (client.max_in_flight == 0 || in_flight_ < client.max_in_flight) && next_send_ <= now;
}

void ClientGate::Send(const ClientSpec& client, Nanos now) {
  ++in_flight_;
  if (client.pace_per_s > 0.0) {
    // Capped so that the arithmetic stays in range: ~31 years is "never" for a pacer.
    const double spacing = std::min(1e18, static_cast<double>(kNanosPerSecond) / client.pace_per_s);
    next_send_ = now + std::max<Nanos>(1, static_cast<Nanos>(spacing));
  }
}

}  // namespace ratesim

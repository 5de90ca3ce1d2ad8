// A client that holds its requests back (ClientSpec::max_in_flight, pace): attempts due but not
// sent wait in it, in the order they became due, until a place under its cap frees and its pacer's
// next instant comes. The simulator asks it at each attempt due and each attempt ended, and wakes
// it (an event) when it says held-back attempts may go.
//
// Thread-safety: none; one run's thread.
#ifndef RATESIM_SIM_SIMULATE_CLIENT_GATE_H_
#define RATESIM_SIM_SIMULATE_CLIENT_GATE_H_

#include <cstdint>
#include <deque>

#include "engine/time.h"
#include "sim/scenario/scenario.h"

namespace ratesim {

class ClientGate {
 public:
  // The attempt of request slot `slot` is due at `now`. True: send it now (it counts as in flight
  // until Ended). False: it is held back, behind any held back before it.
  bool Admit(const ClientSpec& client, uint64_t slot, Nanos now);

  // An attempt the gate let through has its answer, or its client stopped waiting for one.
  void Ended() { --in_flight_; }

  // Whether held-back attempts need a wake-up the gate has not asked for yet, and when (*at):
  // the pacer's next instant, or `now` once a place is free. False when nothing waits, a wake-up
  // is pending, or the cap is full (an attempt's end comes first). True marks one pending.
  bool NeedsWake(const ClientSpec& client, Nanos now, Nanos* at);

  // The wake-up came: the next held-back attempt that may go at `now`, counted as in flight, in
  // *slot; false when none may. Call until false.
  bool Release(const ClientSpec& client, Nanos now, uint64_t* slot);
  void Woken() { wake_pending_ = false; }

 private:
  bool MaySend(const ClientSpec& client, Nanos now) const;
  void Send(const ClientSpec& client, Nanos now);

  std::deque<uint64_t> waiting_;  // request slots, in the order their attempts became due
  int64_t in_flight_ = 0;         // attempts let through and not yet ended
  Nanos next_send_ = 0;           // the pacer's next free instant
  bool wake_pending_ = false;
};

}  // namespace ratesim

#endif  // RATESIM_SIM_SIMULATE_CLIENT_GATE_H_

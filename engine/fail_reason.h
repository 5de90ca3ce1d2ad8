// Why a request left the engine without being served: the policy's reason, which the 503-or-429
// attribution (attribution.h) does not tell. Reports count failures by it and audit.csv names it.
#ifndef RATESIM_ENGINE_FAIL_REASON_H_
#define RATESIM_ENGINE_FAIL_REASON_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ratesim {

// In the order reports list them: refused at arrival first, then given up after buffering.
enum class FailReason : uint8_t {
  kNoCapacity,   // no slot free and the policy does not buffer
  kBufferFull,   // the policy's buffer was at its maximum depth
  kWouldExpire,  // the policy could not start it before its deadline, so refused it at once
                 // (pacing)
  kExpired,      // waited in the buffer until its deadline (max_wait, max_wait_over)
  kDisplaced,    // pushed out of a full buffer by a within-rate request (within_first)
  kShed,         // dropped by the policy's delay control while overloaded (codel)
};
inline constexpr size_t kFailReasonCount = 6;
static_assert(static_cast<size_t>(FailReason::kShed) + 1 == kFailReasonCount,
              "kFailReasonCount counts FailReason's values; arrays are indexed by them");

// The wire name: "no_capacity", "buffer_full", "would_expire", "expired", "displaced", "shed".
std::string_view FailReasonName(FailReason reason);

}  // namespace ratesim

#endif  // RATESIM_ENGINE_FAIL_REASON_H_

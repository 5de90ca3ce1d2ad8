#include "engine/fail_reason.h"

namespace ratesim {

std::string_view FailReasonName(FailReason reason) {
  switch (reason) {
    case FailReason::kNoCapacity:
      return "no_capacity";
    case FailReason::kBufferFull:
      return "buffer_full";
    case FailReason::kWouldExpire:
      return "would_expire";
    case FailReason::kExpired:
      return "expired";
    case FailReason::kDisplaced:
      return "displaced";
    case FailReason::kShed:
      return "shed";
  }
  return "";
}

}  // namespace ratesim

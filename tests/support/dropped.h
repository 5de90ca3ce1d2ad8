// Reading what a smoothing policy gave up (its Next/Expire *dropped list), for tests that compare
// it with an expectation or an oracle: request ids and reasons, in order or sorted.
#ifndef RATESIM_TESTS_SUPPORT_DROPPED_H_
#define RATESIM_TESTS_SUPPORT_DROPPED_H_

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "engine/ticket.h"

namespace ratesim::testing {

// The dropped requests' ids, in the order the policy dropped them.
inline std::vector<uint64_t> DroppedIds(const std::vector<Dropped>& dropped) {
  std::vector<uint64_t> ids;
  for (const Dropped& d : dropped) ids.push_back(d.ticket.request);
  return ids;
}

// Their reasons, in the same order.
inline std::vector<FailReason> DroppedReasons(const std::vector<Dropped>& dropped) {
  std::vector<FailReason> reasons;
  for (const Dropped& d : dropped) reasons.push_back(d.reason);
  return reasons;
}

// (id, reason) of each, sorted by id: for an oracle that drops the same requests in another order.
inline std::vector<std::pair<uint64_t, FailReason>> SortedDrops(
    const std::vector<Dropped>& dropped) {
  std::vector<std::pair<uint64_t, FailReason>> drops;
  for (const Dropped& d : dropped) drops.emplace_back(d.ticket.request, d.reason);
  std::sort(drops.begin(), drops.end());
  return drops;
}

}  // namespace ratesim::testing

#endif  // RATESIM_TESTS_SUPPORT_DROPPED_H_

// The registry of smoothing policies by name: the one place that knows every built-in policy.
#include "engine/codel_policy.h"
#include "engine/fair_policy.h"
#include "engine/fifo_policy.h"
#include "engine/none_policy.h"
#include "engine/pacing_policy.h"
#include "engine/smoothing_policy.h"
#include "engine/within_first_policy.h"

namespace ratesim {
namespace {

template <typename Policy>
std::unique_ptr<SmoothingPolicy> Make(const ParamValues& resolved) {
  return std::make_unique<Policy>(resolved);
}

}  // namespace

const std::vector<PolicyInfo>& Policies() {
  static const std::vector<PolicyInfo>* const policies = new std::vector<PolicyInfo>{
      {"none", "no buffer: serve if a slot is free, else fail at once", NonePolicy::Params(),
       &Make<NonePolicy>},
      {"fifo", "one first-in first-out buffer with a max depth and a max wait", FifoPolicy::Params(),
       &Make<FifoPolicy>},
      {"fair", "one FIFO per org, served by deficit round robin over token cost",
       FairPolicy::Params(), &Make<FairPolicy>},
      {"pacing", "over-rate bursts spread out at the key's rate instead of failed, up to a max wait",
       PacingPolicy::Params(), &Make<PacingPolicy>},
      {"within_first", "within-rate requests first; over-rate ones only get spare capacity",
       WithinFirstPolicy::Params(), &Make<WithinFirstPolicy>},
      {"codel", "CoDel-style delay control: FIFO normally, LIFO and drops past target in overload",
       CodelPolicy::Params(), &Make<CodelPolicy>},
  };
  return *policies;
}

absl::StatusOr<std::unique_ptr<SmoothingPolicy>> MakePolicy(std::string_view name,
                                                            const ParamValues& params) {
  return MakeByName<SmoothingPolicy>(Policies(), "smoothing policy", name, params);
}

}  // namespace ratesim

// Parameters that make any smoothing policy busy in a short test: small buffers and short waits, so
// that buffers fill and requests expire within seconds of simulated time.
#ifndef RATESIM_TESTS_SUPPORT_TIGHT_POLICY_PARAMS_H_
#define RATESIM_TESTS_SUPPORT_TIGHT_POLICY_PARAMS_H_

#include <string>

#include "engine/param_spec.h"
#include "engine/smoothing_policy.h"

namespace ratesim::testing {

// The tight values of the parameters `policy_name` declares (max_depth 6, max_wait 2 s,
// max_wait_over 1 s, codel's target 0.2 s and interval 1 s), with pacing's `burst` as given.
inline ParamValues TightPolicyParams(const std::string& policy_name, double burst = 0) {
  const ParamValues tight = {{"max_depth", 6}, {"max_wait", 2.0}, {"max_wait_over", 1.0},
                             {"target", 0.2},  {"interval", 1.0}, {"burst", burst}};
  ParamValues params;
  for (const PolicyInfo& info : Policies()) {
    if (info.name != policy_name) continue;
    for (const ParamSpec& spec : info.params) {
      if (tight.contains(spec.name)) params[spec.name] = tight.at(spec.name);
    }
  }
  return params;
}

// Only `max_depth` and `max_wait` (seconds), for whichever of them `policy_name` declares: a
// buffer that fills and expires, and every other parameter its default, but for one that must stay
// below max_wait (codel's target), set to half of it.
inline ParamValues BufferParams(const std::string& policy_name, double max_depth, double max_wait) {
  ParamValues params;
  for (const PolicyInfo& info : Policies()) {
    if (info.name != policy_name) continue;
    for (const ParamSpec& spec : info.params) {
      if (spec.name == "max_wait") params[spec.name] = max_wait;
      if (spec.name == "max_depth") params[spec.name] = max_depth;
      if (spec.at_most == "max_wait" && spec.default_value >= max_wait) params[spec.name] = max_wait / 2;
    }
  }
  return params;
}

}  // namespace ratesim::testing

#endif  // RATESIM_TESTS_SUPPORT_TIGHT_POLICY_PARAMS_H_

// The two limits every buffering smoothing policy has, declared once so that each policy states them
// the same way (same names, units and help) and reads them the same way.
#ifndef RATESIM_ENGINE_BUFFER_PARAMS_H_
#define RATESIM_ENGINE_BUFFER_PARAMS_H_

#include <cstddef>

#include "engine/param_spec.h"
#include "engine/time.h"

namespace ratesim {

inline ParamSpec MaxDepthParam() {
  return {"max_depth", ParamKind::kCount, 1000.0, 0.0, false,
          "most requests waiting in the buffer; an arrival beyond it fails at once"};
}

inline ParamSpec MaxWaitParam(double default_seconds) {
  return {"max_wait", ParamKind::kDuration, default_seconds, 0.0, true,
          "longest a request waits for a slot before it fails"};
}

// REQUIRES: `params` resolved against a spec holding MaxDepthParam() / MaxWaitParam().
inline size_t MaxDepth(const ParamValues& params) {
  return static_cast<size_t>(params.at("max_depth"));
}
inline Nanos MaxWait(const ParamValues& params) { return FromSeconds(params.at("max_wait")); }

}  // namespace ratesim

#endif  // RATESIM_ENGINE_BUFFER_PARAMS_H_

// What each traffic stream sends against its org's dynamic limit at the start of the run, for
// `ratesim validate`: an API user's first question ("my app sends 2 requests/s with bursts of 30;
// what will the platform make of it?") answered before anything runs. Rates earned later are the
// run's to show; this says where a stream starts: within its limit, or over it (its mean request
// or token rate, or a burst deeper than the one-second window), so that 429s come as no surprise.
#ifndef RATESIM_SIM_REPORT_STREAM_LIMITS_H_
#define RATESIM_SIM_REPORT_STREAM_LIMITS_H_

#include <cstddef>
#include <string>

#include "sim/scenario/scenario.h"

namespace ratesim {

// The most lines StreamLimitLines prints one by one; past it, only those over their limit.
inline constexpr size_t kStreamLimitLinesListed = 12;

// One "limits: ...\n" line per [[orgs]] entry (once for its copies) and model it sends to: the
// mean rate in RPM and TPM (input + max output tokens, as the window judges a request at arrival)
// of its [[orgs.traffic]] to that model, summed over those that send at the same time, since they
// share the org's limit and window; its bursts; and the org's starting limit for the model, with
// what exceeds it. With more than kStreamLimitLinesListed lines, only the first of those over
// their limit, and how many are within. Closed loops (paced by their replies) and traces are left
// out. "" when the platform cannot be built (the run would say why).
std::string StreamLimitLines(const Scenario& scenario);

}  // namespace ratesim

#endif  // RATESIM_SIM_REPORT_STREAM_LIMITS_H_

// The smallest scenario the command-line tests run: two orgs on a model of 2 slots for 20 s, one
// steady, one bursty, under two policies. Runs in milliseconds; busy enough that the policies,
// and a sweep's grid values, give different rows.
#ifndef RATESIM_TESTS_SUPPORT_TINY_SCENARIO_H_
#define RATESIM_TESTS_SUPPORT_TINY_SCENARIO_H_

namespace ratesim::testing {

inline constexpr char kTinyScenario[] = R"(title = "tiny"

[run]
duration = "20s"
seed = 3
resolution = "5s"

[[models]]
name = "m"
concurrency = 2
service = { dist = "constant", mean = "1s" }

[[orgs]]
name = "steady"

  [[orgs.traffic]]
  model = "m"
  shape = "constant"
  rate = "1rps"

[[orgs]]
name = "bursty"

  [[orgs.traffic]]
  model = "m"
  shape = "bursts"
  count = 10
  window = "1s"
  every = "10s"

[[policies]]
type = "none"

[[policies]]
type = "fifo"
name = "fifo-5s"
max_wait = "5s"
)";

}  // namespace ratesim::testing

#endif  // RATESIM_TESTS_SUPPORT_TINY_SCENARIO_H_

#include "sim/simulate/runner.h"

#include <algorithm>
#include <thread>

#include "fmt/format.h"
#include "fmt/ranges.h"
#include "sim/simulate/simulation.h"

namespace ratesim {

absl::StatusOr<RunResult> RunPolicy(const Scenario& scenario, const PolicySpec& policy) {
  return Simulate(scenario, policy, scenario.run.seed);
}

absl::StatusOr<std::vector<RunResult>> RunComparison(const Scenario& scenario,
                                                     const std::vector<std::string>& labels,
                                                     int threads) {
  std::vector<const PolicySpec*> chosen;
  if (labels.empty()) {
    for (const PolicySpec& policy : scenario.policies) chosen.push_back(&policy);
  }
  for (const std::string& label : labels) {
    auto it = std::find_if(scenario.policies.begin(), scenario.policies.end(),
                           [&](const PolicySpec& p) { return p.label == label; });
    if (it == scenario.policies.end()) {
      std::vector<std::string> known;
      for (const PolicySpec& policy : scenario.policies) known.push_back(policy.label);
      return absl::InvalidArgumentError(fmt::format("no policy '{}' in {}; it has: {}", label,
                                                    scenario.path, fmt::join(known, ", ")));
    }
    chosen.push_back(&*it);
  }

  // Runs are independent: each owns its engine, generators and metrics. Worker w takes runs w,
  // w + workers, ...; results land in their own slots, so the output is the same for any count.
  std::vector<absl::StatusOr<RunResult>> results(chosen.size(),
                                                 absl::UnknownError("not run"));
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int workers = std::clamp(threads > 0 ? threads : cores, 1, static_cast<int>(chosen.size()));
  auto work = [&](int worker) {
    for (size_t i = worker; i < chosen.size(); i += workers) {
      results[i] = Simulate(scenario, *chosen[i], scenario.run.seed);
    }
  };
  std::vector<std::thread> pool;
  for (int w = 1; w < workers; ++w) pool.emplace_back(work, w);
  work(0);
  for (std::thread& thread : pool) thread.join();

  std::vector<RunResult> out;
  for (absl::StatusOr<RunResult>& result : results) {
    if (!result.ok()) return result.status();
    out.push_back(*std::move(result));
  }
  return out;
}

}  // namespace ratesim

#include "sim/report/non_finite_warning.h"

#include <cstdint>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "fmt/format.h"

namespace ratesim {
namespace {

std::string Times(int64_t n) { return n == 1 ? "once" : fmt::format("{} times", n); }

}  // namespace

std::string NonFiniteRateWarning(const std::vector<RunResult>& runs, int replications,
                                 std::string_view formula) {
  NonFiniteCounts all;
  absl::flat_hash_set<std::pair<std::string, std::string>> keys;  // by name: ids are per run
  size_t faulty_runs = 0;
  size_t worst_run = 0;
  const NonFiniteRate* worst = nullptr;
  for (size_t r = 0; r < runs.size(); ++r) {
    const RunResult& run = runs[r];
    if (!run.metrics.non_finite_rates.empty()) ++faulty_runs;
    for (const NonFiniteRate& key : run.metrics.non_finite_rates) {
      all.requests += key.counts.requests;
      all.tokens += key.counts.tokens;
      keys.emplace(run.org_name(key.org), run.model_name(key.model));
      if (worst == nullptr || key.counts.total() > worst->counts.total()) {
        worst_run = r;
        worst = &key;
      }
    }
  }
  if (worst == nullptr) return "";
  std::vector<std::string> what;
  if (all.requests > 0) {
    what.push_back(fmt::format("requests_per_s {} (each time the request rate was set to base_rpm)",
                               Times(all.requests)));
  }
  if (all.tokens > 0) {
    what.push_back(fmt::format("tokens_per_s {} (each time the token rate was set to base_tpm)",
                               Times(all.tokens)));
  }
  const RunResult& run = runs[worst_run];
  const std::string replication =
      replications > 1
          ? fmt::format("replication {} of {}, ", worst_run % replications + 1, replications)
          : "";
  return fmt::format(
      "warning: limit formula '{}' computed rates that are not finite numbers (NaN or infinite), "
      "for {} key{} in {} of {} run{}: {}. Those keys were not limited by the formula you wrote. "
      "Most often: org '{}' on model '{}', {} (policy {}, {}seed {}). Guard the division or "
      "logarithm that fails, e.g. max(x, 1e-9) or x > 0 ? ... : ...; with --out, summary.json "
      "lists every such key under non_finite_rates.\n",
      formula, keys.size(), keys.size() == 1 ? "" : "s", faulty_runs, runs.size(),
      runs.size() == 1 ? "" : "s", fmt::join(what, "; "), run.org_name(worst->org),
      run.model_name(worst->model), Times(worst->counts.total()), run.policy, replication,
      run.seed);
}

}  // namespace ratesim

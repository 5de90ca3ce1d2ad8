#include "sim/report/non_finite_warning.h"

#include <cstdint>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "fmt/format.h"

namespace ratesim {
namespace {

std::string NameOf(const std::vector<std::string>& names, uint32_t id) {
  return id < names.size() ? names[id] : fmt::format("#{}", id);
}

}  // namespace

std::string NonFiniteRateWarning(const std::vector<RunResult>& runs, std::string_view formula) {
  int64_t updates = 0;
  absl::flat_hash_set<std::pair<std::string, std::string>> keys;  // names: ids differ by run
  const RunResult* worst_run = nullptr;
  const NonFiniteRate* worst = nullptr;
  for (const RunResult& run : runs) {
    for (const NonFiniteRate& fault : run.metrics.non_finite_rates) {
      updates += fault.updates;
      keys.emplace(NameOf(run.org_names, fault.org), NameOf(run.model_names, fault.model));
      if (worst == nullptr || fault.updates > worst->updates) {
        worst_run = &run;
        worst = &fault;
      }
    }
  }
  if (worst == nullptr) return "";
  return fmt::format(
      "warning: limit formula '{}' computed a rate that is not a finite number (NaN or infinite) "
      "in {} update{} of {} key{}, most often for org '{}' on model '{}' ({} update{}; policy {}, "
      "seed {}). Each such update left the key at its floor (base_rpm, base_tpm), so those keys "
      "were not limited by the formula you wrote. Guard the division or logarithm that fails, e.g. "
      "max(x, 1e-9) or x > 0 ? ... : ...; with --out, summary.json lists every key under "
      "non_finite_rates.\n",
      formula, updates, updates == 1 ? "" : "s", keys.size(), keys.size() == 1 ? "" : "s",
      NameOf(worst_run->org_names, worst->org), NameOf(worst_run->model_names, worst->model),
      worst->updates, worst->updates == 1 ? "" : "s", worst_run->policy, worst_run->seed);
}

}  // namespace ratesim

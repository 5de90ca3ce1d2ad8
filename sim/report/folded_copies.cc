#include "sim/report/folded_copies.h"

#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "fmt/format.h"

namespace ratesim {
namespace {

// Each copy's name, and the name of the row its copies share.
absl::flat_hash_map<std::string, std::string> RowOfCopies(const Scenario& scenario) {
  absl::flat_hash_map<std::string, std::string> rows;
  for (const OrgSpec& org : scenario.orgs) {
    if (org.copy_of.empty()) continue;
    rows.emplace(org.name, fmt::format("{}-1..{}", org.copy_of, org.copies));
  }
  return rows;
}

RunResult Folded(const RunResult& run, const absl::flat_hash_map<std::string, std::string>& rows) {
  RunResult folded = run;
  folded.org_names.clear();
  folded.metrics.per_org.clear();
  absl::flat_hash_map<std::string, size_t> placed;  // a row of copies -> its index in `folded`
  for (size_t id = 0; id < run.metrics.per_org.size(); ++id) {
    const std::string name = run.org_name(id);
    const SliceMetrics& slice = run.metrics.per_org[id];
    const auto row = rows.find(name);
    if (row == rows.end()) {
      folded.org_names.push_back(name);
      folded.metrics.per_org.push_back(slice);
      continue;
    }
    const auto [at, first] = placed.emplace(row->second, folded.metrics.per_org.size());
    if (first) {
      folded.org_names.push_back(row->second);
      folded.metrics.per_org.push_back(slice);
      continue;
    }
    SliceMetrics& into = folded.metrics.per_org[at->second];
    into.counts.Add(slice.counts);
    into.latency.Merge(slice.latency);
    into.queue_wait.Merge(slice.queue_wait);
  }
  return folded;
}

}  // namespace

std::optional<std::vector<RunResult>> FoldCopies(const std::vector<RunResult>& runs,
                                                 const Scenario& scenario) {
  const absl::flat_hash_map<std::string, std::string> rows = RowOfCopies(scenario);
  if (rows.empty()) return std::nullopt;
  std::vector<RunResult> folded;
  folded.reserve(runs.size());
  for (const RunResult& run : runs) folded.push_back(Folded(run, rows));
  return folded;
}

}  // namespace ratesim

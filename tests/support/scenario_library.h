// A file of scenarios/ loaded (with --set style overrides) and run under every policy it declares,
// series kept, with look-ups into the results: what the tests of the scenario library and of the
// formulas' behaviour after an outage share. A load or run failure is a test failure, and ok() is
// then false.
#ifndef RATESIM_TESTS_SUPPORT_SCENARIO_LIBRARY_H_
#define RATESIM_TESTS_SUPPORT_SCENARIO_LIBRARY_H_

#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/simulate/runner.h"

namespace ratesim::testing {

// A file of scenarios/ with `overrides`; a load failure fails the test and gives an empty scenario.
inline Scenario LoadLibraryScenario(const std::string& file,
                                    const std::vector<std::string>& overrides = {}) {
  absl::StatusOr<Scenario> scenario =
      LoadScenarioFile(std::string(RATESIM_SOURCE_DIR) + "/scenarios/" + file, overrides);
  EXPECT_TRUE(scenario.ok()) << scenario.status();
  return scenario.ok() ? *std::move(scenario) : Scenario{};
}

class Library {
 public:
  // With `replications` > 1 every policy also runs with the replication seeds after the file's;
  // the single-run accessors below see the file's seed, the first replication.
  explicit Library(const std::string& file, const std::vector<std::string>& overrides = {},
                   int replications = 1) {
    absl::StatusOr<Scenario> scenario =
        LoadScenarioFile(std::string(RATESIM_SOURCE_DIR) + "/scenarios/" + file, overrides);
    EXPECT_TRUE(scenario.ok()) << scenario.status();
    if (!scenario.ok()) return;
    scenario_ = *std::move(scenario);
    ComparisonOptions options;
    options.keep_series = true;
    options.replications = replications;
    absl::StatusOr<std::vector<RunResult>> results = RunComparison(scenario_, {}, options);
    EXPECT_TRUE(results.ok()) << results.status();
    if (results.ok()) results_ = *std::move(results);
  }

  // The scenario as loaded, overrides applied.
  const Scenario& scenario() const { return scenario_; }

  const RunResult& Policy(const std::string& label) const {
    for (const RunResult& result : results_) {
      if (result.policy == label) return result;
    }
    ADD_FAILURE() << "no policy " << label;
    return results_.front();
  }

  const SliceMetrics& Org(const std::string& policy, const std::string& org) const {
    const RunResult& result = Policy(policy);
    for (size_t i = 0; i < result.org_names.size(); ++i) {
      if (result.org_names[i] == org) return result.metrics.per_org[i];
    }
    ADD_FAILURE() << "no org " << org;
    return result.metrics.overall;
  }

  const OutcomeCounts& Counts(const std::string& policy, const std::string& org) const {
    return Org(policy, org).counts;
  }

  // `org`'s counts under `policy`, summed over every replication.
  OutcomeCounts CountsOverReplications(const std::string& policy, const std::string& org) const {
    OutcomeCounts total;
    for (const RunResult& result : results_) {
      if (result.policy != policy) continue;
      for (size_t i = 0; i < result.org_names.size(); ++i) {
        if (result.org_names[i] == org) total.Add(result.metrics.per_org[i].counts);
      }
    }
    return total;
  }

  // The series value of `metric` for `org` (or a model, with org empty) at the last sample at or
  // before `time_s`.
  double SeriesAt(const std::string& policy, SeriesMetric metric, const std::string& org,
                  const std::string& model, double time_s) const {
    const RunResult& result = Policy(policy);
    double value = -1;
    for (const SeriesPoint& point : result.metrics.series) {
      if (point.metric != metric || ToSeconds(point.time) > time_s + 1e-9) continue;
      const bool org_matches = org.empty() ? point.org == kNoOrg
                                           : point.org != kNoOrg && result.org_names[point.org] == org;
      if (org_matches && (model.empty() || result.model_names[point.model] == model)) value = point.value;
    }
    return value;
  }

  bool ok() const { return !results_.empty(); }

 private:
  Scenario scenario_;
  std::vector<RunResult> results_;
};

}  // namespace ratesim::testing

#endif  // RATESIM_TESTS_SUPPORT_SCENARIO_LIBRARY_H_

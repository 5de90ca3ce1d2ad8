#include "sim/sweep/sweep_runner.h"

#include <algorithm>
#include <filesystem>
#include <memory>
#include <optional>
#include <thread>

#include "absl/strings/str_replace.h"
#include "fmt/format.h"
#include "sim/report/run_metadata.h"
#include "sim/scenario/policy_choice.h"
#include "sim/util/nearest_name.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/simulate/run_volume.h"
#include "sim/simulate/runner.h"
#include "sim/sweep/recovery.h"
#include "sim/version.h"

namespace ratesim {
namespace {

// Hands a run's series to a sink that outlives the run.
class SinkRef : public SeriesSink {
 public:
  explicit SinkRef(SeriesSink& target) : target_(target) {}
  void OnInterval(const std::vector<SeriesPoint>& points, const KeyRegistry& names) override {
    target_.OnInterval(points, names);
  }

 private:
  SeriesSink& target_;
};

// OK when `scenario` has an org named `org`: one of its [[orgs]] (a copy by its own name, "name-3",
// or all of them by the name their [[orgs]] wrote), or one its traces' rows name. Else
// InvalidArgument with the nearest name.
absl::Status CheckOrgNamed(const Scenario& scenario, const std::string& org) {
  std::vector<std::string> names;
  for (const OrgSpec& spec : scenario.orgs) {
    names.push_back(spec.name);
    if (!spec.copy_of.empty()) names.push_back(spec.copy_of);
  }
  for (const TraceSpec& trace : scenario.traces) {
    if (trace.census == nullptr) continue;
    for (const OrgModel& key : trace.census->keys) names.push_back(key.org);
  }
  if (std::find(names.begin(), names.end(), org) != names.end()) return absl::OkStatus();
  const std::optional<std::string> nearest = NearestName(org, names);
  return absl::InvalidArgumentError(
      fmt::format("flag '--org': the scenario has no org '{}'{}", org,
                  nearest ? fmt::format("; did you mean '{}'?", *nearest) : ""));
}

}  // namespace

absl::StatusOr<SweepPlan> PlanSweep(const SweepRequest& request, const ShardSpec& shard) {
  SweepPlan plan;
  plan.shard = shard;
  SweepDefinition& definition = plan.definition;
  definition.version = Version();
  definition.grid = request.grid;
  definition.overrides = request.overrides;
  definition.seed = request.seed;
  definition.policies = request.policies;
  definition.org = request.org;
  definition.replications = request.replications;
  for (const std::string& given : request.scenario_paths) {
    // As written but for "./" and "a/../": shards started as `hold.toml` and `./hold.toml` (from
    // different job scripts) are of one sweep, and their fingerprints must say so.
    const std::string path = std::filesystem::path(given).lexically_normal().string();
    absl::StatusOr<uint64_t> hash = HashFile(path);
    if (!hash.ok()) {
      // The loader's message names the file as a scenario file and says why it cannot be read.
      absl::StatusOr<Scenario> unreadable = LoadScenarioFile(path);
      return absl::NotFoundError(
          std::string(unreadable.ok() ? hash.status().message() : unreadable.status().message()));
    }
    definition.scenarios.push_back({path, *hash});
  }
  TraceCensusCache censuses;  // each point replays the same traces, unless the grid changes them
  for (size_t point = 0; point < definition.points(); ++point) {
    const std::string& path = definition.scenarios[definition.scenario_of(point)].path;
    absl::StatusOr<Scenario> scenario =
        LoadScenarioFile(path, definition.overrides_of(point), &censuses);
    // Checked for every point before any runs, as a point's load is, so that a grid reaching a
    // rate too large to simulate fails at once, naming its point.
    if (scenario.ok()) {
      if (absl::Status volume = CheckRunVolume(*scenario); !volume.ok()) scenario = volume;
    }
    if (scenario.ok()) {
      if (absl::Status chosen = KeepPolicies(definition.policies, *scenario); !chosen.ok()) {
        scenario = chosen;
      }
    }
    if (scenario.ok() && !definition.org.empty()) {
      if (absl::Status org = CheckOrgNamed(*scenario, definition.org); !org.ok()) scenario = org;
    }
    if (!scenario.ok()) {
      // The loader names an override's origin "<--set key=value>"; say which came from --grid.
      std::string message(scenario.status().message());
      for (const GridAxis& axis : definition.grid) {
        message = absl::StrReplaceAll(
            message, {{"<--set " + axis.key + "=", "<--grid " + axis.key + "="}});
      }
      return absl::Status(scenario.status().code(),
                          fmt::format("{}\n(in {} at sweep point {}: {})", message, path, point,
                                      definition.describe(point)));
    }
    // A point's traces, so that a grid over a trace path records every file.
    if (absl::Status traces = AddTraceFiles(*scenario, definition.traces); !traces.ok()) {
      return traces;
    }
    if (!shard.Owns(point)) continue;
    plan.points.push_back(point);
    plan.scenarios.push_back(*std::move(scenario));
  }
  return plan;
}

size_t SweepRuns(const SweepPlan& plan) {
  size_t runs = 0;
  for (const Scenario& scenario : plan.scenarios) runs += scenario.policies.size();
  return runs * static_cast<size_t>(plan.definition.replications);
}

double SweepSeconds(const SweepPlan& plan) {
  double seconds = 0;
  for (const Scenario& scenario : plan.scenarios) {
    seconds += static_cast<double>(scenario.policies.size()) * ToSeconds(scenario.run.duration);
  }
  return seconds * plan.definition.replications;
}

absl::StatusOr<std::vector<PointRows>> RunSweep(const SweepPlan& plan, int jobs,
                                                RunProgress* progress) {
  const SweepDefinition& definition = plan.definition;
  const size_t count = plan.points.size();
  std::vector<absl::StatusOr<PointRows>> results(count, absl::UnknownError("not run"));
  if (count == 0) return std::vector<PointRows>();
  // The pattern of RunComparison's pool: worker w takes points w, w + workers, ...; each result
  // lands in its own slot, so the output is the same for any number of workers. A point's own runs
  // stay on its worker's thread (threads = 1), so `jobs` bounds the threads in use.
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int workers =
      static_cast<int>(std::min<size_t>(static_cast<size_t>(jobs > 0 ? jobs : cores), count));
  auto work = [&](int worker) {
    for (size_t i = static_cast<size_t>(worker); i < count; i += static_cast<size_t>(workers)) {
      const size_t point = plan.points[i];
      const Scenario& scenario = plan.scenarios[i];
      ComparisonOptions options;
      options.replications = definition.replications;
      options.threads = 1;
      options.progress = progress;
      // The recovery scores need only the sums of the outage's model per interval: each run
      // judges them as it goes (RecoverySink), and keeps no series.
      const std::optional<Outage> outage = LastRestoredOutage(scenario);
      std::vector<RecoverySink> sinks;
      if (outage) {
        sinks.assign(scenario.policies.size() * static_cast<size_t>(definition.replications),
                     RecoverySink(*outage));
        options.series = [&sinks, &definition](size_t policy, int replication) {
          return std::make_unique<SinkRef>(
              sinks[policy * static_cast<size_t>(definition.replications) +
                    static_cast<size_t>(replication)]);
        };
      }
      absl::StatusOr<std::vector<RunResult>> runs = RunComparison(scenario, {}, options);
      if (!runs.ok()) {
        results[i] = runs.status();
        continue;
      }
      std::vector<std::optional<Recovery>> recoveries(runs->size());
      for (size_t run = 0; run < sinks.size(); ++run) recoveries[run] = sinks[run].Result();
      PointRows rows{point, {}, {}};
      rows.rows = MakePointRows(definition.scenarios[definition.scenario_of(point)].path,
                                definition.values_of(point), scenario, *runs, recoveries,
                                definition.replications, definition.org, &rows.samples);
      results[i] = std::move(rows);
    }
  };
  std::vector<std::thread> pool;
  for (int w = 1; w < workers; ++w) pool.emplace_back(work, w);
  work(0);
  for (std::thread& thread : pool) thread.join();

  std::vector<PointRows> out;
  out.reserve(count);
  for (absl::StatusOr<PointRows>& result : results) {
    if (!result.ok()) return result.status();
    out.push_back(*std::move(result));
  }
  return out;
}

}  // namespace ratesim

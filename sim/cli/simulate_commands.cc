#include "sim/cli/simulate_commands.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "engine/smoothing_policy.h"
#include "fmt/format.h"
#include "fmt/ranges.h"
#include "sim/cli/command_error.h"
#include "sim/cli/interrupt.h"
#include "sim/cli/progress_line.h"
#include "sim/metrics/overview_sink.h"
#include "sim/report/audit_csv.h"
#include "sim/report/client_holdback_warning.h"
#include "sim/report/comparison_table.h"
#include "sim/report/composition_warning.h"
#include "sim/report/fail_reason_table.h"
#include "sim/report/floor_warning.h"
#include "sim/report/folded_copies.h"
#include "sim/scenario/units.h"
#include "sim/report/idle_stream_warning.h"
#include "sim/report/offered_load.h"
#include "sim/report/replaced_table_warning.h"
#include "sim/report/warmup_warning.h"
#include "sim/report/non_finite_warning.h"
#include "sim/report/output_dir.h"
#include "sim/report/own_policy_note.h"
#include "sim/report/plots_svg.h"
#include "sim/report/policy_verdict.h"
#include "sim/report/report_writer.h"
#include "sim/report/run_metadata.h"
#include "sim/report/stream_limits.h"
#include "sim/report/timeseries_csv.h"
#include "sim/scenario/policy_choice.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/simulate/cancellation.h"
#include "sim/simulate/platform.h"
#include "sim/simulate/runner.h"
#include "sim/sweep/sweep_output.h"
#include "sim/util/nearest_name.h"

namespace ratesim {
namespace {

// "1 model", "2 models".
std::string Count(size_t n, std::string_view singular, std::string_view plural) {
  return fmt::format("{} {}", n, n == 1 ? singular : plural);
}


// The --set overrides, then --seed as one more (so it wins over a --set run.seed).
absl::StatusOr<std::vector<std::string>> Overrides(const ParsedArgs& args) {
  std::vector<std::string> overrides = args.Values("--set");
  for (const std::string& override : overrides) {
    if (override.find('=') == std::string::npos || override.front() == '=') {
      return absl::InvalidArgumentError(fmt::format(
          "flag '--set' needs key=value, got '{}' (example: --set run.duration=5m)", override));
    }
  }
  if (args.Has("--seed")) {
    const std::string seed = args.Value("--seed");
    if (absl::Status checked = CheckSeedFlag(seed); !checked.ok()) return checked;
    overrides.push_back("run.seed=" + seed);
  }
  return overrides;
}

// Loads the scenario with its overrides, or prints why not and returns nullopt with the exit code
// in `*exit_code`: that of an interrupted run when a cancellation stopped the loading (the census
// of a large trace stops for one), kExitUsage otherwise.
std::optional<Scenario> Load(const ParsedArgs& args, const CommandContext& context,
                             int* exit_code) {
  *exit_code = kExitUsage;
  if (args.Has("--out") && args.Value("--out").empty()) {
    Fail(context, kExitUsage, "flag '--out' needs a directory, got ''");
    return std::nullopt;
  }
  absl::StatusOr<std::vector<std::string>> overrides = Overrides(args);
  if (!overrides.ok()) {
    Fail(context, kExitUsage, overrides.status());
    return std::nullopt;
  }
  absl::StatusOr<Scenario> scenario = LoadScenarioFile(args.positional.front(), *overrides);
  if (scenario.ok()) return *std::move(scenario);
  if (absl::IsCancelled(scenario.status())) {
    *exit_code = ReportInterrupted(context.err, args.Value("--out"));
    return std::nullopt;
  }
  // The loader's InvalidArgument lists positioned errors that each say "error:" already.
  if (absl::IsInvalidArgument(scenario.status())) {
    context.err << scenario.status().message() << '\n';
  } else {
    Fail(context, kExitUsage, scenario.status());
  }
  return std::nullopt;
}

// What a run with a warm-up measures, to follow its duration.
std::string WarmupNote(const RunSpec& run) {
  return fmt::format("measured after a warm-up of {}", FormatDuration(run.warmup));
}

// The runs' header: the file, its title, and what the command line changed in it (`sets`, the
// --set values), since the title describes the file as written.
std::string Describe(const Scenario& scenario, const std::vector<std::string>& sets, int replications) {
  std::string out = scenario.path;
  if (!scenario.title.empty()) out += fmt::format(" ({})", scenario.title);
  out += fmt::format(": seed {}, duration {}", scenario.run.seed,
                     FormatDuration(scenario.run.duration));
  for (const std::string& set : sets) out += fmt::format(", --set {}", set);
  if (replications > 1) out += fmt::format(", {} replications", replications);
  if (scenario.run.warmup > 0) out += ", " + WarmupNote(scenario.run);
  return out;
}


// plots.svg shows one run per policy: with replications, the first (whose seed is the scenario's).
std::string PlotsTitle(const Scenario& scenario, const std::vector<std::string>& sets, int replications) {
  std::string title = Describe(scenario, sets, 1);
  if (replications > 1) title += fmt::format(": the first of {} replications", replications);
  return title;
}

// What `run` and `compare` share once their policies are known: the flags that shape the runs.
struct RunRequest {
  std::vector<std::string> labels;
  int threads = 0;
  int replications = 1;
  bool audit = false;
  bool progress = false;  // draw the progress line on stderr
};

// Parses --threads, --replications, --audit, --progress and --no-progress into `request`.
absl::Status ParseRunFlags(const ParsedArgs& args, bool err_is_terminal, RunRequest& request) {
  absl::StatusOr<int> threads =
      IntFlag(args, "--threads", 0, 9999, "0 (one per core)", 0);
  if (!threads.ok()) return threads.status();
  request.threads = *threads;
  absl::StatusOr<int> replications = IntFlag(args, "--replications", 1, kMaxReplications, "1", 1);
  if (!replications.ok()) return replications.status();
  request.replications = *replications;
  request.audit = args.Has("--audit");
  if (request.audit && !args.Has("--out")) {
    return absl::InvalidArgumentError(
        "flag '--audit' needs '--out DIR': audit.csv is written there with the other results");
  }
  absl::StatusOr<bool> progress = ShowProgress(args, err_is_terminal);
  if (!progress.ok()) return progress.status();
  request.progress = *progress;
  return absl::OkStatus();
}

// Runs `request` on `scenario`, prints the table and, with --out, writes the reports (and with
// --audit, audit.csv) atomically.
// REQUIRES: an InterruptScope outlives the call, so that a signal while the staged output is
// removed only sets the flag.
int RunAndReport(const ParsedArgs& args, const CommandContext& context, const Scenario& scenario,
                 const RunRequest& request) {
  if (absl::Status status = CheckLabels(scenario, request.labels); !status.ok()) {
    return Fail(context, kExitUsage, status);
  }
  // With --out, what run.json records, taken before the runs so that the hash is of the file that
  // was loaded even if it is edited meanwhile.
  std::optional<RunMetadata> metadata;
  if (args.Has("--out")) {
    absl::StatusOr<RunMetadata> described =
        DescribeRun(scenario, request.labels, args.Values("--set"), context.argv,
                    request.replications);
    if (!described.ok()) return Fail(context, kExitIoError, described.status());
    metadata = *std::move(described);
  }
  const std::string dir = args.Value("--out");
  // With --out, timeseries.csv (and with --audit, audit.csv) streams into the output's staging
  // directory while the runs go, so that is made first; a failed run leaves nothing published.
  std::unique_ptr<StagedOutput> output;
  std::optional<TimeseriesLog> series;
  std::vector<RunOverview> overviews;  // per policy, with --out
  std::optional<AuditLog> audit;
  ComparisonOptions options;
  options.threads = request.threads;
  options.replications = request.replications;
  options.summarise_rates = true;  // the org table's mean rate, summary.json's per-org rates
  if (metadata) {
    absl::StatusOr<std::unique_ptr<StagedOutput>> staged = StagedOutput::Create(dir);
    if (!staged.ok()) return Fail(context, kExitIoError, staged.status());
    output = *std::move(staged);
    series.emplace(*output, request.labels, request.replications);
    overviews.resize(request.labels.size());
    // plots.svg shows each policy's first replication, gathered as it streams to timeseries.csv.
    options.series = [&series, &overviews](size_t policy,
                                           int replication) -> std::unique_ptr<SeriesSink> {
      std::unique_ptr<SeriesSink> part = series->Open(policy, replication);
      if (replication != 0) return part;
      return std::make_unique<OverviewSink>(&overviews[policy], std::move(part));
    };
  }
  if (request.audit) {
    audit.emplace(*output, request.labels, request.replications);
    options.observers = [&audit](size_t policy, int replication) {
      return audit->Open(policy, replication);
    };
  }
  // A formula that does not compose still runs, but its results then depend on when keys are
  // touched: said before the results, as `validate` says it.
  context.err << CompositionWarnings(scenario) << FloorWarnings(scenario)
              << IdleStreamWarnings(scenario) << WarmupWarnings(scenario)
              << ClientHoldbackWarnings(scenario)
              << ReplacedTableWarnings(scenario);
  const size_t run_count = request.labels.size() * static_cast<size_t>(request.replications);
  RunProgress progress(run_count,
                       static_cast<double>(run_count) * ToSeconds(scenario.run.duration));
  if (request.progress) options.progress = &progress;
  ProgressLine progress_line(options.progress, context.err);
  absl::StatusOr<std::vector<RunResult>> runs =
      RunComparison(scenario, request.labels, options);
  progress_line.Stop();  // cleared before anything more is printed
  // `output`, destroyed on the way out, removes the staging directory and its parts.
  if (absl::IsCancelled(runs.status())) return ReportInterrupted(context.err, dir);
  if (!runs.ok()) return Fail(context, kExitUsage, runs.status());

  ComparisonTableOptions table;
  table.replications = request.replications;
  // The per-org table shows an [[orgs]]'s copies as one row; everything else sees every org.
  const std::optional<std::vector<RunResult>> folded = FoldCopies(*runs, scenario);
  context.out << Describe(scenario, args.Values("--set"), request.replications) << "\n"
              << OwnPolicyNote(scenario) << "\n"
              << ComparisonTable(folded ? *folded : *runs, table)
              << FailReasonTable(*runs, request.replications)
              << PolicyVerdict(*runs, request.replications, &scenario);
  context.err << NonFiniteRateWarning(*runs, request.replications, scenario.limits.formula);
  if (!metadata) return kExitOk;
  std::vector<std::string> staged_files;
  if (absl::Status status = series->Finish(); !status.ok()) {
    return Fail(context, kExitIoError, status);
  }
  staged_files.emplace_back(kTimeseriesCsvFileName);
  const OutputFile plots = {kPlotsSvgFileName, [&](std::ostream& out) {
                              out << PlotsSvg(PlotsTitle(scenario, args.Values("--set"), request.replications),
                                              request.labels, overviews,
                                              ToSeconds(scenario.run.duration),
                                              ScenarioEvents(scenario));
                            }};
  if (absl::Status status = output->Write(plots); !status.ok()) {
    return Fail(context, kExitIoError, status);
  }
  staged_files.emplace_back(kPlotsSvgFileName);
  if (audit) {
    if (absl::Status status = audit->Finish(); !status.ok()) {
      return Fail(context, kExitIoError, status);
    }
    staged_files.emplace_back(kAuditCsvFileName);
  }
  // The last moment to stop: after this the results are in place.
  if (CancellationRequested()) return ReportInterrupted(context.err, dir);
  // What an earlier command left in `dir` and this one did not write goes: an old audit.csv, or
  // an earlier sweep's sweep.csv, must not sit beside reports it does not belong to. Shard files
  // stay (IsRunOutputFileName says why).
  const auto stale = [](const std::string& name) {
    return IsRunOutputFileName(name) || IsSweepFileName(name);
  };
  if (absl::Status status = PublishReports(*output, *metadata, *runs, staged_files, stale);
      !status.ok()) {
    return Fail(context, kExitIoError, status);
  }
  context.out << fmt::format("\nwrote {} to {}\n", fmt::join(RunOutputFiles(request.audit), ", "),
                             dir);
  return kExitOk;
}

}  // namespace

std::vector<std::string> RunOutputFiles(bool audit) {
  std::vector<std::string> files;
  for (const ReportFormat& format : ReportFormats()) files.push_back(format.file_name);
  files.emplace_back(kPlotsSvgFileName);
  if (audit) files.emplace_back(kAuditCsvFileName);
  return files;
}

bool IsRunOutputFileName(const std::string& name) {
  const std::vector<std::string> files = RunOutputFiles(true);
  return std::find(files.begin(), files.end(), name) != files.end();
}

int RunCommand(const ParsedArgs& args, const CommandContext& context) {
  RunRequest request;
  if (absl::Status status = ParseRunFlags(args, context.err_is_terminal, request); !status.ok()) {
    return Fail(context, kExitUsage, status);
  }
  // Before loading, which reads every trace in full, so that Ctrl-C there stops as it does a run;
  // and alive until RunAndReport's staged output is gone.
  const InterruptScope interrupts;
  int exit_code = kExitUsage;
  std::optional<Scenario> scenario = Load(args, context, &exit_code);
  if (!scenario) return exit_code;
  request.labels = {args.Value("--policy", scenario->policies.front().label)};
  if (absl::Status status = AddRegisteredPolicies(request.labels, *scenario); !status.ok()) {
    return Fail(context, kExitUsage, status);
  }
  return RunAndReport(args, context, *scenario, request);
}

int CompareCommand(const ParsedArgs& args, const CommandContext& context) {
  RunRequest request;
  if (args.Has("--policies")) {
    absl::StatusOr<std::vector<std::string>> list =
        SplitFlagList("--policies", args.Value("--policies"), "policy labels");
    if (!list.ok()) return Fail(context, kExitUsage, list.status());
    request.labels = *std::move(list);
  }
  if (absl::Status status = ParseRunFlags(args, context.err_is_terminal, request); !status.ok()) {
    return Fail(context, kExitUsage, status);
  }
  // Before loading, which reads every trace in full, so that Ctrl-C there stops as it does a run;
  // and alive until RunAndReport's staged output is gone.
  const InterruptScope interrupts;
  int exit_code = kExitUsage;
  std::optional<Scenario> scenario = Load(args, context, &exit_code);
  if (!scenario) return exit_code;
  if (request.labels.empty()) request.labels = Labels(*scenario);
  if (absl::Status status = AddRegisteredPolicies(request.labels, *scenario); !status.ok()) {
    return Fail(context, kExitUsage, status);
  }
  return RunAndReport(args, context, *scenario, request);
}

// ", 1 trace (2490 rows from 3 orgs)" for validate's summary, as the loader's censuses counted
// them; empty without traces. Orgs are counted once however many traces name them.
std::string TracesSummary(const Scenario& scenario) {
  if (scenario.traces.empty()) return "";
  int64_t rows = 0;
  absl::flat_hash_set<std::string> orgs;
  for (const TraceSpec& trace : scenario.traces) {
    if (trace.census == nullptr) continue;
    for (const auto& [model, totals] : trace.census->by_model) rows += totals.rows;
    for (const OrgModel& key : trace.census->keys) orgs.insert(key.org);
  }
  return fmt::format(", {} ({} from {})", Count(scenario.traces.size(), "trace", "traces"),
                     Count(static_cast<size_t>(rows), "row", "rows"), Count(orgs.size(), "org", "orgs"));
}

int ValidateCommand(const ParsedArgs& args, const CommandContext& context) {
  int exit_code = kExitUsage;
  std::optional<Scenario> scenario = Load(args, context, &exit_code);
  if (!scenario) return exit_code;
  // The loader has read every trace's rows (its census); what is left to check is what building
  // the platform checks (policies and formulas), by the same call a run makes, so that a valid file
  // is one that runs.
  if (absl::StatusOr<std::unique_ptr<Platform>> platform =
          BuildPlatform(*scenario, scenario->policies.front());
      !platform.ok()) {
    return Fail(context, kExitUsage, platform.status());
  }
  size_t streams = 0;
  size_t copies = 0;  // orgs made by `copies`, said so that "401 orgs" from a file of two is clear
  for (const OrgSpec& org : scenario->orgs) {
    streams += org.traffic.size();
    if (!org.copy_of.empty()) ++copies;
  }
  const std::string orgs = Count(scenario->orgs.size(), "org", "orgs") +
                           (copies == 0 ? "" : fmt::format(" ({} of them copies)", copies));
  context.out << fmt::format(
      "OK: {}: {}, {}, {}{}, {}, {}\n", scenario->path,
      Count(scenario->models.size(), "model", "models"), orgs,
      Count(streams, "traffic stream", "traffic streams"), TracesSummary(*scenario),
      Count(scenario->policies.size(), "policy", "policies"),
      FormatDuration(scenario->run.duration) +
          (scenario->run.warmup > 0 ? ", " + WarmupNote(scenario->run) : ""));
  context.out << OfferedLoadLines(*scenario) << StreamLimitLines(*scenario);
  // A formula that does not compose still runs, so this is a warning, not an error: the file is
  // valid, but its results would hang on how often keys are touched. So is a stream that sends
  // nothing: the run goes ahead without it.
  context.err << CompositionWarnings(*scenario) << FloorWarnings(*scenario)
              << IdleStreamWarnings(*scenario) << WarmupWarnings(*scenario)
              << ClientHoldbackWarnings(*scenario)
              << ReplacedTableWarnings(*scenario);
  return kExitOk;
}

}  // namespace ratesim

#include "sim/cli/sweep_commands.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_split.h"
#include "fmt/format.h"
#include "sim/cli/command_error.h"
#include "sim/cli/interrupt.h"
#include "sim/cli/progress_line.h"
#include "sim/cli/simulate_commands.h"
#include "sim/report/client_holdback_warning.h"
#include "sim/report/composition_warning.h"
#include "sim/report/floor_warning.h"
#include "sim/report/idle_stream_warning.h"
#include "sim/report/replaced_table_warning.h"
#include "sim/report/warmup_warning.h"
#include "sim/report/output_dir.h"
#include "sim/scenario/policy_choice.h"
#include "sim/simulate/cancellation.h"
#include "sim/sweep/merge.h"
#include "sim/sweep/shard_file.h"
#include "sim/sweep/sweep_output.h"
#include "sim/sweep/sweep_plot.h"
#include "sim/sweep/sweep_rows.h"
#include "sim/sweep/sweep_runner.h"
#include "sim/sweep/sweep_table.h"
#include "sim/sweep/sweep_verdict.h"

namespace ratesim {
namespace {

// Rows the terminal shows; sweep.csv has them all.
constexpr size_t kMaxTableRows = 40;

// `text` as one shell word: as it is when it is plainly safe, else in single quotes.
std::string ShellWord(const std::string& text) {
  const bool plain = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::strchr("._-/=:,+", c) != nullptr;
  });
  if (plain) return text;
  std::string quoted = "'";
  for (const char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// A point whose formula computed rates that were not numbers ran with those rates at their floor
// instead: its row looks like any other, so the terminal says so, with the command that runs the
// first such point alone (whose own warning and summary.json name the keys).
void WarnOfNonFiniteRates(const SweepDefinition& definition, const std::vector<PointRows>& points,
                          const CommandContext& context) {
  const std::vector<SweepColumn> columns = SweepColumns(definition.grid);
  size_t faulty = 0;
  size_t rows = 0;
  const SweepRow* first = nullptr;
  for (const PointRows& point : points) {
    for (const SweepRow& row : point.rows) {
      ++rows;
      if (NonFiniteRates(row, columns) == 0) continue;
      ++faulty;
      if (first == nullptr) first = &row;
    }
  }
  if (first == nullptr) return;
  std::vector<std::string> command = {"ratesim", "run", ShellWord((*first)[0])};
  for (const std::string& set : definition.overrides) command.push_back("--set " + ShellWord(set));
  if (!definition.seed.empty()) command.push_back("--seed " + ShellWord(definition.seed));
  for (size_t a = 0; a < definition.grid.size(); ++a) {
    command.push_back("--set " + ShellWord(definition.grid[a].key + "=" + (*first)[1 + a]));
  }
  command.push_back("--policy " + ShellWord((*first)[1 + definition.grid.size()]));
  if (definition.replications > 1) {
    command.push_back(fmt::format("--replications {}", definition.replications));
  }
  context.err << fmt::format(
      "warning: in {} of {} rows the limit formula computed rates that are not finite numbers "
      "(NaN or infinite), which were set to their floor instead (column non_finite_rates; {} in "
      "the first such row, over its replications). To see which keys: {}\n",
      faulty, rows, NonFiniteRates(*first, columns), fmt::join(command, " "));
}

// What follows the warnings of point plan.points[i]: which point they came from, and that later
// points with the same `what` are not named.
std::string FromPoint(const SweepPlan& plan, size_t i, std::string_view what) {
  const size_t point = plan.points[i];
  return fmt::format(
      "(the above from sweep point {}: {} in {}; later points with the same {} are not named "
      "again)\n",
      point, plan.definition.describe(point),
      plan.definition.scenarios[plan.definition.scenario_of(point)].path, what);
}

// The grid or --set may give a point's limit formula parameters with which it does not compose,
// or with which an expression is always at the floor, whatever the scenario file's own give: each
// distinct formula of the points this shard runs is checked once (the composition check reads
// only what CompositionInputs names; the floor check also the models' capacities, FloorInputs),
// before they run, and a warning names the first point that has it.
void WarnOfFormulaFaults(const SweepPlan& plan, const CommandContext& context) {
  absl::flat_hash_set<std::string> composition_checked;
  absl::flat_hash_set<std::string> floor_checked;
  absl::flat_hash_set<std::string> floor_warned;  // the same warning on other models: once
  for (size_t i = 0; i < plan.points.size(); ++i) {
    const Scenario& scenario = plan.scenarios[i];
    const std::string formula = CompositionInputs(scenario);
    std::string warnings;
    if (composition_checked.insert(formula).second) warnings += CompositionWarnings(scenario);
    if (floor_checked.insert(formula + FloorInputs(scenario)).second) {
      std::string floor = FloorWarnings(scenario);
      if (floor_warned.insert(floor).second) warnings += floor;
    }
    if (warnings.empty()) continue;
    context.err << warnings << FromPoint(plan, i, "limit parameters");
  }
}

// The grid or --set may shorten a point's duration, or move its traffic or traces, so that a
// stream sends nothing, as `run` would warn (idle_stream_warning.h): each distinct warning of the
// points this shard runs is printed once, before they run, followed by the first point it
// applies to.
void WarnOfIdleStreams(const SweepPlan& plan, const CommandContext& context) {
  // By stream, not by text: the text gives each point's own duration.
  absl::flat_hash_set<std::string> warned;
  for (size_t i = 0; i < plan.points.size(); ++i) {
    std::string fresh;
    for (const IdleStream& idle : IdleStreams(plan.scenarios[i])) {
      if (warned.insert(idle.stream).second) fresh += idle.warning;
    }
    if (!fresh.empty()) context.err << fresh << FromPoint(plan, i, "idle stream");
  }
}

// Warnings a grid value (or a --set) may bring at some points, `warnings_of` each point's (a
// warm-up that hides a capacity change, warmup_warning.h; a client that holds back more than it
// sends, client_holdback_warning.h): each distinct line is printed once, with the first point.
void WarnOnceEach(const SweepPlan& plan, const CommandContext& context, std::string_view what,
                  std::string (*warnings_of)(const Scenario&)) {
  absl::flat_hash_set<std::string> warned;
  for (size_t i = 0; i < plan.points.size(); ++i) {
    std::string fresh;
    for (const absl::string_view line :
         absl::StrSplit(warnings_of(plan.scenarios[i]), '\n', absl::SkipEmpty())) {
      if (warned.insert(std::string(line)).second) fresh += std::string(line) + "\n";
    }
    if (!fresh.empty()) context.err << fresh << FromPoint(plan, i, what);
  }
}

// A grid value or --set that replaces a table of a scenario whole leaves out the keys the file set
// in it (replaced_table_warning.h): warned of before the points run, once per table of a file and
// keys left out, whichever value replaced it (a grid of five formula tables is one warning per
// scenario file), with the first point it applies to.
void WarnOfReplacedTables(const SweepPlan& plan, const CommandContext& context) {
  absl::flat_hash_set<std::string> warned;
  for (size_t i = 0; i < plan.points.size(); ++i) {
    const Scenario& scenario = plan.scenarios[i];
    std::string fresh;
    for (const ReplacedTable& table : scenario.replaced_tables) {
      std::string which = fmt::format("{}:{}:{}", scenario.path, table.at.line, table.at.column);
      for (const auto& [key, pos] : table.dropped) which += " " + key;
      if (warned.insert(which).second) fresh += ReplacedTableWarning(scenario, table);
    }
    if (!fresh.empty()) context.err << fresh << FromPoint(plan, i, "replaced table");
  }
}

absl::StatusOr<std::string> OutDir(const ParsedArgs& args, std::string_view command) {
  if (!args.Has("--out") || args.Value("--out").empty()) {
    return absl::InvalidArgumentError(
        fmt::format("'ratesim {}' needs '--out DIR' for its results", command));
  }
  return args.Value("--out");
}

// Every flag of `ratesim sweep` but --out, checked, into a request.
absl::StatusOr<SweepRequest> ParseSweepRequest(const ParsedArgs& args) {
  SweepRequest request;
  request.scenario_paths = {args.positional.front()};
  if (args.Has("--scenarios")) {
    absl::StatusOr<std::vector<std::string>> more = SplitFlagList("--scenarios", args.Value("--scenarios"), "scenario files");
    if (!more.ok()) return more.status();
    request.scenario_paths.insert(request.scenario_paths.end(), more->begin(), more->end());
  }
  for (size_t i = 0; i < request.scenario_paths.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (request.scenario_paths[i] == request.scenario_paths[j]) {
        return absl::InvalidArgumentError(
            fmt::format("scenario '{}' is given more than once", request.scenario_paths[i]));
      }
    }
  }
  for (const std::string& text : args.Values("--grid")) {
    absl::StatusOr<GridAxis> axis = ParseGridAxis(text);
    if (!axis.ok()) return axis.status();
    request.grid.push_back(*std::move(axis));
  }
  if (absl::Status status = CheckGrid(request.grid); !status.ok()) return status;
  for (const std::string& override : args.Values("--set")) {
    if (override.find('=') == std::string::npos || override.front() == '=') {
      return absl::InvalidArgumentError(fmt::format(
          "flag '--set' needs key=value, got '{}' (example: --set run.duration=5m)", override));
    }
    request.overrides.push_back(override);
  }
  if (args.Has("--seed")) {
    request.seed = args.Value("--seed");
    if (absl::Status checked = CheckSeedFlag(request.seed); !checked.ok()) return checked;
  }
  // A value set twice would be decided by the order the overrides apply: refuse instead.
  for (const GridAxis& axis : request.grid) {
    for (const std::string& override : request.overrides) {
      std::string_view key = std::string_view(override).substr(0, override.find('='));
      while (!key.empty() && key.back() == ' ') key.remove_suffix(1);
      if (key == axis.key) {
        return absl::InvalidArgumentError(fmt::format(
            "'--set {}' and '--grid {}=...' both set {}; drop one", override, axis.key, axis.key));
      }
    }
    if (axis.key == "run.seed" && !request.seed.empty()) {
      return absl::InvalidArgumentError(
          "'--seed' and '--grid run.seed=...' both set the seed; drop one");
    }
  }
  if (args.Has("--policies")) {
    absl::StatusOr<std::vector<std::string>> policies =
        SplitFlagList("--policies", args.Value("--policies"), "policy labels");
    if (!policies.ok()) return policies.status();
    request.policies = *std::move(policies);
  }
  if (args.Has("--org")) {
    request.org = args.Value("--org");
    if (request.org.empty()) return absl::InvalidArgumentError("flag '--org' needs an org's name");
  }
  absl::StatusOr<int> replications = IntFlag(args, "--replications", 1, kMaxReplications, "1", 1);
  if (!replications.ok()) return replications.status();
  request.replications = *replications;
  return request;
}

std::string Describe(const SweepDefinition& definition, const ShardSpec& shard, size_t points_run) {
  std::string out = definition.scenarios.front().path;
  if (definition.scenarios.size() > 1) {
    out += fmt::format(" and {} more scenario file(s)", definition.scenarios.size() - 1);
  }
  out += fmt::format(": {} point{}", definition.points(), definition.points() == 1 ? "" : "s");
  if (!definition.org.empty()) {
    out += fmt::format(", each row judged on org '{}' (platform-wide: util, steady, spiking, "
                       "fairness, recovery and rates)",
                       definition.org);
  }
  if (shard.count > 1)
    out += fmt::format(", shard {}/{} runs {}", shard.index, shard.count, points_run);
  if (definition.replications > 1) {
    out += fmt::format(", {} replications each", definition.replications);
  }
  return out;
}

}  // namespace

int SweepCommand(const ParsedArgs& args, const CommandContext& context) {
  absl::StatusOr<std::string> dir = OutDir(args, "sweep");
  if (!dir.ok()) return Fail(context, kExitUsage, dir.status());
  absl::StatusOr<SweepRequest> request = ParseSweepRequest(args);
  if (!request.ok()) return Fail(context, kExitUsage, request.status());
  // --threads, as run and compare take it; --jobs, the name a sweep's was given first, is the same.
  if (args.Has("--threads") && args.Has("--jobs")) {
    return Fail(context, kExitUsage,
                absl::InvalidArgumentError("--threads and --jobs are the same flag; give one"));
  }
  const char* const threads_flag = args.Has("--jobs") ? "--jobs" : "--threads";
  absl::StatusOr<int> jobs = IntFlag(args, threads_flag, 0, 9999, "0 (one per core)", 0);
  if (!jobs.ok()) return Fail(context, kExitUsage, jobs.status());
  absl::StatusOr<bool> show_progress = ShowProgress(args, context.err_is_terminal);
  if (!show_progress.ok()) return Fail(context, kExitUsage, show_progress.status());
  const bool sharded = args.Has("--shard");
  ShardSpec shard;
  if (sharded) {
    absl::StatusOr<ShardSpec> parsed = ParseShard(args.Value("--shard"));
    if (!parsed.ok()) return Fail(context, kExitUsage, parsed.status());
    shard = *parsed;
  }

  // Before planning, which loads every point's scenario and reads its traces in full, so that
  // Ctrl-C there stops as it does a run; and before `output`, so destroyed after it: a signal
  // while the staging directory is removed only sets the flag.
  const InterruptScope interrupts;
  absl::StatusOr<SweepPlan> plan = PlanSweep(*request, shard);
  if (absl::IsCancelled(plan.status())) return ReportInterrupted(context.err, *dir);
  if (!plan.ok()) return Fail(context, kExitUsage, plan.status());
  // Made before the points run, so that an --out that cannot be written fails at once.
  absl::StatusOr<std::unique_ptr<StagedOutput>> output = StagedOutput::Create(*dir);
  if (!output.ok()) return Fail(context, kExitIoError, output.status());
  WarnOfFormulaFaults(*plan, context);
  WarnOfIdleStreams(*plan, context);
  WarnOnceEach(*plan, context, "warm-up warnings", &WarmupWarnings);
  WarnOnceEach(*plan, context, "client warnings", &ClientHoldbackWarnings);
  WarnOfReplacedTables(*plan, context);
  RunProgress progress(SweepRuns(*plan), SweepSeconds(*plan));
  RunProgress* const shown = *show_progress ? &progress : nullptr;
  ProgressLine progress_line(shown, context.err);
  absl::StatusOr<std::vector<PointRows>> points = RunSweep(*plan, *jobs, shown);
  progress_line.Stop();  // cleared before anything more is printed
  if (absl::IsCancelled(points.status())) return ReportInterrupted(context.err, *dir);
  if (!points.ok()) return Fail(context, kExitUsage, points.status());

  const SweepDefinition& definition = plan->definition;
  context.out << Describe(definition, shard, plan->points.size()) << "\n\n"
              << SweepTable(definition, *points, kMaxTableRows);
  // A shard has only some of the points to choose among: its verdict is merge's.
  if (!sharded) context.out << SweepVerdict(definition, *points);
  WarnOfNonFiniteRates(definition, *points, context);
  if (sharded) {
    ShardFile file;
    file.definition = definition;
    file.fingerprint = Fingerprint(definition);
    file.shard = shard;
    file.total_points = definition.points();
    for (const SweepColumn& column : SweepColumns(definition.grid)) {
      file.columns.push_back(column.name);
    }
    file.points = *std::move(points);
    if (CancellationRequested()) return ReportInterrupted(context.err, *dir);
    if (absl::Status status = PublishShard(**output, file, &IsRunOutputFileName); !status.ok()) {
      return Fail(context, kExitIoError, status);
    }
    context.out << fmt::format("\nwrote {} to {}; combine all {} shards with 'ratesim merge'\n",
                               ShardFileName(shard), *dir, shard.count);
    return kExitOk;
  }
  if (CancellationRequested()) return ReportInterrupted(context.err, *dir);
  // Shard files of an earlier sharded run into `dir` are stale beside the whole sweep's results,
  // as are an earlier run's reports.
  const auto stale = [](const std::string& name) {
    return IsShardFileName(name) || IsRunOutputFileName(name);
  };
  if (absl::Status status = PublishSweep(**output, definition, *points, stale);
      !status.ok()) {
    return Fail(context, kExitIoError, status);
  }
  context.out << fmt::format("\nwrote {}, {}, {} to {}\n", kSweepCsvFileName, kSweepJsonFileName,
                             kSweepSvgFileName, *dir);
  return kExitOk;
}

int MergeCommand(const ParsedArgs& args, const CommandContext& context) {
  absl::StatusOr<std::string> dir = OutDir(args, "merge");
  if (!dir.ok()) return Fail(context, kExitUsage, dir.status());
  absl::StatusOr<std::vector<std::string>> paths = FindShardFiles(args.positional);
  if (!paths.ok()) return Fail(context, kExitUsage, paths.status());
  const InterruptScope interrupts;
  // Made before the shards are read, so that an --out that cannot be written fails at once.
  absl::StatusOr<std::unique_ptr<StagedOutput>> output = StagedOutput::Create(*dir);
  if (!output.ok()) return Fail(context, kExitIoError, output.status());
  std::vector<ShardFile> files;
  for (const std::string& path : *paths) {
    absl::StatusOr<ShardFile> file = ReadShardFile(path);
    if (!file.ok()) return Fail(context, kExitUsage, file.status());
    files.push_back(*std::move(file));
  }
  absl::StatusOr<MergedSweep> merged = MergeShards(files, *paths);
  if (!merged.ok()) return Fail(context, kExitUsage, merged.status());
  if (CancellationRequested()) return ReportInterrupted(context.err, *dir);
  // Shard files in `dir` stay: they may be the very shards just merged. An earlier run's reports go.
  if (absl::Status status = PublishSweep(**output, merged->definition, merged->points, &IsRunOutputFileName);
      !status.ok()) {
    return Fail(context, kExitIoError, status);
  }
  size_t rows = 0;
  for (const PointRows& point : merged->points) rows += point.rows.size();
  context.out << fmt::format("merged {} shards: {} points, {} rows; wrote {}, {}, {} to {}\n",
                             merged->shards, merged->points.size(), rows, kSweepCsvFileName,
                             kSweepJsonFileName, kSweepSvgFileName, *dir);
  context.out << SweepVerdict(merged->definition, merged->points);
  WarnOfNonFiniteRates(merged->definition, merged->points, context);
  return kExitOk;
}

}  // namespace ratesim

#include "sim/scenario/scenario_loader.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "fmt/format.h"
#include "sim/scenario/diagnostics.h"
#include "sim/scenario/overrides.h"
#include "sim/scenario/section_readers.h"
#include "sim/scenario/toml_reader.h"

namespace ratesim {
namespace scenario_internal {
namespace {

// `ns` in the largest of h, m, s, ms, us and ns that shows it whole, as a scenario file writes it.
std::string WholeDuration(Nanos ns) {
  for (const auto& [unit, per] :
       {std::pair<const char*, Nanos>{"h", 3600 * kNanosPerSecond}, {"m", 60 * kNanosPerSecond},
        {"s", kNanosPerSecond}, {"ms", kNanosPerMillisecond}, {"us", 1'000}}) {
    if (ns % per == 0) return fmt::format("{}{}", ns / per, unit);
  }
  return fmt::format("{}ns", ns);
}

}  // namespace

void UniqueNames::Add(const std::string& name, TableReader& reader, std::string_view key) {
  const Location here = reader.ValueLocation(key);
  const auto [it, inserted] = first_.emplace(name, here);
  if (inserted) return;
  const Location& first = it->second;
  const std::string where = first.origin == reader.diags().path() && first.line > 0
                                ? fmt::format("line {}", first.line)
                                : FormatLocation(first);
  reader.ValueError(key, fmt::format("duplicate {} '{}', first used at {}; {}", what_, name, where, fix_));
}

RunSpec ReadRun(TableReader& root) {
  RunSpec run;
  const toml::table* table = root.Table("run", Need::kOptional, "a table");
  if (table == nullptr) {
    if (root.Find("run") == nullptr) {
      root.MissingError("run", root.location(), "missing [run]; add [run] with duration = \"10m\"");
    }
    return run;
  }
  TableReader reader = root.Child(*table, "[run]");
  run.duration = reader.Duration("duration", Need::kRequired, Bound::kPositive).value_or(0);
  run.seed = static_cast<uint64_t>(reader.Integer("seed", Need::kOptional, 0).value_or(1));
  run.resolution = reader.Duration("resolution", Need::kOptional, Bound::kPositive).value_or(run.resolution);
  run.drain = reader.Bool("drain", Need::kOptional).value_or(true);
  run.warmup = reader.Duration("warmup", Need::kOptional, Bound::kNonNegative).value_or(0);
  if (run.duration > 0 && run.warmup >= run.duration) {
    reader.ValueError("warmup", fmt::format("a warm-up of {} leaves nothing of the run's duration of {} "
                                            "to measure; expected less than the duration: shorten "
                                            "warmup or lengthen duration",
                                            WholeDuration(run.warmup), WholeDuration(run.duration)));
    run.warmup = 0;
  }
  if (run.duration > 0 && run.resolution > 0) {
    const int64_t intervals = (run.duration - 1) / run.resolution + 1;  // rounded up
    if (intervals > kMaxIntervals) {
      const Nanos finest = (run.duration - 1) / kMaxIntervals + 1;
      // At the resolution if the file sets it; the default only fails a run of over 115 days.
      const bool set = reader.Find("resolution") != nullptr;
      reader.ValueError(set ? "resolution" : "duration",
                        fmt::format("a resolution of {} cuts the run's duration of {} into {} "
                                    "intervals; expected at most {}: set resolution to at least {}",
                                    WholeDuration(run.resolution), WholeDuration(run.duration),
                                    intervals, kMaxIntervals, WholeDuration(finest)));
    }
  }
  reader.ReportUnknownKeys();
  return run;
}

}  // namespace scenario_internal

absl::StatusOr<Scenario> ParseScenario(std::string_view text, std::string_view path,
                                       const std::vector<std::string>& overrides,
                                       TraceCensusCache* censuses) {
  using namespace scenario_internal;
  absl::StatusOr<toml::table> root = ParseToml(text, path);
  if (!root.ok()) return root.status();

  Diagnostics diags{std::string(path), text};
  std::vector<ReplacedTable> replaced_tables;
  ApplyOverrides(*root, overrides, diags, &replaced_tables);

  TableReader reader(*root, "the top-level table", diags, Location{std::string(path), 1, 1});
  Scenario scenario;
  scenario.path = std::string(path);
  scenario.title = reader.String("title", Need::kOptional).value_or("");
  scenario.run = ReadRun(reader);
  const FormulaInfo* formula = nullptr;
  scenario.limits = ReadLimits(reader, &formula);
  scenario.models = ReadModels(reader);
  scenario.traces = ReadTraces(reader, path);
  scenario.orgs = ReadOrgs(reader, scenario.models, formula, scenario.limits,
                           scenario.traces.empty() ? Need::kRequired : Need::kOptional);
  scenario.policies = ReadPolicies(reader);
  scenario.replaced_tables = std::move(replaced_tables);
  reader.ReportUnknownKeys();

  if (!diags.ok()) return diags.ToStatus();
  // Each trace's rows once the rest is valid, so that they are checked against the scenario's models.
  if (absl::Status traces = TakeTraceCensuses(scenario, censuses); !traces.ok()) return traces;
  return scenario;
}

absl::Status TakeTraceCensuses(Scenario& scenario, TraceCensusCache* censuses) {
  TraceCensusCache own;  // a file named by two [[traces]] is still read once
  if (censuses == nullptr) censuses = &own;
  std::vector<std::string> model_names;
  for (const ModelSpec& model : scenario.models) model_names.push_back(model.name);
  for (TraceSpec& trace : scenario.traces) {
    // A census of another file is that of a scenario whose trace path was changed in code.
    if (trace.census != nullptr && trace.census->path == trace.path) continue;
    absl::StatusOr<std::shared_ptr<const TraceCensus>> census = censuses->Take(trace.path, model_names);
    if (!census.ok()) return census.status();
    trace.census = *std::move(census);
  }
  return absl::OkStatus();
}

absl::StatusOr<Scenario> LoadScenarioFile(const std::string& path,
                                          const std::vector<std::string>& overrides,
                                          TraceCensusCache* censuses) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return absl::NotFoundError(fmt::format("cannot open scenario file '{}': it is a directory", path));
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return absl::NotFoundError(fmt::format("cannot open scenario file '{}': {}", path, std::strerror(errno)));
  }
  std::ostringstream text;
  text << file.rdbuf();
  if (file.bad()) {
    return absl::NotFoundError(fmt::format("cannot read scenario file '{}': {}", path, std::strerror(errno)));
  }
  return ParseScenario(text.str(), path, overrides, censuses);
}

}  // namespace ratesim

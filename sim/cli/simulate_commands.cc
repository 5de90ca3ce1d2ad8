#include "sim/cli/simulate_commands.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string_view>

#include "absl/status/statusor.h"
#include "fmt/format.h"
#include "sim/report/comparison_table.h"
#include "sim/report/human_units.h"
#include "sim/report/report_writer.h"
#include "sim/report/run_metadata.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/simulate/runner.h"

namespace ratesim {
namespace {

int Fail(const CommandContext& context, int code, std::string_view message) {
  context.err << "error: " << message << '\n';
  return code;
}

int Fail(const CommandContext& context, int code, const absl::Status& status) {
  return Fail(context, code, std::string(status.message()));
}

bool IsWholeNumber(std::string_view text) {
  return !text.empty() && text.size() <= 19 &&
         text.find_first_not_of("0123456789") == std::string_view::npos;
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
    if (!IsWholeNumber(seed)) {
      return absl::InvalidArgumentError(
          fmt::format("flag '--seed' needs a whole number >= 0, got '{}'", seed));
    }
    overrides.push_back("run.seed=" + seed);
  }
  return overrides;
}

// Loads the scenario with its overrides, or prints why not and returns nullopt.
std::optional<Scenario> Load(const ParsedArgs& args, const CommandContext& context) {
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
  // The loader's InvalidArgument lists positioned errors that each say "error:" already.
  if (absl::IsInvalidArgument(scenario.status())) {
    context.err << scenario.status().message() << '\n';
  } else {
    Fail(context, kExitUsage, scenario.status());
  }
  return std::nullopt;
}

std::vector<std::string> Labels(const Scenario& scenario) {
  std::vector<std::string> labels;
  for (const PolicySpec& policy : scenario.policies) labels.push_back(policy.label);
  return labels;
}

// Fails unless the scenario declares every label of `labels`.
absl::Status CheckLabels(const Scenario& scenario, const std::vector<std::string>& labels) {
  const std::vector<std::string> known = Labels(scenario);
  for (const std::string& label : labels) {
    if (std::find(known.begin(), known.end(), label) != known.end()) continue;
    std::string list;
    for (const std::string& name : known) list += (list.empty() ? "" : ", ") + name;
    return absl::InvalidArgumentError(fmt::format(
        "unknown policy '{}': {} declares the policies {}", label, scenario.path, list));
  }
  return absl::OkStatus();
}

// "a,b , c" -> {"a", "b", "c"}; fails on an empty or repeated item (a policy runs once per
// comparison, and the reports key results by label).
absl::StatusOr<std::vector<std::string>> SplitList(std::string_view flag, std::string_view text) {
  std::vector<std::string> items;
  size_t start = 0;
  while (true) {
    const size_t comma = std::min(text.find(',', start), text.size());
    std::string_view item = text.substr(start, comma - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.empty()) {
      return absl::InvalidArgumentError(fmt::format(
          "flag '{}' needs a comma-separated list of policy labels, got '{}'", flag, text));
    }
    if (std::find(items.begin(), items.end(), item) != items.end()) {
      return absl::InvalidArgumentError(
          fmt::format("flag '{}' lists '{}' more than once", flag, item));
    }
    items.emplace_back(item);
    if (comma == text.size()) return items;
    start = comma + 1;
  }
}

std::string Describe(const Scenario& scenario) {
  std::string out = scenario.path;
  if (!scenario.title.empty()) out += fmt::format(" ({})", scenario.title);
  return out + fmt::format(": seed {}, duration {}", scenario.run.seed,
                           FormatDuration(scenario.run.duration));
}

// With --out, what run.json records, taken before the runs so that the hash is of the file that was
// loaded even if it is edited meanwhile; nullopt without --out. Prints the error and returns
// false when the scenario file cannot be read again.
bool PrepareMetadata(const ParsedArgs& args, const CommandContext& context,
                     const Scenario& scenario, const std::vector<std::string>& labels,
                     std::optional<RunMetadata>& metadata) {
  if (!args.Has("--out")) return true;
  absl::StatusOr<RunMetadata> described =
      DescribeRun(scenario, labels, args.Values("--set"), context.argv);
  if (!described.ok()) {
    Fail(context, kExitIoError, described.status());
    return false;
  }
  metadata = *std::move(described);
  return true;
}

// Prints the table of `runs` and, with `metadata` (so with --out), writes the reports.
int Report(const ParsedArgs& args, const CommandContext& context, const Scenario& scenario,
           const std::optional<RunMetadata>& metadata, const std::vector<RunResult>& runs) {
  context.out << Describe(scenario) << "\n\n" << ComparisonTable(runs);
  if (!metadata) return kExitOk;
  const std::string dir = args.Value("--out");
  if (absl::Status status = WriteReports(dir, *metadata, runs); !status.ok()) {
    return Fail(context, kExitIoError, status);
  }
  std::string files;
  for (const ReportFormat& format : ReportFormats()) {
    files += (files.empty() ? "" : ", ") + format.file_name;
  }
  context.out << fmt::format("\nwrote {} to {}\n", files, dir);
  return kExitOk;
}

}  // namespace

int RunCommand(const ParsedArgs& args, const CommandContext& context) {
  std::optional<Scenario> scenario = Load(args, context);
  if (!scenario) return kExitUsage;
  const std::string label = args.Value("--policy", scenario->policies.front().label);
  if (absl::Status status = CheckLabels(*scenario, {label}); !status.ok()) {
    return Fail(context, kExitUsage, status);
  }
  const PolicySpec& policy = *std::find_if(
      scenario->policies.begin(), scenario->policies.end(),
      [&label](const PolicySpec& spec) { return spec.label == label; });
  std::optional<RunMetadata> metadata;
  if (!PrepareMetadata(args, context, *scenario, {label}, metadata)) return kExitIoError;
  absl::StatusOr<RunResult> run = RunPolicy(*scenario, policy);
  if (!run.ok()) return Fail(context, kExitUsage, run.status());
  std::vector<RunResult> runs;
  runs.push_back(*std::move(run));
  return Report(args, context, *scenario, metadata, runs);
}

int CompareCommand(const ParsedArgs& args, const CommandContext& context) {
  std::vector<std::string> labels;
  if (args.Has("--policies")) {
    absl::StatusOr<std::vector<std::string>> list =
        SplitList("--policies", args.Value("--policies"));
    if (!list.ok()) return Fail(context, kExitUsage, list.status());
    labels = *std::move(list);
  }
  int threads = 0;
  if (args.Has("--threads")) {
    const std::string text = args.Value("--threads");
    if (!IsWholeNumber(text) || text.size() > 4) {
      return Fail(context, kExitUsage,
                  fmt::format("flag '--threads' needs a whole number from 0 (one per core) to "
                              "9999, got '{}'",
                              text));
    }
    threads = std::stoi(text);
  }
  std::optional<Scenario> scenario = Load(args, context);
  if (!scenario) return kExitUsage;
  if (labels.empty()) labels = Labels(*scenario);
  if (absl::Status status = CheckLabels(*scenario, labels); !status.ok()) {
    return Fail(context, kExitUsage, status);
  }
  std::optional<RunMetadata> metadata;
  if (!PrepareMetadata(args, context, *scenario, labels, metadata)) return kExitIoError;
  absl::StatusOr<std::vector<RunResult>> runs = RunComparison(*scenario, labels, threads);
  if (!runs.ok()) return Fail(context, kExitUsage, runs.status());
  return Report(args, context, *scenario, metadata, *runs);
}

int ValidateCommand(const ParsedArgs& args, const CommandContext& context) {
  std::optional<Scenario> scenario = Load(args, context);
  if (!scenario) return kExitUsage;
  size_t streams = 0;
  for (const OrgSpec& org : scenario->orgs) streams += org.traffic.size();
  context.out << fmt::format("OK: {}: {} models, {} orgs, {} traffic streams, {} policies, {}\n",
                             scenario->path, scenario->models.size(), scenario->orgs.size(),
                             streams, scenario->policies.size(),
                             FormatDuration(scenario->run.duration));
  return kExitOk;
}

}  // namespace ratesim

#include "sim/report/run_metadata.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <memory>

#include "fmt/format.h"
#include "sim/report/json_writer.h"
#include "sim/simulate/replication.h"
#include "sim/version.h"

namespace ratesim {
namespace {

void WriteStrings(const std::vector<std::string>& values, JsonWriter& json) {
  json.BeginArray();
  for (const std::string& value : values) json.String(value);
  json.EndArray();
}

}  // namespace

absl::StatusOr<uint64_t> HashFile(const std::string& path) {
  struct Closer {
    void operator()(std::FILE* file) const { std::fclose(file); }
  };
  errno = 0;
  std::unique_ptr<std::FILE, Closer> file(std::fopen(path.c_str(), "rb"));
  if (file == nullptr) return absl::ErrnoToStatus(errno, fmt::format("cannot read '{}'", path));
  Fnv1a64Hasher hash;
  char buffer[1 << 16];
  size_t read;
  while ((read = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) {
    hash.Update(std::string_view(buffer, read));
  }
  if (std::ferror(file.get())) {
    return absl::ErrnoToStatus(errno, fmt::format("cannot read '{}'", path));
  }
  return hash.value();
}

absl::Status AddTraceFiles(const Scenario& scenario, std::vector<HashedFile>& files) {
  for (const TraceSpec& trace : scenario.traces) {
    const auto same_path = [&trace](const HashedFile& file) { return file.path == trace.path; };
    if (std::any_of(files.begin(), files.end(), same_path)) continue;
    // The census's hash is of the bytes whose keys and token totals the run is built from.
    absl::StatusOr<uint64_t> hash = trace.census != nullptr && trace.census->path == trace.path
                                        ? absl::StatusOr<uint64_t>(trace.census->fnv1a64)
                                        : HashFile(trace.path);
    if (!hash.ok()) {
      return absl::NotFoundError(fmt::format(
          "{} (a [[traces]] file of {}); check that it exists and is readable (a relative path is "
          "read from the scenario file's folder)",
          std::string(hash.status().message()), scenario.path));
    }
    files.push_back({trace.path, *hash});
  }
  return absl::OkStatus();
}

absl::StatusOr<RunMetadata> DescribeRun(const Scenario& scenario, std::vector<std::string> policies,
                                        std::vector<std::string> overrides,
                                        std::vector<std::string> command_line,
                                        int replications) {
  absl::StatusOr<uint64_t> hash = HashFile(scenario.path);
  if (!hash.ok()) return hash.status();
  RunMetadata metadata;
  metadata.scenario_path = scenario.path;
  metadata.scenario_title = scenario.title;
  metadata.scenario_fnv1a64 = *hash;
  if (absl::Status traces = AddTraceFiles(scenario, metadata.traces); !traces.ok()) return traces;
  metadata.seed = scenario.run.seed;
  metadata.replications = replications;
  metadata.seeds = ReplicationSeeds(scenario.run.seed, replications);
  metadata.duration = scenario.run.duration;
  metadata.warmup = scenario.run.warmup;
  metadata.policies = std::move(policies);
  metadata.overrides = std::move(overrides);
  metadata.command_line = std::move(command_line);
  return metadata;
}

std::string RunJson(const RunMetadata& metadata) {
  JsonWriter json;
  json.BeginObject();
  json.Key("version");
  json.String(Version());
  json.Key("scenario");
  json.BeginObject();
  json.Key("path");
  json.String(metadata.scenario_path);
  json.Key("title");
  json.String(metadata.scenario_title);
  json.Key("fnv1a64");
  json.String(HashText(metadata.scenario_fnv1a64));
  json.EndObject();
  json.Key("traces");
  json.BeginArray();
  for (const HashedFile& trace : metadata.traces) {
    json.BeginObject();
    json.Key("path");
    json.String(trace.path);
    json.Key("fnv1a64");
    json.String(HashText(trace.fnv1a64));
    json.EndObject();
  }
  json.EndArray();
  json.Key("seed");
  json.Uint(metadata.seed);
  json.Key("replications");
  json.Int(metadata.replications);
  json.Key("seeds");
  json.BeginArray();
  for (const uint64_t seed : metadata.seeds) json.Uint(seed);
  json.EndArray();
  json.Key("duration_s");
  json.Double(ToSeconds(metadata.duration));
  json.Key("warmup_s");
  json.Double(ToSeconds(metadata.warmup));
  json.Key("policies");
  WriteStrings(metadata.policies, json);
  json.Key("overrides");
  WriteStrings(metadata.overrides, json);
  json.Key("command_line");
  WriteStrings(metadata.command_line, json);
  json.EndObject();
  return json.Take();
}

std::string HashText(uint64_t fnv1a64) { return fmt::format("{:016x}", fnv1a64); }

}  // namespace ratesim

#include "sim/sweep/merge.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <system_error>

#include "absl/strings/str_split.h"
#include "fmt/format.h"
#include "fmt/ranges.h"
#include "sim/report/run_metadata.h"

namespace ratesim {
namespace {

// Why shards `a` and `b` have different fingerprints when a trace file both replay had different
// bytes for them, or "". Of all the differences this is the one no command line shows (the trace
// was rewritten, or is another copy on another machine), so it gets its own message.
std::string ChangedTrace(const SweepDefinition& a, const SweepDefinition& b) {
  for (const SweepTrace& left : a.traces) {
    for (const SweepTrace& right : b.traces) {
      if (left.path == right.path && left.fnv1a64 != right.fnv1a64) {
        return fmt::format("trace file '{}' had different contents (fnv1a64 {} and {})", left.path,
                           HashText(left.fnv1a64), HashText(right.fnv1a64));
      }
    }
  }
  return "";
}

// The first field of their definitions in which shards differ, for a person: "the scenario file's
// path is 'hold.toml' in one and './hold.toml' in the other". Empty if none does.
std::string FirstDifference(const SweepDefinition& a, const SweepDefinition& b) {
  const std::vector<std::string> left = absl::StrSplit(CanonicalText(a), '\n');
  const std::vector<std::string> right = absl::StrSplit(CanonicalText(b), '\n');
  // CanonicalText's lines are "<name> <length>:<value>".
  const auto name_of = [](const std::string& line) { return line.substr(0, line.find(' ')); };
  const auto value_of = [](const std::string& line) {
    const size_t colon = line.find(':');
    return colon == std::string::npos ? std::string("(none)") : "'" + line.substr(colon + 1) + "'";
  };
  const std::vector<std::pair<std::string, std::string>> names = {
      {"version", "the ratesim version"},   {"scenario", "the scenario file's path"},
      {"trace", "a trace file's path"},     {"fnv1a64", "a file's contents (fnv1a64)"},
      {"grid", "a --grid key"},             {"value", "a --grid value"},
      {"set", "a --set"},                   {"seed", "--seed"},
      {"replications", "--replications"}};
  for (size_t i = 0; i < std::max(left.size(), right.size()); ++i) {
    const std::string l = i < left.size() ? left[i] : "";
    const std::string r = i < right.size() ? right[i] : "";
    if (l == r) continue;
    std::string field = name_of(l.empty() ? r : l);
    for (const auto& [name, said] : names) {
      if (name == field) field = said;
    }
    return fmt::format("{} is {} in one and {} in the other", field, l.empty() ? "(none)" : value_of(l),
                       r.empty() ? "(none)" : value_of(r));
  }
  return "";
}

// The fingerprint covers the sweep's definition, not its rows, and merge writes the rows as they
// are: a row whose scenario, grid values or replications are not those of the point it is filed
// under would put one point's results under another's name, so it is refused.
// REQUIRES: every row has a cell per SweepColumns(definition.grid).
absl::Status CheckRowsNamePoint(const SweepDefinition& definition, const PointRows& point) {
  SweepRow expected = {definition.scenarios[definition.scenario_of(point.point)].path};
  for (std::string& value : definition.values_of(point.point)) expected.push_back(std::move(value));
  const size_t replications = expected.size() + 1;  // after the policy's cell
  for (const SweepRow& row : point.rows) {
    if (std::equal(expected.begin(), expected.end(), row.begin()) &&
        row[replications] == fmt::format("{}", definition.replications)) {
      continue;
    }
    SweepRow named(row.begin(), row.begin() + static_cast<std::ptrdiff_t>(expected.size()));
    named.push_back(row[replications]);
    expected.push_back(fmt::format("{}", definition.replications));
    return absl::InvalidArgumentError(fmt::format(
        "a row of point {} reads ({}) where the sweep has ({}) for the scenario, grid values and "
        "replications; the file was edited or damaged: run its shard again",
        point.point, fmt::join(named, ", "), fmt::join(expected, ", ")));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<std::string>> FindShardFiles(const std::vector<std::string>& dirs) {
  namespace fs = std::filesystem;
  std::vector<std::string> paths;
  for (const std::string& dir : dirs) {
    std::error_code error;
    if (!fs::is_directory(dir, error)) {
      return absl::InvalidArgumentError(
          fmt::format("'{}' is not a directory; give the --out directories of the shards", dir));
    }
    std::vector<std::string> names;
    for (fs::directory_iterator it(dir, error), end; !error && it != end; it.increment(error)) {
      const std::string name = it->path().filename().string();
      if (IsShardFileName(name)) names.push_back(name);
    }
    if (error) {
      return absl::InvalidArgumentError(fmt::format("cannot list '{}': {}", dir, error.message()));
    }
    if (names.empty()) {
      return absl::InvalidArgumentError(
          fmt::format("'{}' holds no shard file (sweep-shard-I-of-N.toml); was its shard run with "
                      "'ratesim sweep ... --shard I/N --out {}'?",
                      dir, dir));
    }
    std::sort(names.begin(), names.end());
    for (const std::string& name : names) paths.push_back(dir + "/" + name);
  }
  return paths;
}

absl::StatusOr<MergedSweep> MergeShards(const std::vector<ShardFile>& files,
                                        const std::vector<std::string>& paths) {
  if (files.empty()) return absl::InvalidArgumentError("no shard files to merge");
  const ShardFile& first = files.front();
  const size_t shards = first.shard.count;
  std::vector<std::string> columns;
  for (const SweepColumn& column : SweepColumns(first.definition.grid)) {
    columns.push_back(column.name);
  }
  std::map<size_t, size_t> file_of_shard;  // shard index -> file index
  for (size_t f = 0; f < files.size(); ++f) {
    const ShardFile& file = files[f];
    if (file.fingerprint != first.fingerprint) {
      if (const std::string trace = ChangedTrace(first.definition, file.definition);
          !trace.empty()) {
        return absl::InvalidArgumentError(fmt::format(
            "{} and {} are shards of different sweeps: {}; run every shard against the same "
            "trace files (the same bytes), then merge",
            paths[0], paths[f], trace));
      }
      return absl::InvalidArgumentError(fmt::format(
          "{} and {} are shards of different sweeps (fingerprints {} and {}): {}; run every "
          "shard with the same scenario and trace files (given by the same paths), grid, --set, "
          "--seed and --replications",
          paths[0], paths[f], first.fingerprint, file.fingerprint,
          FirstDifference(first.definition, file.definition)));
    }
    if (file.shard.count != shards) {
      return absl::InvalidArgumentError(fmt::format(
          "{} is shard {}/{} but {} is shard {}/{}: all shards must split the sweep "
          "into the same number of parts",
          paths[0], first.shard.index, shards, paths[f], file.shard.index, file.shard.count));
    }
    if (file.total_points != file.definition.points()) {
      return absl::InvalidArgumentError(fmt::format("{}: it counts {} points but its sweep has {}",
                                                    paths[f], file.total_points,
                                                    file.definition.points()));
    }
    if (file.columns != columns) {
      return absl::InvalidArgumentError(fmt::format(
          "{}: its columns differ from this ratesim's; merge with the version that wrote it ({})",
          paths[f], file.definition.version));
    }
    const auto [it, inserted] = file_of_shard.emplace(file.shard.index, f);
    if (!inserted) {
      return absl::InvalidArgumentError(fmt::format("shard {}/{} is given twice: {} and {}",
                                                    file.shard.index, shards, paths[it->second],
                                                    paths[f]));
    }
    // Exactly the points the shard owns, each once, in order.
    size_t expected = file.shard.index;
    for (const PointRows& point : file.points) {
      if (point.point != expected) {
        const size_t index = file.shard.index;
        if (point.point % shards != index || point.point >= file.total_points) {
          return absl::InvalidArgumentError(fmt::format(
              "{}: point {} does not belong there (shard {}/{} holds points {}, {}, ... below {})",
              paths[f], point.point, index, shards, index, index + shards, file.total_points));
        }
        return absl::InvalidArgumentError(
            point.point < expected
                ? fmt::format("{}: point {} appears twice", paths[f], point.point)
                : fmt::format("{}: point {} is missing from shard {}/{}", paths[f], expected, index,
                              shards));
      }
      if (point.rows.empty()) {
        return absl::InvalidArgumentError(
            fmt::format("{}: point {} has no rows", paths[f], point.point));
      }
      if (absl::Status status = CheckRowsNamePoint(file.definition, point); !status.ok()) {
        return absl::InvalidArgumentError(
            fmt::format("{}: {}", paths[f], std::string(status.message())));
      }
      expected += shards;
    }
    if (expected < file.total_points) {
      return absl::InvalidArgumentError(fmt::format("{}: point {} is missing from shard {}/{}",
                                                    paths[f], expected, file.shard.index, shards));
    }
  }
  std::string missing;
  for (size_t shard = 0; shard < shards; ++shard) {
    if (file_of_shard.count(shard) == 0) {
      missing += fmt::format("{}{}/{}", missing.empty() ? "" : ", ", shard, shards);
    }
  }
  if (!missing.empty()) {
    return absl::InvalidArgumentError(
        fmt::format("missing shard(s) {}: merge needs every shard of the sweep ({} given)", missing,
                    files.size()));
  }

  MergedSweep merged;
  merged.definition = first.definition;
  merged.shards = shards;
  merged.points.resize(first.total_points);
  for (const ShardFile& file : files) {
    for (const PointRows& point : file.points) merged.points[point.point] = point;
  }
  return merged;
}

}  // namespace ratesim

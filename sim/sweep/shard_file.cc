#include "sim/sweep/shard_file.h"

#include <toml++/toml.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>

#include "fmt/format.h"
#include "sim/report/output_dir.h"
#include "sim/report/run_metadata.h"
#include "sim/scenario/toml_reader.h"
#include "sim/sweep/sweep_output.h"

namespace ratesim {
namespace {

toml::array Strings(const std::vector<std::string>& items) {
  toml::array array;
  for (const std::string& item : items) array.push_back(item);
  return array;
}

// One {path, fnv1a64} table per file, as FieldReader::HashedFiles reads them back.
toml::array HashedFileTables(const std::vector<HashedFile>& files) {
  toml::array array;
  for (const HashedFile& file : files) {
    array.push_back(toml::table{{"path", file.path}, {"fnv1a64", HashText(file.fnv1a64)}});
  }
  return array;
}

// Typed access to a shard file's fields: the first problem is kept and later reads return
// defaults, so a reader can read everything and check once.
class FieldReader {
 public:
  explicit FieldReader(std::string path) : path_(std::move(path)) {}

  std::string String(const toml::table& table, std::string_view key) {
    if (const auto* value = Get(table, key).as_string()) return value->get();
    Fail(key, "a string");
    return "";
  }
  int64_t Int(const toml::table& table, std::string_view key, int64_t min,
              int64_t max = INT64_MAX) {
    if (const auto* value = Get(table, key).as_integer();
        value && value->get() >= min && value->get() <= max) {
      return value->get();
    }
    Fail(key, max == INT64_MAX ? fmt::format("an integer >= {}", min)
                               : fmt::format("an integer from {} to {}", min, max));
    return min;
  }
  std::vector<std::string> StringArray(const toml::table& table, std::string_view key) {
    return StringArrayOf(Get(table, key), key);
  }
  std::vector<std::string> StringArrayOf(const toml::node& node, std::string_view key) {
    std::vector<std::string> items;
    const toml::array* array = node.as_array();
    if (array == nullptr) {
      Fail(key, "an array of strings");
      return items;
    }
    for (const toml::node& item : *array) {
      if (const auto* text = item.as_string()) {
        items.push_back(text->get());
      } else {
        Fail(key, "an array of strings");
      }
    }
    return items;
  }
  // The files of array-of-tables `key`, each a "path" and its "fnv1a64" (16 hex digits); `kind`
  // names them in errors. Nothing when `key` is absent.
  std::vector<HashedFile> HashedFiles(const toml::table& table, std::string_view key,
                                      std::string_view kind) {
    std::vector<HashedFile> files;
    for (const toml::table* entry : Tables(table, key)) {
      HashedFile file;
      file.path = String(*entry, "path");
      const std::string hash = String(*entry, "fnv1a64");
      char* end = nullptr;
      file.fnv1a64 = std::strtoull(hash.c_str(), &end, 16);
      if (hash.size() != 16 || end != hash.c_str() + hash.size()) {
        Fail(fmt::format("{} '{}' has a malformed fnv1a64 '{}'", kind, file.path, hash));
      }
      files.push_back(std::move(file));
    }
    return files;
  }
  // The tables of array-of-tables `key`.
  std::vector<const toml::table*> Tables(const toml::table& table, std::string_view key) {
    std::vector<const toml::table*> tables;
    const toml::array* array = Get(table, key).as_array();
    if (array == nullptr) {
      if (table.contains(key)) Fail(key, "an array of tables");
      return tables;  // an empty array of tables is written as nothing at all
    }
    for (const toml::node& item : *array) {
      if (const toml::table* element = item.as_table()) {
        tables.push_back(element);
      } else {
        Fail(key, "an array of tables");
      }
    }
    return tables;
  }

  void Fail(std::string message) {
    if (status_.ok()) status_ = absl::InvalidArgumentError(fmt::format("{}: {}", path_, message));
  }
  const absl::Status& status() const { return status_; }

 private:
  const toml::node& Get(const toml::table& table, std::string_view key) {
    static const toml::value<bool> kMissing(false);
    const toml::node* node = table.get(key);
    return node != nullptr ? *node : kMissing;
  }
  void Fail(std::string_view key, std::string_view wanted) {
    Fail(fmt::format("'{}' is missing or not {}; the file is not a complete ratesim sweep shard",
                     key, wanted));
  }

  std::string path_;
  absl::Status status_;
};

absl::StatusOr<std::string> ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        fmt::format("cannot read shard file '{}': {}", path, std::strerror(errno)));
  }
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::string ShardFileName(const ShardSpec& shard) {
  return fmt::format("sweep-shard-{}-of-{}.toml", shard.index, shard.count);
}

bool IsShardFileName(const std::string& name) {
  size_t index = 0;
  size_t count = 0;
  int consumed = 0;
  return std::sscanf(name.c_str(), "sweep-shard-%zu-of-%zu.toml%n", &index, &count, &consumed) ==
             2 &&
         static_cast<size_t>(consumed) == name.size();
}

namespace {

// A row's samples as text, a string per metric with its replications' values separated by spaces,
// each in the shortest form that reads back as the same double ("nan" where undefined): the verdict
// of a merged sweep is then the verdict of the unsharded one.
std::vector<std::string> SampleTexts(const RowSamples& samples) {
  std::vector<std::string> texts;
  for (const std::vector<double>& values : samples) {
    std::string text;
    for (const double value : values) {
      if (!text.empty()) text += ' ';
      text += std::isnan(value) ? "nan" : fmt::format("{}", value);
    }
    texts.push_back(std::move(text));
  }
  return texts;
}

// SampleTexts read back; nullopt unless there is a text per verdict metric, each with
// `replications` numbers.
std::optional<RowSamples> ParseSamples(const std::vector<std::string>& texts, int replications) {
  if (texts.size() != VerdictMetricNames().size()) return std::nullopt;
  RowSamples samples;
  for (const std::string& text : texts) {
    std::vector<double>& values = samples.emplace_back();
    std::istringstream in(text);
    for (std::string word; in >> word;) {
      char* end = nullptr;
      const double value = std::strtod(word.c_str(), &end);
      if (end != word.c_str() + word.size() || std::isinf(value)) return std::nullopt;
      values.push_back(value);
    }
    if (values.size() != static_cast<size_t>(replications)) return std::nullopt;
  }
  return samples;
}

}  // namespace

std::string ShardFileText(const ShardFile& file) {
  const SweepDefinition& definition = file.definition;
  toml::table root;
  root.insert("format", kShardFormat);
  root.insert("fingerprint", file.fingerprint);
  root.insert("shard", static_cast<int64_t>(file.shard.index));
  root.insert("shards", static_cast<int64_t>(file.shard.count));
  root.insert("total_points", static_cast<int64_t>(file.total_points));
  root.insert("version", definition.version);
  root.insert("seed", definition.seed);
  root.insert("replications", static_cast<int64_t>(definition.replications));
  root.insert("overrides", Strings(definition.overrides));
  if (!definition.policies.empty()) root.insert("policies", Strings(definition.policies));
  if (!definition.org.empty()) root.insert("org", definition.org);
  root.insert("columns", Strings(file.columns));
  root.insert("scenarios", HashedFileTables(definition.scenarios));
  root.insert("traces", HashedFileTables(definition.traces));
  toml::array grid;
  for (const GridAxis& axis : definition.grid) {
    grid.push_back(toml::table{{"key", axis.key}, {"values", Strings(axis.values)}});
  }
  root.insert("grid", std::move(grid));
  toml::array points;
  for (const PointRows& point : file.points) {
    toml::array rows;
    for (const SweepRow& row : point.rows) rows.push_back(Strings(row));
    toml::table entry{{"point", static_cast<int64_t>(point.point)}, {"rows", std::move(rows)}};
    if (!point.samples.empty()) {
      toml::array samples;
      for (const RowSamples& row : point.samples) samples.push_back(Strings(SampleTexts(row)));
      entry.insert("samples", std::move(samples));
    }
    points.push_back(std::move(entry));
  }
  root.insert("points", std::move(points));
  std::ostringstream out;
  out << "# One shard of a ratesim sweep; combine all shards with `ratesim merge`.\n"
      << root << "\n";
  return out.str();
}

absl::Status PublishShard(StagedOutput& output, const ShardFile& file, const OwnedFiles& also_stale) {
  const std::string text = ShardFileText(file);
  const std::string name = ShardFileName(file.shard);
  if (absl::Status status = output.Write({name, [&text](std::ostream& out) { out << text; }});
      !status.ok()) {
    return status;
  }
  const std::string siblings = fmt::format("-of-{}.toml", file.shard.count);
  const auto stale = [&siblings, &also_stale](const std::string& other) {
    if (IsSweepFileName(other) || (also_stale && also_stale(other))) return true;
    return IsShardFileName(other) &&
           (other.size() < siblings.size() ||
            other.compare(other.size() - siblings.size(), siblings.size(), siblings) != 0);
  };
  return output.Publish({name}, stale);
}

namespace {

// Merge writes cells as they are, so a number cell must be a finite number (or empty, NA) and a
// boolean cell true, false or empty: anything else would end up in sweep.json as invalid JSON.
absl::Status CheckCells(const std::vector<SweepColumn>& columns,
                        const std::vector<PointRows>& points) {
  for (const PointRows& point : points) {
    for (const SweepRow& row : point.rows) {
      for (size_t c = 0; c < columns.size() && c < row.size(); ++c) {
        const std::string& cell = row[c];
        if (cell.empty() || columns[c].kind == CellKind::kText ||
            columns[c].kind == CellKind::kGridValue) {
          continue;
        }
        bool good = false;
        if (columns[c].kind == CellKind::kBool) {
          good = cell == "true" || cell == "false";
        } else {
          char* end = nullptr;
          const double value = std::strtod(cell.c_str(), &end);
          good = end == cell.c_str() + cell.size() && std::isfinite(value);
        }
        if (!good) {
          return absl::InvalidArgumentError(fmt::format("point {} has '{}' in its {} column",
                                                        point.point, cell, columns[c].name));
        }
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ShardFile> ReadShardFile(const std::string& path) {
  absl::StatusOr<std::string> text = ReadText(path);
  if (!text.ok()) return text.status();
  absl::StatusOr<toml::table> parsed = scenario_internal::ParseToml(*text, path);
  if (!parsed.ok()) return parsed.status();
  const toml::table& root = *parsed;
  FieldReader read(path);
  if (const auto* format = root.get_as<std::string>("format");
      format == nullptr || format->get() != kShardFormat) {
    return absl::InvalidArgumentError(fmt::format(
        "{}: not a ratesim sweep shard (its 'format' is not \"{}\")", path, kShardFormat));
  }
  ShardFile file;
  SweepDefinition& definition = file.definition;
  file.fingerprint = read.String(root, "fingerprint");
  file.shard.index = static_cast<size_t>(read.Int(root, "shard", 0));
  // Bounded as --shard bounds it: merge lists the missing shards one by one, so a damaged count
  // near 2^63 would otherwise run it out of memory.
  file.shard.count = static_cast<size_t>(read.Int(root, "shards", 1, static_cast<int64_t>(kMaxShards)));
  file.total_points = static_cast<size_t>(read.Int(root, "total_points", 0));
  definition.version = read.String(root, "version");
  definition.seed = read.String(root, "seed");
  definition.replications = static_cast<int>(read.Int(root, "replications", 1));
  definition.overrides = read.StringArray(root, "overrides");
  // Absent without --policies, and in a shard file written before the flag.
  if (const toml::node* policies = root.get("policies")) {
    definition.policies = read.StringArrayOf(*policies, "policies");
  }
  if (root.contains("org")) definition.org = read.String(root, "org");  // absent without --org
  file.columns = read.StringArray(root, "columns");
  definition.scenarios = read.HashedFiles(root, "scenarios", "scenario");
  // Absent in a shard file written before traces were hashed: no traces.
  definition.traces = read.HashedFiles(root, "traces", "trace");
  for (const toml::table* axis : read.Tables(root, "grid")) {
    GridAxis entry;
    entry.key = read.String(*axis, "key");
    entry.values = read.StringArray(*axis, "values");
    definition.grid.push_back(std::move(entry));
  }
  std::optional<size_t> malformed_samples;  // the first point whose samples do not read
  for (const toml::table* point : read.Tables(root, "points")) {
    PointRows entry;
    entry.point = static_cast<size_t>(read.Int(*point, "point", 0));
    const toml::array* rows = point->get_as<toml::array>("rows");
    if (rows == nullptr) read.Fail(fmt::format("point {} has no 'rows'", entry.point));
    for (size_t r = 0; rows != nullptr && r < rows->size(); ++r) {
      entry.rows.push_back(read.StringArrayOf(*rows->get(r), "rows"));
      if (entry.rows.back().size() != file.columns.size()) {
        read.Fail(fmt::format("a row of point {} has {} cells for {} columns", entry.point,
                              entry.rows.back().size(), file.columns.size()));
      }
    }
    // Absent in a shard file written without them: the verdict then compares the rows' intervals.
    // Judged after the fingerprint, which names an edited definition (replications, say) first.
    if (const toml::array* samples = point->get_as<toml::array>("samples")) {
      for (size_t r = 0; r < samples->size(); ++r) {
        std::optional<RowSamples> row =
            ParseSamples(read.StringArrayOf(*samples->get(r), "samples"), definition.replications);
        if (!row || samples->size() != entry.rows.size()) {
          if (!malformed_samples) malformed_samples = entry.point;
          break;
        }
        entry.samples.push_back(*std::move(row));
      }
    }
    file.points.push_back(std::move(entry));
  }
  if (!read.status().ok()) return read.status();
  if (absl::Status cells = CheckCells(SweepColumns(definition.grid), file.points); !cells.ok()) {
    return absl::InvalidArgumentError(fmt::format("{}: {}; the file was edited or damaged", path,
                                                  std::string(cells.message())));
  }
  if (file.shard.index >= file.shard.count) {
    return absl::InvalidArgumentError(
        fmt::format("{}: shard {} of {} does not exist", path, file.shard.index, file.shard.count));
  }
  if (Fingerprint(definition) != file.fingerprint) {
    return absl::InvalidArgumentError(fmt::format(
        "{}: its fingerprint {} does not match its contents ({}); the file was edited or damaged",
        path, file.fingerprint, Fingerprint(definition)));
  }
  if (malformed_samples) {
    return absl::InvalidArgumentError(fmt::format(
        "{}: point {} has malformed 'samples'; the file was edited or damaged", path,
        *malformed_samples));
  }
  return file;
}

}  // namespace ratesim

#include "sim/sweep/sweep_output.h"

#include <cmath>
#include <cstdint>

#include "fmt/format.h"
#include "sim/report/json_writer.h"
#include "sim/report/run_metadata.h"
#include "sim/report/output_dir.h"
#include "sim/scenario/overrides.h"
#include "sim/sweep/recovery.h"
#include "sim/sweep/sweep_plot.h"

namespace ratesim {
namespace {

std::string CsvCell(const std::string& cell) {
  if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
  std::string quoted = "\"";
  for (char c : cell) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

void AppendCsvLine(const std::vector<std::string>& cells, std::string& out) {
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) out += ',';
    out += CsvCell(cells[i]);
  }
  out += '\n';
}

std::string JsonCell(const std::string& cell, CellKind kind) {
  if (kind == CellKind::kText) return JsonQuote(cell);
  if (kind == CellKind::kGridValue) return GridValueJson(cell);
  if (cell.empty()) return "null";
  return cell;  // a number in FormatCell's form, or true / false: valid JSON as it is
}

std::string JsonArray(const std::vector<std::string>& items,
                      std::string (*to_json)(const std::string&)) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i > 0 ? ", " : "") + to_json(items[i]);
  return out + "]";
}

std::string JsonStrings(const std::vector<std::string>& items) {
  return JsonArray(items, [](const std::string& item) { return JsonQuote(item); });
}

}  // namespace

std::string GridValueJson(const std::string& text) {
  const absl::StatusOr<toml::table> parsed = scenario_internal::ParseOverrideValue(text, "<--grid>");
  const toml::node* value = parsed.ok() ? parsed->get("v") : nullptr;
  if (value == nullptr) return JsonQuote(text);
  if (const toml::value<int64_t>* integer = value->as_integer()) return fmt::format("{}", integer->get());
  if (const toml::value<double>* number = value->as_floating_point();
      number != nullptr && std::isfinite(number->get())) {
    return fmt::format("{}", number->get());
  }
  if (const toml::value<bool>* boolean = value->as_boolean()) return boolean->get() ? "true" : "false";
  if (const toml::value<std::string>* string = value->as_string()) return JsonQuote(string->get());
  return JsonQuote(text);  // a table, an array, a date, inf or nan: the text as given
}

std::string SweepCsv(const SweepDefinition& definition, const std::vector<PointRows>& points) {
  std::vector<std::string> header;
  for (const SweepColumn& column : SweepColumns(definition.grid)) header.push_back(column.name);
  std::string out;
  AppendCsvLine(header, out);
  for (const PointRows& point : points) {
    for (const SweepRow& row : point.rows) AppendCsvLine(row, out);
  }
  return out;
}

// [{"path", "fnv1a64"}, ...], one object per line; [] when empty.
std::string JsonFiles(const std::vector<HashedFile>& files) {
  if (files.empty()) return "[]";
  std::string out = "[";
  for (size_t i = 0; i < files.size(); ++i) {
    out += fmt::format("{}\n    {{\"path\": {}, \"fnv1a64\": \"{}\"}}", i > 0 ? "," : "",
                       JsonQuote(files[i].path), HashText(files[i].fnv1a64));
  }
  return out + "\n  ]";
}

std::string SweepJson(const SweepDefinition& definition, const std::vector<PointRows>& points) {
  const std::vector<SweepColumn> columns = SweepColumns(definition.grid);
  const RecoveryRule rule;
  std::string out = "{\n";
  out += fmt::format("  \"version\": {},\n", JsonQuote(definition.version));
  out += fmt::format("  \"fingerprint\": {},\n", JsonQuote(Fingerprint(definition)));
  out += fmt::format("  \"scenarios\": {},\n", JsonFiles(definition.scenarios));
  out += fmt::format("  \"traces\": {},\n", JsonFiles(definition.traces));
  out += "  \"grid\": [";
  for (size_t i = 0; i < definition.grid.size(); ++i) {
    const GridAxis& axis = definition.grid[i];
    out += fmt::format("{}\n    {{\"key\": {}, \"values\": {}}}", i > 0 ? "," : "",
                       JsonQuote(axis.key), JsonArray(axis.values, GridValueJson));
  }
  out += definition.grid.empty() ? "],\n" : "\n  ],\n";
  out += fmt::format("  \"overrides\": {},\n", JsonStrings(definition.overrides));
  out += fmt::format("  \"seed\": {},\n",
                     definition.seed.empty() ? "null" : JsonQuote(definition.seed));
  out += fmt::format("  \"policies\": {},\n",
                     definition.policies.empty() ? "null" : JsonStrings(definition.policies));
  out += fmt::format("  \"org\": {},\n", definition.org.empty() ? "null" : JsonQuote(definition.org));
  out += fmt::format("  \"replications\": {},\n", definition.replications);
  out += fmt::format("  \"points\": {},\n", definition.points());
  out += fmt::format(
      "  \"spiral_rule\": {{\"measure\": \"share_429\", \"tolerance\": {}, "
      "\"baseline_window_s\": {}, \"horizon_s\": {}}},\n",
      FormatCell(rule.tolerance), FormatCell(ToSeconds(rule.baseline_window)),
      FormatCell(ToSeconds(rule.horizon)));
  out += fmt::format(
      "  \"rate_rule\": {{\"measure\": \"rate_rpm\", \"tolerance\": {}, \"horizon_s\": {}}},\n",
      FormatCell(rule.rate_tolerance), FormatCell(ToSeconds(rule.horizon)));
  std::vector<std::string> names;
  for (const SweepColumn& column : columns) names.push_back(column.name);
  out += fmt::format("  \"columns\": {},\n", JsonStrings(names));
  out += "  \"rows\": [";
  bool first = true;
  for (const PointRows& point : points) {
    for (const SweepRow& row : point.rows) {
      out += first ? "\n    {" : ",\n    {";
      first = false;
      for (size_t c = 0; c < columns.size(); ++c) {
        out += fmt::format("{}{}: {}", c > 0 ? ", " : "", JsonQuote(columns[c].name),
                           JsonCell(row[c], columns[c].kind));
      }
      out += "}";
    }
  }
  out += first ? "]\n}\n" : "\n  ]\n}\n";
  return out;
}

bool IsSweepFileName(const std::string& name) {
  return name == kSweepCsvFileName || name == kSweepJsonFileName || name == kSweepSvgFileName;
}

absl::Status PublishSweep(StagedOutput& output, const SweepDefinition& definition,
                          const std::vector<PointRows>& points, const OwnedFiles& stale) {
  const std::string csv = SweepCsv(definition, points);
  const std::string json = SweepJson(definition, points);
  const std::string svg = SweepSvg(definition, points);
  const std::vector<OutputFile> files = {
      {kSweepCsvFileName, [&csv](std::ostream& out) { out << csv; }},
      {kSweepJsonFileName, [&json](std::ostream& out) { out << json; }},
      {kSweepSvgFileName, [&svg](std::ostream& out) { out << svg; }}};
  std::vector<std::string> names;
  for (const OutputFile& file : files) {
    if (absl::Status status = output.Write(file); !status.ok()) return status;
    names.push_back(file.name);
  }
  return output.Publish(names, stale);
}

}  // namespace ratesim

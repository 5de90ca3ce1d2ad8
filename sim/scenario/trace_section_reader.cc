// Reading [[traces]]: recorded traffic replayed from CSV files. Only each file's header is read here;
// the loader then takes each trace's census (trace_census.h), and the simulator streams the rows.
#include <filesystem>
#include <string>
#include <vector>

#include "fmt/format.h"
#include "sim/scenario/section_readers.h"
#include "sim/scenario/trace_reader.h"

namespace ratesim {
namespace scenario_internal {
namespace {

// `path` as written, resolved against `folder` if relative.
std::string Resolved(const std::string& path, const std::filesystem::path& folder) {
  std::filesystem::path resolved(path);
  if (resolved.is_relative() && !folder.empty()) resolved = folder / resolved;
  return resolved.lexically_normal().string();
}

}  // namespace

std::vector<TraceSpec> ReadTraces(TableReader& root, std::string_view scenario_path) {
  const std::filesystem::path folder = std::filesystem::path(std::string(scenario_path)).parent_path();
  std::vector<TraceSpec> traces;
  ForEachTable(root, "traces", "[[traces]]", Need::kOptional, "", [&](TableReader& reader) {
    TraceSpec trace;
    trace.pos = reader.pos();
    if (std::optional<std::string> path = reader.String("path", Need::kRequired)) {
      if (path->empty()) {
        reader.ValueError("path", "got an empty string; expected a CSV file such as \"traces/day1.csv\"");
      } else {
        trace.path = Resolved(*path, folder);
        absl::StatusOr<TraceReader> opened = TraceReader::Open(trace.path);
        if (!opened.ok() && opened.status().code() == absl::StatusCode::kNotFound) {
          reader.ValueError("path", fmt::format("{}; check the path (a relative one is read from the "
                                                "scenario file's folder)",
                                                std::string(opened.status().message())));
        } else if (!opened.ok()) {
          // "<file>:1:1: error: the header line is ...": one "error:" is this message's own.
          std::string problem(opened.status().message());
          if (const size_t at = problem.find(": error: "); at != std::string::npos)
            problem.erase(at, 7);
          reader.ValueError("path", fmt::format("bad trace file: {}", problem));
        }
      }
    }
    trace.max_output_tokens = reader.Integer("max_output_tokens", Need::kOptional, 0, kMaxTokens).value_or(0);
    trace.client = ReadClient(reader);
    ExplainClientKeys(reader);
    reader.ReportUnknownKeys();
    traces.push_back(std::move(trace));
  });
  return traces;
}

}  // namespace scenario_internal
}  // namespace ratesim

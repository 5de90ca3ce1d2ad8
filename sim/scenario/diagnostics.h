// Errors found while reading a scenario, each with the place it points at, collected so that one run
// reports every error at once; and the "did you mean" suggestion for a misspelt name.
#ifndef RATESIM_SIM_SCENARIO_DIAGNOSTICS_H_
#define RATESIM_SIM_SCENARIO_DIAGNOSTICS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "sim/util/nearest_name.h"

namespace ratesim {
namespace scenario_internal {

// Where an error points: a file position, or an origin with no position such as "<--set run.seed=x>".
struct Location {
  std::string origin;  // a file path, or a label in angle brackets
  int line = 0;        // 1-based; 0: no position, print the origin alone
  int column = 0;
};

// "origin:line:column" or "origin" alone when there is no line.
std::string FormatLocation(const Location& location);

// `text` with its control characters written as escapes ("\n", "\t", "\x00"), so that an error
// quoting the user's text (a key, a value, the characters toml++ stopped at) stays one line of a
// message that lists one error per line.
std::string OneLine(std::string_view text);

// Collects errors. Not thread-safe.
class Diagnostics {
 public:
  // `path` is the scenario file's name: errors inside it are sorted by position, after errors from
  // other origins (overrides), which keep the order they were found in. `source` is its text, if
  // known, for an error at a place inside a value (expr_reader.cc); it must outlive this.
  explicit Diagnostics(std::string path, std::string_view source = {})
      : path_(std::move(path)), source_(source) {}

  // Records "<location>: error: <message>". `message` reads "<what is wrong>; <what to do>"; it
  // is shown as OneLine shows it.
  void Error(const Location& location, std::string message);

  bool ok() const { return errors_.empty(); }
  size_t count() const { return errors_.size(); }
  const std::string& path() const { return path_; }
  // The file's text; empty if not given.
  std::string_view source() const { return source_; }

  // OkStatus if no error was recorded; else InvalidArgument listing every error, one per line.
  absl::Status ToStatus() const;

 private:
  struct Entry {
    Location location;
    std::string message;
  };
  std::string path_;
  std::string_view source_;
  std::vector<Entry> errors_;
};

// The name among `candidates` that `name` most likely stands for: the one it is a known alias of
// (a name from another tool's API, as max_tokens is for max_output_tokens; see diagnostics.cc),
// else the nearest (NearestName); nullopt when neither is a candidate.
std::optional<std::string> MeantName(std::string_view name,
                                     const std::vector<std::string>& candidates);

// "; did you mean 'x'?" when a candidate is meant (MeantName), else "; expected one of: a, b, c"
// (or, with no candidates at all, "; remove it"). With `always_list`, the list follows the
// suggestion.
std::string SuggestionFor(std::string_view name, const std::vector<std::string>& candidates,
                          bool always_list = false);

}  // namespace scenario_internal
}  // namespace ratesim

#endif  // RATESIM_SIM_SCENARIO_DIAGNOSTICS_H_

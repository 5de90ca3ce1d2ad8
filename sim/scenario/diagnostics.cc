#include "sim/scenario/diagnostics.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "fmt/format.h"
#include "fmt/ranges.h"

namespace ratesim {
namespace scenario_internal {

std::string FormatLocation(const Location& location) {
  if (location.line <= 0) return location.origin;
  return fmt::format("{}:{}:{}", location.origin, location.line, location.column);
}

std::string OneLine(std::string_view text) {
  std::string line;
  for (const char c : text) {
    if (c == '\n') {
      line += "\\n";
    } else if (c == '\r') {
      line += "\\r";
    } else if (c == '\t') {
      line += "\\t";
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      line += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
    } else {
      line += c;
    }
  }
  return line;
}

void Diagnostics::Error(const Location& location, std::string message) {
  errors_.push_back({location, std::move(message)});
}

absl::Status Diagnostics::ToStatus() const {
  if (errors_.empty()) return absl::OkStatus();
  std::vector<const Entry*> sorted;
  sorted.reserve(errors_.size());
  for (const Entry& e : errors_) sorted.push_back(&e);
  // Errors from outside the file first, in the order found; then the file's, by position.
  std::stable_sort(sorted.begin(), sorted.end(), [this](const Entry* a, const Entry* b) {
    const bool a_file = a->location.origin == path_;
    const bool b_file = b->location.origin == path_;
    if (a_file != b_file) return !a_file;
    if (!a_file) return false;
    return std::make_pair(a->location.line, a->location.column) <
           std::make_pair(b->location.line, b->location.column);
  });
  std::string text;
  std::string previous;
  for (const Entry* e : sorted) {
    std::string line = OneLine(fmt::format("{}: error: {}", FormatLocation(e->location), e->message));
    if (line == previous) continue;  // one mistake reached by two routes is reported once
    if (!text.empty()) text += '\n';
    text += line;
    previous = std::move(line);
  }
  return absl::InvalidArgumentError(text);
}

namespace {

// Names users carry over from other tools' APIs, too far from ratesim's by spelling for NearestName
// to find: `max_tokens` (OpenAI's request field) is seven edits from `max_output_tokens`.
struct Alias {
  std::string_view alias;
  std::string_view name;
};
constexpr Alias kKnownAliases[] = {
    {"max_tokens", "max_output_tokens"},
    {"max_completion_tokens", "max_output_tokens"},
    {"prompt_tokens", "input_tokens"},
    {"completion_tokens", "output_tokens"},
};

}  // namespace

std::optional<std::string> MeantName(std::string_view name,
                                     const std::vector<std::string>& candidates) {
  for (const Alias& alias : kKnownAliases) {
    if (alias.alias != name) continue;
    if (std::find(candidates.begin(), candidates.end(), alias.name) != candidates.end()) {
      return std::string(alias.name);
    }
  }
  return NearestName(name, candidates);
}

std::string SuggestionFor(std::string_view name, const std::vector<std::string>& candidates,
                          bool always_list) {
  const std::optional<std::string> nearest = MeantName(name, candidates);
  if (candidates.empty()) return "; remove it";
  std::string list = fmt::format("expected one of: {}", fmt::join(candidates, ", "));
  if (!nearest) return "; " + list;
  std::string text = fmt::format("; did you mean '{}'?", *nearest);
  if (always_list) text += " " + list;
  return text;
}

}  // namespace scenario_internal
}  // namespace ratesim

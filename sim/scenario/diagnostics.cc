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
    std::string line = fmt::format("{}: error: {}", FormatLocation(e->location), e->message);
    if (line == previous) continue;  // one mistake reached by two routes is reported once
    if (!text.empty()) text += '\n';
    text += line;
    previous = std::move(line);
  }
  return absl::InvalidArgumentError(text);
}

int EditDistance(std::string_view a, std::string_view b) {
  const auto lower = [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); };
  const size_t n = a.size();
  const size_t m = b.size();
  // d[i][j]: distance between a[0, i) and b[0, j), three rows kept.
  std::vector<int> before(m + 1), previous(m + 1), current(m + 1);
  for (size_t j = 0; j <= m; ++j) previous[j] = static_cast<int>(j);
  for (size_t i = 1; i <= n; ++i) {
    current[0] = static_cast<int>(i);
    for (size_t j = 1; j <= m; ++j) {
      const int cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      int best = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1])) {
        best = std::min(best, before[j - 2] + 1);
      }
      current[j] = best;
    }
    std::swap(before, previous);
    std::swap(previous, current);
  }
  return previous[m];
}

std::optional<std::string> NearestName(std::string_view name, const std::vector<std::string>& candidates) {
  const int limit = std::max(2, static_cast<int>(name.size()) / 3);
  std::optional<std::string> best;
  int best_distance = limit + 1;
  for (const std::string& candidate : candidates) {
    const int d = EditDistance(name, candidate);
    const int longer = static_cast<int>(std::max(name.size(), candidate.size()));
    if (d < best_distance && d < longer) {
      best = candidate;
      best_distance = d;
    }
  }
  return best;
}

std::string SuggestionFor(std::string_view name, const std::vector<std::string>& candidates,
                          bool always_list) {
  const std::optional<std::string> nearest = NearestName(name, candidates);
  if (candidates.empty()) return "; remove it";
  std::string list = fmt::format("expected one of: {}", fmt::join(candidates, ", "));
  if (!nearest) return "; " + list;
  std::string text = fmt::format("; did you mean '{}'?", *nearest);
  if (always_list) text += " " + list;
  return text;
}

}  // namespace scenario_internal
}  // namespace ratesim

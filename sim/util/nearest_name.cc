#include "sim/util/nearest_name.h"

#include <algorithm>
#include <cctype>
#include <climits>
#include <vector>

namespace ratesim {

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

namespace {

char Lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

// How many leading letters `a` and `b` share, ignoring case.
size_t CommonPrefixLength(std::string_view a, std::string_view b) {
  size_t n = 0;
  while (n < a.size() && n < b.size() && Lower(a[n]) == Lower(b[n])) ++n;
  return n;
}

}  // namespace

std::optional<std::string> NearestName(std::string_view name, const std::vector<std::string>& candidates) {
  const int limit = std::max(2, static_cast<int>(name.size()) / 3);
  std::optional<std::string> best;
  int best_distance = INT_MAX;
  size_t best_prefix = 0;
  for (const std::string& candidate : candidates) {
    const int d = EditDistance(name, candidate);
    const int longer = static_cast<int>(std::max(name.size(), candidate.size()));
    const size_t prefix = CommonPrefixLength(name, candidate);
    // A name that is all of the candidate's beginning but its last letter is the other form of one
    // word (--policy for --policies): three edits apart, yet no typo's distance away.
    const bool other_form = prefix >= 4 && prefix + 1 >= name.size();
    if (d > (other_form ? std::max(limit, 3) : limit) || d >= longer) continue;
    // Strictly better only, so that of equals the earlier candidate stays.
    if (d < best_distance || (d == best_distance && prefix > best_prefix)) {
      best = candidate;
      best_distance = d;
      best_prefix = prefix;
    }
  }
  return best;
}

}  // namespace ratesim

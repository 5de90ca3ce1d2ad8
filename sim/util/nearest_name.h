// "Did you mean ...?": the nearest of a list of valid names to a misspelt one, for every error that
// names an unknown key, flag, policy or model.
#ifndef RATESIM_SIM_UTIL_NEAREST_NAME_H_
#define RATESIM_SIM_UTIL_NEAREST_NAME_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ratesim {

// Edit distance ignoring case, where an insertion, a deletion, a substitution or a swap of two
// neighbouring letters costs 1 (optimal string alignment).
int EditDistance(std::string_view a, std::string_view b);

// The candidate nearest to `name`, if close enough to be a plausible typo: at most max(2, length / 3)
// edits (3 for a candidate that begins with all of `name` but its last letter, at least 4 letters
// of it: the other form of the same word, --policy for --policies), and fewer edits than the longer
// name has letters. Of candidates equally near, the one
// sharing the longest prefix with `name` (ignoring case) wins, as a name typed short of its end
// (ok_rps_10 for ok_rps_10m, not ok_rps_1m) is the likelier slip; then the earlier candidate.
std::optional<std::string> NearestName(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace ratesim

#endif  // RATESIM_SIM_UTIL_NEAREST_NAME_H_

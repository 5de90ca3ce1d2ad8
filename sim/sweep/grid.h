// The parameter grid of a sweep: axes from `--grid key=v1,v2,...`, and the points of their cross
// product. Keys are the dotted keys `--set` takes (sim/scenario/overrides.h) and each value is kept
// as its text, exactly as given, since it becomes a `--set key=value` override and a report cell.
#ifndef RATESIM_SIM_SWEEP_GRID_H_
#define RATESIM_SIM_SWEEP_GRID_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace ratesim {

struct GridAxis {
  std::string key;                  // dotted key, e.g. "limits.window"
  std::vector<std::string> values;  // TOML value texts, in the order given; at least one
};

// More points than this is a typo rather than a sweep (and would overflow what a shard manifest
// counts comfortably).
inline constexpr size_t kMaxGridPoints = 1000000;

// Parses one --grid argument, "key=v1,v2,...". Values are split at commas outside quotes, brackets,
// braces and parentheses, so TOML arrays, inline tables and bare expressions are single values
// (`models.0.service={ dist = "constant", mean = "1s" },{ dist = "constant", mean = "2s" }`);
// surrounding spaces are trimmed. Fails (InvalidArgument) without '=', with an empty key, an empty
// value list or an empty or repeated value. The key itself is checked later, by loading the
// scenario with it (which names the nearest valid key).
absl::StatusOr<GridAxis> ParseGridAxis(std::string_view text);

// Fails (InvalidArgument) when two axes share a key or the cross product exceeds kMaxGridPoints.
absl::Status CheckGrid(const std::vector<GridAxis>& axes);

// Points in the cross product of `axes`: the product of their sizes (1 for no axes: the scenario
// as it is).
size_t GridPointCount(const std::vector<GridAxis>& axes);

// The values of point `point` (one per axis, in axis order). Points are numbered like nested loops
// with the first axis outermost: the last axis varies fastest.
// REQUIRES: point < GridPointCount(axes).
std::vector<std::string> GridPointValues(const std::vector<GridAxis>& axes, size_t point);

}  // namespace ratesim

#endif  // RATESIM_SIM_SWEEP_GRID_H_

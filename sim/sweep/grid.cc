#include "sim/sweep/grid.h"

#include <algorithm>

#include "fmt/format.h"

namespace ratesim {
namespace {

std::string_view Trimmed(std::string_view text) {
  const auto space = [](char c) { return c == ' ' || c == '\t'; };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  return text;
}

// Splits at commas that are outside "..." / '...' strings and outside [], {} and () nesting: the
// parentheses keep a bare `expr` expression whole (`max(base_rps, 2 * ok_rps_1m)`), which TOML
// would read as plain text.
std::vector<std::string_view> SplitTopLevel(std::string_view text) {
  std::vector<std::string_view> parts;
  int depth = 0;
  char quote = 0;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quote != 0) {
      if (c == '\\' && quote == '"') {
        ++i;  // skip the escaped character
      } else if (c == quote) {
        quote = 0;
      }
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '[' || c == '{' || c == '(') {
      ++depth;
    } else if ((c == ']' || c == '}' || c == ')') && depth > 0) {
      --depth;
    } else if (c == ',' && depth == 0) {
      parts.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  parts.push_back(text.substr(start));
  return parts;
}

}  // namespace

absl::StatusOr<GridAxis> ParseGridAxis(std::string_view text) {
  const size_t equals = text.find('=');
  if (equals == std::string_view::npos) {
    return absl::InvalidArgumentError(fmt::format(
        "flag '--grid' needs key=v1,v2,..., got '{}' (example: --grid limits.window=1m,10m)",
        text));
  }
  GridAxis axis;
  axis.key = std::string(Trimmed(text.substr(0, equals)));
  if (axis.key.empty()) {
    return absl::InvalidArgumentError(fmt::format(
        "flag '--grid' needs a key before '=', got '{}' (example: --grid limits.window=1m,10m)",
        text));
  }
  const std::string_view list = Trimmed(text.substr(equals + 1));
  if (list.empty()) {
    return absl::InvalidArgumentError(
        fmt::format("flag '--grid {}=' has no values; list them separated by commas, e.g. {}=1,2,4",
                    axis.key, axis.key));
  }
  for (std::string_view part : SplitTopLevel(list)) {
    const std::string value(Trimmed(part));
    if (value.empty()) {
      return absl::InvalidArgumentError(fmt::format(
          "flag '--grid {}' has an empty value in '{}'; remove the extra comma", axis.key, list));
    }
    if (std::find(axis.values.begin(), axis.values.end(), value) != axis.values.end()) {
      return absl::InvalidArgumentError(
          fmt::format("flag '--grid {}' lists '{}' more than once", axis.key, value));
    }
    axis.values.push_back(value);
  }
  return axis;
}

absl::Status CheckGrid(const std::vector<GridAxis>& axes) {
  size_t points = 1;
  for (size_t i = 0; i < axes.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (axes[j].key == axes[i].key) {
        return absl::InvalidArgumentError(fmt::format(
            "'--grid {}' is given twice; list all its values in one --grid", axes[i].key));
      }
    }
    points *= axes[i].values.size();
    if (points > kMaxGridPoints) {
      return absl::InvalidArgumentError(fmt::format(
          "the grid has more than {} points; split it into several sweeps", kMaxGridPoints));
    }
  }
  return absl::OkStatus();
}

size_t GridPointCount(const std::vector<GridAxis>& axes) {
  size_t points = 1;
  for (const GridAxis& axis : axes) points *= axis.values.size();
  return points;
}

std::vector<std::string> GridPointValues(const std::vector<GridAxis>& axes, size_t point) {
  std::vector<std::string> values(axes.size());
  for (size_t i = axes.size(); i-- > 0;) {
    const size_t size = axes[i].values.size();
    values[i] = axes[i].values[point % size];
    point /= size;
  }
  return values;
}

}  // namespace ratesim

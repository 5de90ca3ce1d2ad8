#include "sim/sweep/grid_labels.h"

#include <algorithm>

#include "fmt/format.h"

namespace ratesim {
namespace {

bool Numbered(const GridAxis& axis) {
  return std::any_of(axis.values.begin(), axis.values.end(),
                     [](const std::string& value) { return value.size() > kMaxShownGridValue; });
}

}  // namespace

std::vector<std::string> GridValueLabels(const GridAxis& axis) {
  if (!Numbered(axis)) return axis.values;
  std::vector<std::string> labels;
  for (size_t i = 0; i < axis.values.size(); ++i) labels.push_back(fmt::format("#{}", i + 1));
  return labels;
}

std::string GridValueLabel(const GridAxis& axis, const std::string& value) {
  const auto found = std::find(axis.values.begin(), axis.values.end(), value);
  if (found == axis.values.end() || !Numbered(axis)) return value;
  return fmt::format("#{}", found - axis.values.begin() + 1);
}

std::vector<std::string> AxisNames(const std::vector<GridAxis>& grid) {
  std::vector<std::string> names;
  for (const GridAxis& axis : grid) names.push_back(axis.key.substr(axis.key.rfind('.') + 1));
  for (size_t a = 0; a < names.size(); ++a) {
    if (std::count(names.begin(), names.end(), names[a]) > 1) {
      for (size_t b = 0; b < names.size(); ++b) {
        if (b != a && names[b] == names[a]) names[b] = grid[b].key;
      }
      names[a] = grid[a].key;
    }
  }
  return names;
}

std::string GridValueKey(const std::vector<GridAxis>& grid) {
  std::string key;
  for (const GridAxis& axis : grid) {
    if (!Numbered(axis)) continue;
    for (size_t i = 0; i < axis.values.size(); ++i) {
      key += fmt::format("{} #{} = {}\n", axis.key, i + 1, axis.values[i]);
    }
  }
  return key;
}

}  // namespace ratesim

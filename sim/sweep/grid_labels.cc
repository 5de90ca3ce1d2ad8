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

#include "sim/report/replaced_table_warning.h"

#include <string_view>

#include "fmt/format.h"

namespace ratesim {
namespace {

// "a (line 4)", "a (line 4) and b (line 5)", "a (line 4), b (line 5) and c (line 6)".
std::string KeysWithLines(const std::vector<std::pair<std::string, SourcePos>>& keys) {
  std::string out;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i > 0) out += i + 1 == keys.size() ? " and " : ", ";
    out += fmt::format("{} (line {})", keys[i].first, keys[i].second.line);
  }
  return out;
}

}  // namespace

std::string ReplacedTableWarning(const Scenario& scenario, const ReplacedTable& table) {
  const std::string_view text = table.override_text;
  const std::string_view key = text.substr(0, text.find('='));
  const bool one = table.dropped.size() == 1;
  return fmt::format(
      "warning: {} replaces the table at {}:{}:{} whole, so the file's {} no longer appl{}; to "
      "keep {}, write {} in the new table too, or change single keys ({}.<key>=value) instead of "
      "the table\n",
      text, scenario.path, table.at.line, table.at.column, KeysWithLines(table.dropped),
      one ? "ies" : "y", one ? "it" : "them", one ? "it" : "them", key);
}

std::string ReplacedTableWarnings(const Scenario& scenario) {
  std::string out;
  for (const ReplacedTable& table : scenario.replaced_tables) out += ReplacedTableWarning(scenario, table);
  return out;
}

}  // namespace ratesim

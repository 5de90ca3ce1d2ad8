#include "sim/scenario/value_key.h"

#include <string_view>

#include "fmt/format.h"

namespace ratesim {
namespace scenario_internal {
namespace {

// A table as messages name it.
struct TableName {
  std::string context;  // "[limits]", "'service' of [[models]]", ...
  std::string header;   // its dotted name when written as a header ([x] or [[x]]), else empty
  bool root = false;
};

// The name of `table`, under `key` in `parent`; `in_array` when it is an element of an array there.
TableName NameOf(const TableName& parent, std::string_view key, const toml::table& table,
                 bool in_array) {
  if (parent.root) {
    return {in_array ? fmt::format("[[{}]]", key) : fmt::format("[{}]", key), std::string(key)};
  }
  if (in_array && !table.is_inline() && !parent.header.empty()) {
    const std::string header = fmt::format("{}.{}", parent.header, key);
    return {fmt::format("[[{}]]", header), header};
  }
  return {fmt::format("'{}' of {}", key, parent.context), ""};
}

std::optional<std::string> KeyIn(const toml::table& table, const TableName& name,
                                 const toml::source_position& at);

// The key of the value beginning at `at` within `node`, the value of `key` in the table `owner`
// (or an element of it, an array).
std::optional<std::string> KeyWithin(const toml::node& node, std::string_view key,
                                     const TableName& owner, const toml::source_position& at,
                                     bool in_array) {
  if (const toml::table* table = node.as_table()) {
    return KeyIn(*table, NameOf(owner, key, *table, in_array), at);
  }
  if (const toml::array* array = node.as_array()) {
    for (const toml::node& element : *array) {
      if (std::optional<std::string> found = KeyWithin(element, key, owner, at, true)) return found;
    }
    return std::nullopt;
  }
  const toml::source_position begin = node.source().begin;
  if (begin.line != at.line || begin.column != at.column) return std::nullopt;
  return fmt::format("'{}' in {}", key, owner.context);
}

std::optional<std::string> KeyIn(const toml::table& table, const TableName& name,
                                 const toml::source_position& at) {
  for (const auto& [key, node] : table) {
    if (std::optional<std::string> found = KeyWithin(node, key.str(), name, at, false)) {
      return found;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> KeyOfValueAt(const toml::table& root, const toml::source_position& at) {
  return KeyIn(root, {"the top-level table", "", true}, at);
}

}  // namespace scenario_internal
}  // namespace ratesim

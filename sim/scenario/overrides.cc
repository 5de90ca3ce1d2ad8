#include "sim/scenario/overrides.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string_view>
#include <tuple>
#include <utility>

#include "fmt/format.h"
#include "sim/scenario/toml_reader.h"

namespace ratesim {
namespace scenario_internal {
namespace {

std::string_view Trimmed(std::string_view text) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  return text;
}

std::vector<std::string_view> SplitDots(std::string_view path) {
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    const size_t dot = path.find('.', start);
    if (dot == std::string_view::npos) {
      parts.push_back(path.substr(start));
      return parts;
    }
    parts.push_back(path.substr(start, dot - start));
    start = dot + 1;
  }
}

// `text` as a TOML basic string literal.
std::string Quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      out += fmt::format("\\u{:04X}", u);
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

// A decimal array index, or nullopt for anything else (a key, a sign, an index too large to exist).
std::optional<size_t> Index(std::string_view segment) {
  if (segment.empty() || segment.size() > 9) return std::nullopt;
  size_t index = 0;
  for (char c : segment) {
    if (c < '0' || c > '9') return std::nullopt;
    index = index * 10 + static_cast<size_t>(c - '0');
  }
  return index;
}

std::vector<std::string> KeysOf(const toml::table& table) {
  std::vector<std::string> keys;
  for (const auto& [key, node] : table) keys.emplace_back(key.str());
  return keys;
}

class Applier {
 public:
  Applier(toml::table& root, std::string_view text, Diagnostics& diags,
          std::vector<ReplacedTable>* replaced)
      : root_(root),
        text_(text),
        origin_(fmt::format("{}{}>", kOverrideOriginPrefix, text)),
        diags_(diags),
        replaced_(replaced) {}

  void Apply() {
    const size_t eq = text_.find('=');
    const std::string_view path = Trimmed(text_.substr(0, eq));
    if (eq == std::string_view::npos || path.empty()) {
      return Error("expected dotted.key=value; write e.g. --set run.seed=7");
    }
    const std::vector<std::string_view> segments = SplitDots(path);
    for (std::string_view s : segments) {
      if (s.empty())
        return Error(fmt::format(
            "empty key in '{}'; write keys joined by single dots, e.g. models.0.concurrency", path));
    }
    const std::string_view written = Trimmed(text_.substr(eq + 1));
    if (written.empty()) {
      return Error(fmt::format("no value after '='; write one after it, as in the scenario file "
                               "(e.g. {}=2)",
                               path));
    }
    absl::StatusOr<toml::table> value = ParseOverrideValue(written, origin_);
    if (!value.ok()) return Error(std::string(value.status().message()));

    toml::node* current = &root_;
    for (size_t i = 0; i + 1 < segments.size(); ++i) {
      current = Step(*current, segments, i);
      if (current == nullptr) return;
    }
    Place(*current, segments, std::move(*value->get("v")));
  }

 private:
  void Error(std::string message) { diags_.Error(Location{origin_, 0, 0}, std::move(message)); }

  static std::string Joined(const std::vector<std::string_view>& segments, size_t count) {
    std::string joined;
    for (size_t i = 0; i < count; ++i) {
      if (i > 0) joined += '.';
      joined += segments[i];
    }
    return joined;
  }

  // The element of `node` named by segments[i], or nullptr after reporting why there is none.
  toml::node* Step(toml::node& node, const std::vector<std::string_view>& segments, size_t i) {
    const std::string_view segment = segments[i];
    const std::string parent = Joined(segments, i);
    if (toml::table* table = node.as_table()) {
      if (toml::node* child = table->get(segment)) return child;
      const std::optional<std::string> near = MeantName(segment, KeysOf(*table));
      if (near) {
        const std::string where = parent.empty() ? "the scenario" : fmt::format("'{}'", parent);
        Error(fmt::format("{} has no '{}' to set '{}' in; did you mean '{}'?", where, segment,
                          segments.back(), *near));
        return nullptr;
      }
      // A table the file leaves out (say [limits], all defaults) is created, so that a sweep can
      // vary any parameter of any scenario; the loader then checks its name like any other key.
      const toml::source_region source{{}, {}, std::make_shared<const std::string>(origin_)};
      return &table->insert_or_assign(toml::key(segment, source), toml::table{}).first->second;
    }
    if (toml::array* array = node.as_array()) {
      const std::optional<size_t> index = Index(segment);
      if (!index) {
        Error(fmt::format("'{}' is an array; address an element by its index, e.g. {}.0", parent, parent));
        return nullptr;
      }
      if (*index >= array->size()) {
        Error(fmt::format("'{}' has {} element(s); there is no index {} (indices start at 0)", parent,
                          array->size(), *index));
        return nullptr;
      }
      return array->get(*index);
    }
    Error(fmt::format("'{}' is {}, not a table; it has no key '{}'", parent, TypeName(node), segment));
    return nullptr;
  }

  void Place(toml::node& parent, const std::vector<std::string_view>& segments, toml::node&& value) {
    const std::string_view last = segments.back();
    if (toml::table* table = parent.as_table()) {
      NoteReplacedTable(table->get(last), value);
      const toml::source_region source = value.source();
      std::move(value).visit([&](auto&& v) {
        table->insert_or_assign(toml::key(last, toml::source_region(source)), std::move(v));
      });
      return;
    }
    // An existing element may be replaced; step to it to report a bad index the same way.
    if (parent.is_array()) {
      std::vector<std::string_view> path = segments;
      if (Step(parent, path, path.size() - 1) == nullptr) return;
      toml::array& array = *parent.as_array();
      const size_t index = *Index(last);
      NoteReplacedTable(array.get(index), value);
      std::move(value).visit([&](auto&& v) { array.replace(array.cbegin() + index, std::move(v)); });
      return;
    }
    const std::string where = Joined(segments, segments.size() - 1);
    Error(fmt::format("'{}' is {}, not a table; it has no key '{}'", where, TypeName(parent), last));
  }

  // Records `old`, a table of the file, when `value` replaces it by a table without some of the
  // keys the file set in it (ReplacedTable).
  void NoteReplacedTable(const toml::node* old, const toml::node& value) {
    const toml::table* before = old != nullptr ? old->as_table() : nullptr;
    const toml::table* after = value.as_table();
    if (replaced_ == nullptr || before == nullptr || after == nullptr) return;
    ReplacedTable note{std::string(text_), SourcePosOf(*before), {}};
    for (const auto& [key, node] : *before) {
      if (!after->contains(key.str()) && !IsFromSet(node)) {
        note.dropped.emplace_back(std::string(key.str()), SourcePosOf(key));
      }
    }
    if (note.dropped.empty()) return;
    std::sort(note.dropped.begin(), note.dropped.end(), [](const auto& a, const auto& b) {
      return std::tie(a.second.line, a.second.column) < std::tie(b.second.line, b.second.column);
    });
    replaced_->push_back(std::move(note));
  }

  template <typename Sourced>
  static SourcePos SourcePosOf(const Sourced& sourced) {
    const toml::source_position begin = sourced.source().begin;
    return SourcePos{static_cast<int>(begin.line), static_cast<int>(begin.column)};
  }

  toml::table& root_;
  std::string_view text_;
  std::string origin_;
  Diagnostics& diags_;
  std::vector<ReplacedTable>* replaced_;
};

}  // namespace

absl::StatusOr<toml::table> ParseOverrideValue(std::string_view value, const std::string& origin) {
  absl::StatusOr<toml::table> parsed = ParseToml(fmt::format("v = {}", value), origin);
  if (parsed.ok() && parsed->size() == 1 && parsed->contains("v")) return std::move(*parsed);
  if (!value.empty() && std::string_view("{[\"'").find(value.front()) != std::string_view::npos) {
    const std::string message = parsed.ok() ? "" : std::string(parsed.status().message());
    const size_t error = message.find("error: ");
    return absl::InvalidArgumentError(fmt::format(
        "'{}' is not one complete TOML value ({}); check that its braces, brackets and quotes "
        "close, and that nothing follows them (text that starts so goes in quotes: \"[draft] x\")",
        value, error == std::string::npos ? "more than one value" : message.substr(error + 7)));
  }
  parsed = ParseToml(fmt::format("v = {}", Quoted(value)), origin);
  if (parsed.ok()) return std::move(*parsed);
  return absl::InvalidArgumentError("the value is not valid UTF-8 text; write a TOML value or plain text");
}

void ApplyOverrides(toml::table& root, const std::vector<std::string>& overrides, Diagnostics& diags,
                    std::vector<ReplacedTable>* replaced) {
  for (const std::string& text : overrides) Applier(root, text, diags, replaced).Apply();
}

}  // namespace scenario_internal
}  // namespace ratesim

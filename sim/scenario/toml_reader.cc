#include "sim/scenario/toml_reader.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <utility>

#include "absl/strings/numbers.h"
#include "engine/shown_number.h"
#include "fmt/format.h"
#include "fmt/ranges.h"
#include "sim/scenario/dotted_key_depth.h"
#include "sim/scenario/section_keys.h"
#include "sim/scenario/toml_error_hint.h"
#include "sim/scenario/units.h"
#include "sim/scenario/value_key.h"

namespace ratesim {
namespace scenario_internal {
namespace {

std::string IntegerExpectation(int64_t min, int64_t max) {
  if (max != INT64_MAX) return fmt::format("an integer from {} to {}", min, max);
  if (min == INT64_MIN) return "an integer";
  return fmt::format("an integer >= {}", min);
}

std::string NumberExpectation(Bound bound) {
  switch (bound) {
    case Bound::kAny:
      return "a number";
    case Bound::kNonNegative:
      return "a number >= 0";
    case Bound::kPositive:
      return "a number > 0";
  }
  return "a number";
}

std::string DurationExpectation(Bound bound) {
  return bound == Bound::kPositive ? "a duration > 0 such as \"30s\"" : "a duration such as \"30s\"";
}

std::string RateExpectation(Bound bound) {
  return bound == Bound::kPositive ? "a rate > 0 such as \"60rpm\" or \"1rps\""
                                   : "a rate such as \"60rpm\" or \"1rps\"";
}

bool Violates(double value, Bound bound) {
  switch (bound) {
    case Bound::kAny:
      return false;
    case Bound::kNonNegative:
      return !(value >= 0.0);
    case Bound::kPositive:
      return !(value > 0.0);
  }
  return false;
}

// A negative duration or rate, as ParseDuration and ParseRate report one, but with the key's bound:
// "> 0" where zero is refused too, so that following the message does not lead to a second error;
// for the same reason the value without its sign is offered only if `parse` reads it within the
// bound ("-0s" and "-5" get no suggestion). Empty for a value that is not negative, or a key that
// takes any sign of what parses.
template <typename Parse>
std::string NegativeError(std::string_view what, std::string_view text, Bound bound, Parse parse) {
  if (text.empty() || text.front() != '-' || bound == Bound::kAny) return "";
  std::string error = fmt::format("negative {} \"{}\"; expected a {} {}", what, text, what,
                                  bound == Bound::kPositive ? "> 0" : ">= 0");
  const auto unsigned_value = parse(text.substr(1));
  if (unsigned_value.ok() && !Violates(static_cast<double>(*unsigned_value), bound)) {
    error += fmt::format(" such as \"{}\"", text.substr(1));
  }
  return error;
}

// A bare number's text, for a hint like `write "30ms" or "30s"`; empty where that would not help.
std::string BareNumber(const toml::node& node) {
  if (const auto* i = node.as_integer(); i && i->get() >= 0) return fmt::format("{}", i->get());
  if (const auto* f = node.as_floating_point(); f && f->get() >= 0 && std::isfinite(f->get())) {
    return fmt::format("{}", f->get());
  }
  return "";
}

// The text typed on the command line for `node`, a value of --set that TOML could not read and
// overrides.cc kept as a string as typed (unquoted): a number too large for TOML, say. Its origin
// is "<--set key=value>". Nullopt for any other node, a string quoted on the command line included.
std::optional<std::string_view> UnquotedFromSet(const toml::node& node) {
  const auto* s = node.as_string();
  const std::shared_ptr<const std::string>& origin = node.source().path;
  if (s == nullptr || origin == nullptr || !IsOverrideOrigin(*origin)) {
    return std::nullopt;
  }
  std::string_view typed = *origin;
  typed.remove_suffix(1);  // '>'
  typed.remove_prefix(std::min(typed.size(), typed.find('=') + 1));
  while (!typed.empty() && (typed.front() == ' ' || typed.front() == '\t')) typed.remove_prefix(1);
  while (!typed.empty() && (typed.back() == ' ' || typed.back() == '\t')) typed.remove_suffix(1);
  if (typed != s->get()) return std::nullopt;  // quoted: a string as written
  return std::string_view(s->get());
}

// Whether `node` is an integer typed on the command line, unquoted, that is too large for 64 bits.
// TOML cannot hold it; the user wrote a number all the same.
bool IsIntegerTooLargeFromSet(const toml::node& node) {
  std::optional<std::string_view> text = UnquotedFromSet(node);
  if (!text) return false;
  if (!text->empty() && (*text)[0] == '+') text->remove_prefix(1);
  if (text->empty() || text->find_first_not_of("0123456789_") != std::string_view::npos) return false;
  std::string digits;  // TOML allows 1_000 for 1000
  for (char c : *text) {
    if (c != '_') digits += c;
  }
  int64_t value = 0;
  return !absl::SimpleAtoi(digits, &value);
}

// "got 1e400, which is beyond ±..., the range of a double" for a number typed on the command line
// beyond that range (see BeyondDoubleFromSet), for the caller to say what to write instead.
std::optional<std::string> GotBeyondDoubleFromSet(const toml::node& node) {
  const std::optional<std::string_view> text = UnquotedFromSet(node);
  if (!text || !IsBeyondDouble(*text)) return std::nullopt;
  return fmt::format("got {}, which is {}", *text, BeyondDoubleText());
}

// "base_rpm is a number of requests per minute, without a unit: write 60" for a rate with its
// unit ("1rps", "60rpm": units.h's ParseRate) given to a number whose key names a per-minute unit
// (base_rpm, ceiling_tpm): the unit is in the key's name, so the number goes alone, converted.
// Nullopt otherwise.
std::optional<std::string> PerMinuteNumberFix(std::string_view key, const toml::node& node) {
  const auto* text = node.as_string();
  const std::string_view suffix = key.size() > 4 ? key.substr(key.size() - 4) : std::string_view();
  if (text == nullptr || (suffix != "_rpm" && suffix != "_tpm")) return std::nullopt;
  const absl::StatusOr<double> per_second = ParseRate(text->get());
  if (!per_second.ok()) return std::nullopt;
  // 15 digits: "0.1rps" is 6 per minute, not the 6.000000000000001 that the product is.
  return fmt::format("{} is a number of {} per minute, without a unit: write {:.15g}", key,
                     suffix == "_rpm" ? "requests" : "tokens", *per_second * 60.0);
}

// The text of `text`'s line `at.line` before column `at.column` (both from 1), or empty if there is
// no such line. Columns count bytes here, as they do in the ASCII lines a number is written on.
std::string_view LineBefore(std::string_view text, const toml::source_position& at) {
  if (at.line == 0 || at.column == 0) return {};
  size_t start = 0;
  for (toml::source_index line = 1; line < at.line; ++line) {
    start = text.find('\n', start);
    if (start == std::string_view::npos) return {};
    ++start;
  }
  const size_t end = std::min(text.find('\n', start), text.size());
  return text.substr(start, std::min<size_t>(at.column - 1, end - start));
}

// The rest of the line of `text` whose part before an error's position is `line_before` (a view
// into `text`, from LineBefore), from that position on; empty if `line_before` is.
std::string_view LineRest(std::string_view text, std::string_view line_before) {
  if (line_before.data() == nullptr) return {};
  const size_t start = static_cast<size_t>(line_before.data() - text.data()) + line_before.size();
  const size_t end = std::min(text.find('\n', start), text.size());
  std::string_view rest = text.substr(start, end - start);
  if (!rest.empty() && rest.back() == '\r') rest.remove_suffix(1);
  return rest;
}

// "'base_rpm' in [limits]" for `number`, the number beyond the range of a double in `text` that
// toml++ refused, ending at `end` (BeyondDoubleAtEnd). toml++ cannot hold it and names no key, so
// the text is parsed again with 0 in its place, at the same position (and in the place of any
// later number as large), and the key found there. Nullopt if the text does not parse even so.
std::optional<std::string> KeyOfBeyondDouble(std::string_view text, std::string_view number,
                                             std::string_view source_path,
                                             const toml::source_position& end) {
  const toml::source_position begin = {
      end.line, static_cast<toml::source_index>(end.column - number.size())};
  std::string zeroed(text);
  std::optional<std::string_view> next = std::string_view(zeroed).substr(
      static_cast<size_t>(number.data() - text.data()), number.size());
  // Each pass zeroes one more such number, so the passes end.
  while (next.has_value()) {
    zeroed.replace(static_cast<size_t>(next->data() - zeroed.data()), next->size(),
                   "0" + std::string(next->size() - 1, ' '));
    try {
      return KeyOfValueAt(toml::parse(zeroed, source_path), begin);
    } catch (const toml::parse_error& e) {
      next = BeyondDoubleAtEnd(LineBefore(zeroed, e.source().begin));
    }
  }
  return std::nullopt;
}

// "[[orgs.traffic]]" when `node`, under `key`, is a table that toml made to hold the sections
// written [[orgs.traffic]] (or [orgs.x]) without an [[orgs]] above them: a table not written
// inline, of sections only. Nullopt for any other node, [orgs] with keys of its own included.
std::optional<std::string> OrphanSubsection(const toml::node& node, std::string_view key) {
  const toml::table* table = node.as_table();
  if (table == nullptr || table->is_inline() || table->empty()) return std::nullopt;
  for (const auto& [name, value] : *table) {
    if (const toml::array* array = value.as_array(); array != nullptr && array->is_array_of_tables()) continue;
    if (const toml::table* sub = value.as_table(); sub != nullptr && !sub->is_inline()) continue;
    return std::nullopt;
  }
  const auto first = table->begin();  // kept: the pair it points at lives in the iterator
  return first->second.is_array() ? fmt::format("[[{}.{}]]", key, first->first.str())
                                  : fmt::format("[{}.{}]", key, first->first.str());
}

}  // namespace

std::optional<std::string> BeyondDoubleFromSet(const toml::node& node) {
  const std::optional<std::string> got = GotBeyondDoubleFromSet(node);
  if (!got) return std::nullopt;
  return fmt::format("{}; {}", *got, kCloserToZero);
}

bool IsOverrideOrigin(std::string_view origin) {
  return origin.substr(0, kOverrideOriginPrefix.size()) == kOverrideOriginPrefix;
}

bool IsFromSet(const toml::node& node) {
  const std::shared_ptr<const std::string>& origin = node.source().path;
  return origin != nullptr && IsOverrideOrigin(*origin);
}

absl::StatusOr<toml::table> ParseToml(std::string_view text, std::string_view source_path) {
  if (const std::optional<TextPosition> key = FindOverlyDottedKey(text)) {
    // As LocationOf: a position inside a --set value means nothing to the user.
    const bool from_set = IsOverrideOrigin(source_path);
    const Location at{std::string(source_path), from_set ? 0 : key->line,
                      from_set ? 0 : key->column};
    return absl::InvalidArgumentError(fmt::format(
        "{}: error: a key of more than {} parts joined by dots, where ratesim's keys have a few "
        "(orgs.traffic); correct the key",
        FormatLocation(at), kMaxDottedKeyParts));
  }
  try {
    return toml::parse(text, source_path);
  } catch (const toml::parse_error& e) {
    const Location at = LocationOf(e.source(), Location{std::string(source_path), 0, 0});
    const std::string_view line_before = LineBefore(text, e.source().begin);
    std::string message = ExplainTomlError(e.description(), line_before, LineRest(text, line_before));
    if (const std::optional<std::string_view> number = BeyondDoubleAtEnd(line_before)) {
      if (const std::optional<std::string> key =
              KeyOfBeyondDouble(text, *number, source_path, e.source().begin)) {
        message = fmt::format("{}: {}", *key, message);
      }
    }
    return absl::InvalidArgumentError(
        OneLine(fmt::format("{}: error: {}", FormatLocation(at), message)));
  }
}

Location LocationOf(const toml::source_region& source, const Location& fallback) {
  if (source.path && IsOverrideOrigin(*source.path)) {
    return Location{*source.path, 0, 0};
  }
  if (source.begin.line == 0) return fallback;
  return Location{source.path ? *source.path : fallback.origin, static_cast<int>(source.begin.line),
                  static_cast<int>(source.begin.column)};
}

std::string TypeName(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

std::string Written(const toml::node& node) {
  if (const auto* s = node.as_string()) return fmt::format("\"{}\"", s->get());
  if (const auto* i = node.as_integer()) return fmt::format("{}", i->get());
  if (const auto* f = node.as_floating_point()) {
    const double v = f->get();
    if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15) return fmt::format("{:.1f}", v);
    return ShownNumber(v);
  }
  if (const auto* b = node.as_boolean()) return b->get() ? "true" : "false";
  return TypeName(node);
}

TableReader::TableReader(const toml::table& table, std::string context, Diagnostics& diags,
                         const Location& fallback)
    : table_(&table),
      context_(std::move(context)),
      diags_(&diags),
      location_(LocationOf(table.source(), fallback)) {}

TableReader TableReader::Child(const toml::table& table, std::string context) const {
  TableReader child(table, std::move(context), *diags_, location_);
  child.headerless_sections_ = headerless_sections_;
  return child;
}

const toml::node* TableReader::Find(std::string_view key) {
  Allow(key);
  return table_->get(key);
}

void TableReader::Allow(std::string_view key) {
  if (std::find(valid_.begin(), valid_.end(), key) == valid_.end()) valid_.emplace_back(key);
}

void TableReader::Missing(std::string_view key, std::string_view expected) {
  // Held, as a missing section is: `concurency = 8` is one mistake, told once, by its unknown key's
  // "did you mean 'concurrency'?", not first as a missing 'concurrency'.
  MissingError(key, location_, fmt::format("missing key '{}' in {}; expected {}", key, context_, expected));
}

std::optional<std::string> TableReader::String(std::string_view key, Need need,
                                               std::string_view missing) {
  const toml::node* node = Find(key);
  if (node == nullptr) {
    if (need == Need::kRequired) Missing(key, missing);
    return std::nullopt;
  }
  if (const auto* s = node->as_string()) return s->get();
  ValueError(key, fmt::format("got {}; expected a string", TypeName(*node)));
  return std::nullopt;
}

std::optional<bool> TableReader::Bool(std::string_view key, Need need) {
  const toml::node* node = Find(key);
  if (node == nullptr) {
    if (need == Need::kRequired) Missing(key, "true or false");
    return std::nullopt;
  }
  if (const auto* b = node->as_boolean()) return b->get();
  ValueError(key, fmt::format("got {}; expected true or false", TypeName(*node)));
  return std::nullopt;
}

std::optional<int64_t> TableReader::Integer(std::string_view key, Need need, int64_t min,
                                            int64_t max) {
  const toml::node* node = Find(key);
  const std::string expected = IntegerExpectation(min, max);
  if (node == nullptr) {
    if (need == Need::kRequired) Missing(key, expected);
    return std::nullopt;
  }
  if (const auto* i = node->as_integer()) {
    if (i->get() >= min && i->get() <= max) return i->get();
    ValueError(key, fmt::format("got {}; expected {}", i->get(), expected));
  } else if (const auto* f = node->as_floating_point()) {
    // 1e12 is a whole number TOML reads as a float: beyond the bounds, say so first.
    const double value = f->get();
    const bool whole = std::isfinite(value) && value == std::floor(value);
    const bool outside = value < static_cast<double>(min) || value > static_cast<double>(max);
    ValueError(key, fmt::format("got {}{}; expected {}", Written(*node),
                                whole && outside ? "" : ", not an integer", expected));
  } else if (IsIntegerTooLargeFromSet(*node)) {
    ValueError(key, fmt::format("got {}, which is too large: the largest {} is {}",
                                node->as_string()->get(), key, max));
  } else if (const std::optional<std::string> beyond = GotBeyondDoubleFromSet(*node)) {
    ValueError(key, fmt::format("{}; expected {}", *beyond, expected));
  } else {
    ValueError(key, fmt::format("got {}; expected {}", TypeName(*node), expected));
  }
  return std::nullopt;
}

std::optional<double> TableReader::Number(std::string_view key, Need need, Bound bound) {
  const toml::node* node = Find(key);
  const std::string expected = NumberExpectation(bound);
  if (node == nullptr) {
    if (need == Need::kRequired) Missing(key, expected);
    return std::nullopt;
  }
  double value = 0.0;
  if (const auto* i = node->as_integer()) {
    value = static_cast<double>(i->get());
  } else if (const auto* f = node->as_floating_point()) {
    value = f->get();
  } else if (const std::optional<std::string> beyond = BeyondDoubleFromSet(*node)) {
    ValueError(key, *beyond);
    return std::nullopt;
  } else if (const std::optional<std::string> fix = PerMinuteNumberFix(key, *node)) {
    ValueError(key, fmt::format("got {}; {}", Written(*node), *fix));
    return std::nullopt;
  } else {
    ValueError(key, fmt::format("got {}; expected {}", TypeName(*node), expected));
    return std::nullopt;
  }
  if (!std::isfinite(value)) {
    ValueError(key, fmt::format("got {}; expected a finite number", Written(*node)));
    return std::nullopt;
  }
  if (Violates(value, bound)) {
    ValueError(key, fmt::format("got {}; expected {}", Written(*node), expected));
    return std::nullopt;
  }
  return value;
}

std::optional<Nanos> TableReader::Duration(std::string_view key, Need need, Bound bound) {
  const toml::node* node = Find(key);
  const std::string expected = DurationExpectation(bound);
  if (node == nullptr) {
    if (need == Need::kRequired) Missing(key, expected);
    return std::nullopt;
  }
  const auto* s = node->as_string();
  if (s == nullptr) {
    const std::string bare = BareNumber(*node);
    const std::string fix = bare.empty() ? "" : WriteTheDurationUnit(bare);
    if (!fix.empty()) {
      ValueError(key, fmt::format("got the bare number {}; {}", bare, fix));
    } else {
      ValueError(key, fmt::format("got {}; expected {}", Written(*node), expected));
    }
    return std::nullopt;
  }
  if (const std::optional<std::string> beyond = GotBeyondDoubleFromSet(*node)) {
    ValueError(key, fmt::format("{}; expected {}, at most about 292 years", *beyond, expected));
    return std::nullopt;
  }
  if (const std::string negative = NegativeError("duration", s->get(), bound, ParseDuration); !negative.empty()) {
    ValueError(key, negative);
    return std::nullopt;
  }
  absl::StatusOr<Nanos> nanos = ParseDuration(s->get());
  if (!nanos.ok()) {
    ValueError(key, std::string(nanos.status().message()));
    return std::nullopt;
  }
  if (Violates(static_cast<double>(*nanos), bound)) {
    ValueError(key, fmt::format("got {}; expected {}", Written(*node), expected));
    return std::nullopt;
  }
  return *nanos;
}

std::optional<double> TableReader::Rate(std::string_view key, Need need, Bound bound) {
  const toml::node* node = Find(key);
  const std::string expected = RateExpectation(bound);
  if (node == nullptr) {
    if (need == Need::kRequired) Missing(key, expected);
    return std::nullopt;
  }
  const auto* s = node->as_string();
  if (s == nullptr) {
    const std::string bare = BareNumber(*node);
    if (!bare.empty()) {
      ValueError(key, fmt::format("got the bare number {}; write \"{}rpm\" or \"{}rps\"", bare, bare, bare));
    } else {
      ValueError(key, fmt::format("got {}; expected {}", Written(*node), expected));
    }
    return std::nullopt;
  }
  if (const std::optional<std::string> beyond = GotBeyondDoubleFromSet(*node)) {
    ValueError(key, fmt::format("{}; {}, with a unit: \"60rpm\" or \"1rps\"", *beyond, kCloserToZero));
    return std::nullopt;
  }
  if (const std::string negative = NegativeError("rate", s->get(), bound, ParseRate); !negative.empty()) {
    ValueError(key, negative);
    return std::nullopt;
  }
  absl::StatusOr<double> rate = ParseRate(s->get());
  if (!rate.ok()) {
    ValueError(key, std::string(rate.status().message()));
    return std::nullopt;
  }
  if (Violates(*rate, bound)) {
    ValueError(key, fmt::format("got {}; expected {}", Written(*node), expected));
    return std::nullopt;
  }
  return *rate;
}

const toml::table* TableReader::Table(std::string_view key, Need need, std::string_view expected) {
  const toml::node* node = Find(key);
  if (node == nullptr) {
    if (need == Need::kRequired) Missing(key, expected);
    return nullptr;
  }
  if (const auto* t = node->as_table()) return t;
  ValueError(key, fmt::format("got {}; expected {}", TypeName(*node), expected));
  return nullptr;
}

void TableReader::ValueError(std::string_view key, std::string_view message) {
  Report(ValueLocation(key), fmt::format("'{}' in {}: {}", key, context_, message));
}

void TableReader::TableError(std::string message) { Report(location_, std::move(message)); }

void TableReader::Report(const Location& at, std::string message) const {
  diags_->Error(at, message + OverridesNote(at, message));
}

std::string TableReader::OverridesNote(const Location& at, std::string_view message) const {
  if (IsOverrideOrigin(at.origin)) return "";  // the location names the override already
  std::vector<std::string_view> overrides;
  for (const auto& [key, node] : *table_) {
    if (!IsFromSet(node)) continue;
    std::string_view typed = *node.source().path;  // "<--set path=value>"
    typed = typed.substr(1, typed.size() - 2);
    if (message.find(typed) == std::string_view::npos) overrides.push_back(typed);
  }
  if (overrides.empty()) return "";
  return fmt::format(" (after {})", fmt::join(overrides, ", "));
}

Location TableReader::ValueLocation(std::string_view key) const {
  const toml::node* node = table_->get(key);
  return node == nullptr ? location_ : LocationOf(node->source(), location_);
}

TableReader::~TableReader() {
  for (MissingSection& missing : missing_) Report(missing.at, std::move(missing.message));
}

void TableReader::MissingError(std::string_view key, const Location& at, std::string message) {
  missing_.push_back({std::string(key), at, std::move(message)});
}

void TableReader::ExplainUnknown(std::string_view key, std::string explanation) {
  explanations_.push_back({std::string(key), std::move(explanation)});
}

std::vector<std::string> TableReader::UnknownKeys() const {
  std::vector<std::string> unknown;
  if (accept_all_) return unknown;
  for (const auto& [key, node] : *table_) {
    if (std::find(valid_.begin(), valid_.end(), key.str()) == valid_.end()) unknown.emplace_back(key.str());
  }
  return unknown;
}

bool TableReader::ReportMissingHeader(std::vector<std::string>& explained) {
  if (accept_all_ || table_->is_inline()) return false;
  struct Unknown {
    std::string key;
    Location at;
  };
  std::vector<Unknown> unknown;
  for (const auto& [key, node] : *table_) {
    if (std::find(valid_.begin(), valid_.end(), key.str()) != valid_.end()) continue;
    if (IsFromSet(node)) return false;  // typed on the command line: no header was lost
    unknown.push_back({std::string(key.str()), LocationOf(key.source(), location_)});
  }
  if (unknown.empty()) return false;
  // The table holds its keys in name order; the header goes above the first as written.
  std::sort(unknown.begin(), unknown.end(), [](const Unknown& a, const Unknown& b) {
    return std::pair(a.at.line, a.at.column) < std::pair(b.at.line, b.at.column);
  });
  std::vector<std::string> keys;
  for (const Unknown& u : unknown) keys.push_back(u.key);
  if (keys.size() == 1) {
    const bool explains = std::any_of(explanations_.begin(), explanations_.end(),
                                      [&](const Explanation& e) { return e.key == keys[0]; });
    if (explains || MeantName(keys[0], valid_)) return false;
  }
  const SectionKeys* section = SectionOfKeys(keys, context_);
  if (section == nullptr) return false;
  // One error for the group: the keys are one mistake, a line missing above them, and an error per
  // key would each repeat the same question (or, shortened, send the reader back to the first).
  const std::string what =
      keys.size() == 1
          ? fmt::format("unknown key '{}' in {}; it is a key of", keys[0], context_)
          : fmt::format("unknown keys '{}' in {}; they are keys of", fmt::join(keys, "', '"), context_);
  Report(unknown.front().at, fmt::format("{} {}: is a {} header missing above line {}?", what,
                                         section->header, section->header, unknown.front().at.line));
  (section->top_level ? *headerless_sections_ : explained).push_back(section->key);
  return true;
}

void TableReader::ReportUnknownKeys() {
  std::vector<std::string> explained;  // missing keys that an unknown key is a near miss of
  const bool header_missing = ReportMissingHeader(explained);
  for (const auto& [key, node] : *table_) {
    if (accept_all_ || header_missing) break;
    const std::string_view name = key.str();
    if (std::find(valid_.begin(), valid_.end(), name) != valid_.end()) continue;
    // A key added by --set has no position of its own; its value's origin names the override.
    const Location value_at = LocationOf(node.source(), location_);
    const Location at = value_at.line == 0 ? value_at : LocationOf(key.source(), value_at);
    const auto explanation = std::find_if(explanations_.begin(), explanations_.end(),
                                          [&](const Explanation& e) { return e.key == name; });
    if (explanation != explanations_.end()) {
      Report(at, fmt::format("unknown key '{}' in {}; {}", name, context_, explanation->text));
      continue;
    }
    Report(at,
           fmt::format("unknown key '{}' in {}{}", name, context_, SuggestionFor(name, valid_)));
    if (const std::optional<std::string> nearest = MeantName(name, valid_))
      explained.push_back(*nearest);
  }
  const auto is_explained = [&](const std::string& key) {
    return std::find(explained.begin(), explained.end(), key) != explained.end() ||
           std::find(headerless_sections_->begin(), headerless_sections_->end(), key) !=
               headerless_sections_->end();
  };
  for (MissingSection& missing : missing_) {
    if (is_explained(missing.key)) continue;
    Report(missing.at, std::move(missing.message));
  }
  missing_.clear();
}

void ForEachTable(TableReader& parent, std::string_view key, std::string_view element_context, Need need,
                  std::string_view missing_message, const std::function<void(TableReader&)>& read) {
  const toml::node* node = parent.Find(key);
  const toml::array* array = node == nullptr ? nullptr : node->as_array();
  if (node != nullptr && array == nullptr) {
    if (const std::optional<std::string> orphan = OrphanSubsection(*node, key)) {
      // Held as a missing section is: after [[org]] for [[orgs]], the typo's "did you mean 'orgs'?"
      // is the one mistake, and the [[orgs.traffic]] below it no second one.
      const Location at = parent.ValueLocation(key);
      parent.MissingError(key, at, fmt::format("{} at line {} has no {} above it; add {} above line {}",
                                               *orphan, at.line, element_context, element_context, at.line));
      return;
    }
    parent.ValueError(key, fmt::format("got {}; expected an array of tables, written {}", TypeName(*node),
                                       element_context));
    return;
  }
  if (array == nullptr || array->empty()) {
    if (need != Need::kRequired) return;
    // An empty array is reported where it was written: after `--set policies=[]` the file still
    // has its [[policies]], and the top of the file is not what to fix.
    if (array != nullptr) {
      parent.diags().Error(LocationOf(array->source(), parent.location()), std::string(missing_message));
    } else {
      parent.MissingError(key, parent.location(), std::string(missing_message));
    }
    return;
  }
  const Location array_at = LocationOf(array->source(), parent.location());
  for (size_t i = 0; i < array->size(); ++i) {
    const toml::node& element = *array->get(i);
    if (const toml::table* table = element.as_table()) {
      TableReader reader = parent.Child(*table, std::string(element_context));
      read(reader);
      continue;
    }
    parent.diags().Error(LocationOf(element.source(), array_at),
                         fmt::format("element {} of '{}' in {}: got {}; expected a table", i, key,
                                     parent.context(), TypeName(element)));
  }
}

}  // namespace scenario_internal
}  // namespace ratesim

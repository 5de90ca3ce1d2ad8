#include "sim/scenario/toml_error_hint.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <iterator>
#include <limits>
#include <optional>
#include <utility>

#include "fmt/format.h"

namespace ratesim {
namespace scenario_internal {
namespace {

// toml++'s words for the two rules it enforces here (toml++ 3.x, impl/parser.inl).
constexpr std::string_view kRedefine = "cannot redefine existing ";
constexpr std::string_view kTooWide = "' is not representable in 64 bits";
constexpr std::string_view kInHeader = "Error while parsing table header";
// What toml++ says of a float it cannot convert, as its build reads floats: with std::from_chars
// it is kTooWide, else this.
constexpr std::string_view kNotAValue = "' could not be interpreted as a value";

// The text toml++ quotes before `end` in `description` ("... '1e400' could not ..."), or empty.
std::string_view QuotedBefore(std::string_view description, size_t end) {
  if (end == std::string_view::npos || end == 0) return {};
  const size_t begin = description.rfind('\'', end - 1);
  if (begin == std::string_view::npos) return {};
  return description.substr(begin + 1, end - begin - 1);
}

// toml++'s "cannot redefine existing <type> '<name>'[ as <new>]", taken apart.
struct Redefinition {
  std::string_view existing;  // "integer", "table", "array", ...
  std::string_view name;      // the key or the header's dotted name, as written
  std::string_view as;        // "table", "array-of-tables", or empty for a key-value pair
};

std::optional<Redefinition> ParseRedefinition(std::string_view description) {
  const size_t start = description.find(kRedefine);
  if (start == std::string_view::npos) return std::nullopt;
  std::string_view rest = description.substr(start + kRedefine.size());
  const size_t open = rest.find(" '");
  const size_t close = rest.rfind('\'');
  if (open == std::string_view::npos || close == std::string_view::npos || close <= open + 1) {
    return std::nullopt;
  }
  Redefinition r;
  r.existing = rest.substr(0, open);
  r.name = rest.substr(open + 2, close - open - 2);
  std::string_view after = rest.substr(close + 1);
  if (after.substr(0, 4) == " as ") r.as = after.substr(4);
  return r;
}

// "each org" for [[orgs]]: what one element of a scenario's array of tables is.
std::string EachOf(std::string_view array) {
  if (array == "orgs") return "each org";
  if (array == "models") return "each model";
  if (array == "policies") return "each policy";
  if (array == "traces") return "each trace";
  if (array == "orgs.traffic") return "each traffic stream";
  return "each element";
}

std::string ExplainRedefinition(const Redefinition& r, bool in_header) {
  const std::string each = EachOf(r.name);
  const bool was_table = r.existing == "table";
  const bool was_array = r.existing == "array";
  if (r.as == "array-of-tables" && was_table) {
    return fmt::format(
        "[[{0}]] here, but [{0}] above; {1} is its own [[{0}]] table: write [[{0}]] above too",
        r.name, each);
  }
  if (r.as == "table" && was_array) {
    return fmt::format(
        "[{0}] here, but [[{0}]] above; {1} is its own [[{0}]] table: write [[{0}]] here too",
        r.name, each);
  }
  if (in_header && r.as.empty() && was_table) {
    if (EachOf(r.name) != "each element") {
      return fmt::format(
          "[{0}] appears twice; {1} is its own [[{0}]] table: write [[{0}]] for every one",
          r.name, each);
    }
    return fmt::format("[{0}] appears twice; merge the two into one [{0}]", r.name);
  }
  if (!in_header && r.as.empty()) {
    return fmt::format("'{}' is set twice in the same table; remove one of the two", r.name);
  }
  const bool vowel = !r.existing.empty() &&
                     std::string_view("aeiou").find(r.existing[0]) != std::string_view::npos;
  return fmt::format("'{}' is set twice, once as {} {} and once as a table; remove one of the two",
                     r.name, vowel ? "an" : "a", r.existing);
}

// toml++'s words (toml++ 3.x, impl/parser.inl) for a value it could not read: a number that runs
// into a letter, and a value followed by more text or of no type at all.
constexpr std::string_view kIntoLetter[] = {
    "Error while parsing decimal integer: expected digit, saw '",
    "Error while parsing floating-point: expected decimal digit, saw '"};
constexpr std::string_view kMoreText = "Error while parsing key-value pair: expected a comment or whitespace";
constexpr std::string_view kNoType = "Error while parsing value: could not determine value type";
constexpr std::string_view kInlineMore = "Error while parsing inline table: expected comma or closing '}'";
// A value that starts as true or false would ("fast", "True"): toml++ reads it as a boolean.
constexpr std::string_view kBoolean = "Error while parsing boolean: expected '";

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool IsSpace(char c) { return c == ' ' || c == '\t'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

std::string_view TrimSpace(std::string_view text) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  return text;
}

std::string Lower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lower;
}

// The unit units.h reads for `word` (lower case): itself if known, else the one a common spelling
// means ("min", "seconds", "hrs"), else empty.
std::string_view KnownUnit(std::string_view word) {
  for (std::string_view name : {"ns", "us", "ms", "s", "m", "h", "rpm", "rps"}) {
    if (word == name) return name;
  }
  static constexpr std::pair<std::string_view, std::string_view> kSpellings[] = {
      {"nsec", "ns"},        {"nanosecond", "ns"},   {"nanoseconds", "ns"},  {"usec", "us"},
      {"microsecond", "us"}, {"microseconds", "us"}, {"msec", "ms"},         {"msecs", "ms"},
      {"millis", "ms"},      {"millisecond", "ms"},  {"milliseconds", "ms"}, {"sec", "s"},
      {"secs", "s"},         {"second", "s"},        {"seconds", "s"},       {"min", "m"},
      {"mins", "m"},         {"minute", "m"},        {"minutes", "m"},       {"hr", "h"},
      {"hrs", "h"},          {"hour", "h"},          {"hours", "h"},
  };
  for (const auto& [spelling, unit] : kSpellings) {
    if (word == spelling) return unit;
  }
  return {};
}

// `value` as a number and one word after it, together (5min) or apart (10 requests), or nullopt.
struct NumberAndWord {
  std::string number;     // without '_'
  std::string_view word;  // letters only, not empty
  bool apart = false;     // a space between them
};

std::optional<NumberAndWord> SplitNumberAndWord(std::string_view value) {
  size_t i = 0;
  NumberAndWord split;
  std::string& number = split.number;
  if (i < value.size() && (value[i] == '+' || value[i] == '-')) number += value[i++];
  if (i >= value.size() || !IsDigit(value[i])) return std::nullopt;
  bool point = false;
  for (; i < value.size(); ++i) {
    const char c = value[i];
    if (IsDigit(c)) {
      number += c;
    } else if (c == '_' && IsDigit(number.back())) {
      continue;
    } else if (c == '.' && !point && IsDigit(number.back())) {
      point = true;
      number += c;
    } else {
      break;
    }
  }
  if (!IsDigit(number.back())) return std::nullopt;
  const size_t unit_start = i;
  while (i < value.size() && IsSpace(value[i])) ++i;
  split.apart = i > unit_start;
  split.word = value.substr(i);
  if (split.word.empty()) return std::nullopt;
  for (char c : split.word) {
    if (!IsLetter(c)) return std::nullopt;
  }
  return split;
}

// `value` as a quoted duration or rate ("5m", "60rpm") if it is a number and a unit, written
// together (5m, 1.5s, 5x: whatever the letters, they follow the number as a unit would) or apart
// with a unit ratesim knows (60 rpm). The number loses its '_', and the unit its capitals and a
// common spelling ("5min" is "5m"), which units.h does not read. Nullopt otherwise.
std::optional<std::string> AsUnitValue(std::string_view value) {
  const std::optional<NumberAndWord> split = SplitNumberAndWord(value);
  if (!split) return std::nullopt;
  const std::string_view known = KnownUnit(Lower(split->word));
  if (split->apart && known.empty()) return std::nullopt;  // "10 requests" is words, not a quantity
  return split->number + (known.empty() ? std::string(split->word) : std::string(known));
}

// The `key = value` a toml++ error stopped in, on a line of its own or in an inline table.
struct KeyValue {
  std::string_view key;  // a bare key, dotted or not
  std::string value;     // as written, without the spaces around it
};

// The key and value of the error's `key = value`, the line split at the error into `line_before`
// and `line_rest`; nullopt if the line has no '=' before the error or its key is not bare.
std::optional<KeyValue> KeyValueAt(std::string_view line_before, std::string_view line_rest) {
  // The key: after the last '=' before the error, back to the line's start or an inline table's
  // '{' or ','.
  const size_t equals = line_before.rfind('=');
  if (equals == std::string_view::npos) return std::nullopt;
  const size_t key_start = line_before.find_last_of("{,", equals);
  const bool inline_table = key_start != std::string_view::npos;
  KeyValue pair;
  pair.key = TrimSpace(line_before.substr(inline_table ? key_start + 1 : 0,
                                          equals - (inline_table ? key_start + 1 : 0)));
  if (pair.key.empty()) return std::nullopt;
  for (char c : pair.key) {
    if (!IsLetter(c) && !IsDigit(c) && c != '_' && c != '-' && c != '.') return std::nullopt;
  }
  // The value: to the end of the line or a comment, or in an inline table to the next ',' or '}'.
  std::string line_value(line_before.substr(equals + 1));
  line_value += line_rest;
  std::string_view value = line_value;
  const size_t end = inline_table ? value.find_first_of(",}") : value.find(" #");
  pair.value = std::string(TrimSpace(value.substr(0, end)));
  return pair;
}

}  // namespace

std::string UnquotedValueHint(std::string_view description, std::string_view line_before,
                              std::string_view line_rest) {
  const bool into_letter =
      StartsWith(description, kIntoLetter[0]) || StartsWith(description, kIntoLetter[1]);
  const bool as_boolean = StartsWith(description, kBoolean);
  const bool words = as_boolean || StartsWith(description, kMoreText) ||
                     StartsWith(description, kNoType) || StartsWith(description, kInlineMore);
  if (!into_letter && !words) return {};
  const std::optional<KeyValue> pair = KeyValueAt(line_before, line_rest);
  if (!pair) return {};
  const std::string_view key = pair->key;
  const std::string_view value = pair->value;
  if (value.empty() || value.find_first_of("\"'{}[]=#") != std::string_view::npos) return {};
  if (const std::optional<std::string> quantity = AsUnitValue(value)) {
    return fmt::format("; a value with a unit is text and needs quotes: {} = \"{}\"", key, *quantity);
  }
  if (into_letter) return {};  // a number that runs into something other than a unit: 5e3x
  // "count = 10 requests": a count with its noun, or a text; which one only the key's reader knows.
  if (const std::optional<NumberAndWord> split = SplitNumberAndWord(value)) {
    return fmt::format("; write {0} = {1} if it is a number, or {0} = \"{2}\" if it is text", key,
                       split->number, value);
  }
  const std::string lower = Lower(value);
  if (as_boolean) {
    for (std::string_view word : {"true", "false"}) {
      if (word.substr(0, lower.size()) == lower) {  // True, fals: a boolean is meant
        return fmt::format("; a boolean is true or false, in lowercase: {} = {}", key, word);
      }
    }
  }
  for (std::string_view boolean : {"yes", "no", "on", "off"}) {
    if (lower == boolean) return {};
  }
  return fmt::format("; a text value needs quotes: {} = \"{}\"", key, value);
}

// toml++'s words for a key with nothing after its '=' (the line, or the file, ends), and for a
// character no TOML text holds: toml++ writes a control character as '\uXXXX'.
constexpr std::string_view kNoValue = "Error while parsing key-value pair: expected value, saw ";
constexpr std::string_view kNoValueAtEnd = "Error while parsing key-value pair: encountered end-of-file";
constexpr std::string_view kSawEscaped = "saw '\\u00";

// "; 'replicas' has no value ..." for `replicas = ` with nothing after it; empty otherwise.
std::string MissingValueHint(std::string_view description, std::string_view line_before) {
  if (description != kNoValueAtEnd) {
    if (!StartsWith(description, kNoValue)) return {};
    const std::string_view saw = description.substr(kNoValue.size());
    if (saw != "'\\n'" && saw != "'\\r'" && saw != "'#'") return {};
  }
  // The last '=' before the end: in `service = { dist = ` the key is dist, after the '{' (or ',').
  const size_t equals = line_before.rfind('=');
  if (equals == std::string_view::npos) return {};
  std::string_view key = line_before.substr(0, equals);
  if (const size_t open = key.find_last_of("{,"); open != std::string_view::npos) key.remove_prefix(open + 1);
  key = TrimSpace(key);
  if (key.empty()) return {};
  return fmt::format(
      "; '{}' has nothing after its '=': write its value (a number, \"text\" in quotes, true or "
      "false), or remove the line",
      key);
}

namespace {

// toml++'s words (toml++ 3.x, impl/parser.inl) for a float it stopped in, for a line with no '='
// where a key-value pair was expected, for a table header, a string, an array and an inline table
// not closed.
constexpr std::string_view kInFloat = "Error while parsing floating-point: ";
constexpr std::string_view kNoEquals = "Error while parsing key-value pair: expected '=', saw ";
constexpr std::string_view kHeaderOpen[] = {"Error while parsing table header: expected ']', saw '\\n'",
                                            "Error while parsing table header: expected ']', saw '\\r'",
                                            "Error while parsing table header: encountered end-of-file"};
constexpr std::string_view kStringLineEnd[] = {
    "Error while parsing string: unescaped control characters other than TAB (U+0009) are "
    "explicitly prohibited",
    "Error while parsing literal string: control characters other than TAB (U+0009) are "
    "explicitly prohibited"};
constexpr std::string_view kStringFileEnd[] = {"Error while parsing string: encountered end-of-file",
                                               "Error while parsing literal string: encountered end-of-file"};
constexpr std::string_view kArrayFileEnd = "Error while parsing array: encountered end-of-file";
constexpr std::string_view kInlineLineEnd[] = {
    "Error while parsing inline table: expected key or closing '}', saw '\\n'",
    "Error while parsing inline table: expected comma or closing '}', saw '\\n'"};

// Whether toml++ `saw` the end of the line there (or a comment, which runs to it).
bool SawLineEnd(std::string_view saw) { return saw == "'\\n'" || saw == "'\\r'" || saw == "'#'"; }

bool IsNumberChar(char c) { return IsDigit(c) || c == '.' || c == '_' || c == 'e' || c == 'E' || c == '+' || c == '-'; }

// The number toml++ stopped in: its characters on either side of the error's position.
std::string NumberAround(std::string_view line_before, std::string_view line_rest) {
  size_t start = line_before.size();
  while (start > 0 && IsNumberChar(line_before[start - 1])) --start;
  size_t end = 0;
  while (end < line_rest.size() && IsNumberChar(line_rest[end])) ++end;
  return std::string(line_before.substr(start)) + std::string(line_rest.substr(0, end));
}

// "; a number has at most one decimal point; ..." for a float toml++ stopped in at a second '.'
// (a version, 1.5.0), at a leading one (.5) or after a trailing one (1.); empty otherwise. The
// key is named in the example when the number is the key's whole value.
std::string MalformedNumberHint(std::string_view description, std::string_view line_before,
                                std::string_view line_rest) {
  if (!StartsWith(description, kInFloat)) return {};
  const std::string number = NumberAround(line_before, line_rest);
  if (number.empty() || (!IsDigit(number.back()) && number.back() != '.')) return {};
  const std::optional<KeyValue> pair = KeyValueAt(line_before, line_rest);
  const std::string assigned =
      pair && pair->value == number ? fmt::format("{} = ", pair->key) : std::string();
  const size_t point = number.find('.');
  if (std::count(number.begin(), number.end(), '.') > 1) {
    return fmt::format("; a number has at most one decimal point; if this is text, put it in "
                       "quotes: {}\"{}\"",
                       assigned, number);
  }
  const bool signed_number = number[0] == '+' || number[0] == '-';
  if (point == (signed_number ? 1 : 0) && number.size() > point + 1 && IsDigit(number[point + 1])) {
    std::string written = number;
    written.insert(point, "0");
    return fmt::format("; a number starts with a digit: write {}{}", assigned, written);
  }
  if (point == number.size() - 1 && point > 0 && IsDigit(number[point - 1])) {
    return fmt::format("; a decimal point needs a digit after it: write {}{}0", assigned, number);
  }
  return {};
}

// "; write '=' between the key and its value: title = \"abc\"" for a line whose key toml++ read
// and then found no '=' after (title "abc"; a key of two words, a b = 1; a lone word, foo.bar);
// empty otherwise. `at_end`: toml++ met the end of the line or file right after the key.
std::string MissingEqualsHint(std::string_view description, std::string_view line_before,
                              std::string_view line_rest) {
  const bool no_equals = StartsWith(description, kNoEquals);
  const bool at_end = (no_equals && SawLineEnd(description.substr(kNoEquals.size()))) ||
                      description == kNoValueAtEnd;
  if (!no_equals && !at_end) return {};
  // The key: from the line's start or an inline table's '{' or ',' to the error.
  const size_t open = line_before.find_last_of("{,");
  const bool inline_table = open != std::string_view::npos;
  const std::string_view key = TrimSpace(line_before.substr(inline_table ? open + 1 : 0));
  if (key.empty() || key.find('=') != std::string_view::npos) return {};
  if (at_end) {
    return fmt::format("; '{0}' has no '=' and no value: write {0} = <value> (a number, \"text\" in "
                       "quotes, true or false), write [{0}] if it is a table's header, or remove "
                       "the line",
                       key);
  }
  std::string_view rest = line_rest.substr(0, inline_table ? line_rest.find_first_of(",}")
                                                           : line_rest.find(" #"));
  rest = TrimSpace(rest);
  if (StartsWith(rest, ":")) {  // title: "abc", as YAML and JSON write it
    return fmt::format("; TOML writes key = value, not key: value: {} = {}", key,
                       TrimSpace(rest.substr(1)));
  }
  const size_t equals = rest.find('=');
  if (equals == std::string_view::npos) {
    return fmt::format("; write '=' between the key and its value: {} = {}", key, rest);
  }
  if (key.find_first_of("\"'") != std::string_view::npos) return {};
  const std::string_view value = TrimSpace(rest.substr(equals + 1));
  const std::string_view more = TrimSpace(rest.substr(0, equals));
  if (IsSpace(line_before.back())) {  // `a b = 1`: a key of two words, which a bare key cannot be
    std::string joined = fmt::format("{}_{}", key, more);
    std::replace(joined.begin(), joined.end(), ' ', '_');
    return fmt::format("; a bare key has no spaces: write {} = {}", joined, value);
  }
  // `ti+tle = 1`: a character no bare key takes.
  return fmt::format("; a bare key takes letters, digits, '_' and '-' only: quote any other key: "
                     "\"{}{}\" = {}",
                     key, more, value);
}

// "; close the header with ']': [run]" for a table header whose line ends before its ']'; empty
// otherwise.
std::string UnclosedHeaderHint(std::string_view description, std::string_view line_before) {
  if (std::find(std::begin(kHeaderOpen), std::end(kHeaderOpen), description) == std::end(kHeaderOpen)) {
    return {};
  }
  std::string_view header = TrimSpace(line_before);
  const bool array = StartsWith(header, "[[");
  if (!StartsWith(header, "[")) return {};
  header.remove_prefix(array ? 2 : 1);
  while (!header.empty() && header.back() == ']') header.remove_suffix(1);
  header = TrimSpace(header);
  if (header.empty()) return {};
  return array ? fmt::format("; close the header with ']]': [[{}]]", header)
               : fmt::format("; close the header with ']': [{}]", header);
}

// What to do about a string, an array or an inline table that is not closed: toml++ reports
// where it gave up (the line's end, the file's), not the opening that lacks its closing.
std::string UnclosedValueHint(std::string_view description, std::string_view line_rest) {
  for (size_t i = 0; i < 2; ++i) {
    if (description == kStringLineEnd[i] && line_rest.empty()) {
      const char quote = i == 0 ? '"' : '\'';
      return fmt::format(
          "; the string has no closing {0} on its line: end it with {0} (text of several lines "
          "goes between {0}{0}{0} and {0}{0}{0})",
          quote);
    }
    if (description == kStringFileEnd[i]) {
      return "; a string is not closed: end it with the quotes it opens with";
    }
    if (description == kInlineLineEnd[i]) {
      return "; an inline table { ... } stays on one line: close it with '}' before the line ends";
    }
  }
  if (description == kArrayFileEnd) return "; an array is not closed: end it with ']'";
  return {};
}

}  // namespace

std::string ExplainTomlError(std::string_view description, std::string_view line_before,
                             std::string_view line_rest) {
  if (const std::string hint = MissingValueHint(description, line_before); !hint.empty()) {
    return std::string(description) + hint;
  }
  if (description.find(kSawEscaped) != std::string_view::npos) {
    return std::string(description) +
           "; a control character, which no TOML text holds: is this the scenario file? It "
           "must be UTF-8 text";
  }
  if (const std::optional<Redefinition> r = ParseRedefinition(description)) {
    return ExplainRedefinition(*r, description.substr(0, kInHeader.size()) == kInHeader);
  }
  for (const std::string_view words : {kTooWide, kNotAValue}) {
    const std::string_view text = QuotedBefore(description, description.find(words));
    if (IsBeyondDouble(text) && text.find_first_of(".eE") != std::string_view::npos) {
      const std::optional<std::string_view> in_line = BeyondDoubleAtEnd(line_before);
      return fmt::format("{} is {}; {}", in_line.value_or(text), BeyondDoubleText(), kCloserToZero);
    }
    if (!text.empty() && words == kTooWide) {
      return fmt::format("{} is too large for an integer; the largest is {}", text, INT64_MAX);
    }
  }
  for (const std::string& hint : {MalformedNumberHint(description, line_before, line_rest),
                                  MissingEqualsHint(description, line_before, line_rest),
                                  UnclosedHeaderHint(description, line_before),
                                  UnclosedValueHint(description, line_rest)}) {
    if (!hint.empty()) return std::string(description) + hint;
  }
  return std::string(description) + UnquotedValueHint(description, line_before, line_rest);
}

bool IsBeyondDouble(std::string_view text) {
  // [+-] digits ['.' digits] [e [+-] digits], '_' only between digits.
  std::string plain;
  size_t i = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) plain += text[i++];
  auto digits = [&] {
    const size_t start = i;
    for (; i < text.size(); ++i) {
      const bool digit = text[i] >= '0' && text[i] <= '9';
      const bool joiner = text[i] == '_' && i > start && i + 1 < text.size() &&
                          text[i - 1] >= '0' && text[i - 1] <= '9' && text[i + 1] >= '0' &&
                          text[i + 1] <= '9';
      if (!digit && !joiner) break;
      if (digit) plain += text[i];
    }
    return i > start;
  };
  if (!digits()) return false;
  if (i < text.size() && text[i] == '.') {
    plain += text[i++];
    if (!digits()) return false;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    plain += text[i++];
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) plain += text[i++];
    if (!digits()) return false;
  }
  if (i != text.size()) return false;
  return std::isinf(std::strtod(plain.c_str(), nullptr));
}

std::optional<std::string_view> BeyondDoubleAtEnd(std::string_view line_before) {
  const size_t before = line_before.find_last_not_of("0123456789_.eE+-");
  const std::string_view number =
      line_before.substr(before == std::string_view::npos ? 0 : before + 1);
  if (!IsBeyondDouble(number)) return std::nullopt;
  return number;
}

std::string BeyondDoubleText() {
  return fmt::format("beyond ±{}, the range of a double", std::numeric_limits<double>::max());
}

}  // namespace scenario_internal
}  // namespace ratesim

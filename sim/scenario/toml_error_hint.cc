#include "sim/scenario/toml_error_hint.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <optional>

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

}  // namespace

std::string ExplainTomlError(std::string_view description, std::string_view line_before) {
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
  return std::string(description);
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

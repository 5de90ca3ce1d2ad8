// Reading [limits] for `expr`, the formula written in the scenario file: its two expressions (text,
// which no ParamSpec describes), its bound parameters, and every other number of the table as a
// constant of the expressions. The expressions are compiled here, so a typo in one is reported with
// the place inside it, before anything runs.
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "engine/expr_formula.h"
#include "fmt/format.h"
#include "fmt/ranges.h"
#include "sim/scenario/section_readers.h"
#include "sim/scenario/string_token.h"
#include "sim/scenario/toml_error_hint.h"
#include "sim/util/nearest_name.h"

namespace ratesim {
namespace scenario_internal {
namespace {

constexpr const char* kOwner = "limit formula 'expr'";

std::vector<std::string> TextParams() { return {ExprFormula::kRequestsParam, ExprFormula::kTokensParam}; }

bool IsParam(std::string_view key) {
  for (const ParamSpec& spec : ExprFormula::Params()) {
    if (spec.name == key) return true;
  }
  return false;
}

// The expression under `key`, or nullopt (reported).
std::optional<std::string> ReadExpression(TableReader& reader, const char* key, const char* example) {
  const toml::node* node = reader.Find(key);
  if (node == nullptr) {
    reader.TableError(fmt::format("missing key '{}' in {}; {} needs it: an expression of the rate in "
                                  "{}, such as {} = \"{}\"",
                                  key, reader.context(), kOwner,
                                  key == std::string(ExprFormula::kRequestsParam) ? "requests/s" : "tokens/s",
                                  key, example));
    return std::nullopt;
  }
  if (const auto* text = node->as_string()) return text->get();
  reader.ValueError(key, fmt::format("got {}; expected an expression in a string, such as \"{}\"",
                                     TypeName(*node), example));
  return std::nullopt;
}

// Where the expression under `node`, at `location`, goes wrong at `position` (0-based, in the
// text), without the file's text. Exact for a string written on one line without escapes ("..." or
// '...'): the file column of the opening quote, + 1, + the position. Otherwise (escapes, a
// multi-line string, a --set value) the string's own location, and the message gives the place
// inside the expression.
Location PlaceOnOnePlainLine(Location location, const toml::node& node, std::string_view text,
                             int position) {
  const toml::source_region& source = node.source();
  const bool one_plain_line = source.begin.line == source.end.line &&
                              source.end.column - source.begin.column == text.size() + 2;
  if (location.line > 0 && one_plain_line && position >= 0) {
    location.column += 1 + std::min(position, static_cast<int>(text.size()));
  }
  return location;
}

// Where the expression under `node` goes wrong at `position` (0-based, in the text): the file
// position of that character, read back through the string's source text (string_token.h), so
// exact however the string is written ("...", '...', """...""", '''...''', escapes, a line-ending
// backslash, CRLF). Else (a --set value, a file text not at hand) as PlaceOnOnePlainLine.
Location PlaceInExpression(const TableReader& reader, const toml::node& node, std::string_view text,
                           int position) {
  const Location location = LocationOf(node.source(), reader.location());
  if (location.line <= 0 || position < 0 || location.origin != reader.diags().path()) {
    return PlaceOnOnePlainLine(location, node, text, position);
  }
  const std::optional<std::vector<SourcePos>> positions = PositionsOfStringValue(
      reader.diags().source(), SourcePos{location.line, location.column}, text);
  if (!positions) return PlaceOnOnePlainLine(location, node, text, position);
  const SourcePos at = (*positions)[std::min(static_cast<size_t>(position), text.size())];
  return Location{location.origin, at.line, at.column};
}

// "column 12 of the expression", or "line 3, column 5 of the expression" for one of several lines:
// where to look inside the expression itself, whatever the file position says.
std::string PlaceInsideExpression(std::string_view text, int position) {
  const std::string_view before =
      text.substr(0, std::min(static_cast<size_t>(position), text.size()));
  const size_t line_start = before.find_last_of('\n') + 1;  // 0 on the first line (npos + 1)
  const size_t column = before.size() - line_start + 1;
  if (text.find('\n') == std::string_view::npos) {
    return fmt::format("column {} of the expression", column);
  }
  const auto line = 1 + std::count(before.begin(), before.end(), '\n');
  return fmt::format("line {}, column {} of the expression", line, column);
}

// "; 'growth' is neither a variable nor a function; did you mean ...?" for an unknown name in an
// expression. When the nearest name is a constant of [limits], the typo may as well be in the
// constant's name (growht = 1.5 declared, growth used): both are named, with where it is declared.
// Not when the expression was typed on the command line against a constant of the file: the
// new text is the likely typo.
std::string UnknownNameFix(TableReader& reader, const std::string& token,
                           const std::vector<std::string>& names, bool expression_from_set) {
  const std::optional<std::string> nearest = NearestName(token, names);
  const std::vector<std::string> variables = ExprFormula::VariableNames();
  const bool constant =
      nearest && std::find(variables.begin(), variables.end(), *nearest) == variables.end();
  if (!constant || (expression_from_set && !IsFromSet(*reader.Find(*nearest)))) {
    // The functions are muparser's, listed by `ratesim formulas`; a power is an operator there.
    return fmt::format(
        "; '{}' is neither a variable nor a function{}; the functions are muparser's (min, max, "
        "exp, ln, abs, sqrt, ...: `ratesim formulas`), and a power is written a^b",
        token, SuggestionFor(token, names, /*always_list=*/true));
  }
  const Location declared = reader.ValueLocation(*nearest);
  const std::string where = declared.line > 0 && declared.origin == reader.diags().path()
                                ? fmt::format("declared at line {}", declared.line)
                                : fmt::format("set by {}", FormatLocation(declared));
  return fmt::format("; '{}' is neither a variable nor a function; did you mean '{}' ({}), or should "
                     "that constant be named '{}'? expected one of: {}",
                     token, *nearest, where, token, fmt::join(names, ", "));
}

// The number written at `position` of `text` (digits, a fraction, an exponent in either case)
// if it is beyond the range of a double, which muparser refuses as an "unexpected token" naming
// only part of it (1E+400 as "1E"); else nullopt.
std::optional<std::string_view> BeyondDoubleAt(std::string_view text, int position) {
  if (position < 0 || static_cast<size_t>(position) >= text.size()) return std::nullopt;
  const std::string_view rest = text.substr(position);
  size_t end = rest.find_first_not_of("0123456789.");
  if (end != std::string_view::npos && (rest[end] == 'e' || rest[end] == 'E')) {
    size_t digits = end + 1;
    if (digits < rest.size() && (rest[digits] == '+' || rest[digits] == '-')) ++digits;
    end = rest.find_first_not_of("0123456789", digits);
  }
  const std::string_view number = rest.substr(0, end);
  if (!IsBeyondDouble(number)) return std::nullopt;
  return number;
}

void ReportExpressionError(TableReader& reader, const ExprError& error, const std::string& text,
                           const std::vector<std::string>& names) {
  const toml::node& node = *reader.Find(error.param);
  std::string message = error.message;
  while (!message.empty() && (message.back() == '.' || message.back() == ' ')) message.pop_back();
  bool by_muparser = error.kind == ExprError::Kind::kSyntax;
  const std::optional<std::string_view> beyond =
      by_muparser ? BeyondDoubleAt(text, error.position) : std::nullopt;
  if (beyond) {
    // Said as the loader says it of a number of the file: muparser's "unexpected token" hides why.
    message = fmt::format("{} is {}", *beyond, BeyondDoubleText());
    by_muparser = false;
  }
  if (by_muparser) message = "muparser: " + message;
  std::string what;
  if (error.position >= 0) {
    // muparser ends its message with its own 0-based "at position N"; the 1-based column said here
    // is the one place to look, so the other goes.
    if (const size_t at = message.rfind(" at position "); at != std::string::npos &&
        message.find_first_not_of("0123456789", at + 13) == std::string::npos && message.size() > at + 13) {
      message.erase(at);
    }
    what = fmt::format("{}: {}", PlaceInsideExpression(text, error.position), message);
  } else if (error.kind == ExprError::Kind::kEmpty) {
    what = message;  // "requests_per_s is empty"
  } else {
    what = fmt::format("the expression: {}", message);
  }
  std::string fix;
  if (beyond) {
    fix = fmt::format("; {}", kCloserToZero);
  } else if (!by_muparser || !error.fix.empty()) {
    fix = "; " + error.fix;
  } else if (error.unknown_name) {
    fix = UnknownNameFix(reader, error.token, names, IsFromSet(node));
  } else {
    fix = "; fix the expression (muparser syntax: min(a, b), a^b, a > b ? a : b; see `ratesim formulas`)";
  }
  reader.diags().Error(PlaceInExpression(reader, node, text, error.position),
                       fmt::format("'{}' in {}: {}{}", error.param, reader.context(), what, fix));
}

// Each constant that neither expression uses, at its value, with the nearest name they do use.
void ReportUnusedConstants(TableReader& reader, const ExprError& error) {
  for (const std::string& name : error.unused_constants) {
    const std::optional<std::string> nearest = NearestName(name, error.used_names);
    reader.ValueError(name, fmt::format("constant '{}' is not used by {} or {}, so it changes nothing; {}",
                                        name, ExprFormula::kRequestsParam, ExprFormula::kTokensParam,
                                        nearest ? fmt::format("did you mean '{}'?", *nearest)
                                                : std::string("use it in an expression or remove it")));
  }
}

}  // namespace

void ReadExprLimits(TableReader& reader, const toml::table& table, LimitSpec& spec) {
  const size_t errors_before = reader.diags().count();
  const std::optional<std::string> requests =
      ReadExpression(reader, ExprFormula::kRequestsParam,
                     "min(rate_rps * 1.5^(elapsed_s/60), max(base_rps, 2 * ok_rps_10m))");
  const std::optional<std::string> tokens =
      ReadExpression(reader, ExprFormula::kTokensParam,
                     "min(rate_tps * 1.5^(elapsed_s/60), max(base_tps, 2 * ok_tps_10m))");
  ParamValues numbers = ReadParams(reader, ExprFormula::Params(), kOwner);
  ReportConflicts(reader, ExprFormula::Params(), numbers, kOwner, nullptr);

  // Every other key is a constant of the expressions: a number with a name muparser can read.
  std::vector<std::string> names = ExprFormula::VariableNames();
  absl::flat_hash_set<std::string> refused;  // constants reported here, which an expression names
  for (const auto& [key, node] : table) {
    const std::string name(key.str());
    if (name == "formula" || IsParam(name) || name == ExprFormula::kRequestsParam ||
        name == ExprFormula::kTokensParam) {
      continue;
    }
    reader.Allow(name);
    refused.insert(name);  // until it is read as a constant, below
    if (const std::optional<std::string> beyond = BeyondDoubleFromSet(node)) {
      reader.ValueError(name, *beyond);
      continue;
    }
    if (!node.is_number()) {
      std::string hint = SuggestionFor(name, TextParams());
      if (hint.rfind("; did you mean", 0) != 0) hint.clear();
      reader.ValueError(name, fmt::format("got {}; expected a number: in {} every key beyond {}, {} and "
                                          "the bounds is a constant of the expressions{}",
                                          TypeName(node), kOwner, ExprFormula::kRequestsParam,
                                          ExprFormula::kTokensParam, hint));
      continue;
    }
    const double value = node.is_integer() ? static_cast<double>(node.as_integer()->get())
                                           : node.as_floating_point()->get();
    if (absl::Status status = ExprFormula::CheckConstant(name, value); !status.ok()) {
      reader.ValueError(name, std::string(status.message()));
    } else {
      refused.erase(name);
      numbers[name] = value;
      names.push_back(name);
    }
  }
  // What was read, even after an error: an org's overrides are checked against it.
  spec.params = ResolveParams(ExprFormula::Params(), {}).value_or(ParamValues{});
  for (const auto& [name, value] : numbers) spec.params[name] = value;
  if (!requests || !tokens) return;
  spec.texts = {{ExprFormula::kRequestsParam, *requests}, {ExprFormula::kTokensParam, *tokens}};

  ExprError error;
  absl::StatusOr<std::unique_ptr<LimitFormula>> formula = ExprFormula::Create(numbers, spec.texts, &error);
  if (formula.ok()) return;
  if (error.kind == ExprError::Kind::kUnusedConstant) {
    // Reported once, here. They stay in spec.params, so an org that sets one is not told, a second
    // time for the same mistake, that [limits] has no such key.
    ReportUnusedConstants(reader, error);
  } else if (error.param.empty()) {
    // A parameter's error, reported above at its value.
    if (reader.diags().count() == errors_before) {
      reader.TableError(fmt::format("{} in {}: {}", kOwner, reader.context(),
                                    std::string(formula.status().message())));
    }
  } else if (!(error.unknown_name && refused.contains(error.token))) {
    // A name that is a key of [limits] but no constant (formula, base_rpm, requests_per_s) is the
    // expression's error, at its column; a constant refused above was reported there.
    ReportExpressionError(reader, error, spec.texts.at(error.param), names);
  }
}

std::vector<ParamSpec> OverridableParams(const FormulaInfo& formula, const LimitSpec& limits) {
  std::vector<ParamSpec> specs = formula.params;
  if (formula.make_written == nullptr) return specs;
  std::vector<ParamSpec> constants;
  for (const auto& [name, value] : limits.params) {
    bool declared = false;
    for (const ParamSpec& spec : formula.params) declared = declared || spec.name == name;
    if (!declared) {
      constants.push_back(ParamSpec{name, ParamKind::kNumber, value,
                                    -std::numeric_limits<double>::infinity(), false,
                                    "a constant of the expressions, from [limits]"});
    }
  }
  std::sort(constants.begin(), constants.end(),
            [](const ParamSpec& a, const ParamSpec& b) { return a.name < b.name; });
  specs.insert(specs.end(), constants.begin(), constants.end());
  return specs;
}

std::vector<std::string> ReportedConstants(const FormulaInfo& formula, const LimitSpec& limits,
                                           const toml::table& table) {
  std::vector<std::string> keys;
  if (formula.make_written == nullptr) return keys;
  for (const auto& [key, node] : table) {
    const std::string name(key.str());
    bool kept = name == "formula" || name == ExprFormula::kRequestsParam ||
                name == ExprFormula::kTokensParam || limits.params.count(name) > 0;
    for (const ParamSpec& spec : formula.params) kept = kept || spec.name == name;
    if (!kept) keys.push_back(name);
  }
  return keys;
}

}  // namespace scenario_internal
}  // namespace ratesim

#include "engine/expr_formula.h"

#include <muParser.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <set>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/earned_formula.h"
#include "engine/shown_number.h"
#include "fmt/format.h"
#include "fmt/ranges.h"

namespace ratesim {
namespace {

// The trailing windows, seconds. Advance relies on their ratios: 10 and 6.
constexpr double kMinute = 60.0;
constexpr double kTenMinutes = 600.0;
constexpr double kHour = 3600.0;
static_assert(kTenMinutes == 10 * kMinute && kHour == 6 * kTenMinutes, "see Advance");

// Indices into the variables' values, in the order of kVariables.
enum Var : size_t {
  kRateRps, kRateTps,
  kOkRps1m, kOkRps10m, kOkRps1h, kOkTps1m, kOkTps10m, kOkTps1h,
  kServedRps1m, kServedRps10m, kServedRps1h, kServedTps1m, kServedTps10m, kServedTps1h,
  kR429, kR503,
  kCapacityRps, kCapacityTps, kUtilisation,
  kNowS, kElapsedS, kAgeS,
  kBaseRps, kBaseTps, kCeilingRps, kCeilingTps,
  kVarCount
};

const std::vector<ExprFormula::Variable>& VariableTable() {
  static const std::vector<ExprFormula::Variable>* const table = new std::vector<ExprFormula::Variable>{
      {"rate_rps", "the key's request rate before this update, requests/s"},
      {"rate_tps", "the key's token rate before this update, tokens/s"},
      {"ok_rps_1m", "within-rate successful requests/s, trailing average, time constant 1 min"},
      {"ok_rps_10m", "the same over 10 min (= earned's usage with its default window)"},
      {"ok_rps_1h", "the same over 1 h"},
      {"ok_tps_1m", "within-rate successful tokens/s, trailing average, time constant 1 min"},
      {"ok_tps_10m", "the same over 10 min"},
      {"ok_tps_1h", "the same over 1 h"},
      {"served_rps_1m", "successful requests/s within the rate or not, time constant 1 min"},
      {"served_rps_10m", "the same over 10 min"},
      {"served_rps_1h", "the same over 1 h"},
      {"served_tps_1m", "successful tokens/s within the rate or not, time constant 1 min"},
      {"served_tps_10m", "the same over 10 min"},
      {"served_tps_1h", "the same over 1 h"},
      {"r429_1m", "recent 429s of the key: each adds 1, decaying as e^(-t/60s)"},
      {"r503_1m", "recent 503s of the key: each adds 1, decaying as e^(-t/60s)"},
      {"capacity_rps", "the model's live capacity, requests/s (in a total outage, the last above 0)"},
      {"capacity_tps", "the model's live capacity, tokens/s (in a total outage, the last above 0)"},
      {"utilisation", "busy share of the model's live slots at the update, 0 to 1 (1 with none live)"},
      {"now_s", "the time of the update, s"},
      {"elapsed_s", "time since the key's previous update, s"},
      {"age_s", "time since the key's first request, s"},
      {"base_rps", "the floor of the request rate, requests/s (base_rpm / 60)"},
      {"base_tps", "the floor of the token rate, tokens/s (base_tpm / 60)"},
      {"ceiling_rps", "the ceiling of the request rate on the model now, requests/s"},
      {"ceiling_tps", "the ceiling of the token rate on the model now, tokens/s"},
  };
  return *table;
}

bool IsIdentifier(const std::string& name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

bool IsVariable(const std::string& name) {
  for (const ExprFormula::Variable& variable : VariableTable()) {
    if (name == variable.name) return true;
  }
  return false;
}

// The offset of the first '?' that no ':' answers, -1 if none. A ':' answers the nearest open '?'
// within the same parentheses; a ')' or a ',' closes the '?'s opened within them unanswered. For
// muparser's "missing an else clause", which names no position.
int FirstUnansweredQuestionMark(std::string_view text) {
  std::vector<std::pair<size_t, int>> open;  // each open '?': its offset and parenthesis depth
  size_t first = std::string_view::npos;
  int depth = 0;
  auto close_from = [&](int level) {
    while (!open.empty() && open.back().second >= level) {
      first = std::min(first, open.back().first);
      open.pop_back();
    }
  };
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '(') ++depth;
    if (text[i] == ')') close_from(depth--);
    if (text[i] == ',') close_from(depth);
    if (text[i] == '?') open.emplace_back(i, depth);
    if (text[i] == ':' && !open.empty() && open.back().second == depth) open.pop_back();
  }
  close_from(std::numeric_limits<int>::min());
  return first == std::string_view::npos ? -1 : static_cast<int>(first);
}

// Functions of other languages that muparser lacks (2.3.3: abs, acos, acosh, asin, asinh, atan,
// atan2, atanh, avg, cos, cosh, exp, ln, log, log10, log2, max, min, rint, sign, sin, sinh, sqrt,
// sum, tan, tanh), with what to write instead: a user who wrote clamp(...) needs the muparser way,
// which no "did you mean" over the variables finds.
struct MissingFunction {
  std::string_view name;
  std::string_view instead;
};
constexpr MissingFunction kMissingFunctions[] = {
    {"clamp", "min(max(x, lo), hi)"},
    {"pow", "a^b"},
    {"if", "cond ? a : b"},
    {"round", "rint(x)"},
};

// What to write for a call of `name` (at `position` in `text`), a function muparser lacks; empty if
// it is not called there (a misspelt variable) or is not in kMissingFunctions.
std::string InsteadOfMissingFunction(std::string_view text, int position, std::string_view name) {
  if (position < 0) return {};
  const size_t after = text.find_first_not_of(" \t\r\n", position + name.size());
  if (after == std::string_view::npos || text[after] != '(') return {};
  for (const MissingFunction& function : kMissingFunctions) {
    if (function.name == name) {
      return fmt::format("muparser has no {}(): write {}", name, function.instead);
    }
  }
  return {};
}

// Records muparser's complaint about the expression of `param`, `text`, in `*error`, with a fix
// where one is known; returns it as a status.
absl::Status ParserError(const char* param, std::string_view text, const mu::Parser::exception_type& e,
                         ExprError* error) {
  error->kind = ExprError::Kind::kSyntax;
  error->param = param;
  error->position = e.GetPos();
  error->token = e.GetToken();
  error->unknown_name = e.GetCode() == mu::ecUNASSIGNABLE_TOKEN && IsIdentifier(e.GetToken());
  error->message = e.GetMsg();
  if (e.GetCode() == mu::ecMISSING_ELSE_CLAUSE) {
    error->position = FirstUnansweredQuestionMark(text);
    error->fix = "this '?' has no ':' (an if-then-else needs its else): write cond ? a : b";
  } else if (error->unknown_name) {
    error->fix = InsteadOfMissingFunction(text, error->position, error->token);
  }
  return absl::InvalidArgumentError(
      fmt::format("'{}' of limit formula 'expr' does not compile: {}{}", param, e.GetMsg(),
                  error->fix.empty() ? "" : "; " + error->fix));
}

// Records a fault of the expression of `param` that we found (not muparser) in `*error`; returns it
// as a status.
absl::Status ExpressionError(ExprError* error, ExprError::Kind kind, const char* param, int position,
                             std::string token, std::string message, std::string fix) {
  error->kind = kind;
  error->param = param;
  error->position = position;
  error->token = std::move(token);
  error->message = std::move(message);
  error->fix = std::move(fix);
  const std::string where = position >= 0 ? fmt::format(" (column {})", position + 1) : "";
  return absl::InvalidArgumentError(fmt::format("'{}' of limit formula 'expr'{}: {}; {}", param, where,
                                                error->message, error->fix));
}

// The first assignment operator of an expression (muparser's =, or +=, -=, *=, /=), as its offset
// and length; nullopt if none. The comparisons ==, <=, >= and != are read first, as muparser reads
// operators; no other token of muparser's holds a '=' (names take letters, digits and '_').
std::optional<std::pair<size_t, size_t>> FindAssignment(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    const std::string_view two = text.substr(i, 2);
    if (two == "==" || two == "<=" || two == ">=" || two == "!=") {
      ++i;
    } else if (two == "+=" || two == "-=" || two == "*=" || two == "/=") {
      return std::pair{i, size_t{2}};
    } else if (text[i] == '=') {
      return std::pair{i, size_t{1}};
    }
  }
  return std::nullopt;
}

// Whether compiled code assigns: the check behind FindAssignment, should muparser ever read an
// assignment that the scan does not.
bool Assigns(const mu::Parser& parser) {
  const mu::ParserByteCode& code = parser.GetByteCode();
  for (size_t i = 0; i < code.GetSize(); ++i) {
    if (code.GetBase()[i].Cmd == mu::cmASSIGN) return true;
  }
  return false;
}

// The offset of the first ',' outside every parenthesis, which muparser reads as the start of a
// further result (inside a function's parentheses it separates arguments); -1 if none.
int FirstResultSeparator(std::string_view text) {
  int depth = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '(') ++depth;
    if (text[i] == ')') --depth;
    if (text[i] == ',' && depth <= 0) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

const std::vector<ExprFormula::Variable>& ExprFormula::Variables() { return VariableTable(); }

std::vector<std::string> ExprFormula::VariableNames() {
  std::vector<std::string> names;
  for (const Variable& variable : VariableTable()) names.push_back(variable.name);
  return names;
}

std::vector<ParamSpec> ExprFormula::Params() { return RateRange::Params(); }

std::string ExprFormula::Help() {
  std::string text = fmt::format(
      "    {} = \"<expression>\"   the request rate, requests/s (required)\n"
      "    {}   = \"<expression>\"   the token rate, tokens/s (required)\n"
      "    any other number, e.g. growth = 1.5, is a constant of the expressions, one of which must\n"
      "    use it\n"
      "    evaluated at each update of a key, clamped to [base, ceiling]; a non-finite result gives "
      "the floor\n"
      "    variables:\n",
      kRequestsParam, kTokensParam);
  size_t width = 0;
  for (const Variable& variable : VariableTable()) width = std::max(width, std::string(variable.name).size());
  for (const Variable& variable : VariableTable()) {
    text += fmt::format("      {:<{}}  {}\n", variable.name, width, variable.help);
  }
  text += "    functions and operators: muparser's (min, max, exp, ln, abs, sqrt, ^, ?:, ...)\n";
  return text;
}

absl::Status ExprFormula::CheckConstant(const std::string& name, double value) {
  if (!IsIdentifier(name)) {
    return absl::InvalidArgumentError(
        "a constant's name takes letters, digits and '_', not a digit first; rename it");
  }
  if (IsVariable(name)) {
    return absl::InvalidArgumentError(
        fmt::format("'{}' is a variable of the expressions, set at each update; give the constant "
                    "another name",
                    name));
  }
  // muparser's own constants (_pi, _e): the expressions bind ours as variables, which may not share
  // their names.
  static const mu::valmap_type* const builtin = new mu::valmap_type(mu::Parser().GetConst());
  if (const auto it = builtin->find(name); it != builtin->end()) {
    return absl::InvalidArgumentError(fmt::format(
        "'{}' is muparser's constant ({}); write it as is in the expressions, or give yours another name",
        name, it->second));
  }
  if (!std::isfinite(value)) {
    return absl::InvalidArgumentError(
        fmt::format("got {}; a constant must be a finite number", ShownNumber(value)));
  }
  return absl::OkStatus();
}

ExprFormula::ExprFormula(const ParamValues& resolved)
    : range_(resolved),
      requests_(std::make_unique<mu::Parser>()),
      tokens_(std::make_unique<mu::Parser>()) {}

ExprFormula::~ExprFormula() = default;

absl::StatusOr<std::unique_ptr<LimitFormula>> ExprFormula::Create(const ParamValues& numbers,
                                                                  const ParamTexts& texts,
                                                                  ExprError* error) {
  static_assert(kVarCount == kVariableCount, "one value per variable");
  ExprError scratch;
  if (error == nullptr) error = &scratch;
  *error = ExprError{};

  ParamValues bounds;
  ParamValues constants;
  for (const std::string& name : SortedNames(numbers)) {  // the first error, the same every run
    const double value = numbers.at(name);
    if (RateRange::IsParam(name)) {
      bounds[name] = value;
    } else if (name == kRequestsParam || name == kTokensParam) {
      return absl::InvalidArgumentError(
          fmt::format("'{}' of limit formula 'expr' is an expression, got the number {}; write it as a "
                      "string such as \"base_rps\"",
                      name, value));
    } else if (absl::Status status = CheckConstant(name, value); !status.ok()) {
      return absl::InvalidArgumentError(fmt::format("constant '{}' of limit formula 'expr': {}", name,
                                                    std::string(status.message())));
    } else {
      constants[name] = value;
    }
  }
  absl::StatusOr<ParamValues> resolved = ResolveParams(Params(), bounds);
  if (!resolved.ok()) return resolved.status();

  for (const std::string& name : SortedNames(texts)) {
    if (name != kRequestsParam && name != kTokensParam) {
      return absl::InvalidArgumentError(
          fmt::format("unknown text parameter '{}' of limit formula 'expr'; expected {} and {}", name,
                      kRequestsParam, kTokensParam));
    }
  }
  for (const char* param : {kRequestsParam, kTokensParam}) {
    if (!texts.contains(param)) {
      return absl::InvalidArgumentError(fmt::format(
          "limit formula 'expr' needs '{}', an expression such as \"max(base_rps, 2 * ok_rps_10m)\"",
          param));
    }
  }

  std::unique_ptr<ExprFormula> formula(new ExprFormula(*resolved));
  // The constants, in name order, bound by address: their storage is sized once, here.
  const std::vector<std::string> constant_names = SortedNames(constants);
  for (const std::string& name : constant_names) formula->constants_.push_back(constants.at(name));
  // A new key, as documented at Create.
  const ModelCapacity unit{1.0, 1.0};
  const std::vector<double> words(kWords, 0.0);
  Update update;
  update.model.capacity = unit;
  formula->Load(formula->Initial(unit), words, update, formula->Bounds(unit));
  std::set<std::string> used;  // every variable and constant either expression reads
  for (const auto& [param, parser] : {std::pair{kRequestsParam, formula->requests_.get()},
                                      std::pair{kTokensParam, formula->tokens_.get()}}) {
    const std::string& text = texts.at(param);
    const bool requests = param == std::string_view(kRequestsParam);
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
      return ExpressionError(error, ExprError::Kind::kEmpty, param, -1, "", fmt::format("{} is empty", param),
                             fmt::format("write an expression, e.g. \"{}\"",
                                         requests ? "max(base_rps, 2 * ok_rps_10m)"
                                                  : "max(base_tps, 2 * ok_tps_10m)"));
    }
    if (const auto assignment = FindAssignment(text)) {
      const std::string op = text.substr(assignment->first, assignment->second);
      return ExpressionError(
          error, ExprError::Kind::kAssignment, param, static_cast<int>(assignment->first), op,
          fmt::format("'{}' is an assignment: an expression may not change a variable or constant (the "
                      "two expressions share them)",
                      op),
          op == "=" ? "remove it; to compare, write =="
                    : fmt::format("remove it; write the value itself, e.g. x {} 2 rather than x {} 2",
                                  op.substr(0, 1), op));
    }
    double result = 0.0;
    int results = 0;
    try {
      for (size_t i = 0; i < kVariableCount; ++i) {
        parser->DefineVar(VariableTable()[i].name, &formula->values_[i]);
      }
      // As variables, not muparser constants (which it folds into the code), so that GetUsedVar
      // lists them.
      for (size_t i = 0; i < constant_names.size(); ++i) {
        parser->DefineVar(constant_names[i], &formula->constants_[i]);
      }
      parser->SetExpr(text);
      parser->Eval();  // compiles: throws on a syntax error or an unknown name
      for (const auto& [name, address] : parser->GetUsedVar()) used.insert(name);
      // GetUsedVar left the parser to compile again at its next evaluation: this one. Every later
      // one runs the bytecode.
      result = parser->Eval();
      results = parser->GetNumResults();
    } catch (const mu::Parser::exception_type& e) {
      return ParserError(param, text, e, error);
    }
    if (Assigns(*parser)) {
      return ExpressionError(error, ExprError::Kind::kAssignment, param, -1, "=",
                             "it assigns: an expression may not change a variable or constant (the two "
                             "expressions share them)",
                             "remove the assignment; to compare, write ==");
    }
    if (results != 1) {
      return ExpressionError(
          error, ExprError::Kind::kManyResults, param, FirstResultSeparator(text), ",",
          fmt::format("',' outside a function's arguments makes {} values of one expression (muparser "
                      "would keep the last)",
                      results),
          "use a dot for decimals; an expression gives one value");
    }
    if (!std::isfinite(result)) {
      return ExpressionError(
          error, ExprError::Kind::kNotFinite, param, -1, "",
          fmt::format("gives {} for a new key (rate at the floor, every trailing rate and count 0, "
                      "elapsed_s = age_s = now_s = 0, utilisation 0)",
                      ShownNumber(result)),
          "guard the division or logarithm that fails, e.g. with max(x, 1e-9) or x > 0 ? ... : ...");
    }
  }
  // A constant neither expression reads changes nothing: most likely a misspelt name (say, a sweep
  // over it would run identical points).
  for (const std::string& name : constant_names) {
    if (!used.count(name)) error->unused_constants.push_back(name);
  }
  if (!error->unused_constants.empty()) {
    error->kind = ExprError::Kind::kUnusedConstant;
    error->used_names.assign(used.begin(), used.end());
    error->message = fmt::format("constant{} '{}' of limit formula 'expr' {} not used by {} or {}",
                                 error->unused_constants.size() > 1 ? "s" : "",
                                 fmt::join(error->unused_constants, "', '"),
                                 error->unused_constants.size() > 1 ? "are" : "is", kRequestsParam,
                                 kTokensParam);
    error->fix = "use it in an expression, or remove it (a misspelt name?)";
    return absl::InvalidArgumentError(fmt::format("{}; {}", error->message, error->fix));
  }
  return std::unique_ptr<LimitFormula>(std::move(formula));
}

RateBounds ExprFormula::Bounds(const ModelCapacity& capacity) const {
  return range_.For(capacity);
}

RateState ExprFormula::Initial(const ModelCapacity&) const { return range_.AtFloor(); }

void ExprFormula::Load(const RateState& state, absl::Span<const double> extra, const Update& update,
                       const RateBounds& bounds) const {
  double* v = values_.data();
  v[kRateRps] = state.request_rate;
  v[kRateTps] = state.token_rate;
  v[kOkRps1m] = extra[kOkRequests1m];
  v[kOkRps10m] = state.usage_requests;
  v[kOkRps1h] = extra[kOkRequests1h];
  v[kOkTps1m] = extra[kOkTokens1m];
  v[kOkTps10m] = state.usage_tokens;
  v[kOkTps1h] = extra[kOkTokens1h];
  v[kServedRps1m] = extra[kServedRequests1m];
  v[kServedRps10m] = extra[kServedRequests10m];
  v[kServedRps1h] = extra[kServedRequests1h];
  v[kServedTps1m] = extra[kServedTokens1m];
  v[kServedTps10m] = extra[kServedTokens10m];
  v[kServedTps1h] = extra[kServedTokens1h];
  v[kR429] = extra[k429s];
  v[kR503] = extra[k503s];
  v[kCapacityRps] = update.model.capacity.requests_per_s;
  v[kCapacityTps] = update.model.capacity.tokens_per_s;
  v[kUtilisation] = update.model.utilisation;
  v[kNowS] = update.now_s;
  v[kElapsedS] = update.elapsed_s;
  v[kAgeS] = extra[kCreatedKnown] != 0 ? update.now_s - extra[kCreatedS] : 0.0;
  v[kBaseRps] = bounds.min_requests;
  v[kBaseTps] = bounds.min_tokens;
  v[kCeilingRps] = bounds.max_requests;
  v[kCeilingTps] = bounds.max_tokens;
}

void ExprFormula::Advance(RateState& state, absl::Span<double> extra, const Update& update) const {
  const RateBounds bounds = Bounds(update.model.capacity);
  const Results results = DecayAndEvaluate(state, extra, update, bounds);
  extra[kNonFiniteRequests] += std::isfinite(results.requests) ? 0.0 : 1.0;
  extra[kNonFiniteTokens] += std::isfinite(results.tokens) ? 0.0 : 1.0;
  auto clamp = [](double value, double floor, double ceiling) {
    return std::isfinite(value) ? std::clamp(value, floor, ceiling) : floor;
  };
  state.request_rate = clamp(results.requests, bounds.min_requests, bounds.max_requests);
  state.token_rate = clamp(results.tokens, bounds.min_tokens, bounds.max_tokens);
}

ExprFormula::Results ExprFormula::Evaluate(const RateState& state, absl::Span<const double> extra,
                                           const Update& update) const {
  RateState key = state;
  std::array<double, kWords> words{};
  std::copy_n(extra.begin(), std::min(extra.size(), words.size()), words.begin());
  return DecayAndEvaluate(key, absl::MakeSpan(words), update, Bounds(update.model.capacity));
}

ExprFormula::Results ExprFormula::DecayAndEvaluate(RateState& state, absl::Span<double> extra,
                                                   const Update& update,
                                                   const RateBounds& bounds) const {
  const double elapsed_s = update.elapsed_s;
  if (extra[kCreatedKnown] == 0) {
    extra[kCreatedS] = update.now_s - elapsed_s;
    extra[kCreatedKnown] = 1;
  }
  // One exponential for the three windows (an hour is 6 × 10 min, 10 min is 10 × 1 min): a few
  // multiplications cost far less than two more exp calls, at a relative error of ~1e-15.
  const double hour = std::exp(-elapsed_s / kHour);
  const double hour_cubed = hour * hour * hour;
  const double ten_minutes = hour_cubed * hour_cubed;
  const double ten_minutes_4 = (ten_minutes * ten_minutes) * (ten_minutes * ten_minutes);
  const double ten_minutes_5 = ten_minutes_4 * ten_minutes;
  const double minute = ten_minutes_5 * ten_minutes_5;
  // Between updates every trailing value decays in closed form: no impulse came in between.
  for (Word word : {kOkRequests1m, kOkTokens1m, kServedRequests1m, kServedTokens1m, k429s, k503s}) {
    extra[word] *= minute;
  }
  for (Word word : {kServedRequests10m, kServedTokens10m}) extra[word] *= ten_minutes;
  state.usage_requests *= ten_minutes;
  state.usage_tokens *= ten_minutes;
  for (Word word : {kOkRequests1h, kOkTokens1h, kServedRequests1h, kServedTokens1h}) {
    extra[word] *= hour;
  }

  Load(state, extra, update, bounds);
  Results results;
  try {
    results.requests = requests_->Eval();
    results.tokens = tokens_->Eval();
  } catch (const mu::Parser::exception_type&) {
    // Both compiled and ran once in Create; muparser's bytecode does not throw on numbers. Should it
    // ever, the floor is the documented answer to a result that is not a number.
    results.requests = results.tokens = std::numeric_limits<double>::quiet_NaN();
  }
  return results;
}

void ExprFormula::RecordSuccess(RateState& state, absl::Span<double> extra,
                                const Completion& completion) const {
  // Impulses of 1/window, as earned's: a steady stream of r/s averages to r.
  const double tokens = completion.tokens;
  extra[kServedRequests1m] += 1.0 / kMinute;
  extra[kServedRequests10m] += 1.0 / kTenMinutes;
  extra[kServedRequests1h] += 1.0 / kHour;
  extra[kServedTokens1m] += tokens / kMinute;
  extra[kServedTokens10m] += tokens / kTenMinutes;
  extra[kServedTokens1h] += tokens / kHour;
  if (!completion.within_rate) return;
  extra[kOkRequests1m] += 1.0 / kMinute;
  state.usage_requests += 1.0 / kTenMinutes;
  extra[kOkRequests1h] += 1.0 / kHour;
  extra[kOkTokens1m] += tokens / kMinute;
  state.usage_tokens += tokens / kTenMinutes;
  extra[kOkTokens1h] += tokens / kHour;
}

void ExprFormula::RecordFailure(RateState&, absl::Span<double> extra, HttpStatus status) const {
  if (status == HttpStatus::kTooManyRequests) extra[k429s] += 1.0;
  if (status == HttpStatus::kServiceUnavailable) extra[k503s] += 1.0;
}

}  // namespace ratesim

// The `expr` formula from any expression text, then driven through updates, successes and
// failures with any values the engine could pass: Create either refuses the text (InvalidArgument,
// naming the expression at fault) or makes a formula whose every rate, at every update, is
// a finite number >= 0 within its bounds, as the engine relies on. A division by zero or a ln(0)
// in some state must end at the floor, never as NaN, inf or a negative rate.
//
// Input: the requests expression, a newline, the tokens expression, a newline, then bytes that
// choose a constant, the model and the steps (FuzzedDataProvider). Seeds in fuzz/seeds/expr/.
#include <fuzzer/FuzzedDataProvider.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "engine/expr_formula.h"
#include "engine/formula_probe.h"
#include "engine/limit_formula.h"
#include "fuzz/fuzz_check.h"

namespace {

constexpr int kMaxSteps = 64;

// The next line of `*rest`, taken off it.
std::string TakeLine(std::string_view* rest) {
  const size_t end = rest->find('\n');
  std::string line(rest->substr(0, end));
  rest->remove_prefix(end == std::string_view::npos ? rest->size() : end + 1);
  return line;
}

// A capacity as the engine reports one: >= `least`, or infinity (a gateway that does not know it).
double Capacity(FuzzedDataProvider& in, double least) {
  if (in.ConsumeBool()) return std::numeric_limits<double>::infinity();
  return in.ConsumeFloatingPointInRange<double>(least, 1e12);
}

void CheckRates(const ratesim::FormulaProbe& key, const char* after) {
  const ratesim::RateState& s = key.state;
  const ratesim::RateBounds b = key.Bounds();
  for (const double rate : {s.request_rate, s.token_rate}) {
    FUZZ_CHECK(std::isfinite(rate) && rate >= 0, "rate %g after %s", rate, after);
  }
  FUZZ_CHECK(s.request_rate >= b.min_requests && s.request_rate <= b.max_requests,
             "request rate %g outside [%g, %g] after %s", s.request_rate, b.min_requests,
             b.max_requests, after);
  FUZZ_CHECK(s.token_rate >= b.min_tokens && s.token_rate <= b.max_tokens,
             "token rate %g outside [%g, %g] after %s", s.token_rate, b.min_tokens, b.max_tokens,
             after);
  for (const double usage : {s.usage_requests, s.usage_tokens}) {
    FUZZ_CHECK(std::isfinite(usage) && usage >= 0, "usage %g after %s", usage, after);
  }
  const ratesim::NonFiniteCounts counts = key.formula().NonFiniteResults(key.extra);
  FUZZ_CHECK(counts.requests >= 0 && counts.tokens >= 0, "negative non-finite counts");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  const ratesim::ParamTexts texts = {{ratesim::ExprFormula::kRequestsParam, TakeLine(&rest)},
                                     {ratesim::ExprFormula::kTokensParam, TakeLine(&rest)}};
  FuzzedDataProvider in(reinterpret_cast<const uint8_t*>(rest.data()), rest.size());

  // A constant the expressions may use (`k`), and a bound of Params() set to any number: Create
  // must refuse what its spec does not allow.
  ratesim::ParamValues numbers;
  if (in.ConsumeBool()) numbers["k"] = in.ConsumeFloatingPoint<double>();
  if (in.ConsumeBool()) {
    const std::vector<ratesim::ParamSpec> params = ratesim::ExprFormula::Params();
    const ratesim::ParamSpec& param = params[in.ConsumeIntegralInRange<size_t>(0, params.size() - 1)];
    numbers[param.name] = in.ConsumeFloatingPoint<double>();
  }

  ratesim::ExprError error;
  absl::StatusOr<std::unique_ptr<ratesim::LimitFormula>> formula =
      ratesim::ExprFormula::Create(numbers, texts, &error);
  if (!formula.ok()) {
    FUZZ_CHECK(formula.status().code() == absl::StatusCode::kInvalidArgument, "%s",
               formula.status().ToString().c_str());
    FUZZ_CHECK(!formula.status().message().empty(), "a refusal without a message");
    // muparser may put the fault one past the end ("(1" is missing its ')' at 2): the loader
    // clamps a position to the expression's end, so only a negative one would be nonsense.
    FUZZ_CHECK(error.position >= -1, "position %d", error.position);
    FUZZ_CHECK(error.kind == ratesim::ExprError::Kind::kNone || error.param.empty() ||
                   texts.contains(error.param),
               "the fault is in '%s', not an expression", error.param.c_str());
    return 0;
  }

  // A model may start with no replica (0), but never drops back to 0 (see Engine::SetCapacity).
  ratesim::FormulaProbe key(**formula, {Capacity(in, 0.0), Capacity(in, 0.0)});
  CheckRates(key, "Initial");
  for (int step = 0; step < kMaxSteps && in.remaining_bytes() > 0; ++step) {
    switch (in.ConsumeIntegralInRange(0, 3)) {
      case 0:  // time passes, up to the longest run (Nanos holds about 292 years)
        key.utilisation = in.ConsumeFloatingPointInRange<double>(0.0, 1.0);
        key.Advance(in.ConsumeFloatingPointInRange<double>(0.0, 9.2e9));
        CheckRates(key, "Advance");
        break;
      case 1:
        key.Succeed(in.ConsumeFloatingPointInRange<double>(0.0, 2e12), in.ConsumeBool(),
                    in.ConsumeFloatingPointInRange<double>(0.0, 1e6));
        break;
      case 2:
        key.Fail(in.ConsumeBool() ? ratesim::HttpStatus::kTooManyRequests
                                  : ratesim::HttpStatus::kServiceUnavailable);
        break;
      case 3:  // the model's capacity changes
        key.capacity = {Capacity(in, 1e-9), Capacity(in, 1e-9)};
        break;
    }
  }
  return 0;
}

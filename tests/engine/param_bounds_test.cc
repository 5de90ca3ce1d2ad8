// The upper bounds of parameters (ParamSpec::max_value), and the parameters that may not exceed
// another (ParamSpec::at_most), refused by ResolveParams and so by MakeFormula, whoever calls it:
// a bound that is documented but not declared was once silently clamped (aimd's decrease = 30
// became 1, and the rate never dropped). Each bound's own value is accepted.
#include <cmath>
#include <memory>
#include <string>

#include "engine/limit_formula.h"
#include "engine/param_spec.h"
#include "engine/smoothing_policy.h"
#include "gtest/gtest.h"

namespace ratesim {
namespace {

ParamSpec Fraction(bool max_exclusive = false) {
  return WithMaximum({"f", ParamKind::kNumber, 0.5, 0.0, true, "a fraction"}, 1.0, max_exclusive);
}

// The message of MakeFormula(name, params), which must fail.
std::string FormulaError(const std::string& name, const ParamValues& params) {
  absl::StatusOr<std::unique_ptr<LimitFormula>> formula = MakeFormula(name, params);
  EXPECT_TRUE(absl::IsInvalidArgument(formula.status())) << name;
  return std::string(formula.status().message());
}

TEST(ParamBounds, ResolveParamsRefusesAValueAboveTheMaximum) {
  const absl::StatusOr<ParamValues> above = ResolveParams({Fraction()}, {{"f", 1.5}});
  EXPECT_TRUE(absl::IsInvalidArgument(above.status()));
  EXPECT_EQ(above.status().message(), "parameter 'f' must be at most 1 (a number in (0, 1]), got 1.5");
  EXPECT_TRUE(ResolveParams({Fraction()}, {{"f", 1.0}}).ok());
  EXPECT_EQ(ResolveParams({Fraction(true)}, {{"f", 1.0}}).status().message(),
            "parameter 'f' must be less than 1 (a number in (0, 1)), got 1");
  EXPECT_TRUE(ResolveParams({Fraction(true)}, {{"f", std::nextafter(1.0, 0.0)}}).ok());
  // The lower bound is still checked first, with its own message.
  EXPECT_EQ(ResolveParams({Fraction()}, {{"f", 0.0}}).status().message(),
            "parameter 'f' must be greater than 0, got 0");
}

TEST(ParamBounds, ASpecWithoutMaximumTakesAnyLargeValue) {
  const ParamSpec plain = {"n", ParamKind::kNumber, 1.0, 0.0, false, ""};
  EXPECT_TRUE(std::isinf(plain.max_value));
  EXPECT_TRUE(ResolveParams({plain}, {{"n", 1e300}}).ok());
}

TEST(ParamBounds, RangeTextShowsBothBoundsAndTheUnit) {
  EXPECT_EQ(RangeText(Fraction()), "in (0, 1]");
  EXPECT_EQ(RangeText(Fraction(true)), "in (0, 1)");
  EXPECT_EQ(RangeText({"n", ParamKind::kNumber, 1.0, 1.0, false, ""}), ">= 1");
  EXPECT_EQ(RangeText({"d", ParamKind::kDuration, 1.0, 0.0, true, ""}), "> 0s");
  EXPECT_EQ(RangeText(WithMaximum({"d", ParamKind::kDuration, 1.0, 0.0, false, ""}, 60.0)),
            "in [0s, 60s]");
}

TEST(ParamBounds, AimdRefusesADecreaseAboveOne) {
  EXPECT_EQ(FormulaError("aimd", {{"decrease", 30}}),
            "parameter 'decrease' must be at most 1 (a number in (0, 1]), got 30");
  EXPECT_TRUE(MakeFormula("aimd", {{"decrease", 1.0}}).ok());
}

TEST(ParamBounds, GradientRefusesAMinGradientOrSmoothingAboveOne) {
  EXPECT_EQ(FormulaError("gradient", {{"min_gradient", 1.5}}),
            "parameter 'min_gradient' must be at most 1 (a number in (0, 1]), got 1.5");
  EXPECT_EQ(FormulaError("gradient", {{"smoothing", 2}}),
            "parameter 'smoothing' must be at most 1 (a number in (0, 1]), got 2");
  EXPECT_TRUE(MakeFormula("gradient", {{"min_gradient", 1.0}, {"smoothing", 1.0}}).ok());
}

TEST(ParamBounds, GradientRefusesAShortAverageLongerThanTheLongOne) {
  EXPECT_EQ(FormulaError("gradient", {{"short_samples", 20}, {"long_samples", 10}}),
            "parameter short_samples = 20 is above long_samples = 10: the short-term latency "
            "average is compared with the long-term one, so it may not span more samples; lower "
            "short_samples to at most 10, or raise long_samples to at least 20");
  EXPECT_TRUE(MakeFormula("gradient", {{"short_samples", 10}, {"long_samples", 10}}).ok());
}

TEST(ParamBounds, CapacityShareRefusesAShareAboveOne) {
  EXPECT_EQ(FormulaError("capacity_share", {{"share", 50}}),
            "parameter 'share' must be at most 1 (a number in (0, 1]), got 50");
  EXPECT_TRUE(MakeFormula("capacity_share", {{"share", 1.0}}).ok());
}

TEST(ParamBounds, EveryFormulaWithTheRangeRefusesACapacityShareAboveOne) {
  int formulas = 0;
  for (const FormulaInfo& info : Formulas()) {
    bool has_range = false;
    for (const ParamSpec& spec : info.params) has_range = has_range || spec.name == "capacity_share";
    if (!has_range) continue;
    ++formulas;
    const absl::StatusOr<ParamValues> above = ResolveParams(info.params, {{"capacity_share", 50}});
    EXPECT_EQ(above.status().message(),
              "parameter 'capacity_share' must be at most 1 (a number in (0, 1]), got 50")
        << info.name;
    EXPECT_TRUE(ResolveParams(info.params, {{"capacity_share", 1.0}}).ok()) << info.name;
  }
  EXPECT_GE(formulas, 6);
}

TEST(ParamBounds, PeakWindowRefusesABucketLongerThanTheWindow) {
  EXPECT_EQ(FormulaError("peak_window", {{"bucket", 120}, {"window", 60}}),
            "parameter bucket = 120s is above window = 60s: a peak is the rate of a bucket, kept "
            "while the bucket is in the window, so a bucket must fit in the window; lower bucket "
            "to at most 60s, or raise window to at least 120s");
  // Against the default window.
  EXPECT_FALSE(MakeFormula("peak_window", {{"bucket", 61}}).ok());
  EXPECT_TRUE(MakeFormula("peak_window", {{"bucket", 60}, {"window", 60}}).ok());
}

TEST(ParamBounds, EveryRegisteredDefaultIsWithinItsBounds) {
  auto check = [](const std::string& owner, const std::vector<ParamSpec>& specs) {
    for (const ParamSpec& spec : specs) {
      EXPECT_TRUE(InRange(spec, spec.default_value)) << owner << " " << spec.name;
    }
    EXPECT_TRUE(ResolveParams(specs, {}).ok()) << owner;
  };
  for (const FormulaInfo& info : Formulas()) check(info.name, info.params);
  for (const PolicyInfo& info : Policies()) check(info.name, info.params);
}

}  // namespace
}  // namespace ratesim

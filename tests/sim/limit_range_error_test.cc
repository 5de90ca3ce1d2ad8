// A limit formula's floor above its ceiling (base_rpm above ceiling_rpm, base_tpm above
// ceiling_tpm) is an error wherever the parameters come from: [limits], an org's overrides, --set
// and a sweep's grid, at the key that sets it, naming both values and what to do; and MakeFormula
// refuses it for every formula that takes the range's parameters, since the formula would keep the
// floor and ignore the ceiling.
#include <string>
#include <vector>

#include "engine/limit_formula.h"
#include "engine/rate_range.h"
#include "gtest/gtest.h"
#include "tests/support/cli_fixture.h"
#include "tests/support/scenario_errors.h"

namespace ratesim {
namespace {

using testing::CliResult;
using testing::ErrorOf;
using testing::RunRatesim;
using testing::WriteFile;

// The tiny scenario with `limits` from line 8 on, and `bursty` as org 'bursty''s limits (line 27
// when `limits` is two lines and a newline).
std::string Limited(const std::string& limits, const std::string& bursty = "") {
  return testing::TinyWithLimits(limits, bursty);
}

TEST(LimitRangeError, ABaseAboveItsCeilingInLimitsPointsAtTheBase) {
  EXPECT_EQ(ErrorOf(Limited("[limits]\nbase_rpm = 600\nceiling_rpm = 60\n")),
            "s.toml:9:12: error: 'base_rpm' in [limits]: base_rpm = 600 is above ceiling_rpm = "
            "60: limit formula 'earned' keeps a key's rate between the two, so ceiling_rpm would "
            "be ignored; lower base_rpm to at most 60, or raise ceiling_rpm to at least 600");
  // Against the default ceiling, which the message says it is.
  EXPECT_EQ(ErrorOf(Limited("[limits]\nformula = \"aimd\"\nbase_rpm = 1e300\n")),
            "s.toml:10:12: error: 'base_rpm' in [limits]: base_rpm = 1e+300 is above ceiling_rpm "
            "= 1000000000 (its default): limit formula 'aimd' keeps a key's rate between the "
            "two, so ceiling_rpm would be ignored; lower base_rpm to at most 1000000000, or raise "
            "ceiling_rpm to at least 1e+300");
}

TEST(LimitRangeError, ACeilingBelowTheDefaultBaseIsReportedAtTheCeiling) {
  EXPECT_EQ(ErrorOf(Limited("[limits]\nceiling_tpm = 1000\n")),
            "s.toml:9:15: error: 'ceiling_tpm' in [limits]: base_tpm = 180000 (its default) is "
            "above ceiling_tpm = 1000: limit formula 'earned' keeps a key's rate between the two, "
            "so ceiling_tpm would be ignored; lower base_tpm to at most 1000, or raise ceiling_tpm "
            "to at least 180000");
}

TEST(LimitRangeError, AnExprFormulasBoundsAreCheckedToo) {
  EXPECT_EQ(ErrorOf(Limited("[limits]\nformula = \"expr\"\nrequests_per_s = \"base_rps\"\n"
                            "tokens_per_s = \"base_tps\"\nbase_tpm = 2000\nceiling_tpm = 1000\n")),
            "s.toml:12:12: error: 'base_tpm' in [limits]: base_tpm = 2000 is above ceiling_tpm = "
            "1000: limit formula 'expr' keeps a key's rate between the two, so ceiling_tpm would "
            "be ignored; lower base_tpm to at most 1000, or raise ceiling_tpm to at least 2000");
}

TEST(LimitRangeError, AnOrgsOverrideIsCheckedAgainstLimits) {
  // The org's base against [limits]'s ceiling, at the org's key.
  EXPECT_EQ(ErrorOf(Limited("[limits]\nceiling_rpm = 60\n", "base_rpm = 600")),
            "s.toml:27:23: error: 'base_rpm' in 'limits' of [[orgs]]: base_rpm = 600 is above "
            "ceiling_rpm = 60 (from [limits]): limit formula 'earned' keeps a key's rate between "
            "the two, so ceiling_rpm would be ignored; lower base_rpm to at most 60, or raise "
            "ceiling_rpm to at least 600");
  // The org's ceiling against [limits]'s base, at the org's ceiling.
  EXPECT_EQ(ErrorOf(Limited("[limits]\nbase_rpm = 120\n", "ceiling_rpm = 90")),
            "s.toml:27:26: error: 'ceiling_rpm' in 'limits' of [[orgs]]: base_rpm = 120 (from "
            "[limits]) is above ceiling_rpm = 90: limit formula 'earned' keeps a key's rate "
            "between the two, so ceiling_rpm would be ignored; lower base_rpm to at most 90, or "
            "raise ceiling_rpm to at least 120");
  // An org that lowers both stays valid.
  EXPECT_TRUE(ParseScenario(Limited("[limits]\nbase_rpm = 120\n",
                                    "base_rpm = 30, ceiling_rpm = 90"),
                            "s.toml")
                  .ok());
}

TEST(LimitRangeError, ASetOverrideIsCheckedAndNamed) {
  EXPECT_EQ(ErrorOf(Limited(""), {"limits.base_rpm=1e300"}),
            "<--set limits.base_rpm=1e300>: error: 'base_rpm' in [limits]: base_rpm = 1e+300 is "
            "above ceiling_rpm = 1000000000 (its default): limit formula 'earned' keeps a key's "
            "rate between the two, so ceiling_rpm would be ignored; lower base_rpm to at most "
            "1000000000, or raise ceiling_rpm to at least 1e+300");
  // Raised together, they are fine.
  EXPECT_TRUE(
      ParseScenario(Limited(""), "s.toml", {"limits.base_rpm=1e12", "limits.ceiling_rpm=1e13"})
          .ok());
}

TEST(LimitRangeError, AConflictWithASetValueIsAtTheSetAndNamesTheFileValuesPlace) {
  // The ceiling typed on the command line is the key to blame; the base is in the file.
  EXPECT_EQ(ErrorOf(Limited("[limits]\nbase_rpm = 60\nceiling_rpm = 100\n"),
                    {"limits.ceiling_rpm=20"}),
            "<--set limits.ceiling_rpm=20>: error: 'ceiling_rpm' in [limits]: base_rpm = 60 (at "
            "s.toml:9:12) is above ceiling_rpm = 20: limit formula 'earned' keeps a key's rate "
            "between the two, so ceiling_rpm would be ignored; lower base_rpm to at most 20, or "
            "raise ceiling_rpm to at least 60");
  // An org's base against a ceiling of [limits] that --set lowered names the --set.
  EXPECT_EQ(ErrorOf(Limited("[limits]\nbase_rpm = 60\nceiling_rpm = 1000\n", "base_rpm = 120"),
                    {"limits.ceiling_rpm=100"}),
            "s.toml:28:23: error: 'base_rpm' in 'limits' of [[orgs]]: base_rpm = 120 is above "
            "ceiling_rpm = 100 (from <--set limits.ceiling_rpm=100>): limit formula 'earned' keeps "
            "a key's rate between the two, so ceiling_rpm would be ignored; lower base_rpm to at "
            "most 100, or raise ceiling_rpm to at least 120");
  // An org's ceiling against the default base, which [limits] does not set, says so.
  EXPECT_EQ(ErrorOf(Limited("", "ceiling_tpm = 1000")),
            "s.toml:25:26: error: 'ceiling_tpm' in 'limits' of [[orgs]]: base_tpm = 180000 (its "
            "default) is above ceiling_tpm = 1000: limit formula 'earned' keeps a key's rate "
            "between the two, so ceiling_tpm would be ignored; lower base_tpm to at most 1000, or "
            "raise ceiling_tpm to at least 180000");
}

TEST(LimitRangeError, EveryConflictIsReported) {
  // Both ranges of [limits], the second against its default base.
  EXPECT_EQ(ErrorOf(Limited("[limits]\nbase_rpm = 600\nceiling_rpm = 100\nceiling_tpm = 1000\n")),
            "s.toml:9:12: error: 'base_rpm' in [limits]: base_rpm = 600 is above ceiling_rpm = "
            "100: limit formula 'earned' keeps a key's rate between the two, so ceiling_rpm would "
            "be ignored; lower base_rpm to at most 100, or raise ceiling_rpm to at least 600\n"
            "s.toml:11:15: error: 'ceiling_tpm' in [limits]: base_tpm = 180000 (its default) is "
            "above ceiling_tpm = 1000: limit formula 'earned' keeps a key's rate between the two, "
            "so ceiling_tpm would be ignored; lower base_tpm to at most 1000, or raise ceiling_tpm "
            "to at least 180000");
  // One in [limits] and one in an org's limits: each at its own key, once.
  EXPECT_EQ(ErrorOf(Limited("[limits]\nbase_rpm = 600\nceiling_rpm = 100\n", "ceiling_tpm = 1000")),
            "s.toml:9:12: error: 'base_rpm' in [limits]: base_rpm = 600 is above ceiling_rpm = "
            "100: limit formula 'earned' keeps a key's rate between the two, so ceiling_rpm would "
            "be ignored; lower base_rpm to at most 100, or raise ceiling_rpm to at least 600\n"
            "s.toml:28:26: error: 'ceiling_tpm' in 'limits' of [[orgs]]: base_tpm = 180000 (its "
            "default) is above ceiling_tpm = 1000: limit formula 'earned' keeps a key's rate "
            "between the two, so ceiling_tpm would be ignored; lower base_tpm to at most 1000, or "
            "raise ceiling_tpm to at least 180000");
}

TEST(LimitRangeError, EveryFormulaWithTheRangeRefusesABaseAboveItsCeiling) {
  const ParamTexts texts = {{"requests_per_s", "base_rps"}, {"tokens_per_s", "base_tps"}};
  int formulas = 0;
  for (const FormulaInfo& info : Formulas()) {
    if (!RateRange::IsParam(info.params.front().name)) continue;
    ++formulas;
    const ParamTexts& given = info.make_written != nullptr ? texts : ParamTexts{};
    absl::StatusOr<std::unique_ptr<LimitFormula>> formula =
        MakeFormula(info.name, {{"base_rpm", 600}, {"ceiling_rpm", 60}}, given);
    EXPECT_TRUE(absl::IsInvalidArgument(formula.status())) << info.name;
    EXPECT_EQ(formula.status().message(),
              "parameter base_rpm = 600 is above ceiling_rpm = 60: the cap would be ignored; lower "
              "base_rpm to at most 60, or raise ceiling_rpm to at least 600")
        << info.name;
    EXPECT_FALSE(MakeFormula(info.name, {{"base_tpm", 1e13}}, given).ok()) << info.name;
    EXPECT_TRUE(MakeFormula(info.name, {{"base_rpm", 60}, {"ceiling_rpm", 60}}, given).ok())
        << info.name;
  }
  EXPECT_EQ(formulas, 6);  // all but fixed
}

TEST(LimitRangeError, ASweepGridPointNamesItself) {
  testing::TempDir dir;
  const std::string path = WriteFile(dir / "s.toml", Limited(""));
  const CliResult r = RunRatesim({"sweep", path, "--grid", "limits.base_rpm=30,1e300", "--out",
                                  dir / "out"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err,
            "<--grid limits.base_rpm=1e300>: error: 'base_rpm' in [limits]: base_rpm = "
            "1e+300 is above ceiling_rpm = 1000000000 (its default): limit formula 'earned' keeps "
            "a key's rate between the two, so ceiling_rpm would be ignored; lower base_rpm to at "
            "most 1000000000, or raise ceiling_rpm to at least 1e+300\n(in " +
                path + " at sweep point 1: limits.base_rpm=1e300)\n");
  EXPECT_FALSE(std::filesystem::exists(dir / "out"));
  // A grid value conflicting with the file's value is blamed, the file's value placed.
  const std::string based = WriteFile(dir / "b.toml", Limited("[limits]\nbase_rpm = 60\n"));
  const CliResult c = RunRatesim({"sweep", based, "--grid", "limits.ceiling_rpm=100,20", "--out",
                                  dir / "out"});
  EXPECT_EQ(c.code, 2);
  EXPECT_EQ(c.err.substr(0, c.err.find('\n')),
            "<--grid limits.ceiling_rpm=20>: error: 'ceiling_rpm' in [limits]: base_rpm = 60 (at " +
                based + ":9:12) is above ceiling_rpm = 20: limit formula 'earned' keeps a key's rate "
                "between the two, so ceiling_rpm would be ignored; lower base_rpm to at most 20, or "
                "raise ceiling_rpm to at least 60");
}

TEST(LimitRangeError, ValidateExitsTwo) {
  testing::TempDir dir;
  const std::string path = WriteFile(dir / "s.toml", Limited("[limits]\nbase_rpm = 600\nceiling_rpm = 60\n"));
  const CliResult r = RunRatesim({"validate", path});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find(path + ":9:12: error: 'base_rpm' in [limits]: base_rpm = 600 is above"),
            std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace ratesim

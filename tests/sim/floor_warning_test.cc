// `ratesim validate` (and run, compare and sweep) warns, exit 0, of an `expr` expression that is
// below the floor at every state a test key was probed in, naming the expression, whose limits they
// are and the base every key will keep, or that is not a finite number in some of those states;
// and says nothing of one that rises above the floor.
#include <string>

#include "gtest/gtest.h"
#include "tests/support/cli_fixture.h"
#include "tests/support/scenario_errors.h"

namespace ratesim {
namespace {

using testing::CliResult;
using testing::RunRatesim;
using testing::WriteFile;

// The tiny scenario with an `expr` formula of `limits`, and `bursty_overrides` for org 'bursty'.
std::string WithExpr(const std::string& limits, const std::string& bursty_overrides = "") {
  return testing::TinyWithLimits("[limits]\nformula = \"expr\"\n" + limits, bursty_overrides);
}

class FloorWarningTest : public ::testing::Test {
 protected:
  testing::TempDir dir_;
};

TEST_F(FloorWarningTest, ValidateRunAndCompareWarnOfANegativeExpression) {
  const std::string path = WriteFile(
      dir_ / "negative.toml", WithExpr("requests_per_s = \"-1\"\ntokens_per_s = \"base_tps\""));
  const std::string warning =
      "warning: limit formula 'expr' of [limits]: its requests_per_s is below the floor at every "
      "state a test key was probed in on the scenario's models (504 results, from a new key "
      "through ramping up, busy, refused, short of capacity, 503s, recovery and an idle hour; its "
      "highest result was -1 req/s, the floor base_rps, 1 req/s), so it is clamped to the floor "
      "at every update: every "
      "key's request rate will be the base, base_rpm = 60, throughout, whatever its traffic. "
      "Check the expression's sign and unit: it gives req/s, as base_rps does; to keep every key "
      "at its base on purpose, write base_rps.\n";
  const CliResult validate = RunRatesim({"validate", path});
  EXPECT_EQ(validate.code, 0) << validate.err;
  EXPECT_EQ(testing::FirstLine(validate.out),
            "OK: " + path + ": 1 model, 2 orgs, 2 traffic streams, 2 policies, 20s\n");
  EXPECT_EQ(validate.err, warning);
  for (const char* command : {"run", "compare"}) {
    const CliResult r = RunRatesim({command, path});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.err, warning) << command;
  }
}

// An expression that is a number for some keys and not for others (ln of a count that is 0 until
// a 429 comes) is warned of before the run, which would count its fallbacks only after the fact.
TEST_F(FloorWarningTest, WarnsOfAnExpressionThatIsNotAFiniteNumberInSomeStates) {
  const std::string path = WriteFile(
      dir_ / "ln.toml",
      WithExpr("requests_per_s = \"age_s > 0 ? 100 + ln(r429_1m) : base_rps\"\ntokens_per_s = \"base_tps\""));
  const CliResult validate = RunRatesim({"validate", path});
  EXPECT_EQ(validate.code, 0) << validate.err;
  EXPECT_EQ(validate.err.rfind(
                "warning: limit formula 'expr' of [limits]: its requests_per_s is not a finite "
                "number (NaN or infinite) in ",
                0),
            0u)
      << validate.err;
  EXPECT_NE(validate.err.find("of the 504 states a test key was probed in, first a new key; there a "
                              "key's rate falls to the floor (base_rps)"),
            std::string::npos)
      << validate.err;
}

TEST_F(FloorWarningTest, NamesTheTokenExpressionAndTheOrgWhoseOverridesClampIt) {
  // [limits] scales usage up; the org's scale of -1 turns it below the floor.
  const std::string path = WriteFile(
      dir_ / "scale.toml",
      WithExpr("requests_per_s = \"max(base_rps, 2 * ok_rps_1m)\"\n"
               "tokens_per_s = \"scale * max(base_tps, 2 * ok_tps_1m)\"\nscale = 1",
               "scale = -1"));
  const CliResult r = RunRatesim({"validate", path});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err.rfind(
                "warning: limit formula 'expr' of [limits] with the overrides of org 'bursty' "
                "(scale = -1): its tokens_per_s is below the floor at every state",
                0),
            0u)
      << r.err;
  EXPECT_NE(r.err.find("every key's token rate will be the base, base_tpm = 180000, throughout"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("warning:"), r.err.rfind("warning:"));  // one warning
}

TEST_F(FloorWarningTest, SaysNothingOfAnExpressionThatRisesAboveTheFloor) {
  const std::string path = WriteFile(
      dir_ / "fine.toml",
      WithExpr("requests_per_s = \"2 * ok_rps_1m - 1\"\ntokens_per_s = \"base_tps\""));
  const CliResult r = RunRatesim({"validate", path});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "");
}

TEST_F(FloorWarningTest, JudgesTheExpressionOnTheScenariosOwnModels) {
  // A thousandth of the capacity: 10,000 req/s on this model of 100 replicas x 1000 slots x 10 ms,
  // far above the floor; 0.1 req/s on a single slot (100 req/s), below it.
  const std::string path = WriteFile(dir_ / "capacity.toml", R"(title = "capacity-based expr"
[run]
duration = "2m"
[limits]
formula = "expr"
requests_per_s = "capacity_rps / 1000"
tokens_per_s = "base_tps"
[[models]]
name = "m"
replicas = 100
concurrency = 1000
service = { dist = "constant", mean = "10ms" }
[[orgs]]
name = "a"
  [[orgs.traffic]]
  model = "m"
  shape = "constant"
  rate = "600rpm"
[[policies]]
type = "none"
)");
  const CliResult large = RunRatesim({"validate", path});
  EXPECT_EQ(large.code, 0) << large.err;
  EXPECT_EQ(large.err, "");
  const CliResult small = RunRatesim(
      {"validate", path, "--set", "models.0.replicas=1", "--set", "models.0.concurrency=1"});
  EXPECT_EQ(small.code, 0) << small.err;
  EXPECT_NE(small.err.find("its highest result was 0.1 req/s"), std::string::npos) << small.err;
}

TEST_F(FloorWarningTest, ASweepWarnsOnceAndNamesThePoint) {
  const std::string path = WriteFile(
      dir_ / "sweep.toml",
      WithExpr("requests_per_s = \"k * max(base_rps, 2 * ok_rps_1m)\"\ntokens_per_s = "
               "\"base_tps\"\nk = 1"));
  const CliResult r = RunRatesim({"sweep", path, "--grid", "limits.k=1,-1", "--grid",
                                  "models.0.concurrency=1,2", "--out", dir_ / "out"});
  EXPECT_EQ(r.code, 0) << r.err;
  const std::string warning = "its requests_per_s is below the floor at every state";
  EXPECT_NE(r.err.find(warning), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find(warning), r.err.rfind(warning));  // once, not once per point
  EXPECT_NE(r.err.find("(the above from sweep point 2: limits.k=-1, models.0.concurrency=1 in "),
            std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace ratesim

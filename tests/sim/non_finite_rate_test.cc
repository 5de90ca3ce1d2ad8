// A limit formula that computes a rate that is not a finite number (an `expr` dividing by zero)
// leaves the key at its floor; that must not pass unseen. The engine counts such updates per key,
// only those that decide (observing a rate for headers or the time series counts nothing); a run
// lists the keys in its metrics and summary.json; `run`, `compare` and `sweep` print a warning
// naming the worst key; a sound formula changes no output.
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "engine/limit_formula.h"
#include "engine/smoothing_policy.h"
#include "gtest/gtest.h"
#include "sim/cli/cli.h"
#include "sim/report/non_finite_warning.h"

namespace ratesim {
namespace {

namespace fs = std::filesystem;

// NaN for every update of a key whose `bad` is 1 once it has aged; finite on a new key, so the
// formula passes validation, as a faulty research formula would.
constexpr char kFaultyRequests[] = "bad * age_s > 0 ? 0/0 : base_rps";

TEST(NonFiniteRate, TheEngineCountsDecidingUpdatesOnlyPerKey) {
  Engine engine;
  const ModelId model =
      engine.AddModel("m", 4, ModelCapacity{4, 4e6}, *MakePolicy("none", ParamValues{}));
  absl::StatusOr<std::unique_ptr<LimitFormula>> faulty = MakeFormula(
      "expr", {{"bad", 1.0}}, {{"requests_per_s", kFaultyRequests}, {"tokens_per_s", "base_tps"}});
  ASSERT_TRUE(faulty.ok()) << faulty.status();
  const FormulaId formula = engine.AddFormula(*std::move(faulty));
  const KeyId key = engine.AddKey("org", model, formula, 0);
  const KeyId other =
      engine.AddKey("other", model, engine.AddFormula(*MakeFormula("earned", {})), 0);
  Effects effects;
  engine.Arrive(key, 1, 100, kNanosPerSecond, &effects);
  EXPECT_EQ(engine.NonFiniteResults(key).requests, 1);
  // Observing advances a copy: however often the rate is read, nothing more is counted.
  for (int s = 2; s < 10; ++s) {
    engine.RateAt(key, s * kNanosPerSecond);
    engine.Headers(key, s * kNanosPerSecond, 0);
  }
  EXPECT_EQ(engine.NonFiniteResults(key).requests, 1);
  engine.Arrive(key, 2, 100, 10 * kNanosPerSecond, &effects);
  EXPECT_EQ(engine.NonFiniteResults(key).requests, 2);
  // The key was held at its floor meanwhile, and a built-in formula never counts.
  EXPECT_DOUBLE_EQ(engine.RateAt(key, 10 * kNanosPerSecond).request_rate, 1.0);
  engine.Arrive(other, 3, 100, 11 * kNanosPerSecond, &effects);
  EXPECT_EQ(engine.NonFiniteResults(other).total(), 0);
}

RunResult FaultyRun(std::string policy, uint64_t seed, std::vector<NonFiniteRate> faults) {
  RunResult run{std::move(policy), seed, {"a", "b"}, {"m", "n"}, RunMetrics(2, 2)};
  run.metrics.non_finite_rates = std::move(faults);
  return run;
}

TEST(NonFiniteRate, TheWarningNamesTheExpressionsTheCountsAndTheWorstKey) {
  EXPECT_EQ(NonFiniteRateWarning({FaultyRun("fifo", 1, {})}, 1, "expr"), "");
  const std::string one = NonFiniteRateWarning({FaultyRun("fifo", 1, {{1, 0, {1, 0}}})}, 1, "expr");
  EXPECT_NE(one.find("limit formula 'expr' computed rates that are not finite numbers (NaN or "
                     "infinite), for 1 key in 1 of 1 run: requests_per_s once (each time the "
                     "request rate was set to base_rpm). "),
            std::string::npos)
      << one;
  EXPECT_NE(one.find("Most often: org 'b' on model 'm', once (policy fifo, seed 1)."),
            std::string::npos)
      << one;
  EXPECT_EQ(one.find("tokens_per_s"), std::string::npos) << one;  // it did not fail
  // Two policies x two replications; keys told apart by name across runs (ids are per run); the
  // worst over all runs named with its replication.
  const std::string many = NonFiniteRateWarning(
      {FaultyRun("fifo", 1, {{0, 0, {3, 0}}, {1, 1, {0, 2}}}), FaultyRun("fifo", 2, {}),
       FaultyRun("none", 1, {}), FaultyRun("none", 7, {{0, 0, {5, 4}}})},
      2, "expr");
  EXPECT_NE(many.find("for 2 keys in 2 of 4 runs: requests_per_s 8 times (each time the request "
                      "rate was set to base_rpm); tokens_per_s 6 times (each time the token rate "
                      "was set to base_tpm)."),
            std::string::npos)
      << many;
  EXPECT_NE(many.find("Most often: org 'a' on model 'm', 9 times (policy none, replication 2 of "
                      "2, seed 7)."),
            std::string::npos)
      << many;
  EXPECT_NE(many.find("Guard the division"), std::string::npos);
}

// A scenario whose org `bursty` runs the faulty formula (bad = 1) and `steady` a sound one.
std::string FaultyScenario(bool bursty_bad) {
  return std::string(R"(title = "faulty"
[run]
duration = "20s"
seed = 3
resolution = "5s"
[limits]
formula = "expr"
requests_per_s = ")") +
         kFaultyRequests + R"("
tokens_per_s = "base_tps"
bad = 0
[[models]]
name = "m"
concurrency = 2
service = { dist = "constant", mean = "1s" }
[[orgs]]
name = "steady"
  [[orgs.traffic]]
  model = "m"
  shape = "constant"
  rate = "1rps"
[[orgs]]
name = "bursty"
limits = { bad = )" +
         (bursty_bad ? "1" : "0") + R"( }
  [[orgs.traffic]]
  model = "m"
  shape = "bursts"
  count = 10
  window = "1s"
  every = "10s"
[[policies]]
type = "fifo"
)";
}

class NonFiniteRateCli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "ratesim_non_finite_XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  std::string Write(const std::string& name, const std::string& text) const {
    const fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
  }
  static std::string Read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  struct Result {
    int code;
    std::string out;
    std::string err;
  };
  static Result Cli(std::vector<std::string> args) {
    args.insert(args.begin(), "ratesim");
    std::ostringstream out;
    std::ostringstream err;
    const int code = RunCli(args, out, err);
    return {code, out.str(), err.str()};
  }
  fs::path dir_;
};

TEST_F(NonFiniteRateCli, RunWarnsAndSummaryListsTheFaultyKeyOnly) {
  const std::string scenario = Write("faulty.toml", FaultyScenario(true));
  const Result r = Cli({"run", scenario, "--out", (dir_ / "out").string()});
  ASSERT_EQ(r.code, 0) << r.err;  // the run is complete; the formula is what is at fault
  EXPECT_NE(r.err.find("warning: limit formula 'expr' computed rates that are not finite "
                       "numbers"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("Most often: org 'bursty' on model 'm'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("for 1 key in 1 of 1 run: requests_per_s "), std::string::npos) << r.err;
  const std::string summary = Read(dir_ / "out" / "summary.json");
  const size_t list = summary.find("\"non_finite_rates\": [");
  ASSERT_NE(list, std::string::npos) << summary;
  EXPECT_NE(summary.find("\"org\": \"bursty\"", list), std::string::npos) << summary;
  EXPECT_EQ(summary.find("\"org\": \"steady\"", list), std::string::npos) << summary;
}

TEST_F(NonFiniteRateCli, ASoundFormulaWritesNothingNew) {
  const std::string scenario = Write("sound.toml", FaultyScenario(false));
  const Result r = Cli({"compare", scenario, "--out", (dir_ / "out").string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(Read(dir_ / "out" / "summary.json").find("non_finite"), std::string::npos);
}

TEST_F(NonFiniteRateCli, SweepWarnsAndCountsPerRow) {
  const std::string scenario = Write("faulty.toml", FaultyScenario(true));
  const Result r =
      Cli({"sweep", scenario, "--grid", "orgs.1.limits.bad=0,1", "--out", (dir_ / "out").string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("warning: in 1 of 2 rows the limit formula computed rates that are not "
                       "finite numbers"),
            std::string::npos)
      << r.err;
  // The command that runs that point alone, which then names the keys.
  const std::string command =
      "To see which keys: ratesim run " + scenario + " --set orgs.1.limits.bad=1 --policy fifo\n";
  ASSERT_NE(r.err.find(command), std::string::npos) << r.err;
  std::vector<std::string> args = {"run",      scenario, "--set", "orgs.1.limits.bad=1",
                                   "--policy", "fifo"};
  const Result rerun = Cli(args);
  EXPECT_EQ(rerun.code, 0) << rerun.err;
  EXPECT_NE(rerun.err.find("Most often: org 'bursty' on model 'm'"), std::string::npos)
      << rerun.err;
  // Rows in grid order; non_finite_rates is the last cell: 0 for bad = 0, not 0 for bad = 1.
  std::istringstream csv(Read(dir_ / "out" / "sweep.csv"));
  std::vector<std::string> last_cells;
  for (std::string line; std::getline(csv, line);)
    last_cells.push_back(line.substr(line.rfind(',') + 1));
  ASSERT_EQ(last_cells.size(), 3u);
  EXPECT_EQ(last_cells[0], "non_finite_rates");
  EXPECT_EQ(last_cells[1], "0");
  EXPECT_GT(std::stoi(last_cells[2]), 0);
}

}  // namespace
}  // namespace ratesim

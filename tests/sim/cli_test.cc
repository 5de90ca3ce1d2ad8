// Tests for the `ratesim` command line, run in-process through RunCli (and once through the built
// binary): usage errors exit 2 with a message naming the problem and write nothing, help exits 0,
// `validate` prints positioned errors, and `run` / `compare` print the table and write the reports.
#include "sim/cli/cli.h"

#include <stdlib.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "engine/expr_formula.h"
#include "engine/limit_formula.h"
#include "engine/smoothing_policy.h"
#include "sim/version.h"
#include "tests/support/cli_fixture.h"
#include "tests/support/tiny_scenario.h"

namespace ratesim {
namespace {

namespace fs = std::filesystem;

// gmock is not linked: a plain predicate that prints both strings when it fails.
::testing::AssertionResult Contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << part << "' not found in:\n" << text;
}
::testing::AssertionResult Lacks(const std::string& text, const std::string& part) {
  if (text.find(part) == std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << part << "' unexpectedly found in:\n" << text;
}

using testing::kTinyScenario;

struct Result {
  int code;
  std::string out;
  std::string err;
};

Result Cli(std::vector<std::string> args) {
  args.insert(args.begin(), "ratesim");
  std::ostringstream out;
  std::ostringstream err;
  const int code = RunCli(args, out, err);
  return {code, out.str(), err.str()};
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "ratesim_cli_XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    tiny_ = Write("tiny.toml", kTinyScenario);
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  std::string Path(const std::string& name) const { return dir_ + "/" + name; }
  std::string Write(const std::string& name, const std::string& text) const {
    std::ofstream(Path(name), std::ios::binary) << text;
    return Path(name);
  }
  static std::string Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  // Everything in the temp dir but the scenario files, so a test can check nothing was written.
  std::vector<std::string> Outputs() const {
    std::vector<std::string> names;
    for (const fs::directory_entry& entry : fs::directory_iterator(dir_)) {
      if (entry.path().extension() != ".toml") names.push_back(entry.path().filename().string());
    }
    return names;
  }

  std::string dir_;
  std::string tiny_;
};

// --- help and usage errors ---------------------------------------------------------------------------

TEST(Cli, NoCommandIsAUsageError) {
  const Result r = Cli({});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Contains(r.err, "no command given"));
  EXPECT_EQ(r.out, "");
}

TEST(Cli, HelpListsEveryCommandAndExitsZero) {
  for (const char* flag : {"--help", "-h"}) {
    const Result r = Cli({flag});
    EXPECT_EQ(r.code, 0);
    for (const Command& command : Commands()) EXPECT_TRUE(Contains(r.out, "  " + command.name));
    EXPECT_TRUE(Contains(r.out, "example: ratesim"));
    EXPECT_EQ(r.err, "");
  }
}

TEST(Cli, HelpMentionsTheTopLevelFlags) {
  const Result r = Cli({"--help"});
  EXPECT_TRUE(Contains(r.out, "\n  --version   print the version of ratesim\n"));
  EXPECT_TRUE(Contains(r.out, "\n  --help, -h  show this help\n"));
}

TEST(Cli, VersionPrintsTheBuildVersion) {
  const Result r = Cli({"--version"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "ratesim " + std::string(Version()) + "\n");
}

TEST(Cli, CommandHelpShowsItsUsageFlagsAndAnExample) {
  const Result r = Cli({"compare", "--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(Contains(r.out, "usage: ratesim compare SCENARIO [--policies A,B,C] [--out DIR]"));
  EXPECT_TRUE(Contains(r.out, "--threads N"));
  EXPECT_TRUE(Contains(r.out, "example: ratesim compare "));
  // Help wins even over a bad flag on the same line.
  EXPECT_EQ(Cli({"run", "--bogus", "--help"}).code, 0);
}

TEST(Cli, RunAndCompareHelpNameEveryFileOutWrites) {
  for (const char* command : {"run", "compare"}) {
    const Result r = Cli({command, "--help"});
    EXPECT_TRUE(Contains(r.out, "write summary.json, timeseries.csv, run.json, plots.svg into DIR"))
        << command;
    EXPECT_TRUE(Contains(r.out, "also write audit.csv into DIR")) << command;
  }
}

TEST(Cli, SweepAndMergeUsageShowOutAsRequired) {
  const Result merge = Cli({"merge", "--help"});
  EXPECT_TRUE(Contains(merge.out, "usage: ratesim merge SHARD_DIR... --out DIR\n"));
  EXPECT_TRUE(Contains(merge.out, "required: write sweep.csv, sweep.json and sweep.svg into DIR"));
  const Result sweep = Cli({"sweep", "--help"});
  EXPECT_TRUE(Contains(sweep.out, "[--scenarios A,B] [--policies A,B,C] [--org NAME] --out DIR [--seed N]"));
  EXPECT_TRUE(Contains(sweep.out, "required: write sweep.csv, sweep.json and sweep.svg (with "
                                  "--shard, the shard file) into DIR"));
  // The hint after a usage error shows the same line.
  EXPECT_TRUE(Contains(Cli({"merge"}).err, "usage: ratesim merge SHARD_DIR... --out DIR\n"));
}

TEST(Cli, UnknownCommandSuggestsTheNearestOne) {
  const Result r = Cli({"comapre", "x.toml"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Contains(r.err, "unknown command 'comapre'; did you mean 'compare'?"));
  const Result far = Cli({"frobnicate"});
  EXPECT_EQ(far.code, 2);
  EXPECT_TRUE(Contains(far.err, "expected one of: run, compare, validate, policies, formulas"));
}

TEST(Cli, UnknownFlagNamesItAndTheNearestValidFlag) {
  const Result r = Cli({"compare", "x.toml", "--polcies", "a"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Contains(r.err, "unknown flag '--polcies'; did you mean '--policies'?"));
  EXPECT_TRUE(Contains(r.err, "usage: ratesim compare SCENARIO"));
  // A flag of another command is unknown here: validate has no --out.
  EXPECT_TRUE(Contains(Cli({"validate", "x.toml", "--out", "d"}).err, "unknown flag '--out'"));
  EXPECT_TRUE(Contains(Cli({"--verison"}).err, "did you mean '--version'?"));
}

TEST(Cli, MalformedFlagsAreUsageErrors) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"run"}, "'ratesim run' needs SCENARIO"},
      {{"run", "a.toml", "b.toml"}, "unexpected argument 'b.toml'"},
      {{"run", "a.toml", "--out"}, "flag '--out' needs a value: --out DIR"},
      {{"run", "a.toml", "--out", "--seed", "3"}, "flag '--out' needs a value"},
      {{"run", "a.toml", "--policy", "a", "--policy", "b"}, "flag '--policy' given more than once"},
      {{"run", "a.toml", "--help=yes"}, "flag '--help' takes no value"},
      {{"policies", "extra"}, "unexpected argument 'extra'"},
  };
  for (const Case& c : cases) {
    const Result r = Cli(c.args);
    EXPECT_EQ(r.code, 2) << c.message;
    EXPECT_TRUE(Contains(r.err, c.message));
    EXPECT_EQ(r.out, "");
  }
}

TEST(Cli, AKeyAndValueGivenAsTwoArgumentsSuggestsJoiningThem) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"run", "a.toml", "--set", "run.duration", "5m"},
       "flag '--set' takes KEY=VALUE, got 'run.duration'; write --set run.duration=5m\n"},
      {{"validate", "a.toml", "--set=run.duration", "5m"},
       "flag '--set' takes KEY=VALUE, got 'run.duration'; write --set run.duration=5m\n"},
      {{"sweep", "a.toml", "--grid", "limits.window", "1m,10m", "--out", "d"},
       "flag '--grid' takes KEY=V1,V2, got 'limits.window'; write --grid limits.window=1m,10m\n"},
      // The next argument is a flag or the scenario: show the form instead.
      {{"compare", "a.toml", "--set", "run.duration", "--seed", "3"},
       "flag '--set' takes KEY=VALUE, got 'run.duration'; write --set run.duration=VALUE\n"},
      {{"run", "--set", "run.duration", "a.toml"},
       "flag '--set' takes KEY=VALUE, got 'run.duration'; write --set run.duration=VALUE\n"},
      {{"sweep", "a.toml", "--out", "d", "--grid", "limits.window"},
       "flag '--grid' takes KEY=V1,V2, got 'limits.window'; write --grid limits.window=V1,V2\n"},
      {{"run", "a.toml", "--set="}, "flag '--set' takes KEY=VALUE, got ''; write --set KEY=VALUE\n"},
  };
  for (const Case& c : cases) {
    const Result r = Cli(c.args);
    EXPECT_EQ(r.code, 2) << c.message;
    EXPECT_TRUE(Contains(r.err, "error: " + c.message));
    EXPECT_TRUE(Lacks(r.err, "unexpected argument"));
    EXPECT_EQ(r.out, "");
  }
}

TEST_F(CliTest, AMisspeltPolicySuggestsTheNearestAcceptedName) {
  // The file declares none and fifo-5s; codel is a registered policy.
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"run", tiny_, "--policy", "codle"}, "unknown policy 'codle'; did you mean 'codel'? "},
      {{"compare", tiny_, "--policies", "none,codle"},
       "unknown policy 'codle'; did you mean 'codel'? "},
      {{"compare", tiny_, "--policies", "nnoe,codel"}, "unknown policy 'nnoe'; did you mean 'none'? "},
      {{"run", tiny_, "--policy", "fifo5s"}, "unknown policy 'fifo5s'; did you mean 'fifo-5s'? "},
      // Nothing near: the list and where to find the registered ones, as before.
      {{"run", tiny_, "--policy", "frobnicate"},
       "unknown policy 'frobnicate': " + tiny_ +
           " declares the policies none, fifo-5s, and no registered policy has that name "
           "(`ratesim policies` lists them)\n"},
  };
  for (const Case& c : cases) {
    const Result r = Cli(c.args);
    EXPECT_EQ(r.code, 2) << c.message;
    EXPECT_TRUE(Contains(r.err, "error: " + c.message));
    EXPECT_EQ(r.out, "");
  }
  EXPECT_TRUE(Lacks(Cli({"run", tiny_, "--policy", "frobnicate"}).err, "did you mean"));
}

TEST_F(CliTest, BadFlagValuesAreUsageErrorsAndWriteNothing) {
  const std::string out = Path("out");
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"run", tiny_, "--seed", "-1", "--out", out},
       "'--seed' needs a whole number from 0 to 9223372036854775807, got '-1'"},
      {{"run", tiny_, "--seed=x1", "--out", out},
       "'--seed' needs a whole number from 0 to 9223372036854775807, got 'x1'"},
      {{"run", tiny_, "--set", "run.seed", "--out", out},
       "flag '--set' takes KEY=VALUE, got 'run.seed'; write --set run.seed=VALUE"},
      {{"run", tiny_, "--set", "=5m", "--out", out}, "'--set' needs key=value, got '=5m'"},
      {{"compare", tiny_, "--threads", "many", "--out", out}, "'--threads' needs a whole number"},
      {{"compare", tiny_, "--policies", "none,,fifo-5s", "--out", out}, "comma-separated list"},
      {{"compare", tiny_, "--policies", "none, none", "--out", out},
       "'--policies' lists 'none' more than once"},
      {{"compare", tiny_, "--out="}, "flag '--out' needs a directory"},
      {{"run", tiny_, "--policy", "fifo-9s", "--out", out},
       "unknown policy 'fifo-9s'; did you mean 'fifo-5s'? " + tiny_ +
           " declares the policies none, fifo-5s, and no registered policy has that name"},
      {{"compare", tiny_, "--policies", "none,lifo", "--out", out}, "unknown policy 'lifo'"},
      {{"compare", tiny_, "--replications", "0", "--out", out},
       "flag '--replications' needs a whole number from 1 to 10000, got '0'"},
      {{"run", tiny_, "--replications", "ten", "--out", out}, "'--replications' needs a whole number"},
      {{"run", tiny_, "--replications", "10001", "--out", out}, "from 1 to 10000, got '10001'"},
      {{"run", tiny_, "--threads", "-2", "--out", out}, "'--threads' needs a whole number"},
      {{"compare", tiny_, "--audit"}, "flag '--audit' needs '--out DIR'"},
      {{"run", tiny_, "--audit", "--out", out, "--policy", "lifo"}, "unknown policy 'lifo'"},
  };
  for (const Case& c : cases) {
    const Result r = Cli(c.args);
    EXPECT_EQ(r.code, 2) << c.message;
    EXPECT_TRUE(Contains(r.err, c.message));
    EXPECT_EQ(r.out, "");
  }
  EXPECT_TRUE(Outputs().empty());
}

TEST_F(CliTest, ARegisteredPolicyTheFileDoesNotDeclareRunsWithItsDefaults) {
  // The file declares none and fifo-5s; codel and fifo are registered policies.
  const Result r = Cli({"compare", tiny_, "--policies", "none,codel,fifo"});
  EXPECT_EQ(r.code, 0) << r.err;
  const std::vector<std::string> rows = {"none ", "codel ", "fifo "};
  for (const std::string& row : rows) {
    EXPECT_TRUE(Contains(r.out, "\n" + row)) << row << " in:\n" << r.out;
  }
  EXPECT_FALSE(Contains(r.out, "fifo-5s"));  // only what was asked for
  // The same as a file declaring it bare: `fifo` with its defaults, not the file's fifo-5s.
  const Result declared = Cli({"run", tiny_, "--policy", "fifo", "--set", "policies.1.max_wait=30s",
                               "--set", "policies.1.max_depth=1000", "--set",
                               "policies.1.name=fifo"});
  const Result registered = Cli({"run", tiny_, "--policy", "fifo"});
  EXPECT_EQ(registered.code, 0) << registered.err;
  EXPECT_EQ(declared.code, 0) << declared.err;
  // The same results; only the header differs, naming the --set values.
  EXPECT_EQ(registered.out.substr(registered.out.find('\n')), declared.out.substr(declared.out.find('\n')));
}

// The title describes the file as written: what --set changed is said next to it, in the terminal
// and in the plots, so that results for 16 slots are not read as the title's 8.
TEST_F(CliTest, TheHeaderAndThePlotsTitleNameEverySetValue) {
  const std::string out = dir_ + "/set_out";
  const Result r = Cli({"run", tiny_, "--policy", "none", "--set", "models.0.concurrency=3", "--set",
                        "run.duration=\"10s\"", "--out", out});
  EXPECT_EQ(r.code, 0) << r.err;
  const std::string header = tiny_ +
                             " (tiny): seed 3, duration 10s, --set models.0.concurrency=3, --set "
                             "run.duration=\"10s\"";
  EXPECT_EQ(r.out.substr(0, r.out.find('\n')), header);
  EXPECT_TRUE(Contains(Read(out + "/plots.svg"), "--set models.0.concurrency=3")) << header;
  // Without --set, just the file.
  const Result plain = Cli({"run", tiny_, "--policy", "none"});
  EXPECT_EQ(plain.out.substr(0, plain.out.find('\n')), tiny_ + " (tiny): seed 3, duration 20s");
}

// A warm-up is said in the header and in validate's summary, kept in run.json and marked in the
// plots.
TEST_F(CliTest, AWarmupIsSaidEverywhereItMatters) {
  const std::string out = dir_ + "/warm_out";
  const Result warm =
      Cli({"run", tiny_, "--policy", "none", "--set", "run.warmup=5s", "--out", out});
  ASSERT_EQ(warm.code, 0) << warm.err;
  EXPECT_EQ(warm.out.substr(0, warm.out.find('\n')),
            tiny_ + " (tiny): seed 3, duration 20s, --set run.warmup=5s, measured after a warm-up of 5s");
  EXPECT_TRUE(Contains(Read(out + "/run.json"), "\"warmup_s\": 5,"));
  EXPECT_TRUE(Contains(Read(out + "/plots.svg"), ">warm-up ends<"));
  const Result validate = Cli({"validate", tiny_, "--set", "run.warmup=5s"});
  EXPECT_EQ(validate.code, 0) << validate.err;
  EXPECT_TRUE(Contains(testing::FirstLine(validate.out),
                       "2 policies, 20s, measured after a warm-up of 5s\n"));
}

// --- validate ----------------------------------------------------------------------------------------

TEST_F(CliTest, ValidateSummarisesAGoodScenario) {
  const Result r = Cli({"validate", tiny_});
  EXPECT_EQ(r.code, 0) << r.err;
  // Then the load: steady's 1 request/s and bursty's 10 every 10 s on 2 slots of 1 s; and each
  // stream against its org's starting limit.
  EXPECT_EQ(r.out, "OK: " + tiny_ + ": 1 model, 2 orgs, 2 traffic streams, 2 policies, 20s\n"
                   "load: model 'm': about 2.0 requests/s offered on average, against 2.0 requests/s "
                   "of capacity (2 slots at the start): 100%\n"
                   "limits: org 'steady' to 'm' sends about 60 RPM and 45360 TPM (" + tiny_ +
                   ":16), against a starting limit of 60 RPM and 180000 TPM: within it\n"
                   "limits: org 'bursty' to 'm' sends about 60 RPM and 45360 TPM in bursts of 10 "
                   "within 1s (" + tiny_ + ":24), against a starting limit of 60 RPM and 180000 "
                   "TPM: over it: about 10 of each burst's requests within a second, against a "
                   "one-second window of 1\n");
  EXPECT_EQ(r.err, "");  // its formula (earned) composes: no warning
}

TEST_F(CliTest, ValidateSaysHowManyOrgsAreCopies) {
  const Result r = Cli({"validate", tiny_, "--set", "orgs.1.copies=30"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(testing::FirstLine(r.out), "OK: " + tiny_ +
                       ": 1 model, 31 orgs (30 of them copies), 31 traffic streams, 2 policies, 20s\n");
}

// The tiny scenario with an `expr` formula of these [limits] lines and, for org 'bursty', these
// overrides.
std::string WithExpr(const std::string& limits, const std::string& bursty_overrides = "") {
  std::string text = kTinyScenario;
  text.replace(text.find("[[models]]"), 10,
               "[limits]\nformula = \"expr\"\n" + limits + "\n\n[[models]]");
  if (!bursty_overrides.empty()) {
    text.replace(text.find("name = \"bursty\""), 15,
                 "name = \"bursty\"\nlimits = { " + bursty_overrides + " }");
  }
  return text;
}

TEST_F(CliTest, ValidateWarnsOfAFormulaThatDoesNotComposeAndStillExitsZero) {
  // +0.1 per update: on a new key at 1 request/s, one update over a second gives 1.1, a hundred
  // give 11.
  const std::string path =
      Write("drifting.toml",
            WithExpr("requests_per_s = \"rate_rps + 0.1\"\ntokens_per_s = \"base_tps\""));
  const Result r = Cli({"validate", path});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(testing::FirstLine(r.out), "OK: " + path + ": 1 model, 2 orgs, 2 traffic streams, 2 policies, 20s\n");
  EXPECT_EQ(r.err,
            "warning: limit formula 'expr' of [limits] does not compose under lazy updates: at one "
            "point of a test key's life (a new key), its requests_per_s gives 1.10 req/s after one "
            "update over 1 s, but 11.0 req/s after 100 updates of 0.01 s (90% apart). The engine "
            "updates a key only when the key is touched, with all the time since it was last "
            "touched, so the rate depends on how often a key is touched: results then depend on "
            "the timing of the traffic, not only on its amount. Write growth and decay as "
            "functions of elapsed_s, e.g. rate_rps * 1.5^(elapsed_s/60) rather than rate_rps * "
            "1.01, so that one update over a minute gives what sixty updates of a second give.\n");
}

TEST_F(CliTest, RunAndCompareWarnAsValidateDoesThenRunAnyway) {
  const std::string path =
      Write("drifting.toml",
            WithExpr("requests_per_s = \"rate_rps + 0.1\"\ntokens_per_s = \"base_tps\""));
  const std::string warning = Cli({"validate", path}).err;
  ASSERT_FALSE(warning.empty());
  for (const char* command : {"run", "compare"}) {
    const Result r = Cli({command, path});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.err, warning) << command;
    EXPECT_TRUE(Contains(r.out, "per org:")) << command;  // the results still come
  }
}

TEST_F(CliTest, ValidateWarnsOfTheOrgWhoseOverridesMakeTheFormulaNotCompose) {
  // x(1 + drift) per update composes at drift 0 ([limits]) and not at the org's 0.01.
  const std::string path =
      Write("override.toml",
            WithExpr("requests_per_s = \"rate_rps * (1 + drift)\"\ntokens_per_s = \"base_tps\"\n"
                     "drift = 0",
                     "drift = 0.01"));
  const Result r = Cli({"validate", path});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "OK: " + path));
  EXPECT_TRUE(Contains(r.err,
                       "warning: limit formula 'expr' of [limits] with the overrides of org "
                       "'bursty' (drift = 0.01) does not compose under lazy updates"));
  EXPECT_TRUE(Contains(r.err, "(63% apart)"));
  EXPECT_TRUE(Lacks(r.err, "of [limits] does not compose"));
  EXPECT_EQ(r.err.find("warning:"), r.err.rfind("warning:"));  // one warning
}

TEST_F(CliTest, ValidatePrintsNothingMoreForAnExpressionThatComposes) {
  const std::string path = Write(
      "composing.toml",
      WithExpr("requests_per_s = \"min(rate_rps * growth^(elapsed_s/60), max(base_rps, 2 * "
               "ok_rps_1m))\"\ntokens_per_s = \"max(base_tps, 2 * ok_tps_1m)\"\ngrowth = 1.5",
               "growth = 2"));
  const Result r = Cli({"validate", path});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "OK: " + path));
  EXPECT_EQ(r.err, "");
}

TEST_F(CliTest, ValidateCountsInTheSingularForOne) {
  std::string text = kTinyScenario;
  text.erase(text.find("[[orgs]]\nname = \"bursty\""),
             text.find("[[policies]]") - text.find("[[orgs]]\nname = \"bursty\""));
  text.erase(text.find("\n[[policies]]\ntype = \"fifo\""));
  const std::string one = Write("one.toml", text);
  const Result r = Cli({"validate", one});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(testing::FirstLine(r.out), "OK: " + one + ": 1 model, 1 org, 1 traffic stream, 1 policy, 20s\n");
}

TEST_F(CliTest, ValidateAppliesOverrides) {
  const Result r = Cli({"validate", tiny_, "--set", "run.duration=90m"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "2 policies, 90m\n"));
}

TEST_F(CliTest, ValidatePrintsEveryErrorWithFileLineAndColumn) {
  std::string text = kTinyScenario;
  text.replace(text.find("concurrency = 2"), 15, "concurrency = \"two\"");
  text.replace(text.find("seed = 3"), 8, "sed = 3");
  const std::string bad = Write("bad.toml", text);
  const Result r = Cli({"validate", bad});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_TRUE(Contains(r.err, bad + ":5:1: error: unknown key 'sed'"));
  EXPECT_TRUE(Contains(r.err, bad + ":10:15: error: 'concurrency'"));
}

TEST_F(CliTest, AMisspeltVariableInAnExpressionExitsTwoAndWritesNothing) {
  std::string text = kTinyScenario;
  text.replace(text.find("[[models]]"), 10,
               "[limits]\nformula = \"expr\"\nrequests_per_s = \"max(base_rps, ok_rps10m)\"\n"
               "tokens_per_s = \"base_tps\"\n\n[[models]]");
  const std::string bad = Write("bad_expr.toml", text);
  const Result r = Cli({"run", bad, "--out", Path("out")});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out, "");
  // Line 10; the expression starts at column 19 and the name at its offset 14.
  EXPECT_TRUE(
      Contains(r.err, bad + ":10:33: error: 'requests_per_s' in [limits]: column 15 of the expression"));
  EXPECT_TRUE(Contains(r.err, "did you mean 'ok_rps_10m'?"));
  EXPECT_TRUE(Outputs().empty());
}

TEST_F(CliTest, ValidateReportsASyntaxErrorAndAMissingFile) {
  const std::string broken = Write("broken.toml", "[run\n");
  const Result syntax = Cli({"validate", broken});
  EXPECT_EQ(syntax.code, 2);
  EXPECT_TRUE(Contains(syntax.err, broken + ":1:"));
  const Result missing = Cli({"validate", Path("absent.toml")});
  EXPECT_EQ(missing.code, 2);
  EXPECT_TRUE(Contains(missing.err, "error: cannot open scenario file '" + Path("absent.toml")));
}

// --- policies and formulas ---------------------------------------------------------------------------

TEST(Cli, PoliciesListsEveryRegisteredPolicyWithItsParameters) {
  const Result r = Cli({"policies"});
  EXPECT_EQ(r.code, 0);
  for (const PolicyInfo& info : Policies()) {
    EXPECT_TRUE(Contains(r.out, info.name + "  "));
    for (const ParamSpec& param : info.params) {
      EXPECT_TRUE(Contains(r.out, param.name));
      EXPECT_TRUE(Contains(r.out, param.help));
    }
  }
}

TEST(Cli, FormulasListsEveryRegisteredFormulaWithItsDefaults) {
  const Result r = Cli({"formulas"});
  EXPECT_EQ(r.code, 0);
  for (const FormulaInfo& info : Formulas()) {
    EXPECT_TRUE(Contains(r.out, info.name));
    for (const ParamSpec& param : info.params) {
      EXPECT_TRUE(Contains(r.out, param.name));
      EXPECT_TRUE(Contains(r.out, param.help));
    }
  }
  // A written formula lists its expressions and every variable they may use.
  EXPECT_TRUE(Contains(r.out, "requests_per_s = \"<expression>\""));
  for (const ExprFormula::Variable& variable : ExprFormula::Variables()) {
    EXPECT_TRUE(Contains(r.out, variable.name));
    EXPECT_TRUE(Contains(r.out, variable.help));
  }
  // Defaults as a scenario writes them: the earned formula's window is a duration.
  EXPECT_TRUE(Contains(r.out, "window             duration            10m"));
  // Ranges from the spec, so the listing shows the bounds that are enforced, and no others.
  EXPECT_TRUE(Contains(r.out, "0.7  in (0, 1]    "));  // aimd's decrease
  EXPECT_TRUE(Contains(r.out, "1s  > 0s, <= window "));  // peak_window's bucket
  for (const FormulaInfo& info : Formulas()) {
    for (const ParamSpec& param : info.params) {
      EXPECT_TRUE(Contains(r.out, RangeText(param))) << param.name;
      EXPECT_TRUE(Lacks(param.help, "at most")) << info.name << " " << param.name;
    }
  }
}

// --- run and compare ---------------------------------------------------------------------------------

TEST_F(CliTest, CompareRunsEveryPolicyAndPrintsOneTable) {
  const Result r = Cli({"compare", tiny_});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_TRUE(Contains(r.out, tiny_ + " (tiny): seed 3, duration 20s"));
  EXPECT_TRUE(Contains(r.out, "\nnone "));
  EXPECT_TRUE(Contains(r.out, "\nfifo-5s "));
  EXPECT_TRUE(Contains(r.out, "per org:"));
  EXPECT_TRUE(Contains(r.out, "\nbursty  fifo-5s "));
  EXPECT_TRUE(Lacks(r.out, "wrote"));
  EXPECT_TRUE(Outputs().empty());
}

TEST_F(CliTest, CompareWithOutWritesEveryReport) {
  const std::string out = Path("results");
  const Result r = Cli({"compare", tiny_, "--policies", "fifo-5s, none", "--threads", "2", "--out",
                        out});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "wrote summary.json, timeseries.csv, run.json, plots.svg to " + out));
  // The asked order, not the file order.
  EXPECT_LT(r.out.find("\nfifo-5s "), r.out.find("\nnone "));
  const std::string summary = Read(out + "/summary.json");
  EXPECT_LT(summary.find("\"fifo-5s\": {"), summary.find("\"none\": {"));
  EXPECT_TRUE(Contains(summary, "\"bursty\": {"));
  const std::string csv = Read(out + "/timeseries.csv");
  EXPECT_EQ(csv.rfind("policy,time_s,metric,org,model,value\n", 0), 0u);
  EXPECT_TRUE(Contains(csv, "\nnone,5,offered,steady,m,"));
  EXPECT_TRUE(Contains(csv, "\nfifo-5s,5,utilisation,,m,"));
  const std::string run = Read(out + "/run.json");
  EXPECT_TRUE(Contains(run, "\"path\": \"" + tiny_ + "\""));
  EXPECT_TRUE(Contains(run, "\"seed\": 3,"));
  EXPECT_TRUE(Contains(run, "\"--threads\",\n    \"2\""));
  const std::string plots = Read(out + "/plots.svg");
  EXPECT_EQ(plots.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  EXPECT_LT(plots.find(">fifo-5s: requests per second<"),
            plots.find(">none: requests per second<"));
  EXPECT_TRUE(Contains(plots, ">bursty/m<"));  // a rate line per key: the tiny scenario has two
  EXPECT_EQ(Outputs(), std::vector<std::string>{"results"});  // no temporary directory left
}

TEST_F(CliTest, RunDefaultsToTheFirstPolicyAndSeedOverridesTheScenario) {
  const std::string out = Path("run");
  const Result r = Cli({"run", tiny_, "--seed", "11", "--out", out});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "seed 11, duration 20s"));
  EXPECT_TRUE(Contains(r.out, "\nnone "));
  EXPECT_TRUE(Lacks(r.out, "fifo-5s"));
  EXPECT_TRUE(Contains(Read(out + "/run.json"), "\"seed\": 11,"));
  EXPECT_TRUE(Contains(Read(out + "/summary.json"), "\"seed\": 11,"));
}

TEST_F(CliTest, RunPicksAPolicyByLabel) {
  const Result r = Cli({"run", tiny_, "--policy=fifo-5s", "--set", "run.duration=10s"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "\nfifo-5s "));
  EXPECT_TRUE(Contains(r.out, "duration 10s"));
  EXPECT_TRUE(Lacks(r.out, "\nnone "));
}

TEST_F(CliTest, CompareWithReplicationsReportsMeansAndIntervals) {
  const std::string out = Path("rep");
  const Result r = Cli({"compare", tiny_, "--replications", "3", "--out", out});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "seed 3, duration 20s, 3 replications"));
  EXPECT_TRUE(Contains(r.out, "over 3 replications"));
  EXPECT_TRUE(Contains(r.out, "429 share"));
  EXPECT_TRUE(Contains(r.out, "% \u00b1"));
  const std::string summary = Read(out + "/summary.json");
  EXPECT_TRUE(Contains(summary, "\"replications\": 3,"));
  EXPECT_TRUE(Contains(summary, "\"success_rate\": {\n          \"mean\": "));
  EXPECT_TRUE(Contains(summary, "\"ci95\": "));
  EXPECT_TRUE(Contains(summary, "\"runs\": ["));
  const std::string csv = Read(out + "/timeseries.csv");
  EXPECT_EQ(csv.rfind("policy,replication,time_s,metric,org,model,value\n", 0), 0u);
  EXPECT_TRUE(Contains(csv, "\nnone,2,5,offered,steady,m,"));
  const std::string run = Read(out + "/run.json");
  EXPECT_TRUE(Contains(run, "\"replications\": 3,"));
  EXPECT_TRUE(Contains(run, "\"seeds\": [\n    3,\n"));
}

TEST_F(CliTest, OneReplicationWritesExactlyWhatNoFlagWrites) {
  std::vector<std::string> outputs;
  for (const std::vector<std::string>& extra :
       {std::vector<std::string>{}, std::vector<std::string>{"--replications", "1"},
        std::vector<std::string>{"--replications=1", "--threads", "1"}}) {
    const std::string out = Path("out" + std::to_string(outputs.size()));
    std::vector<std::string> args = {"compare", tiny_, "--out", out};
    args.insert(args.end(), extra.begin(), extra.end());
    const Result r = Cli(args);
    ASSERT_EQ(r.code, 0) << r.err;
    const std::string table = r.out.substr(0, r.out.find("wrote "));
    outputs.push_back(table + Read(out + "/summary.json") + Read(out + "/timeseries.csv"));
  }
  EXPECT_EQ(outputs[0], outputs[1]);
  EXPECT_EQ(outputs[0], outputs[2]);
  // The single-run layout: plain numbers, no replication column, no intervals.
  EXPECT_TRUE(Lacks(outputs[0], "\u00b1"));
  EXPECT_TRUE(Lacks(outputs[0], "ci95"));
  // (The terminal's verdict may suggest --replications; the files never mention them.)
  EXPECT_TRUE(Lacks(outputs[0].substr(outputs[0].find("{\n")), "replication"));
  EXPECT_TRUE(Contains(outputs[0], "\"seed\": 3,\n      \"end_time_s\": "));
}

TEST_F(CliTest, ReplicationsGiveTheSameBytesOnAnyNumberOfThreads) {
  std::vector<std::string> outputs;
  for (const std::string threads : {"1", "2", "4"}) {
    const std::string out = Path("t" + threads);
    const Result r = Cli({"compare", tiny_, "--replications", "3", "--threads", threads, "--out",
                          out, "--audit"});
    ASSERT_EQ(r.code, 0) << r.err;
    outputs.push_back(r.out.substr(0, r.out.find("wrote ")) + Read(out + "/summary.json") +
                      Read(out + "/timeseries.csv") + Read(out + "/audit.csv") +
                      Read(out + "/plots.svg"));
  }
  EXPECT_EQ(outputs[0], outputs[1]);
  EXPECT_EQ(outputs[0], outputs[2]);
}

TEST_F(CliTest, PlotsWithReplicationsShowTheFirstWhichIsTheSingleRun) {
  // Replication 0 runs with the scenario's seed: its plots are those of a run without
  // --replications, whichever replication finishes first, but for the title, which says so.
  const Result one = Cli({"compare", tiny_, "--out", Path("one")});
  const Result three =
      Cli({"compare", tiny_, "--replications", "3", "--threads", "3", "--out", Path("three")});
  ASSERT_EQ(one.code, 0) << one.err;
  ASSERT_EQ(three.code, 0) << three.err;
  const std::string single = Read(Path("one") + "/plots.svg");
  const std::string first = Read(Path("three") + "/plots.svg");
  const auto after_title = [](const std::string& svg) {
    return svg.substr(svg.find('\n', svg.find("font-size=\"14\"")));
  };
  EXPECT_EQ(after_title(single), after_title(first));
  EXPECT_TRUE(Contains(first, "seed 3, duration 20s: the first of 3 replications</text>"));
  EXPECT_TRUE(Lacks(single, "replications"));
}

TEST_F(CliTest, AuditIsWrittenWithTheOtherReports) {
  const std::string out = Path("audited");
  const Result r = Cli({"run", tiny_, "--audit", "--out", out});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Contains(
      r.out, "wrote summary.json, timeseries.csv, run.json, plots.svg, audit.csv to " + out));
  EXPECT_EQ(Read(out + "/audit.csv").rfind(
                "policy,replication,request,attempt,final,org,model,arrival_s,rate_class,"
                "admission,started_s,ended_s,status,error_type,reason,input_tokens,"
                "output_tokens,x-ratelimit-limit,x-ratelimit-remaining,x-ratelimit-reset,"
                "x-tokenlimit-limit,x-tokenlimit-remaining,stream\n",
                0),
            0u);
  EXPECT_EQ(Outputs(), std::vector<std::string>{"audited"});  // no part or temporary file left
}

TEST_F(CliTest, AnUnwritableOutputDirectoryIsAnIoErrorBeforeAnAuditedRun) {
  Write("file", "x");
  const Result r = Cli({"compare", tiny_, "--audit", "--out", Path("file/out")});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(Contains(r.err, "error: cannot write results into '" + Path("file/out") + "': '" +
                                  Path("file") + "' is not a folder"));
  EXPECT_EQ(r.out, "");  // found before running anything
  EXPECT_EQ(Outputs(), std::vector<std::string>{"file"});
}

TEST_F(CliTest, AnUnwritableOutputDirectoryIsAnIoError) {
  Write("file", "x");
  const Result r = Cli({"run", tiny_, "--out", Path("file/out")});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(Contains(r.err, "error: cannot write results into '" + Path("file/out") + "': '" +
                                  Path("file") + "' is not a folder"));
  EXPECT_EQ(Read(Path("file")), "x");
  EXPECT_EQ(Outputs(), std::vector<std::string>{"file"});
}

TEST_F(CliTest, TheBuiltBinaryReturnsTheSameExitCodes) {
  const std::string binary = RATESIM_BINARY;
  const auto exit_code = [](const std::string& command) {
    const int status = std::system((command + " >/dev/null 2>&1").c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  };
  EXPECT_EQ(exit_code(binary + " --version"), 0);
  EXPECT_EQ(exit_code(binary + " validate '" + tiny_ + "'"), 0);
  EXPECT_EQ(exit_code(binary + " validate '" + Path("absent.toml") + "'"), 2);
  EXPECT_EQ(exit_code(binary), 2);
}

}  // namespace
}  // namespace ratesim

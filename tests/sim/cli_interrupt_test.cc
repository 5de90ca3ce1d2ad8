// Ctrl-C and SIGTERM during `ratesim run`, `compare` and `sweep`, loading included, in-process: the
// test requests the cancellation a signal would (RequestCancellation) before the command, which
// then stops at once, exits 130 (SIGINT) or 143 (SIGTERM), says "interrupted; nothing written to
// DIR", and leaves neither DIR nor its staging directory DIR.tmp-<host>-<pid>, nor touches a DIR that
// existed.
#include <sys/stat.h>
#include <sys/wait.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "fmt/format.h"
#include "gtest/gtest.h"
#include "sim/simulate/cancellation.h"
#include "tests/support/cli_fixture.h"

namespace ratesim {
namespace {

using testing::CliResult;
using testing::Entries;
using testing::kTinyTraceScenario;
using testing::ReadFile;
using testing::RunRatesim;
using testing::WriteFile;

class CliInterruptTest : public testing::TinyScenarioTest {
 protected:
  void SetUp() override {
    ClearCancellation();
    TinyScenarioTest::SetUp();
  }
  void TearDown() override { ClearCancellation(); }

  // `args` with the cancellation `signal` requested first; checks what every interrupted command
  // shares.
  CliResult Interrupted(const std::vector<std::string>& args, int signal, const std::string& dir) {
    ClearCancellation();
    RequestCancellation(signal);
    const CliResult r = RunRatesim(args);
    EXPECT_EQ(r.code, 128 + signal) << r.err;
    EXPECT_NE(r.err.find("interrupted; nothing written to " + dir + "\n"), std::string::npos)
        << r.err;
    return r;
  }

  // traces/day.csv, the trace of kTinyTraceScenario, with more rows than the 4096 the trace census
  // reads between its looks at a cancellation.
  void WriteLongTrace() {
    std::filesystem::create_directory(temp_ / "traces");
    std::string rows = "time,org,model,input_tokens,output_tokens\n";
    for (int i = 0; i < 5000; ++i) rows += "0.5,a,m,100,20\n";
    WriteFile(temp_ / "traces/day.csv", rows);
  }
};

TEST_F(CliInterruptTest, AnInterruptedRunLeavesNeitherItsDirectoryNorItsStaging) {
  const std::string out = temp_ / "out";
  Interrupted({"run", tiny_, "--audit", "--out", out}, SIGINT, out);
  EXPECT_EQ(Entries(temp_.path()), std::vector<std::string>{"tiny.toml"});
}

TEST_F(CliInterruptTest, AnInterruptedComparisonOnSeveralThreadsExits143OnSigterm) {
  const std::string out = temp_ / "out";
  const CliResult r = Interrupted({"compare", tiny_, "--threads", "3", "--replications", "4",
                                   "--audit", "--out", out},
                                  SIGTERM, out);
  EXPECT_EQ(r.out, "");  // no table of runs that did not finish
  EXPECT_EQ(Entries(temp_.path()), std::vector<std::string>{"tiny.toml"});
}

TEST_F(CliInterruptTest, AnInterruptedRunLeavesAnExistingDirectoryAsItWas) {
  const std::string out = temp_ / "out";
  ASSERT_EQ(RunRatesim({"run", tiny_, "--audit", "--out", out}).code, 0);
  const std::string summary = ReadFile(out + "/summary.json");
  const std::vector<std::string> before = Entries(out);
  Interrupted({"run", tiny_, "--seed", "9", "--out", out}, SIGINT, out);
  EXPECT_EQ(Entries(out), before);  // audit.csv too: nothing was published
  EXPECT_EQ(ReadFile(out + "/summary.json"), summary);
  EXPECT_EQ(Entries(temp_.path()), (std::vector<std::string>{"out", "tiny.toml"}));
}

TEST_F(CliInterruptTest, AnInterruptedSweepOrShardOnSeveralThreadsWritesNothing) {
  const std::string out = temp_ / "out";
  const std::vector<std::string> sweep = {"sweep", tiny_, "--grid", "run.seed=1,2,3,4",
                                          "--jobs", "2", "--out", out};
  Interrupted(sweep, SIGINT, out);
  std::vector<std::string> shard = sweep;
  shard.insert(shard.end(), {"--shard", "0/2"});
  Interrupted(shard, SIGTERM, out);
  EXPECT_EQ(Entries(temp_.path()), std::vector<std::string>{"tiny.toml"});
}

TEST_F(CliInterruptTest, AnInterruptedMergeWritesNothing) {
  for (const char* shard : {"0/2", "1/2"}) {
    ASSERT_EQ(RunRatesim({"sweep", tiny_, "--grid", "run.seed=1,2", "--shard", shard, "--out",
                          temp_ / "shards"})
                  .code,
              0);
  }
  const std::string out = temp_ / "merged";
  Interrupted({"merge", "--out", out, temp_ / "shards"}, SIGINT, out);
  EXPECT_EQ(Entries(temp_.path()), (std::vector<std::string>{"shards", "tiny.toml"}));
}

// The real thing: the built binary, a run of months that a SIGINT after a second stops.
TEST_F(CliInterruptTest, TheBinaryStopsOnSigintAndRemovesItsStaging) {
  const std::string out = temp_ / "out";
  const std::string command = "timeout --preserve-status -s INT 1 '" + std::string(RATESIM_BINARY) +
                              "' run '" + tiny_ + "' --set run.duration=10000h --set run.resolution=1h --audit --out '" +
                              out + "' >/dev/null 2>'" + (temp_ / "err") + "'";
  const int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  EXPECT_EQ(ReadFile(temp_ / "err"), "interrupted; nothing written to " + out + "\n");
  EXPECT_EQ(Entries(temp_.path()), (std::vector<std::string>{"err", "tiny.toml"}));
}

// Loading reads each trace in full (its census), which stops for a cancellation as a run does, so
// a long trace's load ends as an interrupted run, not as a usage error.
TEST_F(CliInterruptTest, AnInterruptWhileATraceLoadsEndsRunCompareAndSweepAsInterrupted) {
  WriteLongTrace();
  const std::string scenario = WriteFile(temp_ / "trace.toml", kTinyTraceScenario);
  const std::string out = temp_ / "out";
  const CliResult run = Interrupted({"run", scenario, "--out", out}, SIGINT, out);
  EXPECT_EQ(run.err, "interrupted; nothing written to " + out + "\n");
  Interrupted({"compare", scenario, "--audit", "--out", out}, SIGTERM, out);
  Interrupted({"sweep", scenario, "--grid", "run.seed=1,2", "--out", out}, SIGINT, out);
  EXPECT_EQ(Entries(temp_.path()), (std::vector<std::string>{"tiny.toml", "trace.toml", "traces"}));
}

// The real thing while loading. The scenario file is a named pipe, so the test's end of it opens
// once the binary opens it to load it; the SIGINT comes then, and the census of its trace stops
// for it. (With the handler installed only after loading, the signal killed the process, which
// said nothing.)
TEST_F(CliInterruptTest, TheBinaryStopsOnSigintWhileLoading) {
  WriteLongTrace();
  const std::string scenario = temp_ / "trace.toml";
  ASSERT_EQ(::mkfifo(scenario.c_str(), 0600), 0);
  WriteFile(temp_ / "scenario.txt", kTinyTraceScenario);
  const std::string out = temp_ / "out";
  // $$ is the script's process, which `exec` makes the binary's.
  const std::string script = fmt::format(
      R"((
  exec 3>'{scenario}'
  kill -INT $$
  cat '{text}' >&3
) &
exec '{binary}' run '{scenario}' --out '{out}' >/dev/null 2>'{err}'
)",
      fmt::arg("scenario", scenario), fmt::arg("text", temp_ / "scenario.txt"),
      fmt::arg("binary", RATESIM_BINARY), fmt::arg("out", out), fmt::arg("err", temp_ / "err"));
  WriteFile(temp_ / "interrupt.sh", script);
  const int status = std::system(("timeout 60 sh '" + (temp_ / "interrupt.sh") + "'").c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  // timeout exits 130 for a process that SIGINT killed too: the message is what tells them apart.
  EXPECT_EQ(ReadFile(temp_ / "err"), "interrupted; nothing written to " + out + "\n");
  EXPECT_EQ(Entries(temp_.path()), (std::vector<std::string>{"err", "interrupt.sh", "scenario.txt",
                                                             "tiny.toml", "trace.toml", "traces"}));
}

TEST_F(CliInterruptTest, WithoutOutAnInterruptedRunSaysInterrupted) {
  RequestCancellation(SIGINT);
  const CliResult r = RunRatesim({"compare", tiny_});
  EXPECT_EQ(r.code, 130);
  EXPECT_EQ(r.err, "interrupted\n");
}

}  // namespace
}  // namespace ratesim

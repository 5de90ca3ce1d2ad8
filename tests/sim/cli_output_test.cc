// What `ratesim` leaves in --out DIR: the files of this run and no stale ones of an earlier run of
// the same command (an audit.csv without --audit, shard files beside a whole sweep's results),
// while other files stay; and an --out that cannot be written fails at once, before any run.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/support/cli_fixture.h"

namespace ratesim {
namespace {

using testing::CliResult;
using testing::Entries;
using testing::ReadFile;
using testing::RunRatesim;
using testing::WriteFile;

class CliOutputTest : public testing::TinyScenarioTest {};

// A folder never mixes the results of two commands: what another ratesim command wrote there and
// this one does not write goes (an old audit.csv, an earlier sweep's files), but for shards, which
// only a sweep supersedes; the user's own files stay.
TEST_F(CliOutputTest, ARunRemovesWhatEarlierCommandsWroteThereAndKeepsOtherFiles) {
  const std::string out = temp_ / "out";
  ASSERT_EQ(RunRatesim({"run", tiny_, "--audit", "--out", out}).code, 0);
  WriteFile(out + "/notes.txt", "mine");
  for (const char* command : {"run", "compare"}) {
    WriteFile(out + "/sweep.csv", "an earlier sweep's");
    WriteFile(out + "/sweep-shard-0-of-2.toml", "an earlier shard");
    const CliResult r = RunRatesim({command, tiny_, "--out", out});
    ASSERT_EQ(r.code, 0) << r.err;
    // The shard stays: shards gathered from many machines are the costliest files to lose.
    EXPECT_EQ(Entries(out), (std::vector<std::string>{"notes.txt", "plots.svg", "run.json",
                                                      "summary.json", "sweep-shard-0-of-2.toml",
                                                      "timeseries.csv"}))
        << command;
  }
  EXPECT_EQ(ReadFile(out + "/notes.txt"), "mine");
  EXPECT_EQ(Entries(temp_.path()), (std::vector<std::string>{"out", "tiny.toml"}));
  // And the other way: a sweep into the folder removes the run's reports (and the shard it
  // supersedes), and so does a shard.
  ASSERT_EQ(RunRatesim({"sweep", tiny_, "--out", out}).code, 0);
  EXPECT_EQ(Entries(out), (std::vector<std::string>{"notes.txt", "sweep.csv", "sweep.json", "sweep.svg"}));
  ASSERT_EQ(RunRatesim({"run", tiny_, "--out", out}).code, 0);
  ASSERT_EQ(RunRatesim({"sweep", tiny_, "--grid", "run.seed=1,2", "--shard", "0/2", "--out", out}).code, 0);
  EXPECT_EQ(Entries(out), (std::vector<std::string>{"notes.txt", "sweep-shard-0-of-2.toml"}));
}

TEST_F(CliOutputTest, AShardRemovesStaleSweepResultsAndOtherShardingsButKeepsItsSiblings) {
  const std::string out = temp_ / "out";
  const std::vector<std::string> sweep = {"sweep", tiny_, "--grid", "run.seed=1,2,3", "--out", out};
  ASSERT_EQ(RunRatesim(sweep).code, 0);
  WriteFile(out + "/sweep-shard-0-of-3.toml", "an earlier sharding");
  WriteFile(out + "/sweep-shard-1-of-12.toml", "an earlier sharding");
  WriteFile(out + "/sweep-shard-1-of-2.toml", "a sibling");
  WriteFile(out + "/notes.txt", "mine");
  std::vector<std::string> shard = sweep;
  shard.insert(shard.end(), {"--shard", "0/2"});
  const CliResult r = RunRatesim(shard);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(Entries(out), (std::vector<std::string>{"notes.txt", "sweep-shard-0-of-2.toml",
                                                    "sweep-shard-1-of-2.toml"}));
}

TEST_F(CliOutputTest, AWholeSweepRemovesShardFilesButMergeKeepsItsShards) {
  const std::string out = temp_ / "out";
  const std::vector<std::string> sweep = {"sweep", tiny_, "--grid", "run.seed=1,2", "--out", out};
  for (const char* shard : {"0/2", "1/2"}) {
    std::vector<std::string> args = sweep;
    args.insert(args.end(), {"--shard", shard});
    ASSERT_EQ(RunRatesim(args).code, 0);
  }
  const std::vector<std::string> merged = {"sweep-shard-0-of-2.toml", "sweep-shard-1-of-2.toml",
                                           "sweep.csv", "sweep.json", "sweep.svg"};
  // Merged into the folder of its shards: they are its inputs, and stay.
  ASSERT_EQ(RunRatesim({"merge", "--out", out, out}).code, 0);
  EXPECT_EQ(Entries(out), merged);
  const CliResult r = RunRatesim(sweep);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(Entries(out), (std::vector<std::string>{"sweep.csv", "sweep.json", "sweep.svg"}));
}

TEST_F(CliOutputTest, AnOutThatIsAFileFailsBeforeAnythingRuns) {
  const std::string file = WriteFile(temp_ / "file", "x");
  ASSERT_EQ(RunRatesim({"sweep", tiny_, "--grid", "run.seed=1,2", "--shard", "0/2", "--out",
                        temp_ / "shards"})
                .code,
            0);
  const std::vector<std::vector<std::string>> commands = {
      {"run", tiny_, "--out", file},
      {"compare", tiny_, "--audit", "--out", file},
      {"sweep", tiny_, "--grid", "run.seed=1,2", "--out", file},
      {"sweep", tiny_, "--grid", "run.seed=1,2", "--shard", "1/2", "--out", file},
      {"merge", "--out", file, temp_ / "shards"},
  };
  for (const std::vector<std::string>& args : commands) {
    const CliResult r = RunRatesim(args);
    EXPECT_EQ(r.code, 1) << args[0];
    EXPECT_EQ(r.err, "error: cannot write results into '" + file + "': it is a file, not a folder; "
                     "give --out a folder's path (a new one is made), or move the file out of the way\n")
        << args[0];
    EXPECT_EQ(r.out, "") << args[0];  // no table: nothing ran
  }
  EXPECT_EQ(ReadFile(file), "x");
  EXPECT_EQ(Entries(temp_.path()), (std::vector<std::string>{"file", "shards", "tiny.toml"}));
}

// `--out file/sub` cannot be made while `file` is a file; the error names the path as given and the
// file in the way, not the staging folder ratesim failed to create inside it.
TEST_F(CliOutputTest, AnOutUnderAFileNamesThatFileBeforeAnythingRuns) {
  const std::string file = WriteFile(temp_ / "file", "x");
  const std::string out = file + "/sub";
  ASSERT_EQ(RunRatesim({"sweep", tiny_, "--grid", "run.seed=1,2", "--shard", "0/2", "--out",
                        temp_ / "shards"})
                .code,
            0);
  const std::vector<std::vector<std::string>> commands = {
      {"run", tiny_, "--out", out},
      {"compare", tiny_, "--audit", "--out", out},
      {"sweep", tiny_, "--grid", "run.seed=1,2", "--out", out},
      {"merge", "--out", out, temp_ / "shards"},
  };
  for (const std::vector<std::string>& args : commands) {
    const CliResult r = RunRatesim(args);
    EXPECT_EQ(r.code, 1) << args[0];
    EXPECT_EQ(r.err, "error: cannot write results into '" + out + "': '" + file +
                         "' is not a folder; choose a path under a folder, or move '" + file +
                         "' out of the way\n")
        << args[0];
    EXPECT_EQ(r.out, "") << args[0];
  }
  EXPECT_EQ(ReadFile(file), "x");
  EXPECT_EQ(Entries(temp_.path()), (std::vector<std::string>{"file", "shards", "tiny.toml"}));
}

}  // namespace
}  // namespace ratesim

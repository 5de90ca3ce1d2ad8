// A sweep split into four shards run by GNU parallel through the built binary, as a user would on
// one machine, merges to exactly the bytes of the unsharded run.
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "tests/support/cli_fixture.h"

namespace ratesim {
namespace {

int Shell(const std::string& command) {
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(SweepUnderGnuParallel, FourShardsMergeToTheUnshardedBytes) {
  const std::string parallel = "/usr/bin/parallel";
  if (!std::filesystem::exists(parallel)) {
    GTEST_SKIP() << "GNU parallel is not installed (tools/install-deps.sh installs it)";
  }
  testing::TempDir dir;
  const std::string scenario = testing::WriteFile(dir / "tiny.toml", testing::kTinyScenario);
  const std::string binary = RATESIM_BINARY;
  // 3 x 2 points, 2 policies, 2 replications: 12 rows, more points than shards.
  const std::string sweep = "'" + binary + "' sweep '" + scenario +
                            "' --grid models.0.concurrency=1,2,3 --grid policies.1.max_wait=1s,5s"
                            " --replications 2 --jobs 1";
  // PARALLEL_HOME keeps parallel's scratch files in the test's directory, not in $HOME.
  const std::string sharded = "PARALLEL_HOME='" + (dir / ".parallel") + "' " + parallel +
                              " --will-cite --halt now,fail=1 -j 2 " + sweep +
                              " --shard {}/4 --out '" + dir.path() + "/shard-{}' ::: 0 1 2 3";
  ASSERT_EQ(Shell(sharded + " >/dev/null"), 0) << sharded;
  const std::string merge = "'" + binary + "' merge --out '" + (dir / "merged") + "' '" +
                            (dir / "shard-0") + "' '" + (dir / "shard-1") + "' '" +
                            (dir / "shard-2") + "' '" + (dir / "shard-3") + "'";
  ASSERT_EQ(Shell(merge + " >/dev/null"), 0) << merge;
  ASSERT_EQ(Shell(sweep + " --out '" + (dir / "full") + "' >/dev/null"), 0);
  for (const char* name : {"sweep.csv", "sweep.json", "sweep.svg"}) {
    const std::string full = testing::ReadFile(dir / (std::string("full/") + name));
    EXPECT_FALSE(full.empty());
    EXPECT_EQ(testing::ReadFile(dir / (std::string("merged/") + name)), full) << name;
  }
  // The header plus 6 points x 2 policies.
  EXPECT_EQ(testing::Lines(testing::ReadFile(dir / "full/sweep.csv")).size(), 1u + 6 * 2);
}

}  // namespace
}  // namespace ratesim

// --seed takes what run.seed holds: a whole number from 0 to 2^63 - 1 (a TOML integer is signed 64
// bits). Beyond that, every command that takes --seed states that range, before anything runs.
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

class SeedFlagTest : public testing::TinyScenarioTest {};

TEST_F(SeedFlagTest, ASeedAboveTheMaximumStatesTheRange) {
  const std::string out = temp_ / "out";
  // 2^64, 2^63, and one with too many digits for any integer.
  for (const std::string seed : {"18446744073709551616", "9223372036854775808",
                                 "99999999999999999999999"}) {
    const std::vector<std::vector<std::string>> commands = {
        {"run", tiny_, "--seed", seed, "--out", out},
        {"compare", tiny_, "--seed=" + seed},
        {"sweep", tiny_, "--grid", "run.duration=10s,20s", "--seed", seed, "--out", out},
    };
    for (const std::vector<std::string>& args : commands) {
      const CliResult r = RunRatesim(args);
      EXPECT_EQ(r.code, 2) << args[0] << " " << seed;
      EXPECT_EQ(r.err, "error: flag '--seed' needs a whole number from 0 to 9223372036854775807, "
                       "got '" + seed + "'\n")
          << args[0];
      EXPECT_EQ(r.out, "") << args[0];
    }
  }
  EXPECT_EQ(Entries(temp_.path()), std::vector<std::string>{"tiny.toml"});
}

TEST_F(SeedFlagTest, TheMaximumSeedRuns) {
  const std::string out = temp_ / "out";
  const CliResult r = RunRatesim({"run", tiny_, "--seed", "9223372036854775807", "--out", out});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(ReadFile(out + "/run.json").find("\"seed\": 9223372036854775807"), std::string::npos)
      << ReadFile(out + "/run.json");
}

}  // namespace
}  // namespace ratesim

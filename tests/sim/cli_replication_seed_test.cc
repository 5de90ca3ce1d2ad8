// A replication can be rerun alone: every seed run.json lists is one `--seed` takes, and a run with
// it gives exactly that replication's results (its entry in the replicated summary.json).
#include <string>
#include <vector>

#include "fmt/format.h"
#include "gtest/gtest.h"
#include "tests/support/cli_fixture.h"
#include "tests/support/json_reader.h"

namespace ratesim {
namespace {

using testing::Json;
using testing::ParseJson;
using testing::ReadFile;
using testing::RunRatesim;

class ReplicationSeedTest : public testing::TinyScenarioTest {};

// The counts of one run's entry in summary.json, overall and per org, as "key=value" lines.
std::string Counts(const Json& run) {
  std::string counts;
  for (const std::string key : {"offered", "ok", "r429", "r503", "retries"}) {
    counts += fmt::format("overall {}={}\n", key, run["overall"][key].number);
    for (const std::string org : {"steady", "bursty"}) {
      counts += fmt::format("{} {}={}\n", org, key, run["per_org"][org][key].number);
    }
  }
  return counts;
}

TEST_F(ReplicationSeedTest, EverySeedInRunJsonRerunsItsReplicationAlone) {
  const std::string replicated = temp_ / "replicated";
  ASSERT_EQ(RunRatesim({"compare", tiny_, "--policies", "none", "--replications", "4", "--out", replicated}).code, 0);
  const std::optional<Json> run = ParseJson(ReadFile(replicated + "/run.json"));
  const std::optional<Json> summary = ParseJson(ReadFile(replicated + "/summary.json"));
  ASSERT_TRUE(run && summary);
  const std::vector<Json>& seeds = (*run)["seeds"].array;
  ASSERT_EQ(seeds.size(), 4u);
  const std::vector<Json>& runs = (*summary)["policies"]["none"]["runs"].array;
  ASSERT_EQ(runs.size(), 4u);
  for (size_t r = 1; r < seeds.size(); ++r) {
    // Below 2^53, so the double the JSON reader holds is the seed exactly.
    ASSERT_LT(seeds[r].number, 9007199254740992.0);
    const std::string seed = fmt::format("{:.0f}", seeds[r].number);
    EXPECT_EQ(fmt::format("{:.0f}", runs[r]["seed"].number), seed);
    const std::string alone = temp_ / ("alone" + seed);
    const testing::CliResult single = RunRatesim({"run", tiny_, "--policy", "none", "--seed", seed, "--out", alone});
    ASSERT_EQ(single.code, 0) << single.err;
    const std::optional<Json> single_summary = ParseJson(ReadFile(alone + "/summary.json"));
    ASSERT_TRUE(single_summary);
    EXPECT_EQ(Counts((*single_summary)["policies"]["none"]), Counts(runs[r])) << "replication " << r;
  }
}

}  // namespace
}  // namespace ratesim

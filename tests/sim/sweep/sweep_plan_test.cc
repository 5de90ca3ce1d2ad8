// Planning a sweep loads every point's scenario before any runs: the points that replay the same
// trace share one census of it, read once, and a grid over the trace's path reads each file.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "fmt/format.h"
#include "gtest/gtest.h"
#include "sim/sweep/sweep_runner.h"
#include "tests/support/cli_fixture.h"

namespace ratesim {
namespace {

namespace fs = std::filesystem;

class SweepPlanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / fmt::format("ratesim_sweep_plan_{}", getpid());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "traces");
    Write(dir_ / "traces/day.csv", testing::kTinyTrace);
    Write(dir_ / "traces/night.csv", "time,org,model,input_tokens,output_tokens\n1,c,m,1,1\n");
    Write(dir_ / "replay.toml", testing::kTinyTraceScenario);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static void Write(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

  fs::path dir_;
};

TEST_F(SweepPlanTest, PointsOnTheSameTraceShareOneCensus) {
  SweepRequest request;
  request.scenario_paths = {(dir_ / "replay.toml").string()};
  request.grid = {{"models.0.concurrency", {"1", "2", "3"}}};
  const absl::StatusOr<SweepPlan> plan = PlanSweep(request, ShardSpec{});
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->scenarios.size(), 3u);
  const TraceCensus* census = plan->scenarios[0].traces[0].census.get();
  ASSERT_NE(census, nullptr);
  EXPECT_EQ(census->keys.size(), 2u);  // a and b
  EXPECT_EQ(plan->scenarios[1].traces[0].census.get(), census);
  EXPECT_EQ(plan->scenarios[2].traces[0].census.get(), census);
}

TEST_F(SweepPlanTest, AGridOverTheTracePathReadsEachFile) {
  SweepRequest request;
  request.scenario_paths = {(dir_ / "replay.toml").string()};
  request.grid = {{"traces.0.path", {"\"traces/day.csv\"", "\"traces/night.csv\""}}};
  const absl::StatusOr<SweepPlan> plan = PlanSweep(request, ShardSpec{});
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->scenarios.size(), 2u);
  ASSERT_EQ(plan->scenarios[1].traces[0].census->keys.size(), 1u);
  EXPECT_EQ(plan->scenarios[1].traces[0].census->keys[0].org, "c");
  EXPECT_EQ(plan->scenarios[0].traces[0].census->keys.size(), 2u);
  EXPECT_EQ(plan->definition.traces.size(), 2u);  // both files' hashes in sweep.json
}

}  // namespace
}  // namespace ratesim

// The bundled scenario files: each one loads, and each one's comment states an answer that the run
// must actually give. Plus byte-for-byte determinism of the command's output.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sim/cli/cli.h"
#include "sim/report/composition_warning.h"
#include "sim/report/floor_warning.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/simulate/runner.h"

namespace ratesim {
namespace {

namespace fs = std::filesystem;

std::string SourcePath(const std::string& relative) {
  return std::string(RATESIM_SOURCE_DIR) + "/" + relative;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(ScenarioFiles, EveryBundledScenarioLoadsAndStatesAQuestionAndAnAnswer) {
  int files = 0;
  for (const std::string folder : {"scenarios", "bench/scenarios"}) {
    for (const fs::directory_entry& entry : fs::directory_iterator(SourcePath(folder))) {
      if (entry.path().extension() != ".toml") continue;
      ++files;
      absl::StatusOr<Scenario> scenario = LoadScenarioFile(entry.path().string());
      EXPECT_TRUE(scenario.ok()) << scenario.status();
      if (folder == std::string("scenarios")) {
        const std::string text = ReadFile(entry.path());
        EXPECT_NE(text.find("# Question:"), std::string::npos) << entry.path();
        EXPECT_NE(text.find("# Answer"), std::string::npos) << entry.path();
      }
    }
  }
  EXPECT_GE(files, 2);
}

TEST(ScenarioFiles, EveryBundledFormulaComposesUnderLazyUpdatesAndLeavesTheFloor) {
  // Including expr_formula.toml's hold, whose growth runs only from the moment r503_1m decayed
  // past 1 (60 ln(1 / r503_1m) seconds ago): grown over the whole elapsed time, an update that
  // spanned the release would have grown the held part too.
  for (const std::string folder : {"scenarios", "bench/scenarios"}) {
    for (const fs::directory_entry& entry : fs::directory_iterator(SourcePath(folder))) {
      if (entry.path().extension() != ".toml") continue;
      absl::StatusOr<Scenario> scenario = LoadScenarioFile(entry.path().string());
      ASSERT_TRUE(scenario.ok()) << scenario.status();
      EXPECT_EQ(CompositionWarnings(*scenario), "") << entry.path();
      EXPECT_EQ(FloorWarnings(*scenario), "") << entry.path();  // nor is an expression stuck there
    }
  }
}

const OutcomeCounts& OrgCounts(const RunResult& result, const std::string& org) {
  for (size_t i = 0; i < result.org_names.size(); ++i) {
    if (result.org_names[i] == org) return result.metrics.per_org[i].counts;
  }
  ADD_FAILURE() << "no org " << org;
  return result.metrics.overall.counts;
}

double FinalRateRpm(const RunResult& result, const std::string& org) {
  double rate = -1;
  for (const SeriesPoint& point : result.metrics.series) {
    if (point.metric == SeriesMetric::kRateRpm && point.org != kNoOrg &&
        result.org_names[point.org] == org) {
      rate = point.value;  // rows are in time order; the last one wins
    }
  }
  return rate;
}

// The answer written at the top of scenarios/quickstart.toml.
TEST(ScenarioFiles, QuickstartGivesTheAnswerItsCommentStates) {
  absl::StatusOr<Scenario> scenario = LoadScenarioFile(SourcePath("scenarios/quickstart.toml"));
  ASSERT_TRUE(scenario.ok()) << scenario.status();
  ComparisonOptions options;
  options.keep_series = true;
  absl::StatusOr<std::vector<RunResult>> results =
      RunComparison(*scenario, {"none", "fifo"}, options);
  ASSERT_TRUE(results.ok()) << results.status();
  const RunResult& none = (*results)[0];
  const RunResult& fifo = (*results)[1];

  // Without smoothing, most of each burst fails, as 429: it was above bursty's 1 request/s.
  const OutcomeCounts& bursty = OrgCounts(none, "bursty");
  EXPECT_GT(bursty.r429_request, bursty.offered * 3 / 4);
  EXPECT_LT(bursty.success_rate(), 0.25);
  // steady never exceeds its rate, so what it loses is capacity's fault: 503, never 429.
  const OutcomeCounts& steady = OrgCounts(none, "steady");
  EXPECT_EQ(steady.r429(), 0);
  EXPECT_GT(steady.r503, 0);
  EXPECT_GT(steady.success_rate(), 0.95);

  // The FIFO buffer absorbs every burst: everything succeeds, later.
  EXPECT_EQ(fifo.metrics.overall.counts.ok, fifo.metrics.overall.counts.offered);
  EXPECT_GT(fifo.metrics.overall.latency.Quantile(0.99), 10 * kNanosPerSecond);
  EXPECT_LT(none.metrics.overall.latency.Quantile(0.99), fifo.metrics.overall.latency.Quantile(0.99));

  // Sustained use earns steady a higher limit; bursty's over-rate requests earn nothing.
  EXPECT_GT(FinalRateRpm(fifo, "steady"), 70.0);
  EXPECT_DOUBLE_EQ(FinalRateRpm(fifo, "bursty"), 60.0);
}

// Same scenario, seed and binary: the same bytes, whatever the number of threads.
TEST(ScenarioFiles, CompareWritesIdenticalBytesOnEveryRunAndThreadCount) {
  const fs::path base = fs::temp_directory_path() / ("ratesim-determinism-" + std::to_string(getpid()));
  fs::remove_all(base);
  std::vector<std::string> tables;
  for (const std::string threads : {"1", "2", "1"}) {
    const std::string out = (base / ("out" + std::to_string(tables.size()))).string();
    std::ostringstream stdout_text, stderr_text;
    const int code = RunCli({"ratesim", "compare", SourcePath("scenarios/quickstart.toml"), "--threads",
                             threads, "--out", out},
                            stdout_text, stderr_text);
    ASSERT_EQ(code, 0) << stderr_text.str();
    std::string table = stdout_text.str();
    table = table.substr(0, table.find("wrote "));  // the last line names the output folder
    tables.push_back(table + ReadFile(fs::path(out) / "summary.json") +
                     ReadFile(fs::path(out) / "timeseries.csv") +
                     ReadFile(fs::path(out) / "plots.svg"));
  }
  EXPECT_EQ(tables[0], tables[1]);
  EXPECT_EQ(tables[0], tables[2]);
  EXPECT_GT(tables[0].size(), 1000u);
  fs::remove_all(base);
}

}  // namespace
}  // namespace ratesim

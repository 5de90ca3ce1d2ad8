// timeseries.csv: one long-form row per series point, fields quoted as CSV needs, and a replication
// column only with replications; on runs built by hand (report_runs.h).
#include "sim/report/timeseries_csv.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "sim/metrics/run_metrics.h"
#include "tests/support/cli_fixture.h"
#include "tests/support/report_runs.h"

namespace ratesim {
namespace {

using testing::kMs;
using testing::Lines;
using testing::MakeRun;
using testing::ReplicatedRuns;

TEST(TimeseriesCsv, WritesOneRowPerPointInLongForm) {
  std::ostringstream out;
  WriteTimeseriesCsv({MakeRun("none", 1), MakeRun("fifo", 1)}, out);
  const std::vector<std::string> lines = Lines(out.str());
  ASSERT_EQ(lines.size(), 1u + 2 * 4);
  EXPECT_EQ(lines[0], "policy,time_s,metric,org,model,value");
  EXPECT_EQ(lines[1], "none,10,offered,acme,llama,12");
  EXPECT_EQ(lines[2], "none,10,rate_rpm,\"beta, inc\",mistral,90.5");
  EXPECT_EQ(lines[3], "none,10,utilisation,,llama,0.75");  // per-model: org empty
  EXPECT_EQ(lines[4], "none,20,buffered,,mistral,");       // NaN: empty value
  EXPECT_EQ(lines[5], "fifo,10,offered,acme,llama,12");
}

TEST(TimeseriesCsv, QuotesFieldsThatNeedIt) {
  EXPECT_EQ(CsvField("plain name"), "plain name");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("two\nlines"), "\"two\nlines\"");
  RunResult run{"p\"1", 1, {"o"}, {"m"}, RunMetrics(1, 1)};
  run.metrics.series = {{1500 * kMs, SeriesMetric::kRejected429, 0, 0, 3}};
  std::ostringstream out;
  WriteTimeseriesCsv({run}, out);
  EXPECT_EQ(Lines(out.str()).at(1), "\"p\"\"1\",1.5,429,o,m,3");
}

TEST(TimeseriesCsv, AddsAReplicationColumnOnlyWithReplications) {
  std::ostringstream single;
  WriteTimeseriesCsv(ReplicatedRuns(), single);
  EXPECT_EQ(Lines(single.str()).at(0), "policy,time_s,metric,org,model,value");
  EXPECT_EQ(Lines(single.str()).at(2), "fifo,10,offered,acme,m,95");
  std::ostringstream replicated;
  WriteTimeseriesCsv(ReplicatedRuns(), replicated, 3);
  const std::vector<std::string> lines = Lines(replicated.str());
  ASSERT_EQ(lines.size(), 7u);
  EXPECT_EQ(lines[0], "policy,replication,time_s,metric,org,model,value");
  EXPECT_EQ(lines[1], "fifo,0,10,offered,acme,m,90");
  EXPECT_EQ(lines[3], "fifo,2,10,offered,acme,m,97");
  EXPECT_EQ(lines[4], "none,0,10,offered,acme,m,80");
}

}  // namespace
}  // namespace ratesim

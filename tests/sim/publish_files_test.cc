// Atomic publication of an output directory: PublishFiles and StagedOutput show the files all at
// once or leave the directory as it was, and WriteReports publishes a run's reports that way.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "sim/report/output_dir.h"
#include "sim/report/report_writer.h"
#include "sim/report/run_metadata.h"
#include "sim/report/summary_json.h"
#include "tests/support/cli_fixture.h"
#include "tests/support/report_runs.h"
#include "tests/support/temp_dir.h"

namespace ratesim {
namespace {

using testing::Entries;
using testing::Lines;
using testing::MakeRun;
using testing::ReadFile;
using testing::ReplicatedRuns;
using testing::TempDir;
using testing::WriteFile;

std::vector<OutputFile> Files(const std::string& a, const std::string& b) {
  return {{"a.txt", [a](std::ostream& out) { out << a; }},
          {"b.txt", [b](std::ostream& out) { out << b; }}};
}

bool Exists(const std::string& path) {
  struct stat info;
  return ::lstat(path.c_str(), &info) == 0;
}

TEST(PublishFiles, CreatesTheDirectoryWithEveryFile) {
  TempDir temp;
  const std::string dir = temp / "nested/parents/out";
  ASSERT_TRUE(PublishFiles(dir, Files("one", "two")).ok());
  EXPECT_EQ(Entries(dir), (std::vector<std::string>{"a.txt", "b.txt"}));
  EXPECT_EQ(ReadFile(dir + "/a.txt"), "one");
  EXPECT_EQ(ReadFile(dir + "/b.txt"), "two");
  EXPECT_EQ(Entries(temp / "nested/parents"), (std::vector<std::string>{"out"}));  // no temp left
}

TEST(PublishFiles, ReplacesItsFilesAndKeepsOthers) {
  TempDir temp;
  const std::string dir = temp / "out";
  ASSERT_TRUE(PublishFiles(dir, Files("one", "two")).ok());
  WriteFile(dir + "/notes.md", "mine");
  ASSERT_TRUE(PublishFiles(dir + "/", Files("uno", "dos")).ok());
  EXPECT_EQ(Entries(dir), (std::vector<std::string>{"a.txt", "b.txt", "notes.md"}));
  EXPECT_EQ(ReadFile(dir + "/a.txt"), "uno");
  EXPECT_EQ(ReadFile(dir + "/b.txt"), "dos");
  EXPECT_EQ(ReadFile(dir + "/notes.md"), "mine");
  EXPECT_EQ(Entries(temp.path()), (std::vector<std::string>{"out"}));
}

TEST(PublishFiles, LeavesNothingBehindWhenTheParentIsAFile) {
  TempDir temp;
  WriteFile(temp / "file", "x");
  const absl::Status status = PublishFiles(temp / "file/out", Files("one", "two"));
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("'" + (temp / "file") + "' is not a folder"),
            absl::string_view::npos)
      << status.message();
  EXPECT_EQ(Entries(temp.path()), (std::vector<std::string>{"file"}));
  EXPECT_EQ(ReadFile(temp / "file"), "x");
}

TEST(PublishFiles, LeavesTheDirectoryAsItWasWhenAWriteFails) {
  TempDir temp;
  const std::string dir = temp / "out";
  ASSERT_TRUE(PublishFiles(dir, Files("one", "two")).ok());
  std::vector<OutputFile> files = Files("uno", "dos");
  files[1].write = [](std::ostream& out) {
    out << "half";
    out.setstate(std::ios::badbit);
  };
  const absl::Status status = PublishFiles(dir, files);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("b.txt"), absl::string_view::npos) << status.message();
  EXPECT_EQ(ReadFile(dir + "/a.txt"), "one");
  EXPECT_EQ(ReadFile(dir + "/b.txt"), "two");
  EXPECT_EQ(Entries(temp.path()), (std::vector<std::string>{"out"}));
}

TEST(PublishFiles, RestoresReplacedFilesWhenAMoveFails) {
  TempDir temp;
  const std::string dir = temp / "out";
  // A name of 251 bytes can be written, but its backup ".old.<name>" is too long for the file
  // system (255 bytes), so replacing it fails after a.txt was already replaced.
  const std::string long_name(251, 'n');
  std::vector<OutputFile> files = Files("one", "two");
  files[1].name = long_name;
  ASSERT_TRUE(PublishFiles(dir, files).ok());
  files = Files("uno", "dos");
  files[1].name = long_name;
  const absl::Status status = PublishFiles(dir, files);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find(long_name), absl::string_view::npos);
  EXPECT_EQ(ReadFile(dir + "/a.txt"), "one");
  EXPECT_EQ(ReadFile(dir + "/" + long_name), "two");
  EXPECT_EQ(Entries(dir), (std::vector<std::string>{"a.txt", long_name}));
  EXPECT_EQ(Entries(temp.path()), (std::vector<std::string>{"out"}));
}

TEST(PublishFiles, FailsWhenTheTargetIsAFile) {
  TempDir temp;
  WriteFile(temp / "out", "x");
  const absl::Status status = PublishFiles(temp / "out", Files("one", "two"));
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find(temp / "out"), absl::string_view::npos);
  EXPECT_EQ(ReadFile(temp / "out"), "x");
  EXPECT_EQ(Entries(temp.path()), (std::vector<std::string>{"out"}));
}

TEST(StagedOutput, PublishesOnlyTheNamedFilesIntoANewDirectory) {
  TempDir temp;
  const std::string dir = temp / "out";
  {
    absl::StatusOr<std::unique_ptr<StagedOutput>> output = StagedOutput::Create(dir);
    ASSERT_TRUE(output.ok()) << output.status();
    WriteFile((*output)->StagedPath("built.txt"), "piece by piece");
    WriteFile((*output)->StagedPath(".scratch"), "not for publication");
    ASSERT_TRUE((*output)->Write(Files("one", "two")[0]).ok());
    EXPECT_FALSE(Exists(dir));  // nothing visible before Publish
    ASSERT_TRUE((*output)->Publish({"a.txt", "built.txt"}).ok());
  }
  EXPECT_EQ(Entries(dir), (std::vector<std::string>{"a.txt", "built.txt"}));
  EXPECT_EQ(ReadFile(dir + "/built.txt"), "piece by piece");
  EXPECT_EQ(Entries(temp.path()), (std::vector<std::string>{"out"}));
}

TEST(StagedOutput, PublishesOnlyTheNamedFilesIntoAnExistingDirectory) {
  TempDir temp;
  const std::string dir = temp / "out";
  ASSERT_TRUE(PublishFiles(dir, Files("one", "two")).ok());
  {
    absl::StatusOr<std::unique_ptr<StagedOutput>> output = StagedOutput::Create(dir);
    ASSERT_TRUE(output.ok()) << output.status();
    WriteFile((*output)->StagedPath("a.txt"), "uno");
    WriteFile((*output)->StagedPath(".scratch"), "x");
    ASSERT_TRUE((*output)->Publish({"a.txt"}).ok());
  }
  EXPECT_EQ(Entries(dir), (std::vector<std::string>{"a.txt", "b.txt"}));
  EXPECT_EQ(ReadFile(dir + "/a.txt"), "uno");
  EXPECT_EQ(Entries(temp.path()), (std::vector<std::string>{"out"}));
}

TEST(StagedOutput, LeavesNothingBehindWhenNeverPublished) {
  TempDir temp;
  {
    absl::StatusOr<std::unique_ptr<StagedOutput>> output =
        StagedOutput::Create(temp / "new/parent/out");
    ASSERT_TRUE(output.ok()) << output.status();
    WriteFile((*output)->StagedPath("a.txt"), "half-done");
  }
  EXPECT_TRUE(Entries(temp.path()).empty());
}

TEST(WriteReports, WritesSummaryTimeseriesAndRunMetadata) {
  TempDir temp;
  RunMetadata metadata;
  metadata.scenario_path = "s.toml";
  metadata.policies = {"none"};
  const std::vector<RunResult> runs = {MakeRun("none", 1)};
  ASSERT_TRUE(WriteReports(temp / "out", metadata, runs).ok());
  EXPECT_EQ(Entries(temp / "out"),
            (std::vector<std::string>{"run.json", "summary.json", "timeseries.csv"}));
  EXPECT_EQ(ReadFile(temp / "out/summary.json"), SummaryJson(runs));
  EXPECT_EQ(ReadFile(temp / "out/run.json"), RunJson(metadata));
  EXPECT_EQ(Lines(ReadFile(temp / "out/timeseries.csv")).size(), 5u);
}

TEST(WriteReports, WritesReplicatedReportsWhenTheMetadataSaysSo) {
  TempDir temp;
  RunMetadata metadata;
  metadata.policies = {"fifo", "none"};
  metadata.replications = 3;
  const std::vector<RunResult> runs = ReplicatedRuns();
  ASSERT_TRUE(WriteReports(temp / "out", metadata, runs).ok());
  EXPECT_EQ(ReadFile(temp / "out/summary.json"), SummaryJson(runs, 3));
  EXPECT_EQ(Lines(ReadFile(temp / "out/timeseries.csv")).at(0),
            "policy,replication,time_s,metric,org,model,value");
}

}  // namespace
}  // namespace ratesim

// StagedOutput's handling of files an earlier run left (output_dir.h): the `owned` ones this run
// does not write are removed on Publish, put back if Publish fails; an --out that exists but is no
// directory, or lies under a file, fails at Create.
#include "sim/report/output_dir.h"

#include <filesystem>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/support/cli_fixture.h"

namespace ratesim {
namespace {

using testing::Entries;
using testing::ReadFile;
using testing::WriteFile;

OutputFile Text(const std::string& name, const std::string& text) {
  return {name, [text](std::ostream& out) { out << text; }};
}

bool IsOld(const std::string& name) { return name == "old.txt" || name == "new.txt"; }

TEST(StagedOutputOwned, RemovesOwnedFilesThisRunDidNotWriteAndKeepsOthers) {
  testing::TempDir temp;
  const std::string dir = temp / "out";
  ASSERT_TRUE(PublishFiles(dir, {Text("old.txt", "1"), Text("mine.txt", "2")}).ok());
  ASSERT_TRUE(PublishFiles(dir, {Text("new.txt", "3")}, IsOld).ok());
  EXPECT_EQ(Entries(dir), (std::vector<std::string>{"mine.txt", "new.txt"}));
  EXPECT_EQ(Entries(temp.path()), std::vector<std::string>{"out"});
}

TEST(StagedOutputOwned, PutsRemovedFilesBackWhenPublishFails) {
  testing::TempDir temp;
  const std::string dir = temp / "out";
  // As in report_test.cc: a name of 251 bytes can be written but not its backup ".old.<name>",
  // so its replacement fails after old.txt was moved aside.
  const std::string long_name(251, 'n');
  ASSERT_TRUE(PublishFiles(dir, {Text("old.txt", "1"), Text(long_name, "2")}).ok());
  const absl::Status status =
      PublishFiles(dir, {Text(long_name, "3")}, [](const std::string& name) {
        return name == "old.txt";
      });
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(ReadFile(dir + "/old.txt"), "1");
  EXPECT_EQ(ReadFile(dir + "/" + long_name), "2");
  EXPECT_EQ(Entries(temp.path()), std::vector<std::string>{"out"});
}

TEST(StagedOutputOwned, CreateFailsAtOnceWhenTheDirectoryIsAFile) {
  testing::TempDir temp;
  WriteFile(temp / "out", "x");
  const absl::StatusOr<std::unique_ptr<StagedOutput>> output = StagedOutput::Create(temp / "out");
  ASSERT_FALSE(output.ok());
  EXPECT_EQ(output.status().message(),
            "cannot write results into '" + (temp / "out") + "': it is a file, not a folder; give "
            "--out a folder's path (a new one is made), or move the file out of the way");
  EXPECT_EQ(Entries(temp.path()), std::vector<std::string>{"out"});
}

TEST(StagedOutputOwned, CreateNamesTheFileInTheWayOfADirectoryDeeperDown) {
  testing::TempDir temp;
  const std::string file = WriteFile(temp / "file", "x");
  const std::string dir = file + "/a/b/";
  const absl::StatusOr<std::unique_ptr<StagedOutput>> output = StagedOutput::Create(dir);
  ASSERT_FALSE(output.ok());
  EXPECT_EQ(output.status().message(),
            "cannot write results into '" + dir + "': '" + file +
                "' is not a folder; choose a path under a folder, or move '" + file +
                "' out of the way");
  EXPECT_EQ(Entries(temp.path()), std::vector<std::string>{"file"});
}

// A folder nothing may be created in (/proc takes no new entries, even from root): the error names
// the --out given, not the staging folder, and says what to do.
TEST(StagedOutputOwned, CreateNamesTheOutputFolderWhereNoFolderCanBeMade) {
  if (!std::filesystem::is_directory("/proc/self")) GTEST_SKIP() << "no /proc";
  const absl::StatusOr<std::unique_ptr<StagedOutput>> output = StagedOutput::Create("/proc/ratesim-out");
  ASSERT_FALSE(output.ok());
  const std::string message(output.status().message());
  EXPECT_EQ(message.rfind("cannot write results into '/proc/ratesim-out': cannot create a folder in '/proc': ", 0), 0u)
      << message;
  EXPECT_EQ(message.find(".tmp-"), std::string::npos) << message;
  EXPECT_NE(message.find("; give --out a folder you can write to"), std::string::npos) << message;
}

}  // namespace
}  // namespace ratesim

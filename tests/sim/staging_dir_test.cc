// Staging folders: named by host and pid, and the ones killed processes of this host left beside an
// output folder are removed when a command next writes there; nothing else is.
#include "sim/report/staging_dir.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <filesystem>
#include <string>
#include <vector>

#include "fmt/format.h"
#include "gtest/gtest.h"
#include "sim/report/output_dir.h"
#include "tests/support/cli_fixture.h"

namespace ratesim {
namespace {

using testing::Entries;

std::string Host() {
  char name[HOST_NAME_MAX + 1] = {};
  EXPECT_EQ(::gethostname(name, sizeof(name) - 1), 0);
  return name;
}

// The pid of a process that has ended (and been reaped).
pid_t EndedPid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  int status = 0;
  ::waitpid(child, &status, 0);
  return child;
}

TEST(StagingDir, IsBesideTheFolderAndNamedByHostAndPid) {
  EXPECT_EQ(StagingPath("/data/out"), fmt::format("/data/out.tmp-{}-{}", Host(), ::getpid()));
}

TEST(StagingDir, AKilledProcesssFolderGoesWhenACommandNextWritesThere) {
  testing::TempDir temp;
  const std::string out = temp / "out";
  const std::string host = Host();
  const std::string abandoned = fmt::format("{}.tmp-{}-{}", out, host, EndedPid());
  const std::string running = fmt::format("{}.tmp-{}-{}", out, host, ::getppid());
  const std::string elsewhere = fmt::format("{}.tmp-{}x-{}", out, host, EndedPid());
  const std::string other_folder = fmt::format("{}2.tmp-{}-{}", out, host, EndedPid());
  for (const std::string& dir : {abandoned, running, elsewhere, other_folder}) {
    std::filesystem::create_directories(dir + "/part");
    testing::WriteFile(dir + "/part/audit.csv", "rows");
  }
  testing::WriteFile(temp / "out.tmp-notes", "mine");
  ASSERT_TRUE(PublishFiles(out, {{"a.txt", [](std::ostream& o) { o << "a"; }}}).ok());
  // The ended process's folder is gone; a running process's, another host's, another output
  // folder's and anything not named as a staging folder stay.
  std::vector<std::string> expected = {"out", "out.tmp-notes"};
  for (const std::string& dir : {running, elsewhere, other_folder}) {
    expected.push_back(std::filesystem::path(dir).filename().string());
  }
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(Entries(temp.path()), expected) << "abandoned: " << abandoned;
}

}  // namespace
}  // namespace ratesim

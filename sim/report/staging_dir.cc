#include "sim/report/staging_dir.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <filesystem>
#include <system_error>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/match.h"
#include "fmt/format.h"

namespace ratesim {
namespace {

namespace fs = std::filesystem;

std::string HostName() {
  char name[HOST_NAME_MAX + 1] = {};
  if (::gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') return "host";
  return name;
}

// "<dir>.tmp-<host>-": what every staging folder of `dir` made on this host starts with.
std::string StagingPrefix(const std::string& dir) { return fmt::format("{}.tmp-{}-", dir, HostName()); }

// Whether no process `pid` runs on this host (a pid that exists but is another user's is running).
bool Gone(pid_t pid) { return ::kill(pid, 0) != 0 && errno == ESRCH; }

}  // namespace

std::string StagingPath(const std::string& dir) {
  return fmt::format("{}{}", StagingPrefix(dir), ::getpid());
}

void RemoveAbandonedStaging(const std::string& dir) {
  const fs::path prefix(StagingPrefix(dir));
  const fs::path parent = prefix.parent_path().empty() ? fs::path(".") : prefix.parent_path();
  const std::string name_prefix = prefix.filename().string();
  // Gathered first, then removed: a folder is not changed while its entries are being listed.
  std::vector<fs::path> abandoned;
  std::error_code error;
  for (fs::directory_iterator it(parent, error), end; !error && it != end; it.increment(error)) {
    const std::string name = it->path().filename().string();
    if (!absl::StartsWith(name, name_prefix)) continue;
    const std::string digits = name.substr(name_prefix.size());
    int pid = 0;
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos ||
        !absl::SimpleAtoi(digits, &pid) || pid <= 0 || pid == ::getpid() || !Gone(pid)) {
      continue;
    }
    abandoned.push_back(it->path());
  }
  for (const fs::path& path : abandoned) {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
}

}  // namespace ratesim

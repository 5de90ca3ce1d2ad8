#include "sim/report/output_dir.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "fmt/format.h"

namespace ratesim {
namespace {

namespace fs = std::filesystem;

absl::Status IoError(int error, const std::string& what) {
  return absl::ErrnoToStatus(error != 0 ? error : EIO, what);
}

bool Exists(const fs::path& path) {
  struct stat info;
  return ::lstat(path.c_str(), &info) == 0;
}

// Undoes what it was told it did, in reverse order, unless Commit() was called.
class Rollback {
 public:
  ~Rollback() {
    if (committed_) return;
    for (auto it = restores_.rbegin(); it != restores_.rend(); ++it) {
      if (it->backup.empty()) {
        ::unlink(it->target.c_str());
      } else {
        std::rename(it->backup.c_str(), it->target.c_str());
      }
    }
    std::error_code ignored;
    if (!temp_dir_.empty()) fs::remove_all(temp_dir_, ignored);
    for (auto it = created_dirs_.rbegin(); it != created_dirs_.rend(); ++it) ::rmdir(it->c_str());
  }
  void CreatedDir(const fs::path& dir) { created_dirs_.push_back(dir); }
  void CreatedTempDir(const fs::path& dir) { temp_dir_ = dir; }
  // `target` now holds a new file; the file it held before, if any, is at `backup` (empty if none).
  void Replaced(const fs::path& target, const fs::path& backup) {
    restores_.push_back({target, backup});
  }
  void Commit() { committed_ = true; }

 private:
  struct Restore {
    fs::path target;
    fs::path backup;
  };
  bool committed_ = false;
  std::vector<fs::path> created_dirs_;  // parents, outermost first
  fs::path temp_dir_;
  std::vector<Restore> restores_;
};

// Creates the missing ancestors of `dir` (not `dir` itself), outermost first.
absl::Status CreateParents(const fs::path& dir, Rollback& rollback) {
  std::vector<fs::path> missing;
  for (fs::path parent = dir.parent_path(); !parent.empty() && !Exists(parent);
       parent = parent.parent_path()) {
    missing.push_back(parent);
    if (parent == parent.parent_path()) break;
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (::mkdir(it->c_str(), 0777) != 0) {
      return IoError(errno, fmt::format("cannot create directory '{}'", it->string()));
    }
    rollback.CreatedDir(*it);
  }
  return absl::OkStatus();
}

absl::Status WriteFile(const fs::path& path, const OutputFile& file) {
  errno = 0;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return IoError(errno, fmt::format("cannot create '{}'", path.string()));
  file.write(out);
  out.flush();
  const bool written = out.good();
  const int error = errno;
  out.close();
  if (!written || out.fail()) {
    return IoError(written ? errno : error, fmt::format("cannot write '{}'", path.string()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status PublishFiles(const std::string& dir_arg, const std::vector<OutputFile>& files) {
  fs::path dir = fs::path(dir_arg).lexically_normal();
  if (dir.empty()) return absl::InvalidArgumentError("empty output directory");
  if (!dir.has_filename()) dir = dir.parent_path();  // "out/" -> "out"
  if (dir.filename() == "." || dir.filename() == ".." || dir == dir.root_path()) {
    std::error_code error;
    const fs::path absolute = fs::weakly_canonical(fs::absolute(dir, error), error);
    if (error) return IoError(error.value(), fmt::format("cannot resolve '{}'", dir_arg));
    dir = absolute;
  }
  const fs::path temp = fs::path(fmt::format("{}.tmp-{}", dir.string(), ::getpid()));

  Rollback rollback;
  if (absl::Status status = CreateParents(dir, rollback); !status.ok()) return status;
  std::error_code ignored;
  fs::remove_all(temp, ignored);  // a leftover of an earlier process that had our pid
  if (::mkdir(temp.c_str(), 0777) != 0) {
    return IoError(errno, fmt::format("cannot create directory '{}'", temp.string()));
  }
  rollback.CreatedTempDir(temp);

  for (const OutputFile& file : files) {
    if (absl::Status status = WriteFile(temp / file.name, file); !status.ok()) return status;
  }

  struct stat info;
  if (::stat(dir.c_str(), &info) != 0) {
    if (errno != ENOENT) return IoError(errno, fmt::format("cannot access '{}'", dir.string()));
    if (std::rename(temp.c_str(), dir.c_str()) != 0) {
      return IoError(errno, fmt::format("cannot rename '{}' to '{}'", temp.string(), dir.string()));
    }
    rollback.Commit();
    return absl::OkStatus();
  }
  if (!S_ISDIR(info.st_mode)) {
    return IoError(ENOTDIR, fmt::format("cannot write results into '{}'", dir.string()));
  }
  for (const OutputFile& file : files) {
    const fs::path target = dir / file.name;
    fs::path backup;
    if (Exists(target)) {
      backup = temp / (".old." + file.name);
      if (std::rename(target.c_str(), backup.c_str()) != 0) {
        return IoError(errno, fmt::format("cannot replace '{}'", target.string()));
      }
    }
    const fs::path source = temp / file.name;
    if (std::rename(source.c_str(), target.c_str()) != 0) {
      const int error = errno;
      if (!backup.empty()) std::rename(backup.c_str(), target.c_str());
      return IoError(error, fmt::format("cannot move '{}' to '{}'", source.string(),
                                        target.string()));
    }
    rollback.Replaced(target, backup);
  }
  rollback.Commit();
  fs::remove_all(temp, ignored);  // now holds only the replaced files
  return absl::OkStatus();
}

}  // namespace ratesim

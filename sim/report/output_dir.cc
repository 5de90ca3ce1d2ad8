#include "sim/report/output_dir.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "fmt/format.h"
#include "sim/report/staging_dir.h"

namespace ratesim {
namespace {

namespace fs = std::filesystem;

absl::Status IoError(int error, const std::string& what) {
  return absl::ErrnoToStatus(error != 0 ? error : EIO, what);
}

// IoError for an --out the command cannot write into, with what to do about it.
absl::Status CannotWriteInto(int error, const std::string& what) {
  const absl::Status status = IoError(error, what);
  return absl::Status(status.code(),
                      fmt::format("{}; give --out a folder you can write to", std::string(status.message())));
}

bool Exists(const fs::path& path) {
  struct stat info;
  return ::lstat(path.c_str(), &info) == 0;
}

// The missing ancestors of `dir` (not `dir` itself), outermost first.
std::vector<fs::path> MissingParents(const fs::path& dir) {
  std::vector<fs::path> missing;
  for (fs::path parent = dir.parent_path(); !parent.empty() && !Exists(parent);
       parent = parent.parent_path()) {
    missing.push_back(parent);
    if (parent == parent.parent_path()) break;
  }
  std::reverse(missing.begin(), missing.end());
  return missing;
}

// The nearest existing ancestor of `dir` when it is not a directory (`file` of `file/sub`), which
// no mkdir can get past; empty when there is none such.
fs::path NonDirectoryAncestor(const fs::path& dir) {
  for (fs::path parent = dir.parent_path(); !parent.empty(); parent = parent.parent_path()) {
    struct stat info;
    if (::stat(parent.c_str(), &info) == 0) return S_ISDIR(info.st_mode) ? fs::path() : parent;
    if (parent == parent.parent_path()) break;
  }
  return {};
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

absl::StatusOr<std::unique_ptr<StagedOutput>> StagedOutput::Create(const std::string& dir_arg) {
  fs::path dir = fs::path(dir_arg).lexically_normal();
  if (dir.empty()) return absl::InvalidArgumentError("empty output directory");
  if (!dir.has_filename()) dir = dir.parent_path();  // "out/" -> "out"
  if (dir.filename() == "." || dir.filename() == ".." || dir == dir.root_path()) {
    std::error_code error;
    const fs::path absolute = fs::weakly_canonical(fs::absolute(dir, error), error);
    if (error) return IoError(error.value(), fmt::format("cannot resolve '{}'", dir_arg));
    dir = absolute;
  }
  // An --out that exists but cannot take the results is found now, before the runs it would
  // otherwise wait for.
  struct stat info;
  if (::stat(dir.c_str(), &info) == 0) {
    if (!S_ISDIR(info.st_mode)) {
      return absl::FailedPreconditionError(fmt::format(
          "cannot write results into '{}': it is a file, not a folder; give --out a folder's path "
          "(a new one is made), or move the file out of the way",
          dir_arg));
    }
    if (::access(dir.c_str(), W_OK | X_OK) != 0) {
      return CannotWriteInto(errno, fmt::format("cannot write results into '{}'", dir.string()));
    }
  }
  // Without this, mkdir of the staging directory would fail with a message naming that internal
  // folder, not what the user gave or what is in the way.
  if (const fs::path blocker = NonDirectoryAncestor(dir); !blocker.empty()) {
    return absl::FailedPreconditionError(fmt::format(
        "cannot write results into '{}': '{}' is not a folder; choose a path under a folder, or "
        "move '{}' out of the way",
        dir_arg, blocker.string(), blocker.string()));
  }
  std::unique_ptr<StagedOutput> output(new StagedOutput);
  output->dir_ = dir.string();
  const fs::path temp = fs::path(StagingPath(dir.string()));

  for (const fs::path& parent : MissingParents(dir)) {
    if (::mkdir(parent.c_str(), 0777) != 0) {
      return IoError(errno, fmt::format("cannot create directory '{}'", parent.string()));
    }
    output->created_dirs_.push_back(parent.string());
  }
  RemoveAbandonedStaging(dir.string());
  std::error_code ignored;
  fs::remove_all(temp, ignored);  // a leftover of an earlier process that had our pid
  if (::mkdir(temp.c_str(), 0777) != 0) {
    // Named as the user gave it: the staging folder is ours, not something they can act on.
    return CannotWriteInto(errno, fmt::format("cannot write results into '{}': cannot create a folder in '{}'",
                                              dir_arg, temp.parent_path().string()));
  }
  output->staging_ = temp.string();
  return output;
}

StagedOutput::~StagedOutput() {
  if (!published_) Rollback();
}

void StagedOutput::Rollback() {
  for (auto it = restores_.rbegin(); it != restores_.rend(); ++it) {
    if (it->backup.empty()) {
      ::unlink(it->target.c_str());
    } else {
      std::rename(it->backup.c_str(), it->target.c_str());
    }
  }
  restores_.clear();
  std::error_code ignored;
  if (!staging_.empty()) fs::remove_all(staging_, ignored);
  for (auto it = created_dirs_.rbegin(); it != created_dirs_.rend(); ++it) ::rmdir(it->c_str());
  created_dirs_.clear();
}

absl::Status StagedOutput::Write(const OutputFile& file) {
  return WriteFile(StagedPath(file.name), file);
}

absl::Status StagedOutput::Publish(const std::vector<std::string>& names,
                                   const OwnedFiles& owned) {
  const fs::path dir(dir_);
  const fs::path temp(staging_);
  std::error_code ignored;
  struct stat info;
  if (::stat(dir.c_str(), &info) != 0) {
    if (errno != ENOENT) return IoError(errno, fmt::format("cannot access '{}'", dir.string()));
    // The whole staging directory becomes `dir`: first drop what was not asked for.
    std::error_code error;
    std::vector<fs::path> extra;
    for (const fs::directory_entry& entry : fs::directory_iterator(temp, error)) {
      const std::string name = entry.path().filename().string();
      if (std::find(names.begin(), names.end(), name) == names.end()) extra.push_back(entry.path());
    }
    if (error) return IoError(error.value(), fmt::format("cannot list '{}'", temp.string()));
    for (const fs::path& path : extra) fs::remove_all(path, ignored);
    if (std::rename(temp.c_str(), dir.c_str()) != 0) {
      return IoError(errno, fmt::format("cannot rename '{}' to '{}'", temp.string(), dir.string()));
    }
    published_ = true;
    return absl::OkStatus();
  }
  if (!S_ISDIR(info.st_mode)) {
    return IoError(ENOTDIR, fmt::format("cannot write results into '{}'", dir.string()));
  }
  // What an earlier run of the command left that this one does not replace is moved aside like a
  // replaced file, so that a failure below puts it back.
  std::vector<std::string> stale;
  if (owned) {
    std::error_code error;
    for (const fs::directory_entry& entry : fs::directory_iterator(dir, error)) {
      const std::string name = entry.path().filename().string();
      if (owned(name) && std::find(names.begin(), names.end(), name) == names.end()) {
        stale.push_back(name);
      }
    }
    if (error) return IoError(error.value(), fmt::format("cannot list '{}'", dir.string()));
  }
  for (const std::string& name : stale) {
    const fs::path target = dir / name;
    const fs::path backup = temp / (".old." + name);
    if (std::rename(target.c_str(), backup.c_str()) != 0) {
      return IoError(errno, fmt::format("cannot remove '{}'", target.string()));
    }
    restores_.push_back({target.string(), backup.string()});
  }
  for (const std::string& name : names) {
    const fs::path target = dir / name;
    fs::path backup;
    if (Exists(target)) {
      backup = temp / (".old." + name);
      if (std::rename(target.c_str(), backup.c_str()) != 0) {
        return IoError(errno, fmt::format("cannot replace '{}'", target.string()));
      }
    }
    const fs::path source = temp / name;
    if (std::rename(source.c_str(), target.c_str()) != 0) {
      const int error = errno;
      if (!backup.empty()) std::rename(backup.c_str(), target.c_str());
      return IoError(error, fmt::format("cannot move '{}' to '{}'", source.string(),
                                        target.string()));
    }
    restores_.push_back({target.string(), backup.string()});
  }
  published_ = true;
  fs::remove_all(temp, ignored);  // now holds only the replaced files and unpublished ones
  return absl::OkStatus();
}

absl::Status PublishFiles(const std::string& dir, const std::vector<OutputFile>& files,
                          const OwnedFiles& owned) {
  absl::StatusOr<std::unique_ptr<StagedOutput>> output = StagedOutput::Create(dir);
  if (!output.ok()) return output.status();
  std::vector<std::string> names;
  for (const OutputFile& file : files) {
    if (absl::Status status = (*output)->Write(file); !status.ok()) return status;
    names.push_back(file.name);
  }
  return (*output)->Publish(names, owned);
}

}  // namespace ratesim

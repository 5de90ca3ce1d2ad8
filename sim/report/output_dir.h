// Publishes a set of result files into a directory all at once, so that a reader never sees a
// mixture of old and new files, nor a partial file presented as complete.
//
// A StagedOutput for `dir`:
//   1. Create: checks that `dir` is absent or a directory it may write into, then makes a fresh
//      directory `<dir>.tmp-<host>-<pid>` next to it (StagingPath: same parent, so same file
//      system), creating missing parent directories first, and removes the staging folders that
//      killed processes left beside it (RemoveAbandonedStaging). A command creates it before its runs, so that an --out it cannot
//      write fails at once, not after an hour of simulation;
//   2. Write (or write directly under staging_dir(), for files built piece by piece): every file
//      goes into that directory;
//   3. Publish, only when all were written: renames the temporary directory to `dir` if `dir` is
//      absent, or else moves each file into `dir`, replacing a file of the same name, and removes the
//      files of `dir` that the command writes (its OwnedFiles) but this run did not: an audit.csv of
//      an earlier run with --audit must not sit beside reports of a run without it. Other files in
//      `dir` are left alone. Files in the staging directory that were not named are discarded.
// On any failure, or if it is destroyed before Publish succeeded, it removes the temporary
// directory (and the parents it created) and restores any file of `dir` it had already replaced or
// removed.
// Errors name the path and the system's reason.
//
// PublishFiles(dir, files) does all three steps for files written in one go.
//
// Thread-safety: none.
#ifndef RATESIM_SIM_REPORT_OUTPUT_DIR_H_
#define RATESIM_SIM_REPORT_OUTPUT_DIR_H_

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace ratesim {

// Whether a file name found in an output directory is one the publishing command writes, so that a
// copy left there by an earlier run is removed when this run did not write it. Empty: none is.
using OwnedFiles = std::function<bool(const std::string& name)>;

struct OutputFile {
  std::string name;  // a plain file name, no directory part
  // Writes the content. A writer may report its own failure by setting the stream's badbit.
  std::function<void(std::ostream&)> write;
};

class StagedOutput {
 public:
  // Step 1 for `dir`. Fails naming the directory it could not create, or "cannot write results into
  // '<dir>'" with the reason when `dir` exists but is not a directory or cannot be written, or when
  // an ancestor of `dir` is not a directory (naming that ancestor and what to do).
  static absl::StatusOr<std::unique_ptr<StagedOutput>> Create(const std::string& dir);
  ~StagedOutput();  // rolls back unless Publish succeeded
  StagedOutput(const StagedOutput&) = delete;
  StagedOutput& operator=(const StagedOutput&) = delete;

  // The temporary directory; `name` in it becomes `dir`/`name` on Publish.
  const std::string& staging_dir() const { return staging_; }
  std::string StagedPath(const std::string& name) const { return staging_ + "/" + name; }

  // Writes `file` into the staging directory.
  absl::Status Write(const OutputFile& file);

  // Step 3: publishes the staged files named in `names` (plain, distinct, all written), in that
  // order, and removes the `owned` files of `dir` that `names` lacks. REQUIRES: called at most once.
  absl::Status Publish(const std::vector<std::string>& names, const OwnedFiles& owned = {});

 private:
  struct Restore {
    std::string target;
    std::string backup;  // where the replaced or removed file waits; empty if it did not exist
  };
  StagedOutput() = default;
  void Rollback();

  std::string dir_;
  std::string staging_;
  std::vector<std::string> created_dirs_;  // parents, outermost first
  std::vector<Restore> restores_;
  bool published_ = false;
};

// REQUIRES: file names are plain and distinct.
absl::Status PublishFiles(const std::string& dir, const std::vector<OutputFile>& files,
                          const OwnedFiles& owned = {});

}  // namespace ratesim

#endif  // RATESIM_SIM_REPORT_OUTPUT_DIR_H_

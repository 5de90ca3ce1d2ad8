// Publishes a set of result files into a directory all at once, so that a reader never sees a
// mixture of old and new files, nor a partial file presented as complete.
//
// PublishFiles(dir, files):
//   1. creates a fresh directory `<dir>.tmp-<pid>` next to `dir` (same parent, so same file system),
//      creating missing parent directories first;
//   2. writes every file into it;
//   3. only when all were written: renames the temporary directory to `dir` if `dir` is absent, or
//      else moves each file into `dir`, replacing a file of the same name (other files in `dir` are
//      left alone).
// On any failure it removes the temporary directory (and the parents it created), restores any file
// of `dir` it had already replaced, and returns an error naming the path and the system's reason.
#ifndef RATESIM_SIM_REPORT_OUTPUT_DIR_H_
#define RATESIM_SIM_REPORT_OUTPUT_DIR_H_

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace ratesim {

struct OutputFile {
  std::string name;  // a plain file name, no directory part
  // Writes the content. A writer may report its own failure by setting the stream's badbit.
  std::function<void(std::ostream&)> write;
};

// REQUIRES: file names are plain and distinct.
absl::Status PublishFiles(const std::string& dir, const std::vector<OutputFile>& files);

}  // namespace ratesim

#endif  // RATESIM_SIM_REPORT_OUTPUT_DIR_H_

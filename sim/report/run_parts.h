// One staged result file written by every run of a comparison at once: each run streams its rows into
// a part file of its own in a StagedOutput, so runs on different threads never share a stream and
// memory does not grow with the runs' length; Join then writes the staged file, a header and every
// part in run order (policy, then replication), so its bytes do not depend on which run finished
// first. audit.csv and timeseries.csv are written this way.
//
// Thread-safety: Open is safe for distinct runs at once; Join once, after every part is closed.
#ifndef RATESIM_SIM_REPORT_RUN_PARTS_H_
#define RATESIM_SIM_REPORT_RUN_PARTS_H_

#include <cstddef>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "sim/report/output_dir.h"

namespace ratesim {

class RunParts {
 public:
  // One run's part file, open for writing until destroyed; then its outcome is recorded for Join.
  class Part {
   public:
    ~Part();
    Part(const Part&) = delete;
    Part& operator=(const Part&) = delete;
    std::ostream& stream() { return file_; }

   private:
    friend class RunParts;
    Part(std::string path, absl::Status& status);
    std::string path_;
    std::ofstream file_;
    absl::Status& status_;
  };

  // The parts of `file_name` for `policies.size()` x `replications` runs, staged in `output` (not
  // owned; must outlive this). `what` names the file's content in errors ("audit").
  RunParts(StagedOutput& output, std::string file_name, std::string what,
           std::vector<std::string> policies, int replications);

  const std::string& policy(size_t policy) const { return policies_[policy]; }

  // The part of run (policy, replication). Returns null if it cannot be created (Join reports it).
  std::unique_ptr<Part> Open(size_t policy, int replication);

  // Writes the staged file: `header` and a line break, then every part in run order; removes the
  // parts. Fails, naming the file, if a part could not be written or read, or a run never opened one.
  // REQUIRES: every Part that Open returned has been destroyed.
  absl::Status Join(std::string_view header);

 private:
  std::string PartPath(size_t run) const;

  StagedOutput& output_;
  std::string file_name_;
  std::vector<std::string> policies_;
  int replications_;
  std::vector<absl::Status> part_status_;  // by run; written by that run's thread only
};

}  // namespace ratesim

#endif  // RATESIM_SIM_REPORT_RUN_PARTS_H_

#include "sim/report/run_parts.h"

#include <cerrno>
#include <cstdio>

#include "fmt/format.h"

namespace ratesim {

RunParts::Part::Part(std::string path, absl::Status& status)
    : path_(std::move(path)), file_(path_, std::ios::binary | std::ios::trunc), status_(status) {}

RunParts::Part::~Part() {
  file_.flush();
  const int error = errno;
  const bool good = file_.good();
  file_.close();
  if (!good || file_.fail()) {
    status_ =
        absl::ErrnoToStatus(error != 0 ? error : EIO, fmt::format("cannot write '{}'", path_));
  }
}

RunParts::RunParts(StagedOutput& output, std::string file_name, std::string what,
                   std::vector<std::string> policies, int replications)
    : output_(output),
      file_name_(std::move(file_name)),
      policies_(std::move(policies)),
      replications_(replications < 1 ? 1 : replications),
      part_status_(policies_.size() * static_cast<size_t>(replications_)) {
  for (size_t run = 0; run < part_status_.size(); ++run) {
    part_status_[run] = absl::InternalError(
        fmt::format("the {} of run {} (policy '{}', replication {}) was never written", what, run,
                    policies_[run / replications_], run % replications_));
  }
}

std::string RunParts::PartPath(size_t run) const {
  // ".audit-part-3.csv" for audit.csv: a hidden name that Publish never picks up.
  const size_t dot = file_name_.rfind('.');
  const std::string stem = file_name_.substr(0, dot);
  const std::string extension = dot == std::string::npos ? "" : file_name_.substr(dot);
  return output_.StagedPath(fmt::format(".{}-part-{}{}", stem, run, extension));
}

std::unique_ptr<RunParts::Part> RunParts::Open(size_t policy, int replication) {
  const size_t run = policy * replications_ + static_cast<size_t>(replication);
  absl::Status& status = part_status_[run];
  errno = 0;
  std::unique_ptr<Part> part(new Part(PartPath(run), status));
  if (!part->file_.is_open()) {
    const int error = errno;
    part.reset();  // records a failure of its own; the one below says more
    status = absl::ErrnoToStatus(error != 0 ? error : EIO,
                                 fmt::format("cannot create '{}'", PartPath(run)));
    return nullptr;
  }
  status = absl::OkStatus();
  return part;
}

absl::Status RunParts::Join(std::string_view header) {
  for (const absl::Status& status : part_status_) {
    if (!status.ok()) return status;
  }
  absl::Status copy_status;
  const OutputFile file = {file_name_, [&](std::ostream& out) {
    out << header << '\n';
    std::vector<char> buffer(1 << 16);
    for (size_t run = 0; run < part_status_.size() && copy_status.ok(); ++run) {
      errno = 0;
      std::ifstream in(PartPath(run), std::ios::binary);
      if (!in) {
        copy_status = absl::ErrnoToStatus(errno != 0 ? errno : EIO,
                                          fmt::format("cannot read '{}'", PartPath(run)));
        break;
      }
      while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) ||
             in.gcount() > 0) {
        out.write(buffer.data(), in.gcount());
      }
      if (in.bad()) {
        copy_status = absl::DataLossError(fmt::format("cannot read '{}'", PartPath(run)));
      }
    }
    if (!copy_status.ok()) out.setstate(std::ios::badbit);
  }};
  const absl::Status written = output_.Write(file);
  for (size_t run = 0; run < part_status_.size(); ++run) std::remove(PartPath(run).c_str());
  if (!copy_status.ok()) return copy_status;
  return written;
}

}  // namespace ratesim

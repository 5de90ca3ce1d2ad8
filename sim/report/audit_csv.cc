#include "sim/report/audit_csv.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "fmt/format.h"
#include "sim/report/timeseries_csv.h"

namespace ratesim {

std::string SecondsWithNanos(int64_t ns) {
  // Unsigned magnitude, so that INT64_MIN has one too.
  const bool negative = ns < 0;
  const uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(ns) : static_cast<uint64_t>(ns);
  return fmt::format("{}{}.{:09}", negative ? "-" : "", magnitude / 1'000'000'000,
                     magnitude % 1'000'000'000);
}

std::string_view AdmissionName(SmoothingPolicy::Admission admission) {
  switch (admission) {
    case SmoothingPolicy::Admission::kServe: return "served_now";
    case SmoothingPolicy::Admission::kBuffered: return "buffered";
    case SmoothingPolicy::Admission::kRejected: return "rejected";
  }
  return "";
}

std::string_view FailReasonName(FailReason reason) {
  switch (reason) {
    case FailReason::kNoCapacity: return "no_capacity";
    case FailReason::kBufferFull: return "buffer_full";
    case FailReason::kExpired: return "expired";
  }
  return "";
}

// --- AuditCsvObserver ----------------------------------------------------------------------------

AuditCsvObserver::AuditCsvObserver(std::string_view policy, int replication, std::ostream& out)
    : prefix_(fmt::format("{},{},", CsvField(policy), replication)), out_(out) {}

const std::string& AuditCsvObserver::QuotedName(std::vector<std::string>& cache, uint32_t id,
                                                const std::string& name) {
  if (id >= cache.size()) cache.resize(id + 1);
  if (cache[id].empty()) cache[id] = CsvField(name);  // an empty name is quoted again, harmlessly
  return cache[id];
}

void AuditCsvObserver::OnAttemptEnd(const AttemptRecord& record, const KeyRegistry& names) {
  const bool ok = record.status == HttpStatus::kOk;
  line_.clear();
  line_ += prefix_;
  fmt::format_to(std::back_inserter(line_), "{},{},{},{},{},{},{},{},", record.request,
                 record.attempt, record.final ? "true" : "false",
                 QuotedName(orgs_, record.org, names.org_name(record.org)),
                 QuotedName(models_, record.model, names.model_name(record.model)),
                 SecondsWithNanos(record.arrival), RateClassName(record.rate_class),
                 AdmissionName(record.admission));
  if (record.started >= 0) line_ += SecondsWithNanos(record.started);
  fmt::format_to(std::back_inserter(line_), ",{},{},{},{},{},{}\n", SecondsWithNanos(record.ended),
                 static_cast<int>(record.status), ErrorTypeName(record.error_type),
                 ok ? std::string_view() : FailReasonName(record.reason), record.input_tokens,
                 record.output_tokens);
  out_.write(line_.data(), static_cast<std::streamsize>(line_.size()));
}

// --- AuditLog ------------------------------------------------------------------------------------

// One run's part file and the observer writing into it; on destruction, closes the file and records
// whether everything reached it.
class AuditLog::PartWriter : public AttemptObserver {
 public:
  PartWriter(std::string path, std::string_view policy, int replication, absl::Status& status)
      : path_(std::move(path)),
        file_(path_, std::ios::binary | std::ios::trunc),
        rows_(policy, replication, file_),
        status_(status) {}
  ~PartWriter() override {
    file_.flush();
    const int error = errno;
    const bool good = file_.good();
    file_.close();
    if (!good || file_.fail()) {
      status_ = absl::ErrnoToStatus(error != 0 ? error : EIO,
                                    fmt::format("cannot write '{}'", path_));
    }
  }
  bool is_open() const { return file_.is_open(); }
  void OnAttemptEnd(const AttemptRecord& record, const KeyRegistry& names) override {
    rows_.OnAttemptEnd(record, names);
  }

 private:
  std::string path_;
  std::ofstream file_;
  AuditCsvObserver rows_;
  absl::Status& status_;
};

AuditLog::AuditLog(StagedOutput& output, std::vector<std::string> policies, int replications)
    : output_(output),
      policies_(std::move(policies)),
      replications_(replications < 1 ? 1 : replications),
      part_status_(policies_.size() * static_cast<size_t>(replications_)) {
  for (size_t run = 0; run < part_status_.size(); ++run) {
    part_status_[run] = absl::InternalError(
        fmt::format("the audit of run {} (policy '{}', replication {}) was never written", run,
                    policies_[run / replications_], run % replications_));
  }
}

std::string AuditLog::PartPath(size_t run) const {
  return output_.StagedPath(fmt::format(".audit-part-{}.csv", run));
}

std::unique_ptr<AttemptObserver> AuditLog::Open(size_t policy, int replication) {
  const size_t run = policy * replications_ + static_cast<size_t>(replication);
  absl::Status& status = part_status_[run];
  errno = 0;
  auto writer =
      std::make_unique<PartWriter>(PartPath(run), policies_[policy], replication, status);
  if (!writer->is_open()) {
    const int error = errno;
    writer.reset();  // records a failure of its own; the one below says more
    status = absl::ErrnoToStatus(error != 0 ? error : EIO,
                                 fmt::format("cannot create '{}'", PartPath(run)));
    return nullptr;
  }
  status = absl::OkStatus();
  return writer;
}

absl::Status AuditLog::Finish() {
  for (const absl::Status& status : part_status_) {
    if (!status.ok()) return status;
  }
  absl::Status copy_status;
  const OutputFile file = {std::string(kAuditCsvFileName), [&](std::ostream& out) {
    out << kAuditCsvHeader << '\n';
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

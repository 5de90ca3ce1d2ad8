#include "sim/report/audit_csv.h"

#include "engine/rate_limit_headers.h"
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
  if (record.timed_out) {
    // No response: nothing for error_type or the headers.
    fmt::format_to(std::back_inserter(line_), ",{},timeout,,client_timeout,{},{},,,,,",
                   SecondsWithNanos(record.ended), record.input_tokens, record.output_tokens);
  } else {
    fmt::format_to(std::back_inserter(line_), ",{},{},{},{},{},{}", SecondsWithNanos(record.ended),
                   static_cast<int>(record.status), ErrorTypeName(record.error_type),
                   ok ? std::string_view() : FailReasonName(record.reason), record.input_tokens,
                   record.output_tokens);
    // The header values exactly as the response sends them.
    for (const auto& [name, value] : HeaderLines(record.headers)) {
      line_ += ',';
      line_ += value;
    }
  }
  line_ += ',';
  if (record.stream >= 0) fmt::format_to(std::back_inserter(line_), "{}", record.stream);
  line_ += '\n';
  out_.write(line_.data(), static_cast<std::streamsize>(line_.size()));
}

// --- AuditLog ------------------------------------------------------------------------------------

// One run's part file and the observer writing into it.
class AuditLog::PartWriter : public AttemptObserver {
 public:
  PartWriter(std::unique_ptr<RunParts::Part> part, std::string_view policy, int replication)
      : part_(std::move(part)), rows_(policy, replication, part_->stream()) {}
  void OnAttemptEnd(const AttemptRecord& record, const KeyRegistry& names) override {
    rows_.OnAttemptEnd(record, names);
  }

 private:
  std::unique_ptr<RunParts::Part> part_;
  AuditCsvObserver rows_;
};

AuditLog::AuditLog(StagedOutput& output, std::vector<std::string> policies, int replications)
    : parts_(output, std::string(kAuditCsvFileName), "audit", std::move(policies), replications) {}

std::unique_ptr<AttemptObserver> AuditLog::Open(size_t policy, int replication) {
  std::unique_ptr<RunParts::Part> part = parts_.Open(policy, replication);
  if (part == nullptr) return nullptr;
  return std::make_unique<PartWriter>(std::move(part), parts_.policy(policy), replication);
}

absl::Status AuditLog::Finish() { return parts_.Join(kAuditCsvHeader); }

}  // namespace ratesim

// audit.csv: one row per ended attempt of every run, to explain any single 429 or 503 after the
// fact (what class the attempt was in at arrival, what the policy did with it, how it ended):
//
//   policy,replication,request,attempt,final,org,model,arrival_s,rate_class,admission,started_s,
//   ended_s,status,error_type,reason,input_tokens,output_tokens,<the rate-limit headers>,stream
//   fifo,0,17,1,true,acme,llama-70b,3.250000000,over_requests,buffered,,8.250000000,429,
//   dynamic_request_limited,expired,812,0,60,0,0.250,120000,3188,1
//
//   request     the logical request, numbered in arrival order from 0 within its run
//   attempt     1 for the first attempt, 2 for the first retry, ...
//   final       true when the request ends with this attempt; false when a retry follows
//   rate_class  within | over_requests | over_tokens (against the org's dynamic rate at arrival)
//   admission   served_now | buffered | rejected (the policy's decision at arrival)
//   started_s   start of service; empty if the attempt never started
//   status      200 | 429 | 503, or timeout when the client gave up waiting (its `timeout`): no
//               response came, so error_type and the header columns are empty
//   reason      empty for 200, else no_capacity | buffer_full | would_expire (pacing could not
//               start it within max_wait) | expired (reached max_wait) | displaced (pushed out by a
//               within-rate request) | shed (codel's delay control): FailReasonName
//               (engine/fail_reason.h); client_timeout for a timeout
//   times       seconds from the start of the run, with exactly 9 decimals (nanoseconds)
//   stream      which of its org's streams sent it: the index in the org's [[orgs.traffic]] list
//               (0, 1, ...); empty for a request replayed from a [[traces]] file, which belongs to
//               no such list. Last, so that the columns before it keep the places they had before
//               it was added (scripts that read columns by position).
//
// Rows follow run order (policy, then replication), then the order attempts ended. Names are quoted
// per RFC 4180 when needed.
//
// An AuditCsvObserver formats one run's rows onto a stream. An AuditLog gives each run of a
// comparison its own part file in a StagedOutput (run_parts.h), so runs on different threads never
// share a stream and memory does not grow with the run's length; Finish() joins the parts, in run
// order, into the staged audit.csv, to be published with the other reports.
#ifndef RATESIM_SIM_REPORT_AUDIT_CSV_H_
#define RATESIM_SIM_REPORT_AUDIT_CSV_H_

#include <cstddef>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "sim/report/output_dir.h"
#include "sim/report/run_parts.h"
#include "sim/simulate/attempt_record.h"

namespace ratesim {

inline constexpr std::string_view kAuditCsvFileName = "audit.csv";
inline constexpr std::string_view kAuditCsvHeader =
    "policy,replication,request,attempt,final,org,model,arrival_s,rate_class,admission,started_s,"
    "ended_s,status,error_type,reason,input_tokens,output_tokens,x-ratelimit-limit,"
    "x-ratelimit-remaining,x-ratelimit-reset,x-tokenlimit-limit,x-tokenlimit-remaining,stream";

// Writes the rows (no header) of one run to `out`. Thread-safety: one run's thread only, as
// AttemptObserver promises. Write errors show in `out`'s state.
class AuditCsvObserver : public AttemptObserver {
 public:
  // `out` is not owned and must outlive the observer.
  AuditCsvObserver(std::string_view policy, int replication, std::ostream& out);
  void OnAttemptEnd(const AttemptRecord& record, const KeyRegistry& names) override;

 private:
  const std::string& QuotedName(std::vector<std::string>& cache, uint32_t id,
                                const std::string& name);

  std::string prefix_;  // "<policy>,<replication>,"
  std::ostream& out_;
  std::vector<std::string> orgs_;    // quoted names by id, filled as ids are seen
  std::vector<std::string> models_;
  std::string line_;
};

// "12.345678901": `ns` as seconds with exactly nine decimals, exact for every int64.
std::string SecondsWithNanos(int64_t ns);

// The wire name of the audit's admission column (the reason's is FailReasonName, fail_reason.h).
std::string_view AdmissionName(SmoothingPolicy::Admission admission);

class AuditLog {
 public:
  // The audit of `policies.size()` x `replications` runs, staged in `output` (not owned; must
  // outlive the log).
  AuditLog(StagedOutput& output, std::vector<std::string> policies, int replications);

  // The observer of run (policy, replication), which streams to its part file until destroyed.
  // Thread-safe for distinct runs. Returns null if the part cannot be created (Finish reports it).
  std::unique_ptr<AttemptObserver> Open(size_t policy, int replication);

  // Writes the staged audit.csv: the header, then every part in run order; removes the parts.
  // Fails, naming the file, if a part could not be written or read, or a run never opened one.
  // REQUIRES: every observer Open returned has been destroyed.
  absl::Status Finish();

 private:
  class PartWriter;
  RunParts parts_;
};

}  // namespace ratesim

#endif  // RATESIM_SIM_REPORT_AUDIT_CSV_H_

// The per-request audit: rows formatted from attempt records (a fake feed, checked field by field),
// the per-run part files joined in run order whatever the thread that wrote them, and, end to end
// through the command, rows that agree with summary.json and explain each 503 and 429.
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "sim/cli/cli.h"
#include "sim/report/audit_csv.h"
#include "sim/report/output_dir.h"
#include "tests/support/cli_fixture.h"
#include "tests/support/temp_dir.h"

namespace ratesim {
namespace {

namespace fs = std::filesystem;

constexpr Nanos kS = kNanosPerSecond;

using ::ratesim::testing::Lines;
using ::ratesim::testing::ReadFile;
using ::ratesim::testing::TempDir;

// --- rows from a fake feed -----------------------------------------------------------------------

struct Names {
  Names() {
    registry.InternOrg("acme");
    registry.InternOrg("beta, inc");
    registry.InternModel("llama");
  }
  KeyRegistry registry;
};

AttemptRecord Served() {
  AttemptRecord record;
  record.request = 0;
  record.attempt = 1;
  record.final = true;
  record.org = 0;
  record.model = 0;
  record.stream = 0;
  record.arrival = 1500 * kNanosPerMillisecond;
  record.started = 1500 * kNanosPerMillisecond;
  record.ended = 3 * kS + 250'000'001;
  record.rate_class = RateClass::kWithin;
  record.admission = SmoothingPolicy::Admission::kServe;
  record.status = HttpStatus::kOk;
  record.error_type = ErrorType::kNone;
  record.reason = FailReason::kNoCapacity;  // meaningless for a 200: must not show
  record.input_tokens = 800;
  record.output_tokens = 213;
  record.headers.limit_rpm = 120.0;
  record.headers.remaining = 1;
  record.headers.reset_s = 0.0;
  record.headers.token_limit_tpm = 120000.0;
  record.headers.token_remaining = 1500;
  return record;
}

TEST(AuditCsv, WritesEveryFieldOfAServedAttempt) {
  Names names;
  std::ostringstream out;
  AuditCsvObserver observer("fifo", 0, out);
  observer.OnAttemptEnd(Served(), names.registry);
  const std::string row = out.str();
  EXPECT_EQ(row,
            "fifo,0,0,1,true,acme,llama,1.500000000,within,served_now,1.500000000,3.250000001,"
            "200,,,800,213,120,1,0.000,120000,1500,0\n");
  EXPECT_EQ(std::count(kAuditCsvHeader.begin(), kAuditCsvHeader.end(), ','),
            std::count(row.begin(), row.end(), ','));
}

TEST(AuditCsv, ExplainsA503AndA429) {
  Names names;
  std::ostringstream out;
  AuditCsvObserver observer("fifo-30s", 3, out);
  // Within rate, buffered, expired after 30 s without starting: the platform's fault, 503.
  AttemptRecord expired = Served();
  expired.request = 7;
  expired.arrival = 10 * kS;
  expired.started = -1;
  expired.ended = 40 * kS;
  expired.admission = SmoothingPolicy::Admission::kBuffered;
  expired.status = HttpStatus::kServiceUnavailable;
  expired.error_type = ErrorType::kModelOverloaded;
  expired.reason = FailReason::kExpired;
  expired.output_tokens = 0;
  observer.OnAttemptEnd(expired, names.registry);
  // Over the token rate, rejected at once with no slot free, retried later: the org's, 429.
  AttemptRecord rejected = expired;
  rejected.request = 8;
  rejected.org = 1;
  rejected.arrival = 12 * kS;
  rejected.ended = 12 * kS;
  rejected.final = false;
  rejected.rate_class = RateClass::kOverTokens;
  rejected.admission = SmoothingPolicy::Admission::kRejected;
  rejected.status = HttpStatus::kTooManyRequests;
  rejected.error_type = ErrorType::kDynamicTokenLimited;
  rejected.reason = FailReason::kNoCapacity;
  rejected.headers.token_remaining = 40;  // less than its 800 + max output tokens
  rejected.headers.reset_s = 0.25;
  observer.OnAttemptEnd(rejected, names.registry);
  // Its retry, over the request rate this time, finds the buffer full.
  AttemptRecord retry = rejected;
  retry.attempt = 2;
  retry.final = true;
  retry.arrival = 13 * kS + 1;
  retry.ended = 13 * kS + 1;
  retry.rate_class = RateClass::kOverRequests;
  retry.error_type = ErrorType::kDynamicRequestLimited;
  retry.reason = FailReason::kBufferFull;
  retry.headers.remaining = 0;
  retry.headers.limit_rpm = 59.9999999;  // held as 1/s less rounding: still shown as 60
  observer.OnAttemptEnd(retry, names.registry);
  const std::vector<std::string> lines = Lines(out.str());
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0],
            "fifo-30s,3,7,1,true,acme,llama,10.000000000,within,buffered,,40.000000000,503,"
            "model_overloaded,expired,800,0,120,1,0.000,120000,1500,0");
  EXPECT_EQ(lines[1],
            "fifo-30s,3,8,1,false,\"beta, inc\",llama,12.000000000,over_tokens,rejected,,"
            "12.000000000,429,dynamic_token_limited,no_capacity,800,0,120,1,0.250,120000,40,0");
  EXPECT_EQ(lines[2],
            "fifo-30s,3,8,2,true,\"beta, inc\",llama,13.000000001,over_requests,rejected,,"
            "13.000000001,429,dynamic_request_limited,buffer_full,800,0,60,0,0.250,120000,40,0");
}

TEST(AuditCsv, SaysWhetherABufferedRequestExpiredWasDisplacedOrWasShed) {
  Names names;
  std::ostringstream out;
  AuditCsvObserver observer("wf", 0, out);
  // Over the request rate, buffered, pushed out 20 ms later by a within-rate arrival: a 429 that
  // reached no deadline.
  AttemptRecord displaced = Served();
  displaced.request = 1;
  displaced.arrival = 10 * kS;
  displaced.started = -1;
  displaced.ended = 10 * kS + 20'000'000;
  displaced.rate_class = RateClass::kOverRequests;
  displaced.admission = SmoothingPolicy::Admission::kBuffered;
  displaced.status = HttpStatus::kTooManyRequests;
  displaced.error_type = ErrorType::kDynamicRequestLimited;
  displaced.reason = FailReason::kDisplaced;
  displaced.output_tokens = 0;
  observer.OnAttemptEnd(displaced, names.registry);
  // Within rate, dropped by codel's delay control after 6 s in an overloaded queue: a 503.
  AttemptRecord shed = displaced;
  shed.request = 2;
  shed.ended = 16 * kS;
  shed.rate_class = RateClass::kWithin;
  shed.status = HttpStatus::kServiceUnavailable;
  shed.error_type = ErrorType::kModelOverloaded;
  shed.reason = FailReason::kShed;
  observer.OnAttemptEnd(shed, names.registry);
  const std::vector<std::string> lines = Lines(out.str());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0],
            "wf,0,1,1,true,acme,llama,10.000000000,over_requests,buffered,,10.020000000,429,"
            "dynamic_request_limited,displaced,800,0,120,1,0.000,120000,1500,0");
  EXPECT_EQ(lines[1],
            "wf,0,2,1,true,acme,llama,10.000000000,within,buffered,,16.000000000,503,"
            "model_overloaded,shed,800,0,120,1,0.000,120000,1500,0");
  // Every reason has a name of its own.
  EXPECT_EQ(FailReasonName(FailReason::kNoCapacity), "no_capacity");
  EXPECT_EQ(FailReasonName(FailReason::kBufferFull), "buffer_full");
  EXPECT_EQ(FailReasonName(FailReason::kWouldExpire), "would_expire");
  EXPECT_EQ(FailReasonName(FailReason::kExpired), "expired");
  EXPECT_EQ(FailReasonName(FailReason::kDisplaced), "displaced");
  EXPECT_EQ(FailReasonName(FailReason::kShed), "shed");
}

TEST(AuditCsv, NamesTheOrgsStreamLastAndLeavesItEmptyForATrace) {
  Names names;
  std::ostringstream out;
  AuditCsvObserver observer("fifo", 0, out);
  AttemptRecord burst = Served();
  burst.stream = 1;  // the org's second [[orgs.traffic]] entry
  observer.OnAttemptEnd(burst, names.registry);
  AttemptRecord replayed = Served();
  replayed.stream = -1;  // a [[traces]] row
  observer.OnAttemptEnd(replayed, names.registry);
  AttemptRecord timed_out = burst;  // no response: the header columns are empty, the stream is not
  timed_out.timed_out = true;
  observer.OnAttemptEnd(timed_out, names.registry);
  const std::vector<std::string> lines = Lines(out.str());
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(kAuditCsvHeader.substr(kAuditCsvHeader.rfind(',') + 1), "stream");
  EXPECT_EQ(lines[0].substr(lines[0].rfind(',')), ",1") << lines[0];
  EXPECT_EQ(lines[1].substr(lines[1].rfind(',')), ",") << lines[1];
  EXPECT_EQ(lines[2].substr(lines[2].rfind(',') - 5), ",,,,,,1") << lines[2];
  for (const std::string& line : lines) {
    EXPECT_EQ(std::count(kAuditCsvHeader.begin(), kAuditCsvHeader.end(), ','),
              std::count(line.begin(), line.end(), ','))
        << line;
  }
}

TEST(AuditCsv, WritesTimesExactlyToTheNanosecond) {
  EXPECT_EQ(SecondsWithNanos(0), "0.000000000");
  EXPECT_EQ(SecondsWithNanos(1), "0.000000001");
  EXPECT_EQ(SecondsWithNanos(86'400 * kS + 999'999'999), "86400.999999999");
  EXPECT_EQ(SecondsWithNanos(-1'500'000'000), "-1.500000000");
  EXPECT_EQ(SecondsWithNanos(INT64_MAX), "9223372036.854775807");
  EXPECT_EQ(SecondsWithNanos(INT64_MIN), "-9223372036.854775808");
}

// --- the log: parts joined in run order ----------------------------------------------------------

TEST(AuditLog, JoinsEveryRunsRowsInRunOrderWhateverThreadWroteThem) {
  TempDir temp;
  Names names;
  absl::StatusOr<std::unique_ptr<StagedOutput>> output = StagedOutput::Create(temp / "out");
  ASSERT_TRUE(output.ok()) << output.status();
  AuditLog log(**output, {"none", "fifo"}, 2);
  // Four runs at once, started in reverse order; run (p, r) writes p * 10 + r + 1 rows.
  std::vector<std::thread> threads;
  for (int run = 3; run >= 0; --run) {
    threads.emplace_back([&log, &names, run] {
      std::unique_ptr<AttemptObserver> observer = log.Open(run / 2, run % 2);
      ASSERT_NE(observer, nullptr);
      AttemptRecord record = Served();
      for (int i = 0; i < (run / 2) * 10 + run % 2 + 1; ++i) {
        record.request = i;
        observer->OnAttemptEnd(record, names.registry);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  ASSERT_TRUE(log.Finish().ok());
  ASSERT_TRUE((*output)->Publish({"audit.csv"}).ok());

  EXPECT_EQ(fs::directory_iterator(temp / "out")->path().filename(), "audit.csv");  // parts gone
  const std::vector<std::string> lines = Lines(ReadFile(temp / "out/audit.csv"));
  ASSERT_EQ(lines.size(), 1u + 1 + 2 + 11 + 12);
  EXPECT_EQ(lines[0], kAuditCsvHeader);
  EXPECT_EQ(lines[1].substr(0, 9), "none,0,0,");
  EXPECT_EQ(lines[2].substr(0, 9), "none,1,0,");
  EXPECT_EQ(lines[3].substr(0, 9), "none,1,1,");
  EXPECT_EQ(lines[4].substr(0, 9), "fifo,0,0,");
  EXPECT_EQ(lines[14].substr(0, 10), "fifo,0,10,");
  EXPECT_EQ(lines[15].substr(0, 9), "fifo,1,0,");
  EXPECT_EQ(lines.back().substr(0, 10), "fifo,1,11,");
}

TEST(AuditLog, FailsWhenARunNeverOpenedItsPart) {
  TempDir temp;
  absl::StatusOr<std::unique_ptr<StagedOutput>> output = StagedOutput::Create(temp / "out");
  ASSERT_TRUE(output.ok());
  AuditLog log(**output, {"none"}, 2);
  log.Open(0, 0).reset();
  const absl::Status status = log.Finish();
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("replication 1"), absl::string_view::npos) << status.message();
}

// --- end to end ----------------------------------------------------------------------------------

// Bursts above the org's rate on a small model, under a policy that fails and one that buffers with
// a short wait, a steady org that retries: every kind of row appears.
constexpr char kScenario[] = R"(title = "audit"

[run]
duration = "40s"
seed = 5
resolution = "10s"

[[models]]
name = "m"
concurrency = 2
service = { dist = "exponential", mean = "1s" }

[[orgs]]
name = "steady"
  [[orgs.traffic]]
  model = "m"
  shape = "poisson"
  rate = "1rps"
  client = { on_failure = "backoff", max_attempts = 3, base_backoff = "2s" }

[[orgs]]
name = "bursty"
  [[orgs.traffic]]
  model = "m"
  shape = "bursts"
  count = 12
  window = "1s"
  every = "10s"

[[policies]]
type = "none"

[[policies]]
type = "fifo"
name = "fifo-3s"
max_depth = 6
max_wait = "3s"
)";

// The fields of a CSV line whose fields hold no quotes (true of this scenario's names).
std::vector<std::string> Fields(const std::string& line) {
  std::vector<std::string> fields;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, ',')) fields.push_back(field);
  if (!line.empty() && line.back() == ',') fields.push_back("");
  return fields;
}

// The integer after `"key": ` at the first occurrence after `from` in `json`.
int64_t JsonInt(const std::string& json, const std::string& from, const std::string& key) {
  const size_t start = json.find(from);
  EXPECT_NE(start, std::string::npos) << from;
  const size_t at = json.find("\"" + key + "\": ", start);
  EXPECT_NE(at, std::string::npos) << key;
  return std::stoll(json.substr(at + key.size() + 4));
}

TEST(AuditEndToEnd, RowsAgreeWithTheSummaryAndExplainEveryFailure) {
  TempDir temp;
  const std::string scenario = temp / "audit.toml";
  std::ofstream(scenario) << kScenario;
  const std::string out = temp / "out";
  std::ostringstream stdout_text, stderr_text;
  const int code = RunCli(
      {"ratesim", "compare", scenario, "--audit", "--out", out, "--threads", "2"}, stdout_text,
      stderr_text);
  ASSERT_EQ(code, 0) << stderr_text.str();
  EXPECT_NE(stdout_text.str().find("audit.csv"), std::string::npos);
  const std::string summary = ReadFile(out + "/summary.json");
  const std::vector<std::string> lines = Lines(ReadFile(out + "/audit.csv"));
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0], kAuditCsvHeader);

  // Per policy and org: final rows by status, rows of later attempts.
  struct Tally {
    int64_t final_rows = 0, ok = 0, r429_request = 0, r429_token = 0, r503 = 0, retries = 0;
    int64_t over_rate = 0;  // rows of attempts over rate at arrival, served or not
    std::map<std::string, int64_t> failed_by_reason;  // every failed row, retried or final
  };
  std::map<std::string, Tally> tallies;  // "<policy>/<org>"
  bool explained_503 = false, explained_429 = false, headers_of_a_429 = false;
  for (size_t i = 1; i < lines.size(); ++i) {
    const std::vector<std::string> f = Fields(lines[i]);
    ASSERT_EQ(f.size(), 23u) << lines[i];
    const std::string& status = f[12];
    const std::string& rate_class = f[8];
    const std::string& error_type = f[13];
    const std::string& reason = f[14];
    Tally& tally = tallies[f[0] + "/" + f[5]];
    if (std::stoll(f[3]) > 1) ++tally.retries;
    if (rate_class != "within") ++tally.over_rate;
    // Every failure is explained by its class at arrival: within -> 503, over -> 429 of its kind.
    if (status == "503") {
      EXPECT_EQ(rate_class, "within") << lines[i];
      EXPECT_EQ(error_type, "model_overloaded");
      EXPECT_NE(reason, "");
      explained_503 = true;
    } else if (status == "429") {
      EXPECT_EQ(rate_class == "over_requests" ? "dynamic_request_limited" : "dynamic_token_limited",
                error_type)
          << lines[i];
      EXPECT_NE(rate_class, "within") << lines[i];
      EXPECT_NE(reason, "");
      explained_429 = true;
      // Turned away on arrival for its request rate: its response tells it so, and when to retry.
      if (rate_class == "over_requests" && f[7] == f[11]) {
        EXPECT_EQ(f[18], "0") << "x-ratelimit-remaining: " << lines[i];
        EXPECT_GT(std::stod(f[19]), 0.0) << "x-ratelimit-reset: " << lines[i];
        headers_of_a_429 = true;
      }
    } else {
      EXPECT_EQ(status, "200");
      EXPECT_EQ(reason, "");
      EXPECT_NE(f[10], "") << "a served attempt started";
    }
    if (status != "200") ++tally.failed_by_reason[reason];
    if (f[9] == "rejected") {
      EXPECT_EQ(f[10], "") << "a rejected attempt never started";
    }
    // `earned` never goes below its base of 60 RPM.
    EXPECT_GE(std::stoll(f[17]), 60) << "x-ratelimit-limit: " << lines[i];
    if (f[4] != "true") continue;
    ++tally.final_rows;
    if (status == "200") ++tally.ok;
    if (error_type == "dynamic_request_limited") ++tally.r429_request;
    if (error_type == "dynamic_token_limited") ++tally.r429_token;
    if (status == "503") ++tally.r503;
  }
  EXPECT_TRUE(explained_503);
  EXPECT_TRUE(explained_429);
  EXPECT_TRUE(headers_of_a_429);
  EXPECT_GT(tallies["none/bursty"].over_rate, tallies["none/bursty"].r429_request);
  for (const std::string policy : {"none", "fifo-3s"}) {
    for (const std::string org : {"steady", "bursty"}) {
      SCOPED_TRACE(policy + "/" + org);
      const Tally& tally = tallies[policy + "/" + org];
      const std::string from = "\"" + policy + "\": {";
      const std::string slice = "\"" + org + "\": {";
      const size_t at = summary.find(slice, summary.find(from));
      const std::string rest = summary.substr(at);
      const auto count = [&rest](const std::string& key) { return JsonInt(rest, "", key); };
      EXPECT_EQ(tally.final_rows, count("offered") - count("in_flight"));
      EXPECT_EQ(tally.ok, count("ok"));
      EXPECT_EQ(tally.r429_request, count("r429_request"));
      EXPECT_EQ(tally.r429_token, count("r429_token"));
      EXPECT_EQ(tally.r503, count("r503"));
      EXPECT_EQ(tally.retries, count("retries"));
      EXPECT_EQ(tally.over_rate, count("over_rate_attempts"));
      EXPECT_GT(tally.final_rows, 0);
      // The summary's failed attempts by reason are the audit's failed rows, reason by reason.
      int64_t failed_rows = 0;
      for (const std::string reason :
           {"no_capacity", "buffer_full", "would_expire", "expired", "displaced", "shed"}) {
        const auto rows = tally.failed_by_reason.find(reason);
        const int64_t want = rows == tally.failed_by_reason.end() ? 0 : rows->second;
        EXPECT_EQ(count(reason), want) << reason;
        failed_rows += want;
      }
      EXPECT_EQ(failed_rows, [&] {
        int64_t sum = 0;
        for (const auto& [reason, rows] : tally.failed_by_reason) sum += rows;
        return sum;
      }()) << "a failed row without a known reason";
    }
  }
  // Both policies failed attempts, for reasons of their own (none has no buffer, fifo-3s one of 6
  // with a 3 s wait), and the terminal says how many for each.
  EXPECT_GT(tallies["none/bursty"].failed_by_reason["no_capacity"], 0);
  EXPECT_GT(tallies["fifo-3s/bursty"].failed_by_reason["buffer_full"] +
                tallies["fifo-3s/bursty"].failed_by_reason["expired"],
            0);
  const std::string text = stdout_text.str();
  const size_t table = text.find("failed attempts by reason");
  ASSERT_NE(table, std::string::npos) << text;
  EXPECT_LT(table, text.find("which policy:"));
  for (const std::string policy : {"none", "fifo-3s"}) {
    int64_t failed = 0;
    for (const std::string org : {"steady", "bursty"}) {
      for (const auto& [reason, rows] : tallies[policy + "/" + org].failed_by_reason) {
        failed += rows;
      }
    }
    const size_t row = text.find("\n" + policy + " ", table);
    ASSERT_NE(row, std::string::npos) << policy;
    std::istringstream cells(text.substr(row + 1));
    std::string label;
    int64_t shown = -1;
    cells >> label >> shown;
    EXPECT_EQ(shown, failed) << policy;
  }
}

TEST(AuditEndToEnd, ASuccessCarriesTheHeadersThatCountIt) {
  // Under aimd a key's first within-rate success takes its rate from the base, 60 RPM, to
  // 60 + increase_rpm (6) / 1 request/s = 66: the response carries the rate after it. (On 20
  // slots, so that the ceiling, half the model's capacity, is above 66 RPM.)
  TempDir temp;
  const std::string scenario = temp / "audit.toml";
  std::ofstream(scenario) << kScenario;
  const std::string out = temp / "out";
  std::ostringstream stdout_text, stderr_text;
  ASSERT_EQ(RunCli({"ratesim", "run", scenario, "--policy", "none", "--set",
                    "limits.formula=aimd", "--set", "models.0.concurrency=20", "--audit", "--out",
                    out},
                   stdout_text, stderr_text),
            0)
      << stderr_text.str();
  const std::vector<std::string> lines = Lines(ReadFile(out + "/audit.csv"));
  std::map<std::string, std::string> first_success_limit;  // by org
  for (size_t i = 1; i < lines.size(); ++i) {
    const std::vector<std::string> f = Fields(lines[i]);
    ASSERT_EQ(f.size(), 23u) << lines[i];
    if (f[12] == "200" && f[8] == "within") first_success_limit.emplace(f[5], f[17]);
  }
  EXPECT_EQ(first_success_limit, (std::map<std::string, std::string>{{"bursty", "66"},
                                                                      {"steady", "66"}}));
}

TEST(AuditEndToEnd, NumbersReplicationsAndNeedsAnOutputDirectory) {
  TempDir temp;
  const std::string scenario = temp / "audit.toml";
  std::ofstream(scenario) << kScenario;
  std::ostringstream stdout_text, stderr_text;
  EXPECT_EQ(RunCli({"ratesim", "run", scenario, "--audit"}, stdout_text, stderr_text), 2);
  EXPECT_NE(stderr_text.str().find("flag '--audit' needs '--out DIR'"), std::string::npos)
      << stderr_text.str();

  const std::string out = temp / "out";
  ASSERT_EQ(RunCli({"ratesim", "run", scenario, "--policy", "fifo-3s", "--replications", "2",
                    "--audit", "--out", out},
                   stdout_text, stderr_text),
            0)
      << stderr_text.str();
  const std::vector<std::string> lines = Lines(ReadFile(out + "/audit.csv"));
  std::map<std::string, int64_t> finals;  // by replication
  for (size_t i = 1; i < lines.size(); ++i) {
    const std::vector<std::string> f = Fields(lines[i]);
    EXPECT_EQ(f[0], "fifo-3s");
    if (f[4] == "true") ++finals[f[1]];
  }
  ASSERT_EQ(finals.size(), 2u);
  // Each replication's final rows count its requests, as that replication's summary says.
  const std::string summary = ReadFile(out + "/summary.json");
  const size_t runs = summary.find("\"runs\": [");
  ASSERT_NE(runs, std::string::npos);
  const size_t second = summary.find("\"seed\": ", summary.find("\"seed\": ", runs) + 1);
  EXPECT_EQ(finals["0"], JsonInt(summary, "\"runs\": [", "offered") -
                             JsonInt(summary, "\"runs\": [", "in_flight"));
  EXPECT_EQ(finals["1"], JsonInt(summary.substr(second), "", "offered") -
                             JsonInt(summary.substr(second), "", "in_flight"));
  EXPECT_EQ(std::vector<std::string>(
                {"audit.csv", "plots.svg", "run.json", "summary.json", "timeseries.csv"}),
            [&out] {
              std::vector<std::string> names;
              for (const auto& entry : fs::directory_iterator(out)) {
                names.push_back(entry.path().filename().string());
              }
              std::sort(names.begin(), names.end());
              return names;
            }());
}

// One org with a steady stream and a burst stream, told apart by their prompts (100 and 900
// tokens), beside a trace of the same org (500 tokens).
constexpr char kStreamsScenario[] = R"(title = "streams"

[run]
duration = "20s"
seed = 3

[[models]]
name = "m"
concurrency = 4
service = { dist = "constant", mean = "100ms" }

[[orgs]]
name = "acme"
  [[orgs.traffic]]
  model = "m"
  shape = "constant"
  rate = "1rps"
  input_tokens = 100

  [[orgs.traffic]]
  model = "m"
  shape = "bursts"
  count = 5
  window = "1s"
  every = "10s"
  input_tokens = 900

[[traces]]
path = "trace.csv"

[[policies]]
type = "none"
)";

TEST(AuditEndToEnd, EachRowNamesTheStreamOfItsOrgThatSentIt) {
  TempDir temp;
  const std::string scenario = temp / "streams.toml";
  std::ofstream(scenario) << kStreamsScenario;
  std::ofstream(temp / "trace.csv") << "time,org,model,input_tokens,output_tokens\n"
                                       "2.5s,acme,m,500,10\n7.5s,acme,m,500,10\n";
  const std::string out = temp / "out";
  std::ostringstream stdout_text, stderr_text;
  ASSERT_EQ(RunCli({"ratesim", "run", scenario, "--audit", "--out", out}, stdout_text, stderr_text),
            0)
      << stderr_text.str();
  const std::vector<std::string> lines = Lines(ReadFile(out + "/audit.csv"));
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0], kAuditCsvHeader);
  std::map<std::string, std::map<std::string, int>> streams_by_prompt;  // input_tokens -> stream
  for (size_t i = 1; i < lines.size(); ++i) {
    const std::vector<std::string> f = Fields(lines[i]);
    ASSERT_EQ(f.size(), 23u) << lines[i];
    EXPECT_EQ(f[5], "acme");
    ++streams_by_prompt[f[15]][f[22]];
  }
  using Counts = std::map<std::string, int>;
  EXPECT_EQ(streams_by_prompt["100"], (Counts{{"0", 20}}));  // one a second for 20 s
  EXPECT_EQ(streams_by_prompt["900"], (Counts{{"1", 10}}));  // two bursts of 5
  EXPECT_EQ(streams_by_prompt["500"], (Counts{{"", 2}}));    // the trace's rows
}

}  // namespace
}  // namespace ratesim

// Tests for the report writers: RunResults built by hand with known counts and latencies, checked in
// the terminal table, summary.json (parsed back by a strict JSON reader written here), the
// long-form CSV, run.json, and the atomic publication of an output directory; and the same reports
// over replications (means and 95% intervals checked against hand computations).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "engine/fail_reason.h"
#include "fmt/format.h"
#include "sim/metrics/confidence.h"
#include "sim/metrics/run_metrics.h"
#include "sim/report/comparison_table.h"
#include "sim/report/fail_reason_table.h"
#include "sim/report/human_units.h"
#include "sim/report/json_writer.h"
#include "sim/report/output_dir.h"
#include "sim/report/replication_stats.h"
#include "sim/report/report_writer.h"
#include "sim/report/run_metadata.h"
#include "sim/report/summary_json.h"
#include "sim/report/text_table.h"
#include "sim/report/timeseries_csv.h"
#include "sim/simulate/replication.h"
#include "sim/version.h"
#include "tests/support/temp_dir.h"

namespace ratesim {
namespace {

namespace fs = std::filesystem;

constexpr Nanos kMs = kNanosPerMillisecond;

// ---------------------------------------------------------------------------------------------------
// A strict RFC 8259 reader, enough to check that what we write is JSON and to read values back.

struct Json {
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };
  Type type = Type::kNull;
  bool boolean = false;
  double number = 0.0;
  std::string string;
  std::vector<Json> array;
  std::vector<std::pair<std::string, Json>> object;

  // The member `key`; fails the test (and returns a null) when absent.
  const Json& operator[](const std::string& key) const {
    for (const auto& [name, value] : object) {
      if (name == key) return value;
    }
    ADD_FAILURE() << "no member '" << key << "'";
    static const Json* const kNull = new Json;
    return *kNull;
  }
  bool Has(const std::string& key) const {
    for (const auto& member : object) {
      if (member.first == key) return true;
    }
    return false;
  }
  std::vector<std::string> Keys() const {
    std::vector<std::string> keys;
    for (const auto& member : object) keys.push_back(member.first);
    return keys;
  }
};

class JsonParser {
 public:
  explicit JsonParser(const std::string& text) : text_(text) {}

  // The value, if `text` is exactly one JSON value with optional whitespace around it.
  std::optional<Json> Parse() {
    Json value;
    if (!Value(value)) return std::nullopt;
    SkipSpace();
    if (pos_ != text_.size()) return std::nullopt;
    return value;
  }

 private:
  void SkipSpace() {
    while (pos_ < text_.size() && std::string(" \t\n\r").find(text_[pos_]) != std::string::npos) {
      ++pos_;
    }
  }
  bool Literal(const char* word) {
    const std::string w(word);
    if (text_.compare(pos_, w.size(), w) != 0) return false;
    pos_ += w.size();
    return true;
  }
  bool Digits() {
    const size_t start = pos_;
    while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    return pos_ > start;
  }
  bool Number(Json& out) {
    const size_t start = pos_;
    if (text_[pos_] == '-') ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '0') {
      ++pos_;
    } else if (!Digits()) {
      return false;
    }
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      if (!Digits()) return false;
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      if (!Digits()) return false;
    }
    out.type = Json::Type::kNumber;
    out.number = std::strtod(text_.substr(start, pos_ - start).c_str(), nullptr);
    return true;
  }
  bool String(std::string& out) {
    if (text_[pos_] != '"') return false;
    ++pos_;
    while (pos_ < text_.size()) {
      const char c = text_[pos_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20) return false;
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (pos_ >= text_.size()) return false;
      const char e = text_[pos_++];
      switch (e) {
        case '"': out.push_back('"'); break;
        case '\\': out.push_back('\\'); break;
        case '/': out.push_back('/'); break;
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'u': {
          if (pos_ + 4 > text_.size()) return false;
          const std::string hex = text_.substr(pos_, 4);
          if (hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) return false;
          const long code = std::strtol(hex.c_str(), nullptr, 16);
          if (code >= 0x80) return false;  // we only ever escape control characters
          out.push_back(static_cast<char>(code));
          pos_ += 4;
          break;
        }
        default: return false;
      }
    }
    return false;
  }
  bool Value(Json& out) {
    SkipSpace();
    if (pos_ >= text_.size()) return false;
    const char c = text_[pos_];
    if (c == '{') {
      ++pos_;
      out.type = Json::Type::kObject;
      SkipSpace();
      if (pos_ < text_.size() && text_[pos_] == '}') return ++pos_, true;
      while (true) {
        SkipSpace();
        std::string key;
        if (pos_ >= text_.size() || !String(key)) return false;
        SkipSpace();
        if (pos_ >= text_.size() || text_[pos_++] != ':') return false;
        Json value;
        if (!Value(value)) return false;
        out.object.emplace_back(std::move(key), std::move(value));
        SkipSpace();
        if (pos_ >= text_.size()) return false;
        if (text_[pos_] == ',') {
          ++pos_;
          continue;
        }
        return text_[pos_++] == '}';
      }
    }
    if (c == '[') {
      ++pos_;
      out.type = Json::Type::kArray;
      SkipSpace();
      if (pos_ < text_.size() && text_[pos_] == ']') return ++pos_, true;
      while (true) {
        Json value;
        if (!Value(value)) return false;
        out.array.push_back(std::move(value));
        SkipSpace();
        if (pos_ >= text_.size()) return false;
        if (text_[pos_] == ',') {
          ++pos_;
          continue;
        }
        return text_[pos_++] == ']';
      }
    }
    if (c == '"') {
      out.type = Json::Type::kString;
      return String(out.string);
    }
    if (Literal("true")) {
      out.type = Json::Type::kBool;
      out.boolean = true;
      return true;
    }
    if (Literal("false")) {
      out.type = Json::Type::kBool;
      return true;
    }
    if (Literal("null")) return true;
    return Number(out);
  }

  const std::string& text_;
  size_t pos_ = 0;
};

std::optional<Json> ParseJson(const std::string& text) { return JsonParser(text).Parse(); }

TEST(JsonReaderForTests, RejectsWhatIsNotJson) {
  // The reader must be able to fail, or the checks built on it prove nothing.
  for (const char* bad : {"", "{", "{\"a\": 1,}", "[1 2]", "NaN", "{\"a\": nan}", "inf", "01",
                          "1.", "\"a\nb\"", "{a: 1}", "[1] x"}) {
    EXPECT_FALSE(ParseJson(bad).has_value()) << bad;
  }
  EXPECT_TRUE(ParseJson(" {\"a\": [1, -2.5e3, true, null, \"x\\u0001\"]} ").has_value());
}

// ---------------------------------------------------------------------------------------------------
// Runs built by hand.

// Two orgs ("acme", "beta, inc" with a comma), two models; counts chosen so that every column differs.
RunResult MakeRun(const std::string& policy, int64_t scale) {
  RunResult run{policy, 7, {"acme", "beta, inc"}, {"llama", "mistral"}, RunMetrics(2, 2)};
  RunMetrics& m = run.metrics;
  OutcomeCounts& acme = m.per_org[0].counts;
  acme.offered = 100 * scale;
  acme.ok = 80 * scale;
  acme.r429_request = 7 * scale;
  acme.r429_token = 3 * scale;
  acme.r503 = 10 * scale;
  OutcomeCounts& beta = m.per_org[1].counts;
  beta.offered = 50 * scale;
  beta.ok = 25 * scale;
  beta.r429_request = 20 * scale;
  beta.r503 = 5 * scale;
  m.overall.counts.Add(acme);
  m.overall.counts.Add(beta);
  m.per_model[0].counts.Add(acme);
  m.per_model[1].counts.Add(beta);
  // Latencies: 60 at 20ms, 35 at 100ms, 5 at 2s, so p50 = 20ms, p90 = 100ms and p99 = 2s; queue
  // waits all 500ms.
  for (int i = 0; i < 100; ++i) {
    const Nanos latency = i < 60 ? 20 * kMs : i < 95 ? 100 * kMs : 2 * kNanosPerSecond;
    for (SliceMetrics* slice : {&m.overall, &m.per_org[0], &m.per_model[0]}) {
      slice->latency.Record(latency);
      slice->queue_wait.Record(500 * kMs);
    }
  }
  m.model_usage[0] = {8, 30.0, 40.0, 20.0, 90};  // 75% busy
  m.model_usage[1] = {4, 10.0, 40.0, 0.0, 30};   // 25% busy
  m.end_time = 60 * kNanosPerSecond;
  m.series = {
      {10 * kNanosPerSecond, SeriesMetric::kOffered, 0, 0, 12.0},
      {10 * kNanosPerSecond, SeriesMetric::kRateRpm, 1, 1, 90.5},
      {10 * kNanosPerSecond, SeriesMetric::kUtilisation, kNoOrg, 0, 0.75},
      {20 * kNanosPerSecond, SeriesMetric::kBuffered, kNoOrg, 1, std::nan("")},
  };
  return run;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The whitespace-separated cells of a table line.
std::vector<std::string> Cells(const std::string& line) {
  std::vector<std::string> cells;
  std::istringstream in(line);
  for (std::string cell; in >> cell;) cells.push_back(cell);
  return cells;
}

// The first line that starts with `prefix`, or "" (which fails the test).
std::string LineStartingWith(const std::string& text, const std::string& prefix) {
  for (const std::string& line : Lines(text)) {
    if (line.rfind(prefix, 0) == 0) return line;
  }
  ADD_FAILURE() << "no line starting with '" << prefix << "' in:\n" << text;
  return "";
}

// ---------------------------------------------------------------------------------------------------
// Human units and the text table.

TEST(HumanUnits, LatencyInMillisecondsBelowASecondAndSecondsFromOne) {
  EXPECT_EQ(FormatLatency(0), "0.00ms");
  EXPECT_EQ(FormatLatency(420'000), "0.42ms");
  EXPECT_EQ(FormatLatency(12'500'000), "12.5ms");
  EXPECT_EQ(FormatLatency(340 * kMs), "340ms");
  EXPECT_EQ(FormatLatency(999'700'000), "1.00s");  // not "1000ms"
  EXPECT_EQ(FormatLatency(1'250 * kMs), "1.25s");
  EXPECT_EQ(FormatLatency(12'500 * kMs), "12.5s");
  EXPECT_EQ(FormatLatency(125 * kNanosPerSecond), "125s");
  EXPECT_EQ(FormatLatency(4000 * kNanosPerSecond), "4000s");
}

TEST(HumanUnits, PercentNeverRoundsAFailureAwayOrASuccessToNothing) {
  EXPECT_EQ(FormatPercent(0.973), "97.3%");
  EXPECT_EQ(FormatPercent(1.0), "100.0%");
  EXPECT_EQ(FormatPercent(0.0), "0.0%");
  EXPECT_EQ(FormatPercent(0.99996), "99.9%");
  EXPECT_EQ(FormatPercent(0.00004), "0.1%");
  EXPECT_EQ(FormatPercent(std::nan("")), "-");
}

TEST(HumanUnits, DurationAsAScenarioFileWritesIt) {
  EXPECT_EQ(FormatDuration(0), "0s");
  EXPECT_EQ(FormatDuration(500 * kMs), "500ms");
  EXPECT_EQ(FormatDuration(1'500'000), "1.5ms");
  EXPECT_EQ(FormatDuration(250'000), "250us");
  EXPECT_EQ(FormatDuration(90 * kNanosPerSecond), "90s");
  EXPECT_EQ(FormatDuration(600 * kNanosPerSecond), "10m");
  EXPECT_EQ(FormatDuration(5400 * kNanosPerSecond), "90m");
  EXPECT_EQ(FormatDuration(7200 * kNanosPerSecond), "2h");
  EXPECT_EQ(FormatDuration(2500 * kMs), "2.5s");
}

TEST(TextTable, AlignsTextLeftAndNumbersRight) {
  TextTable table({{"name", TextTable::Align::kLeft}, {"count"}});
  table.AddRow({"a", "1"});
  table.AddRow({"longer", "12345"});
  EXPECT_EQ(table.Render(),
            "name    count\n"
            "------  -----\n"
            "a           1\n"
            "longer  12345\n");
}

// ---------------------------------------------------------------------------------------------------
// The terminal table.

TEST(ComparisonTable, HasOneRowPerPolicyWithItsCounts) {
  const std::string text = ComparisonTable({MakeRun("none", 1), MakeRun("fifo-30s", 2)});
  const std::vector<std::string> header = Cells(Lines(text).at(0));
  const std::vector<std::string> want_header = {"policy", "offered", "200",  "429", "req",
                                                "429",    "tok",     "503",  "success",
                                                "p50",    "p99",     "p99",  "wait", "util"};
  EXPECT_EQ(header, want_header);  // no "in flight" column: nothing was in flight

  // offered 150, 200 105, 429 req 27, 429 tok 3, 503 15; success 105/150 = 70.0%;
  // utilisation (30 + 10) / (40 + 40) = 50.0%.
  EXPECT_EQ(Cells(LineStartingWith(text, "none ")),
            (std::vector<std::string>{"none", "150", "105", "27", "3", "15", "70.0%", "20.0ms",
                                      "2.00s", "500ms", "50.0%"}));
  EXPECT_EQ(Cells(LineStartingWith(text, "fifo-30s ")),
            (std::vector<std::string>{"fifo-30s", "300", "210", "54", "6", "30", "70.0%",
                                      "20.0ms", "2.00s", "500ms", "50.0%"}));
}

TEST(ComparisonTable, ColumnsAreAligned) {
  const std::vector<std::string> lines =
      Lines(ComparisonTable({MakeRun("none", 1), MakeRun("fifo-30s", 100)}));
  // Header, rule and the two policy rows have the same width, and the numbers end in one column.
  ASSERT_GE(lines.size(), 4u);
  EXPECT_EQ(lines[0].size(), lines[1].size());
  EXPECT_EQ(lines[2].size(), lines[3].size());
  EXPECT_EQ(lines[2].find("150") + 3, lines[3].find("15000") + 5);
}

TEST(ComparisonTable, ShowsInFlightOnlyWhenARunHasSome) {
  std::vector<RunResult> runs = {MakeRun("none", 1), MakeRun("fifo", 1)};
  EXPECT_EQ(ComparisonTable(runs).find("in flight"), std::string::npos);
  runs[1].metrics.overall.counts.in_flight = 4;
  runs[1].metrics.overall.counts.offered += 4;
  const std::string text = ComparisonTable(runs);
  EXPECT_NE(Lines(text).at(0).find("in flight"), std::string::npos);
  // The new column sits between 503 and success: 15 then 4 then the rate of 105 / 150.
  EXPECT_EQ(Cells(LineStartingWith(text, "fifo ")),
            (std::vector<std::string>{"fifo", "154", "105", "27", "3", "15", "4", "70.0%", "20.0ms",
                                      "2.00s", "500ms", "50.0%"}));
  EXPECT_EQ(Cells(LineStartingWith(text, "none ")).at(6), "0");
}

TEST(ComparisonTable, ShowsRetriesOnlyWhenARunRetried) {
  std::vector<RunResult> runs = {MakeRun("none", 1), MakeRun("fifo", 1)};
  EXPECT_EQ(ComparisonTable(runs).find("retries"), std::string::npos);
  runs[0].metrics.overall.counts.retries = 12;
  const std::string text = ComparisonTable(runs);
  EXPECT_NE(Lines(text).at(0).find("retries"), std::string::npos);
  // Between 503 and success.
  EXPECT_EQ(Cells(LineStartingWith(text, "none ")),
            (std::vector<std::string>{"none", "150", "105", "27", "3", "15", "12", "70.0%",
                                      "20.0ms", "2.00s", "500ms", "50.0%"}));
  EXPECT_EQ(Cells(LineStartingWith(text, "fifo ")).at(6), "0");
}

TEST(ComparisonTable, BreaksRetriesDownByOrgWhenARunRetried) {
  std::vector<RunResult> runs = {MakeRun("none", 1), MakeRun("fifo", 2)};
  runs[1].metrics.overall.counts.retries = 12;
  runs[1].metrics.per_org[0].counts.retries = 9;
  runs[1].metrics.per_org[1].counts.retries = 3;
  const std::string orgs = ComparisonTable(runs).substr(ComparisonTable(runs).find("per org:"));
  // Between 503 and success; 0 for the run that did not retry.
  EXPECT_EQ(Cells(LineStartingWith(orgs, "acme       fifo")),
            (std::vector<std::string>{"acme", "fifo", "200", "160", "20", "20", "9", "80.0%",
                                      "2.00s"}));
  EXPECT_EQ(Cells(LineStartingWith(orgs, "beta, inc  fifo")).at(7), "3");
  EXPECT_EQ(Cells(LineStartingWith(orgs, "acme       none")).at(6), "0");
  // With replications: each org's mean, 9 and 5 retries giving 7.
  std::vector<RunResult> replicated = {runs[1], runs[1]};
  replicated[1].metrics.per_org[0].counts.retries = 5;
  ComparisonTableOptions options;
  options.replications = 2;
  const std::string text = ComparisonTable(replicated, options);
  const std::string replicated_orgs = text.substr(text.find("per org:"));
  // After offered and the 429 and 503 means with their half-widths (20 ±0 each).
  EXPECT_EQ(Cells(LineStartingWith(replicated_orgs, "acme ")).at(7), "7");
  EXPECT_NE(Lines(replicated_orgs).at(1).find("retries"), std::string::npos);
}

TEST(ComparisonTable, BreaksDownByOrgAndPolicy) {
  const std::string text = ComparisonTable({MakeRun("none", 1), MakeRun("fifo", 2)});
  const size_t breakdown = text.find("per org:");
  ASSERT_NE(breakdown, std::string::npos);
  const std::string orgs = text.substr(breakdown);
  // acme under fifo: offered 200, 200 160, 429 (14 + 6) 20, 503 20, success 80.0%, p99 2.00s.
  EXPECT_EQ(Cells(LineStartingWith(orgs, "acme       fifo")),
            (std::vector<std::string>{"acme", "fifo", "200", "160", "20", "20", "80.0%", "2.00s"}));
  // beta had no latency recorded: its p99 shows "-", not a made-up 0.
  const std::vector<std::string> beta = Cells(LineStartingWith(orgs, "beta, inc  none"));
  EXPECT_EQ(beta, (std::vector<std::string>{"beta,", "inc", "none", "50", "25", "20", "5", "50.0%",
                                            "-"}));
}

TEST(ComparisonTable, LimitsTheBreakdownToTheBusiestOrgs) {
  RunResult run{"none", 1, {}, {"m"}, RunMetrics(5, 1)};
  for (int org = 0; org < 5; ++org) {
    run.org_names.push_back("org" + std::to_string(org));
    run.metrics.per_org[org].counts.offered = (org == 1 || org == 3) ? 100 : 1;
  }
  ComparisonTableOptions options;
  options.max_orgs = 2;
  const std::string text = ComparisonTable({run}, options);
  EXPECT_NE(text.find("org1 "), std::string::npos);
  EXPECT_NE(text.find("org3 "), std::string::npos);
  EXPECT_EQ(text.find("org0 "), std::string::npos);
  EXPECT_NE(text.find("3 more orgs"), std::string::npos);
}

TEST(ComparisonTable, OmitsTheBreakdownForASingleOrg) {
  RunResult run{"none", 1, {"solo"}, {"m"}, RunMetrics(1, 1)};
  run.metrics.per_org[0].counts.offered = 3;
  EXPECT_EQ(ComparisonTable({run}).find("per org"), std::string::npos);
  EXPECT_EQ(ComparisonTable({}), "");
}

// ---------------------------------------------------------------------------------------------------
// The failed attempts by reason, under the tables.

// `count` failed attempts of `reason` in the overall slice of `run`.
void AddFailedAttempts(RunResult& run, FailReason reason, int64_t count) {
  run.metrics.overall.counts.failed_attempts[static_cast<size_t>(reason)] += count;
}

TEST(FailReasonTable, HasAColumnForEachReasonSomePolicyMetAndTheTotal) {
  std::vector<RunResult> runs = {MakeRun("none", 1), MakeRun("fifo", 1)};
  AddFailedAttempts(runs[0], FailReason::kNoCapacity, 45);
  AddFailedAttempts(runs[1], FailReason::kBufferFull, 12);
  AddFailedAttempts(runs[1], FailReason::kExpired, 33);
  const std::string text = FailReasonTable(runs, 1);
  const std::vector<std::string> lines = Lines(text);
  ASSERT_EQ(lines.size(), 6u) << text;
  EXPECT_EQ(lines[0], "");
  EXPECT_EQ(lines[1], "failed attempts by reason (every failed attempt, retried ones too):");
  EXPECT_EQ(Cells(lines[2]), (std::vector<std::string>{"policy", "failed", "no_capacity",
                                                       "buffer_full", "expired"}));
  EXPECT_EQ(Cells(LineStartingWith(text, "none ")),
            (std::vector<std::string>{"none", "45", "45", "0", "0"}));
  EXPECT_EQ(Cells(LineStartingWith(text, "fifo ")),
            (std::vector<std::string>{"fifo", "45", "0", "12", "33"}));
}

TEST(FailReasonTable, IsLeftOutWhenNoAttemptFailed) {
  EXPECT_EQ(FailReasonTable({MakeRun("none", 1), MakeRun("fifo", 2)}, 1), "");
  EXPECT_EQ(FailReasonTable({}, 1), "");
}

TEST(FailReasonTable, FitsInAHundredColumnsWithEveryReason) {
  // A comparison of every policy can meet every reason; ten million times each is a long run.
  std::vector<RunResult> runs = {MakeRun("within_first-30s", 1)};
  for (size_t reason = 0; reason < kFailReasonCount; ++reason) {
    AddFailedAttempts(runs[0], static_cast<FailReason>(reason), 10'000'000);
  }
  const std::vector<std::string> lines = Lines(FailReasonTable(runs, 1));
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(Cells(lines[2]).size(), 2 + kFailReasonCount);
  for (const std::string& line : lines) EXPECT_LE(line.size(), 100u) << line;
}

// ---------------------------------------------------------------------------------------------------
// summary.json

TEST(JsonWriter, EscapesStringsAndWritesNonFiniteAsNull) {
  const std::string nasty = "q\"b\\s/\n\t\x01 é";
  JsonWriter json;
  json.BeginObject();
  json.Key(nasty);
  json.String(nasty);
  json.Key("nan");
  json.Double(std::nan(""));
  json.Key("inf");
  json.Double(-std::numeric_limits<double>::infinity());
  json.Key("tiny");
  json.Double(1e-300);
  json.Key("empty");
  json.BeginArray();
  json.EndArray();
  json.EndObject();
  const std::string text = json.Take();
  const std::optional<Json> parsed = ParseJson(text);
  ASSERT_TRUE(parsed.has_value()) << text;
  EXPECT_EQ((*parsed)[nasty].string, nasty);
  EXPECT_EQ((*parsed)["nan"].type, Json::Type::kNull);
  EXPECT_EQ((*parsed)["inf"].type, Json::Type::kNull);
  EXPECT_DOUBLE_EQ((*parsed)["tiny"].number, 1e-300);
  EXPECT_EQ((*parsed)["empty"].type, Json::Type::kArray);
}

Json ParsedSummary(const std::vector<RunResult>& runs) {
  const std::string text = SummaryJson(runs);
  EXPECT_EQ(text.find("nan"), std::string::npos);
  EXPECT_EQ(text.find("inf"), std::string::npos);
  std::optional<Json> parsed = ParseJson(text);
  EXPECT_TRUE(parsed.has_value()) << text;
  return parsed.value_or(Json());
}

TEST(SummaryJson, HoldsCountsAndRatesPerPolicyOverall) {
  const Json summary = ParsedSummary({MakeRun("none", 1), MakeRun("fifo", 2)});
  EXPECT_EQ(summary["policies"].Keys(), (std::vector<std::string>{"none", "fifo"}));
  const Json& fifo = summary["policies"]["fifo"];
  EXPECT_EQ(fifo["seed"].number, 7);
  EXPECT_EQ(fifo["end_time_s"].number, 60);
  const Json& overall = fifo["overall"];
  EXPECT_EQ(overall["offered"].number, 300);
  EXPECT_EQ(overall["ok"].number, 210);
  EXPECT_EQ(overall["r429_request"].number, 54);
  EXPECT_EQ(overall["r429_token"].number, 6);
  EXPECT_EQ(overall["r429"].number, 60);
  EXPECT_EQ(overall["r503"].number, 30);
  EXPECT_EQ(overall["in_flight"].number, 0);
  EXPECT_EQ(overall["retries"].number, 0);
  EXPECT_DOUBLE_EQ(overall["success_rate"].number, 0.7);
  EXPECT_DOUBLE_EQ(overall["utilisation"].number, 0.5);
}

TEST(SummaryJson, GivesLatencyAndQueueWaitInSeconds) {
  const Json summary = ParsedSummary({MakeRun("none", 1)});
  const Json& latency = summary["policies"]["none"]["overall"]["latency"];
  EXPECT_EQ(latency["count"].number, 100);
  // Quantiles come from a histogram with 1/256 relative error; min and max are exact.
  EXPECT_NEAR(latency["p50"].number, 0.020, 0.020 / 256);
  EXPECT_NEAR(latency["p90"].number, 0.100, 0.100 / 256);
  EXPECT_DOUBLE_EQ(latency["p99"].number, 2.0);
  EXPECT_DOUBLE_EQ(latency["max"].number, 2.0);
  EXPECT_DOUBLE_EQ(latency["mean"].number, (60 * 0.020 + 35 * 0.100 + 5 * 2.0) / 100);
  const Json& wait = summary["policies"]["none"]["overall"]["queue_wait"];
  EXPECT_DOUBLE_EQ(wait["p99"].number, 0.5);
  EXPECT_DOUBLE_EQ(wait["mean"].number, 0.5);
}

TEST(SummaryJson, HasEveryOrgAndModelByNameAndZerosForEmptySlices) {
  const Json summary = ParsedSummary({MakeRun("none", 1)});
  const Json& run = summary["policies"]["none"];
  EXPECT_EQ(run["per_org"].Keys(), (std::vector<std::string>{"acme", "beta, inc"}));
  EXPECT_EQ(run["per_org"]["beta, inc"]["r429_request"].number, 20);
  EXPECT_DOUBLE_EQ(run["per_org"]["beta, inc"]["success_rate"].number, 25.0 / 50.0);
  // beta recorded no latency: zeros, not NaN.
  EXPECT_EQ(run["per_org"]["beta, inc"]["latency"]["count"].number, 0);
  EXPECT_EQ(run["per_org"]["beta, inc"]["latency"]["mean"].number, 0);
  EXPECT_EQ(run["per_model"].Keys(), (std::vector<std::string>{"llama", "mistral"}));
  const Json& llama = run["per_model"]["llama"];
  EXPECT_EQ(llama["offered"].number, 100);
  EXPECT_DOUBLE_EQ(llama["utilisation"].number, 0.75);
  EXPECT_EQ(llama["slots"].number, 8);
  EXPECT_EQ(llama["started"].number, 90);
  EXPECT_DOUBLE_EQ(llama["mean_buffered"].number, 20.0 / 60e9);
  EXPECT_DOUBLE_EQ(run["per_model"]["mistral"]["utilisation"].number, 0.25);
}

TEST(SummaryJson, CountsRetriesInEverySlice) {
  std::vector<RunResult> runs = {MakeRun("none", 1)};
  runs[0].metrics.overall.counts.retries = 9;
  runs[0].metrics.per_org[1].counts.retries = 9;
  const Json summary = ParsedSummary(runs);
  EXPECT_EQ(summary["policies"]["none"]["overall"]["retries"].number, 9);
  EXPECT_EQ(summary["policies"]["none"]["per_org"]["beta, inc"]["retries"].number, 9);
  EXPECT_EQ(summary["policies"]["none"]["per_org"]["acme"]["retries"].number, 0);
  // Right after in_flight, in the single-run layout that is otherwise unchanged.
  const std::vector<std::string> keys = summary["policies"]["none"]["overall"].Keys();
  EXPECT_EQ(keys, (std::vector<std::string>{"offered", "ok", "r429_request", "r429_token", "r429",
                                            "r503", "in_flight", "retries",
                                            "failed_attempts_by_reason", "success_rate", "latency",
                                            "queue_wait", "utilisation", "fairness"}));
}

// MakeRun's failures given reasons: acme's 20 attempts are 4 no_capacity, 10 expired and 6
// buffer_full; beta's 25 are 20 displaced and 5 shed. Each slice holds its own; overall the sum.
void GiveReasons(RunResult& run) {
  RunMetrics& m = run.metrics;
  auto set = [](OutcomeCounts& counts, FailReason reason, int64_t count) {
    counts.failed_attempts[static_cast<size_t>(reason)] = count;
  };
  for (OutcomeCounts* acme : {&m.per_org[0].counts, &m.per_model[0].counts}) {
    set(*acme, FailReason::kNoCapacity, 4);
    set(*acme, FailReason::kExpired, 10);
    set(*acme, FailReason::kBufferFull, 6);
  }
  for (OutcomeCounts* beta : {&m.per_org[1].counts, &m.per_model[1].counts}) {
    set(*beta, FailReason::kDisplaced, 20);
    set(*beta, FailReason::kShed, 5);
  }
  m.overall.counts.failed_attempts = {};
  for (const SliceMetrics& org : m.per_org) {
    for (size_t reason = 0; reason < kFailReasonCount; ++reason) {
      m.overall.counts.failed_attempts[reason] += org.counts.failed_attempts[reason];
    }
  }
}

TEST(SummaryJson, CountsFailedAttemptsByEveryReasonInEverySlice) {
  std::vector<RunResult> runs = {MakeRun("none", 1)};
  GiveReasons(runs[0]);
  const Json summary = ParsedSummary(runs);
  const Json& run = summary["policies"]["none"];
  const std::vector<std::string> reasons = {"no_capacity", "buffer_full", "would_expire",
                                            "expired",     "displaced",   "shed"};
  const Json& overall = run["overall"]["failed_attempts_by_reason"];
  // Every reason is named, in FailReason's order, the ones never met as 0.
  EXPECT_EQ(overall.Keys(), reasons);
  const std::vector<double> want = {4, 6, 0, 10, 20, 5};
  double total = 0;
  for (size_t i = 0; i < reasons.size(); ++i) {
    EXPECT_EQ(overall[reasons[i]].number, want[i]) << reasons[i];
    total += overall[reasons[i]].number;
  }
  // No retries and nothing in flight: the attempts that failed are the requests that failed.
  EXPECT_EQ(total, run["overall"]["r429"].number + run["overall"]["r503"].number);
  const Json& beta = run["per_org"]["beta, inc"]["failed_attempts_by_reason"];
  EXPECT_EQ(beta["displaced"].number, 20);
  EXPECT_EQ(beta["expired"].number, 0);
  EXPECT_EQ(run["per_org"]["acme"]["failed_attempts_by_reason"]["expired"].number, 10);
  EXPECT_EQ(run["per_model"]["mistral"]["failed_attempts_by_reason"]["shed"].number, 5);
  EXPECT_EQ(run["per_model"]["llama"]["failed_attempts_by_reason"]["shed"].number, 0);
}

TEST(SummaryJson, GivesFairnessAcrossOrgsOnlyWithTwoOrgsOrMore) {
  // acme 80 of 100 served, beta 25 of 50: Jain's index (0.8 + 0.5)² / (2 × (0.64 + 0.25)).
  const Json summary = ParsedSummary({MakeRun("none", 1)});
  EXPECT_DOUBLE_EQ(summary["policies"]["none"]["overall"]["fairness"].number, 1.69 / 1.78);
  EXPECT_FALSE(summary["policies"]["none"]["per_org"]["acme"].Has("fairness"));
  // One org is served like itself by definition: no field rather than a 1 that says nothing.
  RunResult solo{"fifo", 1, {"solo"}, {"m"}, RunMetrics(1, 1)};
  solo.metrics.per_org[0].counts.offered = 10;
  solo.metrics.per_org[0].counts.ok = 4;
  solo.metrics.per_org[0].counts.r503 = 6;
  solo.metrics.overall.counts = solo.metrics.per_org[0].counts;
  EXPECT_FALSE(ParsedSummary({solo})["policies"]["fifo"]["overall"].Has("fairness"));
  // Two orgs, one of which finished nothing: nothing to compare, so null rather than a 1.
  RunResult idle = MakeRun("none", 1);
  idle.metrics.per_org[1].counts = OutcomeCounts();
  EXPECT_EQ(ParsedSummary({idle})["policies"]["none"]["overall"]["fairness"].type, Json::Type::kNull);
}

TEST(SummaryJson, SuccessRateIsZeroNotNaNWhenNothingFinished) {
  RunResult run{"none", 1, {"a"}, {"m"}, RunMetrics(1, 1)};
  run.metrics.overall.counts.offered = 3;
  run.metrics.overall.counts.in_flight = 3;
  const Json summary = ParsedSummary({run});
  EXPECT_EQ(summary["policies"]["none"]["overall"]["success_rate"].number, 0);
  EXPECT_EQ(summary["policies"]["none"]["overall"]["utilisation"].number, 0);
}

// ---------------------------------------------------------------------------------------------------
// timeseries.csv

TEST(TimeseriesCsv, WritesOneRowPerPointInLongForm) {
  std::ostringstream out;
  WriteTimeseriesCsv({MakeRun("none", 1), MakeRun("fifo", 1)}, out);
  const std::vector<std::string> lines = Lines(out.str());
  ASSERT_EQ(lines.size(), 1u + 2 * 4);
  EXPECT_EQ(lines[0], "policy,time_s,metric,org,model,value");
  EXPECT_EQ(lines[1], "none,10,offered,acme,llama,12");
  EXPECT_EQ(lines[2], "none,10,rate_rpm,\"beta, inc\",mistral,90.5");
  EXPECT_EQ(lines[3], "none,10,utilisation,,llama,0.75");  // per-model: org empty
  EXPECT_EQ(lines[4], "none,20,buffered,,mistral,");       // NaN: empty value
  EXPECT_EQ(lines[5], "fifo,10,offered,acme,llama,12");
}

TEST(TimeseriesCsv, QuotesFieldsThatNeedIt) {
  EXPECT_EQ(CsvField("plain name"), "plain name");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("two\nlines"), "\"two\nlines\"");
  RunResult run{"p\"1", 1, {"o"}, {"m"}, RunMetrics(1, 1)};
  run.metrics.series = {{1500 * kMs, SeriesMetric::kRejected429, 0, 0, 3}};
  std::ostringstream out;
  WriteTimeseriesCsv({run}, out);
  EXPECT_EQ(Lines(out.str()).at(1), "\"p\"\"1\",1.5,429,o,m,3");
}

// ---------------------------------------------------------------------------------------------------
// Replications: means and 95% intervals. The hand computations use t(0.975, 2), which has a closed
// form: with 2 degrees of freedom P(T <= t) = 1/2 + t / (2 sqrt(2 + t^2)), so t / sqrt(2 + t^2) =
// 0.95 and t = sqrt(2 * 0.9025 / 0.0975) = 4.30265272975.

const double kT2 = std::sqrt(2 * 0.9025 / 0.0975);

// One replication: org "acme" on model "m", 100 requests: `ok` served (all with latency `latency`
// and queue wait 500ms), `r503` 503s, the rest 429 (request limited); utilisation `util`.
RunResult Replica(const std::string& policy, uint64_t seed, int64_t ok, int64_t r503,
                  Nanos latency, double util) {
  RunResult run{policy, seed, {"acme"}, {"m"}, RunMetrics(1, 1)};
  RunMetrics& m = run.metrics;
  OutcomeCounts& counts = m.overall.counts;
  counts.offered = 100;
  counts.ok = ok;
  counts.r503 = r503;
  counts.r429_request = 100 - ok - r503;
  m.per_org[0].counts = counts;
  m.per_model[0].counts = counts;
  for (int64_t i = 0; i < ok; ++i) {
    for (SliceMetrics* slice : {&m.overall, &m.per_org[0], &m.per_model[0]}) {
      slice->latency.Record(latency);
      slice->queue_wait.Record(500 * kMs);
    }
  }
  m.model_usage[0] = {4, util * 100.0, 100.0, 0.0, ok};
  m.end_time = 60 * kNanosPerSecond;
  m.series = {{10 * kNanosPerSecond, SeriesMetric::kOffered, 0, 0, static_cast<double>(ok)}};
  return run;
}

// fifo: success 90%, 95%, 97%; 503 share 5%, 2%, 1%; latency 100, 120, 110ms; util 50, 60, 70%.
// none: three identical replications.
std::vector<RunResult> ReplicatedRuns() {
  return {Replica("fifo", 1, 90, 5, 100 * kMs, 0.5), Replica("fifo", 2, 95, 2, 120 * kMs, 0.6),
          Replica("fifo", 3, 97, 1, 110 * kMs, 0.7), Replica("none", 1, 80, 0, 10 * kMs, 0.4),
          Replica("none", 2, 80, 0, 10 * kMs, 0.4), Replica("none", 3, 80, 0, 10 * kMs, 0.4)};
}

// Half-width of the 95% interval of three values, by hand.
double HalfWidth3(double a, double b, double c) {
  const double mean = (a + b + c) / 3;
  const double s = std::sqrt(((a - mean) * (a - mean) + (b - mean) * (b - mean) +
                              (c - mean) * (c - mean)) / 2);
  return kT2 * s / std::sqrt(3.0);
}

TEST(ReplicationStats, GroupsPolicyMajorRunsAndEstimatesOverThem) {
  const std::vector<RunResult> runs = ReplicatedRuns();
  const std::vector<PolicyReplications> groups = GroupReplications(runs, 3);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].policy, "fifo");
  EXPECT_EQ(groups[1].runs.at(2), &runs[5]);
  const MeanCi success = Estimate(groups[0], [](const RunResult& run) {
    return SuccessShare(run.metrics.overall.counts);
  });
  EXPECT_EQ(success.n, 3);
  EXPECT_NEAR(success.mean, 0.94, 1e-12);
  EXPECT_NEAR(success.ci95, HalfWidth3(0.90, 0.95, 0.97), 1e-12);
  EXPECT_NEAR(success.ci95, 0.0895672, 1e-6);  // 4.302653 * 0.0360555 / sqrt(3)
}

TEST(ComparisonTable, ShowsMeansAndHalfWidthsWithReplications) {
  ComparisonTableOptions options;
  options.replications = 3;
  const std::string text = ComparisonTable(ReplicatedRuns(), options);
  EXPECT_EQ(Lines(text).at(0),
            "mean \u00b1 95% confidence half-width over 3 replications (Student t)");
  const std::string table = text.substr(text.find("policy"));
  EXPECT_EQ(Cells(Lines(table).at(0)),
            (std::vector<std::string>{"policy", "offered", "success", "429", "share", "503",
                                      "share", "p50", "p99", "p99", "wait", "util"}));
  // success 94.0% ± 9.0 points; 429 share 5, 3, 2% -> 3.3% ± 3.8; 503 share 5, 2, 1% -> 2.7% ± 5.2;
  // latency 110ms ± 24.8 (shown in whole ms, as the mean is); queue wait always 500ms;
  // utilisation 60.0% ± 24.8 points.
  EXPECT_NEAR(HalfWidth3(0.05, 0.03, 0.02), 0.0379465, 1e-6);
  EXPECT_NEAR(HalfWidth3(0.05, 0.02, 0.01), 0.0517114, 1e-6);
  EXPECT_NEAR(HalfWidth3(100, 120, 110), 24.8414, 1e-4);
  EXPECT_EQ(Cells(LineStartingWith(table, "fifo ")),
            (std::vector<std::string>{"fifo", "100", "94.0%", "\u00b19.0", "3.3%", "\u00b13.8",
                                      "2.7%", "\u00b15.2", "110ms", "\u00b125", "110ms",
                                      "\u00b125", "500ms", "\u00b10", "60.0%", "\u00b124.8"}));
  // Identical replications: a zero half-width, not a missing one.
  EXPECT_EQ(Cells(LineStartingWith(table, "none ")),
            (std::vector<std::string>{"none", "100", "80.0%", "\u00b10.0", "20.0%", "\u00b10.0",
                                      "0.0%", "\u00b10.0", "10.0ms", "\u00b10.0", "10.0ms",
                                      "\u00b10.0", "500ms", "\u00b10", "40.0%", "\u00b10.0"}));
  EXPECT_EQ(text.find("per org"), std::string::npos);  // one org: no breakdown
}

TEST(ComparisonTable, BreaksDownByOrgWithReplications) {
  std::vector<RunResult> runs;
  for (uint64_t seed : {1, 2}) {
    RunResult run = MakeRun("fifo", 1);
    run.seed = seed;
    runs.push_back(run);
  }
  runs[1].metrics.per_org[0].counts.ok = 90;  // acme: 80% then 90%
  runs[1].metrics.per_org[0].counts.r503 = 0;
  ComparisonTableOptions options;
  options.replications = 2;
  const std::string text = ComparisonTable(runs, options);
  const std::string orgs = text.substr(text.find("per org:"));
  EXPECT_EQ(Cells(Lines(orgs).at(1)),
            (std::vector<std::string>{"org", "policy", "offered", "429", "503", "success", "p99"}));
  // t(0.975, 1) = 12.706: 429s 10 and 10, so 10 ±0; 503s 10 and 0, so 5 ± 12.706 * 7.07107 /
  // sqrt(2) = ± 63.5, shown in whole requests; success 85% ± 12.706 * 0.0707107 / sqrt(2) = ± 63.5
  // points.
  EXPECT_EQ(Cells(LineStartingWith(orgs, "acme ")),
            (std::vector<std::string>{"acme", "fifo", "100", "10", "\u00b10", "5", "\u00b164",
                                      "85.0%", "\u00b163.5", "2.00s", "\u00b10.00"}));
  // beta recorded no latency in any replication.
  EXPECT_EQ(Cells(LineStartingWith(orgs, "beta, inc ")).back(), "-");
}

TEST(ComparisonTable, ShowsEachOrgsMean429And503CountsWithReplications) {
  // Three replications of two orgs. acme's 429s are request- and token-limited ones together:
  // 4 + 3, 9 + 3 and 14 + 6 = 7, 12, 20; its 503s 10, 20, 33. beta's are the same in each.
  std::vector<RunResult> runs = {MakeRun("fifo", 1), MakeRun("fifo", 1), MakeRun("fifo", 1)};
  const int64_t r429_request[] = {4, 9, 14};
  const int64_t r429_token[] = {3, 3, 6};
  const int64_t r503[] = {10, 20, 33};
  for (size_t r = 0; r < runs.size(); ++r) {
    runs[r].seed = r + 1;
    OutcomeCounts& acme = runs[r].metrics.per_org[0].counts;
    acme.r429_request = r429_request[r];
    acme.r429_token = r429_token[r];
    acme.r503 = r503[r];
    acme.ok = acme.offered - acme.r429() - acme.r503;
  }
  ComparisonTableOptions options;
  options.replications = 3;
  const std::string text = ComparisonTable(runs, options);
  const std::string orgs = text.substr(text.find("per org:"));
  // By hand: 429s mean 13, half-width 4.30265 * sqrt(43) / sqrt(3) = 16.3; 503s mean 21,
  // half-width 4.30265 * sqrt(133) / sqrt(3) = 28.6.
  EXPECT_NEAR(HalfWidth3(7, 12, 20), 16.29, 0.01);
  EXPECT_NEAR(HalfWidth3(10, 20, 33), 28.65, 0.01);
  const std::vector<std::string> acme = Cells(LineStartingWith(orgs, "acme "));
  ASSERT_GE(acme.size(), 7u);
  EXPECT_EQ(std::vector<std::string>(acme.begin() + 3, acme.begin() + 7),
            (std::vector<std::string>{"13", "\u00b116", "21", "\u00b129"}));
  // beta: 20 429s and 5 503s in every replication.
  const std::vector<std::string> beta = Cells(LineStartingWith(orgs, "beta, inc "));
  ASSERT_GE(beta.size(), 8u);
  EXPECT_EQ(std::vector<std::string>(beta.begin() + 4, beta.begin() + 8),
            (std::vector<std::string>{"20", "\u00b10", "5", "\u00b10"}));
  // The same estimates as summary.json's.
  const std::optional<Json> summary = ParseJson(SummaryJson(runs, 3));
  ASSERT_TRUE(summary.has_value());
  const Json& acme_json = (*summary)["policies"]["fifo"]["per_org"]["acme"];
  EXPECT_EQ(acme.at(3), fmt::format("{:.0f}", acme_json["r429"]["mean"].number));
  EXPECT_EQ(acme.at(4), fmt::format("\u00b1{:.0f}", acme_json["r429"]["ci95"].number));
  EXPECT_EQ(acme.at(5), fmt::format("{:.0f}", acme_json["r503"]["mean"].number));
  EXPECT_EQ(acme.at(6), fmt::format("\u00b1{:.0f}", acme_json["r503"]["ci95"].number));
  // Still readable in 100 columns.
  for (const std::string& line : Lines(orgs)) EXPECT_LE(line.size(), 100u) << line;
}

TEST(HumanUnits, CountEstimatesShowWholeRequests) {
  EXPECT_EQ(FormatCountCi(21.4, 6.3), "21 \u00b16");
  EXPECT_EQ(FormatCountCi(0.3, 0.6), "0 \u00b11");
  EXPECT_EQ(FormatCountCi(53.0, std::nan("")), "53");
  EXPECT_EQ(FormatCountCi(std::nan(""), std::nan("")), "-");
}

TEST(ComparisonTable, ReplicationsOfOneAreTheSingleRunTable) {
  ComparisonTableOptions options;
  options.replications = 1;
  const std::vector<RunResult> runs = {MakeRun("none", 1), MakeRun("fifo", 2)};
  EXPECT_EQ(ComparisonTable(runs, options), ComparisonTable(runs));
}

TEST(FailReasonTable, ShowsMeanCountsWithReplications) {
  std::vector<RunResult> runs = ReplicatedRuns();  // fifo x3, then none x3
  const int64_t expired[] = {4, 7, 11};
  for (int r = 0; r < 3; ++r) AddFailedAttempts(runs[r], FailReason::kExpired, expired[r]);
  AddFailedAttempts(runs[3], FailReason::kNoCapacity, 3);
  const std::string text = FailReasonTable(runs, 3);
  EXPECT_NE(text.find("means of 3 replications"), std::string::npos) << text;
  // fifo: (4 + 7 + 11) / 3 = 7.33 shows as 7; none: 3 / 3 = 1.
  EXPECT_EQ(Cells(LineStartingWith(text, "fifo ")),
            (std::vector<std::string>{"fifo", "7", "0", "7"}));
  EXPECT_EQ(Cells(LineStartingWith(text, "none ")),
            (std::vector<std::string>{"none", "1", "1", "0"}));
}

TEST(HumanUnits, EstimatesKeepTheUnitAndDecimalsOfTheirMean) {
  EXPECT_EQ(FormatPercentCi(0.971, 0.004), "97.1% \u00b10.4");
  EXPECT_EQ(FormatPercentCi(0.971, std::nan("")), "97.1%");
  EXPECT_EQ(FormatPercentCi(std::nan(""), std::nan("")), "-");
  EXPECT_EQ(FormatLatencyCi(20.04e6, 1.23e6), "20.0ms \u00b11.2");
  EXPECT_EQ(FormatLatencyCi(2.0e9, 0.051e9), "2.00s \u00b10.05");
  EXPECT_EQ(FormatLatencyCi(340e6, 12.3e6), "340ms \u00b112");
  EXPECT_EQ(FormatLatencyCi(0.42e6, 0.013e6), "0.42ms \u00b10.01");
  EXPECT_EQ(FormatLatencyCi(125e9, 3.3e9), "125s \u00b13");
  EXPECT_EQ(FormatLatencyCi(999.7e6, 6e6), "1.00s \u00b10.01");  // the mean's unit, not the ci's
}

TEST(HumanUnits, IndexesShowThreeDecimals) {
  EXPECT_EQ(FormatIndexCi(0.87349, 0.0121), "0.873 \u00b10.012");
  EXPECT_EQ(FormatIndexCi(1.0, std::nan("")), "1.000");
  EXPECT_EQ(FormatIndexCi(std::nan(""), 0.1), "-");
}

TEST(SummaryJson, EstimatesFairnessOverReplications) {
  // Three replications in which beta is served 25, 40 and 50 of its 50 (acme 80 of 100): indexes
  // J(0.8, 0.5), J(0.8, 0.8) = 1 and J(0.8, 1.0), with J(a, b) = (a + b)² / (2 (a² + b²)).
  const auto jain = [](double a, double b) { return (a + b) * (a + b) / (2 * (a * a + b * b)); };
  std::vector<RunResult> runs = {MakeRun("fifo", 1), MakeRun("fifo", 1), MakeRun("fifo", 1)};
  const int64_t beta_ok[] = {25, 40, 50};
  for (size_t r = 0; r < runs.size(); ++r) {
    OutcomeCounts& beta = runs[r].metrics.per_org[1].counts;
    beta.ok = beta_ok[r];
    beta.r503 = 0;
    beta.r429_request = 50 - beta_ok[r];
  }
  const std::optional<Json> parsed = ParseJson(SummaryJson(runs, 3));
  ASSERT_TRUE(parsed.has_value());
  const Json& fairness = (*parsed)["policies"]["fifo"]["overall"]["fairness"];
  const double a = jain(0.8, 0.5), b = jain(0.8, 0.8), c = jain(0.8, 1.0);
  EXPECT_NEAR(fairness["mean"].number, (a + b + c) / 3, 1e-12);
  EXPECT_NEAR(fairness["ci95"].number, HalfWidth3(a, b, c), 1e-12);
}

TEST(SummaryJson, GivesMeanAndHalfWidthPerMetricWithReplications) {
  const std::string text = SummaryJson(ReplicatedRuns(), 3);
  EXPECT_EQ(text.find("nan"), std::string::npos);
  const std::optional<Json> parsed = ParseJson(text);
  ASSERT_TRUE(parsed.has_value()) << text;
  EXPECT_EQ((*parsed)["policies"].Keys(), (std::vector<std::string>{"fifo", "none"}));
  const Json& fifo = (*parsed)["policies"]["fifo"];
  EXPECT_EQ(fifo["replications"].number, 3);
  ASSERT_EQ(fifo["seeds"].array.size(), 3u);
  EXPECT_EQ(fifo["seeds"].array[2].number, 3);
  const Json& overall = fifo["overall"];
  EXPECT_NEAR(overall["success_rate"]["mean"].number, 0.94, 1e-12);
  EXPECT_NEAR(overall["success_rate"]["ci95"].number, HalfWidth3(0.90, 0.95, 0.97), 1e-12);
  EXPECT_NEAR(overall["r429_share"]["mean"].number, 0.1 / 3, 1e-12);
  EXPECT_NEAR(overall["r503_share"]["ci95"].number, HalfWidth3(0.05, 0.02, 0.01), 1e-12);
  EXPECT_NEAR(overall["ok"]["mean"].number, 94, 1e-12);
  EXPECT_EQ(overall["offered"]["mean"].number, 100);
  EXPECT_EQ(overall["offered"]["ci95"].number, 0);
  EXPECT_NEAR(overall["latency"]["p99"]["mean"].number, 0.110, 1e-12);
  EXPECT_NEAR(overall["latency"]["p99"]["ci95"].number, HalfWidth3(0.100, 0.120, 0.110), 1e-12);
  EXPECT_NEAR(overall["queue_wait"]["p99"]["mean"].number, 0.5, 1e-12);
  EXPECT_NEAR(overall["utilisation"]["mean"].number, 0.6, 1e-12);
  EXPECT_NEAR(overall["utilisation"]["ci95"].number, HalfWidth3(0.5, 0.6, 0.7), 1e-12);
  EXPECT_NEAR(fifo["per_org"]["acme"]["success_rate"]["mean"].number, 0.94, 1e-12);
  EXPECT_NEAR(fifo["per_org"]["acme"]["latency"]["p99"]["ci95"].number,
              HalfWidth3(0.100, 0.120, 0.110), 1e-12);
  EXPECT_NEAR(fifo["per_model"]["m"]["utilisation"]["mean"].number, 0.6, 1e-12);
  EXPECT_EQ(fifo["per_model"]["m"]["slots"]["mean"].number, 4);
  EXPECT_EQ(fifo["end_time_s"]["mean"].number, 60);
  // Every replication in the one-run layout.
  ASSERT_EQ(fifo["runs"].array.size(), 3u);
  EXPECT_EQ(fifo["runs"].array[1]["seed"].number, 2);
  EXPECT_EQ(fifo["runs"].array[1]["overall"]["ok"].number, 95);
  EXPECT_EQ(fifo["runs"].array[1]["overall"]["success_rate"].number, 0.95);
}

TEST(SummaryJson, EstimatesEachReasonsFailedAttemptsOverReplications) {
  // fifo's replications expired 4, 7 and 10 attempts and found the buffer full once each; none
  // failed nothing for a reason (its counts stay 0).
  std::vector<RunResult> runs = ReplicatedRuns();
  const int64_t expired[] = {4, 7, 10};
  for (int r = 0; r < 3; ++r) {
    RunMetrics& m = runs[r].metrics;
    for (SliceMetrics* slice : {&m.overall, &m.per_org[0], &m.per_model[0]}) {
      slice->counts.failed_attempts[static_cast<size_t>(FailReason::kExpired)] = expired[r];
      slice->counts.failed_attempts[static_cast<size_t>(FailReason::kBufferFull)] = 1;
    }
  }
  const Json summary = ParseJson(SummaryJson(runs, 3)).value_or(Json());
  const Json& fifo = summary["policies"]["fifo"];
  const Json& overall = fifo["overall"]["failed_attempts_by_reason"];
  EXPECT_NEAR(overall["expired"]["mean"].number, 7, 1e-12);
  EXPECT_NEAR(overall["expired"]["ci95"].number, HalfWidth3(4, 7, 10), 1e-12);
  EXPECT_EQ(overall["buffer_full"]["mean"].number, 1);
  EXPECT_EQ(overall["buffer_full"]["ci95"].number, 0);
  EXPECT_EQ(overall["shed"]["mean"].number, 0);
  EXPECT_NEAR(fifo["per_org"]["acme"]["failed_attempts_by_reason"]["expired"]["mean"].number, 7,
              1e-12);
  EXPECT_NEAR(fifo["per_model"]["m"]["failed_attempts_by_reason"]["expired"]["ci95"].number,
              HalfWidth3(4, 7, 10), 1e-12);
  // Each replication keeps its own counts.
  EXPECT_EQ(fifo["runs"].array[2]["overall"]["failed_attempts_by_reason"]["expired"].number, 10);
  EXPECT_EQ(
      summary["policies"]["none"]["overall"]["failed_attempts_by_reason"]["expired"]["mean"].number,
      0);
}

TEST(SummaryJson, LeavesUndefinedValuesOutOfTheEstimate) {
  // The second replication served nothing: no latency to average, but a success rate of 0.
  const std::vector<RunResult> runs = {Replica("fifo", 1, 90, 5, 100 * kMs, 0.5),
                                       Replica("fifo", 2, 0, 100, 0, 0.5)};
  const Json replicated = ParseJson(SummaryJson(runs, 2)).value_or(Json());
  const Json& overall = replicated["policies"]["fifo"]["overall"];
  EXPECT_NEAR(overall["latency"]["p99"]["mean"].number, 0.1, 1e-12);
  EXPECT_EQ(overall["latency"]["p99"]["ci95"].type, Json::Type::kNull);  // one value: no interval
  EXPECT_NEAR(overall["latency"]["count"]["mean"].number, 45, 1e-12);
  EXPECT_NEAR(overall["success_rate"]["mean"].number, 0.45, 1e-12);
  EXPECT_NEAR(overall["success_rate"]["ci95"].number, 12.7062047362 * 0.45, 1e-9);
}

TEST(TimeseriesCsv, AddsAReplicationColumnOnlyWithReplications) {
  std::ostringstream single;
  WriteTimeseriesCsv(ReplicatedRuns(), single);
  EXPECT_EQ(Lines(single.str()).at(0), "policy,time_s,metric,org,model,value");
  EXPECT_EQ(Lines(single.str()).at(2), "fifo,10,offered,acme,m,95");
  std::ostringstream replicated;
  WriteTimeseriesCsv(ReplicatedRuns(), replicated, 3);
  const std::vector<std::string> lines = Lines(replicated.str());
  ASSERT_EQ(lines.size(), 7u);
  EXPECT_EQ(lines[0], "policy,replication,time_s,metric,org,model,value");
  EXPECT_EQ(lines[1], "fifo,0,10,offered,acme,m,90");
  EXPECT_EQ(lines[3], "fifo,2,10,offered,acme,m,97");
  EXPECT_EQ(lines[4], "none,0,10,offered,acme,m,80");
}

// ---------------------------------------------------------------------------------------------------
// run.json and the scenario hash

TEST(Fnv1a64, MatchesThePublishedTestVectors) {
  EXPECT_EQ(Fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(Fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(Fnv1a64("foobar"), 0x85944171f73967e8ULL);
}

using ::ratesim::testing::TempDir;

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(RunMetadata, HashesTheScenarioFileAndRecordsWhatRan) {
  TempDir temp;
  const std::string path = temp / "s.toml";
  WriteText(path, "foobar");
  Scenario scenario;
  scenario.path = path;
  scenario.title = "a \"quoted\" title";
  scenario.run.seed = 99;
  scenario.run.duration = 90 * kNanosPerSecond;
  const absl::StatusOr<RunMetadata> metadata = DescribeRun(
      scenario, {"none", "fifo"}, {"run.seed=99"}, {"ratesim", "compare", path, "--seed", "99"});
  ASSERT_TRUE(metadata.ok()) << metadata.status();
  const std::optional<Json> json = ParseJson(RunJson(*metadata));
  ASSERT_TRUE(json.has_value());
  EXPECT_EQ((*json)["version"].string, std::string(Version()));
  EXPECT_EQ((*json)["scenario"]["path"].string, path);
  EXPECT_EQ((*json)["scenario"]["title"].string, "a \"quoted\" title");
  EXPECT_EQ((*json)["scenario"]["fnv1a64"].string, "85944171f73967e8");
  EXPECT_EQ((*json)["seed"].number, 99);
  EXPECT_EQ((*json)["replications"].number, 1);
  ASSERT_EQ((*json)["seeds"].array.size(), 1u);
  EXPECT_EQ((*json)["seeds"].array[0].number, 99);
  EXPECT_EQ((*json)["duration_s"].number, 90);
  ASSERT_EQ((*json)["policies"].array.size(), 2u);
  EXPECT_EQ((*json)["policies"].array[1].string, "fifo");
  ASSERT_EQ((*json)["overrides"].array.size(), 1u);
  EXPECT_EQ((*json)["overrides"].array[0].string, "run.seed=99");
  ASSERT_EQ((*json)["command_line"].array.size(), 5u);
  EXPECT_EQ((*json)["command_line"].array[3].string, "--seed");
}

TEST(RunMetadata, RecordsTheReplicationsAndEverySeed) {
  TempDir temp;
  const std::string path = temp / "s.toml";
  WriteText(path, "x");
  Scenario scenario;
  scenario.path = path;
  scenario.run.seed = 18446744073709551615ULL;  // seeds are 64-bit: written exactly
  const absl::StatusOr<RunMetadata> metadata = DescribeRun(scenario, {"none"}, {}, {}, 3);
  ASSERT_TRUE(metadata.ok()) << metadata.status();
  EXPECT_EQ(metadata->seeds, ReplicationSeeds(scenario.run.seed, 3));
  const std::string text = RunJson(*metadata);
  EXPECT_NE(text.find("\"replications\": 3,"), std::string::npos) << text;
  EXPECT_NE(text.find(fmt::format("\"seeds\": [\n    18446744073709551615,\n    {},\n    {}\n  ]",
                                  metadata->seeds[1], metadata->seeds[2])),
            std::string::npos)
      << text;
}

TEST(RunMetadata, FailsNamingAScenarioFileItCannotRead) {
  Scenario scenario;
  scenario.path = "/nonexistent/dir/s.toml";
  const absl::StatusOr<RunMetadata> metadata = DescribeRun(scenario, {}, {}, {});
  ASSERT_FALSE(metadata.ok());
  EXPECT_NE(metadata.status().message().find("/nonexistent/dir/s.toml"), absl::string_view::npos);
  EXPECT_NE(metadata.status().message().find("No such file"), absl::string_view::npos);
}

// ---------------------------------------------------------------------------------------------------
// Atomic output directories

std::vector<OutputFile> Files(const std::string& a, const std::string& b) {
  return {{"a.txt", [a](std::ostream& out) { out << a; }},
          {"b.txt", [b](std::ostream& out) { out << b; }}};
}

bool Exists(const std::string& path) {
  struct stat info;
  return ::lstat(path.c_str(), &info) == 0;
}

// The names in `dir`, sorted.
std::vector<std::string> List(const std::string& dir) {
  std::vector<std::string> names;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

TEST(PublishFiles, CreatesTheDirectoryWithEveryFile) {
  TempDir temp;
  const std::string dir = temp / "nested/parents/out";
  ASSERT_TRUE(PublishFiles(dir, Files("one", "two")).ok());
  EXPECT_EQ(List(dir), (std::vector<std::string>{"a.txt", "b.txt"}));
  EXPECT_EQ(ReadText(dir + "/a.txt"), "one");
  EXPECT_EQ(ReadText(dir + "/b.txt"), "two");
  EXPECT_EQ(List(temp / "nested/parents"), (std::vector<std::string>{"out"}));  // no temp left
}

TEST(PublishFiles, ReplacesItsFilesAndKeepsOthers) {
  TempDir temp;
  const std::string dir = temp / "out";
  ASSERT_TRUE(PublishFiles(dir, Files("one", "two")).ok());
  WriteText(dir + "/notes.md", "mine");
  ASSERT_TRUE(PublishFiles(dir + "/", Files("uno", "dos")).ok());
  EXPECT_EQ(List(dir), (std::vector<std::string>{"a.txt", "b.txt", "notes.md"}));
  EXPECT_EQ(ReadText(dir + "/a.txt"), "uno");
  EXPECT_EQ(ReadText(dir + "/b.txt"), "dos");
  EXPECT_EQ(ReadText(dir + "/notes.md"), "mine");
  EXPECT_EQ(List(temp.path()), (std::vector<std::string>{"out"}));
}

TEST(PublishFiles, LeavesNothingBehindWhenTheParentIsAFile) {
  TempDir temp;
  WriteText(temp / "file", "x");
  const absl::Status status = PublishFiles(temp / "file/out", Files("one", "two"));
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("'" + (temp / "file") + "' is not a folder"),
            absl::string_view::npos)
      << status.message();
  EXPECT_EQ(List(temp.path()), (std::vector<std::string>{"file"}));
  EXPECT_EQ(ReadText(temp / "file"), "x");
}

TEST(PublishFiles, LeavesTheDirectoryAsItWasWhenAWriteFails) {
  TempDir temp;
  const std::string dir = temp / "out";
  ASSERT_TRUE(PublishFiles(dir, Files("one", "two")).ok());
  std::vector<OutputFile> files = Files("uno", "dos");
  files[1].write = [](std::ostream& out) {
    out << "half";
    out.setstate(std::ios::badbit);
  };
  const absl::Status status = PublishFiles(dir, files);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("b.txt"), absl::string_view::npos) << status.message();
  EXPECT_EQ(ReadText(dir + "/a.txt"), "one");
  EXPECT_EQ(ReadText(dir + "/b.txt"), "two");
  EXPECT_EQ(List(temp.path()), (std::vector<std::string>{"out"}));
}

TEST(PublishFiles, RestoresReplacedFilesWhenAMoveFails) {
  TempDir temp;
  const std::string dir = temp / "out";
  // A name of 251 bytes can be written, but its backup ".old.<name>" is too long for the file
  // system (255 bytes), so replacing it fails after a.txt was already replaced.
  const std::string long_name(251, 'n');
  std::vector<OutputFile> files = Files("one", "two");
  files[1].name = long_name;
  ASSERT_TRUE(PublishFiles(dir, files).ok());
  files = Files("uno", "dos");
  files[1].name = long_name;
  const absl::Status status = PublishFiles(dir, files);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find(long_name), absl::string_view::npos);
  EXPECT_EQ(ReadText(dir + "/a.txt"), "one");
  EXPECT_EQ(ReadText(dir + "/" + long_name), "two");
  EXPECT_EQ(List(dir), (std::vector<std::string>{"a.txt", long_name}));
  EXPECT_EQ(List(temp.path()), (std::vector<std::string>{"out"}));
}

TEST(PublishFiles, FailsWhenTheTargetIsAFile) {
  TempDir temp;
  WriteText(temp / "out", "x");
  const absl::Status status = PublishFiles(temp / "out", Files("one", "two"));
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find(temp / "out"), absl::string_view::npos);
  EXPECT_EQ(ReadText(temp / "out"), "x");
  EXPECT_EQ(List(temp.path()), (std::vector<std::string>{"out"}));
}

TEST(StagedOutput, PublishesOnlyTheNamedFilesIntoANewDirectory) {
  TempDir temp;
  const std::string dir = temp / "out";
  {
    absl::StatusOr<std::unique_ptr<StagedOutput>> output = StagedOutput::Create(dir);
    ASSERT_TRUE(output.ok()) << output.status();
    WriteText((*output)->StagedPath("built.txt"), "piece by piece");
    WriteText((*output)->StagedPath(".scratch"), "not for publication");
    ASSERT_TRUE((*output)->Write(Files("one", "two")[0]).ok());
    EXPECT_FALSE(Exists(dir));  // nothing visible before Publish
    ASSERT_TRUE((*output)->Publish({"a.txt", "built.txt"}).ok());
  }
  EXPECT_EQ(List(dir), (std::vector<std::string>{"a.txt", "built.txt"}));
  EXPECT_EQ(ReadText(dir + "/built.txt"), "piece by piece");
  EXPECT_EQ(List(temp.path()), (std::vector<std::string>{"out"}));
}

TEST(StagedOutput, PublishesOnlyTheNamedFilesIntoAnExistingDirectory) {
  TempDir temp;
  const std::string dir = temp / "out";
  ASSERT_TRUE(PublishFiles(dir, Files("one", "two")).ok());
  {
    absl::StatusOr<std::unique_ptr<StagedOutput>> output = StagedOutput::Create(dir);
    ASSERT_TRUE(output.ok()) << output.status();
    WriteText((*output)->StagedPath("a.txt"), "uno");
    WriteText((*output)->StagedPath(".scratch"), "x");
    ASSERT_TRUE((*output)->Publish({"a.txt"}).ok());
  }
  EXPECT_EQ(List(dir), (std::vector<std::string>{"a.txt", "b.txt"}));
  EXPECT_EQ(ReadText(dir + "/a.txt"), "uno");
  EXPECT_EQ(List(temp.path()), (std::vector<std::string>{"out"}));
}

TEST(StagedOutput, LeavesNothingBehindWhenNeverPublished) {
  TempDir temp;
  {
    absl::StatusOr<std::unique_ptr<StagedOutput>> output =
        StagedOutput::Create(temp / "new/parent/out");
    ASSERT_TRUE(output.ok()) << output.status();
    WriteText((*output)->StagedPath("a.txt"), "half-done");
  }
  EXPECT_TRUE(List(temp.path()).empty());
}

TEST(WriteReports, WritesSummaryTimeseriesAndRunMetadata) {
  TempDir temp;
  RunMetadata metadata;
  metadata.scenario_path = "s.toml";
  metadata.policies = {"none"};
  const std::vector<RunResult> runs = {MakeRun("none", 1)};
  ASSERT_TRUE(WriteReports(temp / "out", metadata, runs).ok());
  EXPECT_EQ(List(temp / "out"),
            (std::vector<std::string>{"run.json", "summary.json", "timeseries.csv"}));
  EXPECT_EQ(ReadText(temp / "out/summary.json"), SummaryJson(runs));
  EXPECT_EQ(ReadText(temp / "out/run.json"), RunJson(metadata));
  EXPECT_EQ(Lines(ReadText(temp / "out/timeseries.csv")).size(), 5u);
}

TEST(WriteReports, WritesReplicatedReportsWhenTheMetadataSaysSo) {
  TempDir temp;
  RunMetadata metadata;
  metadata.policies = {"fifo", "none"};
  metadata.replications = 3;
  const std::vector<RunResult> runs = ReplicatedRuns();
  ASSERT_TRUE(WriteReports(temp / "out", metadata, runs).ok());
  EXPECT_EQ(ReadText(temp / "out/summary.json"), SummaryJson(runs, 3));
  EXPECT_EQ(Lines(ReadText(temp / "out/timeseries.csv")).at(0),
            "policy,replication,time_s,metric,org,model,value");
}

}  // namespace
}  // namespace ratesim

// Tests for the report writers: RunResults built by hand with known counts and latencies, checked in
// the terminal table, summary.json (parsed back by a strict JSON reader written here), the
// long-form CSV, run.json, and the atomic publication of an output directory.
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

#include <gtest/gtest.h>

#include "sim/metrics/run_metrics.h"
#include "sim/report/comparison_table.h"
#include "sim/report/human_units.h"
#include "sim/report/json_writer.h"
#include "sim/report/output_dir.h"
#include "sim/report/report_writer.h"
#include "sim/report/run_metadata.h"
#include "sim/report/summary_json.h"
#include "sim/report/text_table.h"
#include "sim/report/timeseries_csv.h"
#include "sim/version.h"

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
// run.json and the scenario hash

TEST(Fnv1a64, MatchesThePublishedTestVectors) {
  EXPECT_EQ(Fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(Fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(Fnv1a64("foobar"), 0x85944171f73967e8ULL);
}

// A fresh empty directory under the test temp dir, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = ::testing::TempDir() + "ratesim_report_XXXXXX";
    path_ = ::mkdtemp(pattern.data()) ? pattern : "";
    EXPECT_FALSE(path_.empty());
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

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
  EXPECT_EQ((*json)["duration_s"].number, 90);
  ASSERT_EQ((*json)["policies"].array.size(), 2u);
  EXPECT_EQ((*json)["policies"].array[1].string, "fifo");
  ASSERT_EQ((*json)["overrides"].array.size(), 1u);
  EXPECT_EQ((*json)["overrides"].array[0].string, "run.seed=99");
  ASSERT_EQ((*json)["command_line"].array.size(), 5u);
  EXPECT_EQ((*json)["command_line"].array[3].string, "--seed");
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
  EXPECT_NE(status.message().find(temp / "file/out.tmp-"), absl::string_view::npos)
      << status.message();
  EXPECT_NE(status.message().find("Not a directory"), absl::string_view::npos) << status.message();
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

}  // namespace
}  // namespace ratesim

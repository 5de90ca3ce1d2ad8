#include "sim/scenario/trace_reader.h"

#include <algorithm>
#include <cstdio>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "fmt/format.h"

#include "gtest/gtest.h"
#include "sim/scenario/scenario.h"
#include "sim/scenario/units.h"
#include "tests/support/temp_dir.h"

namespace ratesim {
namespace {

constexpr char kHeaderLine[] = "time,org,model,input_tokens,output_tokens\n";

// Writes `text` to a file named `name` in the test's temporary folder; returns its path.
std::string WriteTrace(const std::string& name, const std::string& text) {
  return testing::WriteTextFile(testing::TempPath("trace_reader_" + name), text);
}

// Every row of the trace at `path`, or the first error's message.
struct ReadAll {
  std::vector<TraceRow> rows;
  std::string error;
};

ReadAll Read(const std::string& path) {
  ReadAll result;
  absl::StatusOr<TraceReader> reader = TraceReader::Open(path);
  if (!reader.ok()) {
    result.error = std::string(reader.status().message());
    return result;
  }
  TraceRow row;
  while (true) {
    absl::StatusOr<bool> more = reader->Next(&row);
    if (!more.ok()) {
      EXPECT_EQ(more.status().code(), absl::StatusCode::kInvalidArgument);
      result.error = std::string(more.status().message());
      return result;
    }
    if (!*more) return result;
    result.rows.push_back(row);
  }
}

TEST(TraceReader, ReadsEveryRowAndForm) {
  const std::string path = WriteTrace(
      "valid.csv", std::string(kHeaderLine) +
                       "0,acme,llama-70b,800,200\r\n"
                       "12.5,\"beta, inc.\",mistral-7b,0,0\n"
                       "\n"
                       "12.5s, \"say \"\"hi\"\"\" ,m,1,2\n"
                       "13000ms,acme,llama-70b,1000000000000000,3");  // no final line ending
  const ReadAll all = Read(path);
  ASSERT_EQ(all.error, "");
  ASSERT_EQ(all.rows.size(), 4u);
  EXPECT_EQ(all.rows[0].time, 0);
  EXPECT_EQ(all.rows[0].org, "acme");
  EXPECT_EQ(all.rows[0].model, "llama-70b");
  EXPECT_EQ(all.rows[0].input_tokens, 800);
  EXPECT_EQ(all.rows[0].output_tokens, 200);
  EXPECT_EQ(all.rows[1].time, 12'500'000'000);
  EXPECT_EQ(all.rows[1].org, "beta, inc.");
  EXPECT_EQ(all.rows[1].model, "mistral-7b");
  EXPECT_EQ(all.rows[1].output_tokens, 0);
  EXPECT_EQ(all.rows[2].time, 12'500'000'000);  // equal times are in order
  EXPECT_EQ(all.rows[2].org, "say \"hi\"");
  EXPECT_EQ(all.rows[3].time, 13 * kNanosPerSecond);
  EXPECT_EQ(all.rows[3].input_tokens, kMaxTokens);
}

// Plain seconds are read as a duration in seconds, so they take an exponent as durations do:
// exactly.
TEST(TraceReader, ReadsTimesWithAnExponent) {
  const std::string path = WriteTrace("exponent.csv", std::string(kHeaderLine) +
                                                          "1e-3,acme,m,1,2\n"
                                                          "1.5E2,acme,m,1,2\n"
                                                          "1e3,acme,m,1,2\n"
                                                          "1.0000000001e3,acme,m,1,2\n"
                                                          "2e6ms,acme,m,1,2\n");
  const ReadAll all = Read(path);
  ASSERT_EQ(all.error, "");
  ASSERT_EQ(all.rows.size(), 5u);
  EXPECT_EQ(all.rows[0].time, 1'000'000);                     // 0.001 s
  EXPECT_EQ(all.rows[1].time, 150 * kNanosPerSecond);         // 150 s
  EXPECT_EQ(all.rows[2].time, 1000 * kNanosPerSecond);        // 1000 s
  EXPECT_EQ(all.rows[3].time, 1000 * kNanosPerSecond + 100);  // 1000.0000001 s
  EXPECT_EQ(all.rows[4].time, 2000 * kNanosPerSecond);        // 2e6 ms
}

TEST(TraceReader, ReportsTheLineAndColumnOfEachMalformedRow) {
  struct Case {
    std::string row;
    std::string error;  // after "<path>:3:"; the column is that of the field at fault
  };
  const std::vector<Case> cases = {
      {"2,acme,m,1",
       "11: error: got 4 field(s); expected 5: time,org,model,input_tokens,output_tokens"},
      {"2,acme,m,1,2,", "14: error: got 6 field(s); expected 5"},
      {"2s5,acme,m,1,2",
       "1: error: time must be seconds such as \"12.5\" or a duration such as \"12.5s\" or "
       "\"250ms\", got "
       "\"2s5\""},
      {"-2,acme,m,1,2", "1: error: time must be >= 0: seconds such as \"12.5\""},
      // Seconds as asked, but past what a run can reach: not "time must be seconds".
      {"99999999999,acme,m,1,2",
       "1: error: time \"99999999999\" is too large; expected at most about 292 years"},
      // More digits than an int64_t holds: the reading of plain seconds must give up at its tenth
      // digit, not overflow reading on (undefined behaviour, which UBSan reports).
      {"12345678901234567890123,acme,m,1,2",
       "1: error: time \"12345678901234567890123\" is too large; expected at most about 292 years"},
      {"2562048h,acme,m,1,2",
       "1: error: time \"2562048h\" is too large; expected at most about 292 years"},
      {"1e400,acme,m,1,2",
       "1: error: time \"1e400\" is too large; expected at most about 292 years"},
      {",acme,m,1,2",
       "1: error: time must be seconds such as \"12.5\" or a duration such as \"12.5s\" or "
       "\"250ms\", got \"\""},
      {"0.5,acme,m,1,2",
       "1: error: time \"0.5\" is before the previous row's \"1s\" (line 2); expected rows in "
       "time order: sort the rows by their time, the header line staying first"},
      {"2,,m,1,2", "3: error: org must be a name such as \"acme\", got an empty field"},
      {"2,acme,\"\",1,2",
       "8: error: model must be a name such as \"llama-70b\", got an empty field"},
      {"2,acme,m,-1,2", "10: error: input_tokens must be a whole number >= 0, got -1"},
      {"2,acme,m,abc,2", "10: error: input_tokens must be a whole number >= 0, got \"abc\""},
      {"2,acme,m, 1,2.5", "13: error: output_tokens must be a whole number >= 0, got \"2.5\""},
      {"2,acme,m,1,99999999999999999999",
       "12: error: output_tokens 99999999999999999999 is too large; the largest is "
       "1000000000000000"},
      // Fits in int64_t, but input + output would not: the engine would see a negative request.
      {"2,acme,m,9223372036854775807,1",
       "10: error: input_tokens 9223372036854775807 is too large; the largest is "
       "1000000000000000"},
      {"2,acme,m,1,1000000000000001",
       "12: error: output_tokens 1000000000000001 is too large; the largest is "
       "1000000000000000"},
      {"2,\"acme,m,1,2", "3: error: field 2 has no closing quote"},
      {"2,\"acme\"x,m,1,2",
       "9: error: field 2 has text after its closing quote; expected a comma next"},
      {"2,ac\"me,m,1,2", "5: error: field 2 has a quote inside an unquoted value"},
  };
  for (const Case& c : cases) {
    const std::string path = WriteTrace("bad.csv", std::string(kHeaderLine) + "1s,acme,m,1,2\n" + c.row + "\n");
    const ReadAll all = Read(path);
    EXPECT_EQ(all.rows.size(), 1u) << c.row;
    const std::string prefix = path + ":3:" + c.error;
    EXPECT_EQ(all.error.substr(0, prefix.size()), prefix) << c.row;
  }
}

TEST(TraceReader, KeepsReturningTheFirstError) {
  const std::string path = WriteTrace("sticky.csv", std::string(kHeaderLine) + "x,a,b,1,2\n1,a,b,1,2\n");
  absl::StatusOr<TraceReader> reader = TraceReader::Open(path);
  ASSERT_TRUE(reader.ok()) << reader.status();
  TraceRow row;
  const absl::StatusOr<bool> first = reader->Next(&row);
  ASSERT_FALSE(first.ok());
  const absl::StatusOr<bool> second = reader->Next(&row);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status(), first.status());
  EXPECT_EQ(reader->line(), 2);
}

TEST(TraceReader, ChecksTheHeader) {
  EXPECT_EQ(Read(WriteTrace("h1.csv", "time,org,model,input,output\n")).error,
            testing::TempPath("trace_reader_h1.csv") +
                ":1:1: error: the header line is "
                "\"time,org,model,input,output\"; expected "
                "exactly \"time,org,model,input_tokens,output_tokens\"");
  EXPECT_EQ(Read(WriteTrace("h2.csv", "")).error,
            testing::TempPath("trace_reader_h2.csv") +
                ":1:1: error: the file is empty; expected the header line "
                "\"time,org,model,input_tokens,output_tokens\"");
  // A byte-order mark and \r\n line endings are accepted; a header alone is an empty trace.
  const ReadAll bom = Read(WriteTrace("h3.csv", "\xEF\xBB\xBFtime,org,model,input_tokens,output_tokens\r\n"));
  EXPECT_EQ(bom.error, "");
  EXPECT_TRUE(bom.rows.empty());
}

// A carriage return or other control character inside a line is shown escaped, so it cannot
// return the terminal's cursor and hide the start of the message.
TEST(TraceReader, EscapesControlCharactersInItsMessages) {
  EXPECT_EQ(Read(WriteTrace("cr_row.csv", std::string(kHeaderLine) + "1\r2,a,b,1,2\n")).error,
            testing::TempPath("trace_reader_cr_row.csv") +
                ":2:1: error: time must be seconds such as \"12.5\" or a "
                "duration such as \"12.5s\" or \"250ms\", got \"1\\r2\"");
  const std::string header = Read(WriteTrace("cr_header.csv", "time,org\r,model\x1b\n")).error;
  EXPECT_NE(header.find("\"time,org\\r,model\\x1b\""), std::string::npos) << header;
  EXPECT_EQ(header.find_first_of("\r\x1b"), std::string::npos) << header;
}

TEST(TraceReader, ReportsAFileThatCannotBeOpened) {
  absl::StatusOr<TraceReader> missing = TraceReader::Open("/nonexistent/trace.csv");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(),
            "cannot open trace file '/nonexistent/trace.csv': No such file or directory");
  absl::StatusOr<TraceReader> folder = TraceReader::Open(::testing::TempDir());
  ASSERT_FALSE(folder.ok());
  EXPECT_EQ(folder.status().code(), absl::StatusCode::kNotFound);
}

// 200k rows stream through one reused row; the checks are on every row's values, against the
// formula that generated them.
TEST(TraceReader, StreamsALargeTrace) {
  constexpr int kRows = 200'000;
  const std::string path = testing::TempPath("trace_reader_large.csv");
  {
    std::FILE* file = std::fopen(path.c_str(), "wb");
    ASSERT_NE(file, nullptr);
    std::fputs(kHeaderLine, file);
    for (int i = 0; i < kRows; ++i) {
      std::fprintf(file, "%d.%03ds,org-%d,model-%d,%d,%d\n", i / 1000, i % 1000, i % 7, i % 3, i, 2 * i);
    }
    std::fclose(file);
  }
  absl::StatusOr<TraceReader> reader = TraceReader::Open(path);
  ASSERT_TRUE(reader.ok()) << reader.status();
  TraceRow row;
  int64_t count = 0;
  int64_t mismatches = 0;
  while (true) {
    absl::StatusOr<bool> more = reader->Next(&row);
    ASSERT_TRUE(more.ok()) << more.status();
    if (!*more) break;
    const int64_t i = count++;
    const bool as_generated = row.time == i * kNanosPerMillisecond && row.input_tokens == i &&
                              row.output_tokens == 2 * i && row.org == "org-" + std::to_string(i % 7) &&
                              row.model == "model-" + std::to_string(i % 3);
    if (!as_generated) ++mismatches;
  }
  EXPECT_EQ(count, kRows);
  EXPECT_EQ(mismatches, 0);
  EXPECT_EQ(reader->line(), kRows + 1);
  std::remove(path.c_str());
}

// Times in every plain form, of every length around the reader's quick path for plain seconds (at
// most 9 digits either side of the point), read as ParseDuration reads them with an "s" added.
TEST(TraceReader, ReadsPlainSecondsOfEveryLengthAsParseDurationDoes) {
  std::mt19937_64 rng(11);
  std::vector<std::pair<Nanos, std::string>> times;
  for (size_t whole_digits = 1; whole_digits <= 11; ++whole_digits) {
    for (size_t fraction_digits = 0; fraction_digits <= 12; ++fraction_digits) {
      for (int draw = 0; draw < 20; ++draw) {
        std::string text;
        for (size_t d = 0; d < whole_digits; ++d) text += static_cast<char>('0' + rng() % 10);
        if (fraction_digits > 0) text += '.';
        for (size_t d = 0; d < fraction_digits; ++d) text += static_cast<char>('0' + rng() % 10);
        const absl::StatusOr<Nanos> expected = ParseDuration(text + "s");
        if (expected.ok()) times.emplace_back(*expected, text);  // 11 digits can be too large
      }
    }
  }
  std::sort(times.begin(), times.end());
  std::string trace = kHeaderLine;
  for (const auto& [nanos, text] : times) trace += text + ",a,m,1,1\n";
  const ReadAll all = Read(WriteTrace("plain_seconds.csv", trace));
  ASSERT_EQ(all.error, "");
  ASSERT_EQ(all.rows.size(), times.size());
  for (size_t i = 0; i < times.size(); ++i) EXPECT_EQ(all.rows[i].time, times[i].first) << times[i].second;
}

// The file is read in blocks (64 KiB): a line longer than one, and lines cut by a block's end, read
// whole, with \r\n endings on both sides of a cut.
TEST(TraceReader, ReadsLinesLongerThanABlockAndLinesAcrossBlocks) {
  const std::string long_org(200'000, 'o');
  std::string trace = kHeaderLine;
  for (int i = 0; i < 30'000; ++i) {
    trace += fmt::format("{}.{:03},org-{},m,{},1{}", i / 1000, i % 1000, i % 11, i, i % 2 ? "\r\n" : "\n");
    if (i == 1234) trace += fmt::format("1.234,{},m,5,6\r\n", long_org);
  }
  const ReadAll all = Read(WriteTrace("blocks.csv", trace));
  ASSERT_EQ(all.error, "");
  ASSERT_EQ(all.rows.size(), 30'001u);
  int64_t mismatches = 0;
  for (size_t row = 0, i = 0; row < all.rows.size(); ++row) {
    const TraceRow& r = all.rows[row];
    if (row == 1235) {
      EXPECT_EQ(r.org, long_org);
      EXPECT_EQ(r.input_tokens, 5);
      continue;
    }
    const bool as_written = r.time == static_cast<Nanos>(i) * kNanosPerMillisecond &&
                            r.org == fmt::format("org-{}", i % 11) && r.model == "m" &&
                            r.input_tokens == static_cast<int64_t>(i) && r.output_tokens == 1;
    if (!as_written) ++mismatches;
    ++i;
  }
  EXPECT_EQ(mismatches, 0);
}

}  // namespace
}  // namespace ratesim

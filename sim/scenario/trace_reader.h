// Reading a recorded trace (a [[traces]] file) row by row, so that a trace larger than memory can be
// replayed: the reader holds a block of the file and the longest line, never the whole file.
//
// The format is CSV with the header line `time,org,model,input_tokens,output_tokens`, then one
// request per line:
//   - time: when the request arrives, from the start of the run: plain seconds ("12.5") or a
//     duration ("12.5s", "250ms"); rows in time order (equal times allowed)
//   - org, model: non-empty names; a field may be quoted ("a,b"), with "" for a quote inside
//   - input_tokens, output_tokens: integers from 0 to kMaxTokens (scenario.h)
// Line endings may be \n or \r\n; empty lines are skipped; a field cannot span lines.
#ifndef RATESIM_SIM_SCENARIO_TRACE_READER_H_
#define RATESIM_SIM_SCENARIO_TRACE_READER_H_

#include <cstdint>
#include <deque>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/time.h"
#include "sim/util/fnv1a64.h"

namespace ratesim {

struct TraceRow {
  Nanos time = 0;
  std::string org;
  std::string model;
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;
};

// Streams a trace file. Memory is O(longest line), not O(file). Not thread-safe.
class TraceReader {
 public:
  // The header line every trace starts with.
  static constexpr std::string_view kHeader = "time,org,model,input_tokens,output_tokens";

  // Opens `path` and checks its header line. Fails with NotFound "cannot open trace file '<path>':
  // <reason>" if the file cannot be read (missing, a directory, no permission), or with
  // InvalidArgument "<path>:1:1: error: ...; expected ..." if the header is wrong or missing.
  // With HashBytes::kYes the reader keeps the FNV-1a 64 hash of the bytes it reads (fnv1a64()).
  enum class HashBytes { kNo, kYes };
  static absl::StatusOr<TraceReader> Open(const std::string& path, HashBytes hash = HashBytes::kNo);

  TraceReader(TraceReader&&) = default;
  TraceReader& operator=(TraceReader&&) = default;

  // Reads the next row into *row (reusing its strings' storage) and returns true; returns false at
  // the end of the file. A malformed row (wrong field count, bad time or number, negative tokens, a
  // time before the previous row's, an empty org or model) fails with InvalidArgument
  // "<path>:<line>:<column>: error: <what is wrong>", the column that of the field at fault, such
  // as "input_tokens must be a whole number >= 0, got \"abc\""; a read failure fails with DataLoss.
  // After a failure, every later call returns the same failure. REQUIRES: row != nullptr.
  absl::StatusOr<bool> Next(TraceRow* row);

  const std::string& path() const { return path_; }
  // Fnv1a64 (sim/util/fnv1a64.h) of the bytes read so far: of the whole file once Next has returned
  // false. REQUIRES: opened with HashBytes::kYes.
  uint64_t fnv1a64() const { return hasher_.value(); }
  // The 1-based number of the line read last (1 after Open).
  int64_t line() const { return line_number_; }
  // The 1-based column where field `field` (0 time, 1 org, 2 model, 3 input_tokens, 4
  // output_tokens) starts on that line, for a caller's error about a row Next returned.
  // REQUIRES: the last Next returned true; field < 5.
  size_t column(size_t field) const { return columns_[field]; }

 private:
  TraceReader(std::string path, std::unique_ptr<std::ifstream> in, HashBytes hash);

  // Points line_ at the next line of the file, without its line ending, and returns true; false
  // at the end of the file or on a read failure (then in_->bad()).
  bool ReadLine();
  // Records and returns InvalidArgument "<path>:<line>:<column>: error: <message>" at the current
  // line; `column` is 1-based.
  absl::Status Fail(size_t column, std::string message);
  // Splits line_ into fields_[0, field_count_), their 1-based columns into columns_; returns what
  // is wrong, or "" (then *problem_column is where).
  std::string Split(size_t* problem_column);
  absl::StatusOr<Nanos> ParseTime(std::string_view text);
  absl::Status ParseRow(TraceRow* row);

  std::string path_;
  std::unique_ptr<std::ifstream> in_;
  // The file is read in blocks into buffer_, of which [begin_, end_) is not yet split into lines:
  // one read call per block rather than one per line. The buffer grows only for a longer line.
  std::vector<char> buffer_;
  size_t begin_ = 0;
  size_t end_ = 0;
  bool hashing_;
  Fnv1a64Hasher hasher_;  // of the bytes read into buffer_, when hashing_
  std::string_view line_;  // the current line, in buffer_
  int64_t line_number_ = 0;
  std::vector<std::string_view> fields_;  // its fields, in line_ or, when quoted, in unquoted_
  // Quoted fields without their quotes, storage reused; a deque, so that growing it for a row with
  // too many fields leaves the earlier fields' views in place.
  std::deque<std::string> unquoted_;
  std::vector<size_t> columns_;           // where each field starts on the line, 1-based
  size_t field_count_ = 0;
  std::string time_text_;  // a time field with an "s" for ParseDuration, storage reused
  Nanos previous_time_ = 0;
  std::string previous_time_text_;
  int64_t previous_line_ = 0;  // 0: no row yet
  absl::Status error_;         // sticky
};

}  // namespace ratesim

#endif  // RATESIM_SIM_SCENARIO_TRACE_READER_H_

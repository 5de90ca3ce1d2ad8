// TraceReader on any file: every row it returns is one a run can replay (time >= 0 and in order,
// names not empty, tokens in [0, kMaxTokens]), every failure names the file, its line and column,
// a failure is sticky, and a file read to its end has the hash of its bytes. The reader reads a
// path, so each input is written to a file of its own temporary folder first.
#include <stdlib.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "fuzz/fuzz_check.h"
#include "sim/scenario/scenario.h"
#include "sim/scenario/trace_reader.h"
#include "sim/util/fnv1a64.h"

namespace {

// A file in a folder made once per process (libFuzzer runs inputs one after another in it).
const std::string& TracePath() {
  static const std::string* path = [] {
    char folder[] = "/tmp/ratesim_trace_fuzzer_XXXXXX";
    if (::mkdtemp(folder) == nullptr) std::abort();
    return new std::string(std::string(folder) + "/trace.csv");
  }();
  return *path;
}

void Write(const std::string& path, std::string_view bytes) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) std::abort();
  if (std::fwrite(bytes.data(), 1, bytes.size(), file) != bytes.size()) std::abort();
  std::fclose(file);
}

// "<path>:<line>:<column>: error: <message>", the line that of the reader.
void CheckLocated(const absl::Status& status, const ratesim::TraceReader& reader) {
  const std::string message(status.message());
  const std::string prefix = reader.path() + ":" + std::to_string(reader.line()) + ":";
  FUZZ_CHECK(absl::StartsWith(message, prefix), "no '%s' in front of: %s", prefix.c_str(),
             message.c_str());
  const absl::string_view rest = absl::string_view(message).substr(prefix.size());
  const size_t colon = rest.find(':');
  FUZZ_CHECK(colon != absl::string_view::npos && colon > 0 &&
                 rest.substr(0, colon).find_first_not_of("0123456789") == absl::string_view::npos &&
                 rest.substr(0, colon) != "0" &&
                 absl::StartsWith(rest.substr(colon), ": error: "),
             "no column, or no 'error:', in: %s", message.c_str());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const std::string& path = TracePath();
  Write(path, bytes);

  absl::StatusOr<ratesim::TraceReader> reader =
      ratesim::TraceReader::Open(path, ratesim::TraceReader::HashBytes::kYes);
  if (!reader.ok()) {
    FUZZ_CHECK(reader.status().code() == absl::StatusCode::kInvalidArgument, "%s",
               reader.status().ToString().c_str());
    FUZZ_CHECK(absl::StartsWith(reader.status().message(), path + ":1:1: error: "), "%s",
               reader.status().ToString().c_str());
    return 0;
  }

  ratesim::TraceRow row;
  ratesim::Nanos previous = 0;
  int64_t previous_line = reader->line();
  while (true) {
    absl::StatusOr<bool> next = reader->Next(&row);
    if (!next.ok()) {
      FUZZ_CHECK(next.status().code() == absl::StatusCode::kInvalidArgument, "%s",
                 next.status().ToString().c_str());
      CheckLocated(next.status(), *reader);
      absl::StatusOr<bool> again = reader->Next(&row);
      FUZZ_CHECK(!again.ok() && again.status() == next.status(), "the failure is not sticky");
      return 0;
    }
    if (!*next) break;
    FUZZ_CHECK(reader->line() > previous_line, "line %lld after line %lld",
               static_cast<long long>(reader->line()), static_cast<long long>(previous_line));
    previous_line = reader->line();
    FUZZ_CHECK(row.time >= previous, "row at line %lld goes back in time",
               static_cast<long long>(reader->line()));
    previous = row.time;
    FUZZ_CHECK(!row.org.empty() && !row.model.empty(), "an empty name at line %lld",
               static_cast<long long>(reader->line()));
    FUZZ_CHECK(row.input_tokens >= 0 && row.input_tokens <= ratesim::kMaxTokens &&
                   row.output_tokens >= 0 && row.output_tokens <= ratesim::kMaxTokens,
               "tokens %lld, %lld at line %lld", static_cast<long long>(row.input_tokens),
               static_cast<long long>(row.output_tokens), static_cast<long long>(reader->line()));
    for (size_t field = 0; field < 5; ++field) {
      FUZZ_CHECK(reader->column(field) >= 1, "column 0 for field %zu", field);
    }
  }
  FUZZ_CHECK(reader->fnv1a64() == ratesim::Fnv1a64(bytes), "the hash is not that of the file");
  return 0;
}

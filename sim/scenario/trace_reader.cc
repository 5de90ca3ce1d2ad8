#include "sim/scenario/trace_reader.h"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>
#include <utility>

#include "fmt/format.h"
#include "sim/scenario/diagnostics.h"
#include "sim/scenario/scenario.h"
#include "sim/scenario/units.h"

namespace ratesim {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
constexpr size_t kFields = 5;
constexpr std::string_view kFieldNames[kFields] = {"time", "org", "model", "input_tokens", "output_tokens"};
constexpr std::string_view kTimeForm = "seconds such as \"12.5\" or a duration such as \"12.5s\" or \"250ms\"";

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

constexpr size_t kBlockBytes = 64 * 1024;

// A line as shown in a message: quoted, and cut short if long.
std::string Shown(std::string_view text) {
  constexpr size_t kMax = 60;
  if (text.size() <= kMax) return fmt::format("\"{}\"", text);
  return fmt::format("\"{}...\"", text.substr(0, kMax));
}

enum class CountParse { kOk, kNegative, kTooLarge, kMalformed };

// A whole number of digits, kTooLarge if it is above `max`.
CountParse ParseCount(std::string_view text, int64_t max, int64_t* value) {
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) text.remove_prefix(1);
  if (text.empty()) return CountParse::kMalformed;
  int64_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return CountParse::kMalformed;
  }
  for (char c : text) {
    const int digit = c - '0';
    if (n > (max - digit) / 10)
      return negative ? CountParse::kNegative : CountParse::kTooLarge;
    n = n * 10 + digit;
  }
  if (negative && n != 0) return CountParse::kNegative;
  *value = n;
  return CountParse::kOk;
}

// Plain seconds "<digits>[.<digits>]" with at most 9 whole and 9 fractional digits, the form nearly
// every trace is written in, read without ParseDuration's general path. Both are exact in decimal,
// so the value is the one ParseDuration gives; nullopt for any other form, which goes to it.
std::optional<Nanos> PlainSeconds(std::string_view text) {
  constexpr size_t kMaxWholeDigits = 9;  // < 10^9 s: far from overflowing Nanos
  constexpr size_t kMaxFractionDigits = 9;
  size_t i = 0;
  int64_t whole = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    // Stop at the first digit too many: reading on would overflow `whole` on a long one.
    if (i == kMaxWholeDigits) return std::nullopt;
    whole = whole * 10 + (text[i] - '0');
  }
  if (i == 0) return std::nullopt;
  int64_t nanos = whole * kNanosPerSecond;
  if (i == text.size()) return nanos;
  if (text[i] != '.' || i + 1 == text.size() || text.size() - i - 1 > kMaxFractionDigits) return std::nullopt;
  int64_t place = kNanosPerSecond;
  for (++i; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    place /= 10;
    nanos += (text[i] - '0') * place;
  }
  return nanos;
}

}  // namespace

TraceReader::TraceReader(std::string path, std::unique_ptr<std::ifstream> in, HashBytes hash)
    : path_(std::move(path)),
      in_(std::move(in)),
      buffer_(kBlockBytes),
      hashing_(hash == HashBytes::kYes),
      fields_(kFields),
      unquoted_(kFields),
      columns_(kFields) {}

bool TraceReader::ReadLine() {
  while (true) {
    const char* begin = buffer_.data() + begin_;
    if (const void* newline = std::memchr(begin, '\n', end_ - begin_); newline != nullptr) {
      const size_t length = static_cast<const char*>(newline) - begin;
      begin_ += length + 1;
      line_ = std::string_view(begin, length);
      if (!line_.empty() && line_.back() == '\r') line_.remove_suffix(1);
      return true;
    }
    if (!*in_) {  // the end of the file, or a failure: a last line without a line ending
      if (begin_ == end_ || in_->bad()) return false;
      line_ = std::string_view(begin, end_ - begin_);
      if (line_.back() == '\r') line_.remove_suffix(1);
      begin_ = end_;
      return true;
    }
    // A partial line: move it to the front, and grow the buffer if the line fills it.
    std::memmove(buffer_.data(), begin, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
    if (end_ == buffer_.size()) buffer_.resize(2 * buffer_.size());
    in_->read(buffer_.data() + end_, static_cast<std::streamsize>(buffer_.size() - end_));
    const size_t read = static_cast<size_t>(in_->gcount());
    if (hashing_) hasher_.Update(std::string_view(buffer_.data() + end_, read));
    end_ += read;
  }
}

absl::StatusOr<TraceReader> TraceReader::Open(const std::string& path, HashBytes hash) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return absl::NotFoundError(fmt::format("cannot open trace file '{}': it is a directory", path));
  }
  auto in = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!*in) {
    return absl::NotFoundError(fmt::format("cannot open trace file '{}': {}", path, std::strerror(errno)));
  }
  TraceReader reader(path, std::move(in), hash);
  if (!reader.ReadLine()) {
    if (reader.in_->bad()) {
      return absl::NotFoundError(fmt::format("cannot read trace file '{}': {}", path, std::strerror(errno)));
    }
    return absl::InvalidArgumentError(fmt::format(
        "{}:1:1: error: the file is empty; expected the header line \"{}\"", path, kHeader));
  }
  reader.line_number_ = 1;
  std::string_view header = reader.line_;
  if (header.substr(0, kByteOrderMark.size()) == kByteOrderMark) header.remove_prefix(kByteOrderMark.size());
  if (header != kHeader) {
    return absl::InvalidArgumentError(
        scenario_internal::OneLine(fmt::format("{}:1:1: error: the header line is {}; expected exactly \"{}\"",
                                               path, Shown(header), kHeader)));
  }
  return absl::StatusOr<TraceReader>(std::move(reader));
}

absl::Status TraceReader::Fail(size_t column, std::string message) {
  // OneLine: a trace's fields may hold a stray carriage return or other control character, which
  // would otherwise reach the terminal raw and overwrite the message.
  error_ = absl::InvalidArgumentError(scenario_internal::OneLine(
      fmt::format("{}:{}:{}: error: {}", path_, line_number_, column, message)));
  return error_;
}

absl::StatusOr<bool> TraceReader::Next(TraceRow* row) {
  if (!error_.ok()) return error_;
  do {
    if (!ReadLine()) {
      if (!in_->bad()) return false;
      error_ = absl::DataLossError(fmt::format("{}:{}: error: reading failed: {}", path_,
                                               line_number_ + 1, std::strerror(errno)));
      return error_;
    }
    ++line_number_;
  } while (line_.empty());
  absl::Status parsed = ParseRow(row);
  if (!parsed.ok()) return parsed;
  return true;
}

std::string TraceReader::Split(size_t* problem_column) {
  field_count_ = 0;
  const std::string_view s = line_;
  size_t i = 0;
  while (true) {
    if (field_count_ == fields_.size()) {
      fields_.emplace_back();
      unquoted_.emplace_back();
      columns_.emplace_back();
    }
    const size_t index = field_count_++;
    while (i < s.size() && IsBlank(s[i])) ++i;
    columns_[index] = i + 1;
    if (i < s.size() && s[i] == '"') {
      std::string& field = unquoted_[index];
      field.clear();
      bool closed = false;
      for (++i; i < s.size(); ++i) {
        if (s[i] != '"') {
          field += s[i];
        } else if (i + 1 < s.size() && s[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          closed = true;
          ++i;
          break;
        }
      }
      if (!closed) {
        *problem_column = columns_[index];
        return fmt::format("field {} has no closing quote; expected \"...\" on one line, with \"\" for a "
                           "quote inside",
                           field_count_);
      }
      while (i < s.size() && IsBlank(s[i])) ++i;
      if (i < s.size() && s[i] != ',') {
        *problem_column = i + 1;
        return fmt::format("field {} has text after its closing quote; expected a comma next", field_count_);
      }
      fields_[index] = field;
    } else {
      const size_t start = i;
      for (; i < s.size() && s[i] != ','; ++i) {
        if (s[i] == '"') {
          *problem_column = i + 1;
          return fmt::format("field {} has a quote inside an unquoted value; expected the whole field "
                             "quoted, with \"\" for a quote inside",
                             field_count_);
        }
      }
      size_t end = i;
      while (end > start && IsBlank(s[end - 1])) --end;
      fields_[index] = s.substr(start, end - start);
    }
    if (i >= s.size()) return "";
    ++i;  // past the comma
  }
}

// The time field: plain seconds, or a duration; ParseDuration's error otherwise.
absl::StatusOr<Nanos> TraceReader::ParseTime(std::string_view text) {
  if (const std::optional<Nanos> seconds = PlainSeconds(text); seconds.has_value()) return *seconds;
  // Plain seconds of another length are read as a duration in seconds, which is exact in decimal.
  const bool plain = !text.empty() && (std::isdigit(static_cast<unsigned char>(text.back())) || text.back() == '.');
  if (!plain) return ParseDuration(text);
  time_text_.assign(text);
  time_text_ += 's';
  return ParseDuration(time_text_);
}

absl::Status TraceReader::ParseRow(TraceRow* row) {
  size_t problem_column = 1;
  if (std::string problem = Split(&problem_column); !problem.empty()) {
    return Fail(problem_column, std::move(problem));
  }
  if (field_count_ != kFields) {
    // Where the next field should start, or where the first one too many does.
    const size_t column = field_count_ < kFields ? line_.size() + 1 : columns_[kFields];
    return Fail(column,
                fmt::format("got {} field(s); expected {}: {}", field_count_, kFields, kHeader));
  }

  const std::string_view time_text = fields_[0];
  const absl::StatusOr<Nanos> time = ParseTime(time_text);
  if (!time.ok()) {
    // Well formed but beyond what a run can reach: saying which form to use would not help.
    if (time.status().code() == absl::StatusCode::kOutOfRange) {
      return Fail(columns_[0], fmt::format("time {} is too large; expected at most about 292 years",
                                           Shown(time_text)));
    }
    const bool negative = !time_text.empty() && time_text[0] == '-';
    return Fail(columns_[0], fmt::format("time must be {}{}, got {}", negative ? ">= 0: " : "",
                                         kTimeForm, Shown(time_text)));
  }
  if (previous_line_ > 0 && *time < previous_time_) {
    return Fail(
        columns_[0],
        fmt::format("time {} is before the previous row's {} (line {}); expected rows in time "
                    "order: sort the rows by their time, the header line staying first",
                    Shown(time_text), Shown(previous_time_text_), previous_line_));
  }

  for (size_t i : {size_t{1}, size_t{2}}) {
    if (fields_[i].empty()) {
      return Fail(columns_[i], fmt::format("{} must be a name such as \"{}\", got an empty field",
                                           kFieldNames[i], i == 1 ? "acme" : "llama-70b"));
    }
  }
  int64_t tokens[2] = {0, 0};
  for (size_t i : {size_t{3}, size_t{4}}) {
    switch (ParseCount(fields_[i], kMaxTokens, &tokens[i - 3])) {
      case CountParse::kOk:
        break;
      case CountParse::kNegative:
        return Fail(columns_[i], fmt::format("{} must be a whole number >= 0, got {}",
                                             kFieldNames[i], fields_[i]));
      case CountParse::kTooLarge:
        return Fail(columns_[i], fmt::format("{} {} is too large; the largest is {}",
                                             kFieldNames[i], fields_[i], kMaxTokens));
      case CountParse::kMalformed:
        return Fail(columns_[i], fmt::format("{} must be a whole number >= 0, got {}",
                                             kFieldNames[i], Shown(fields_[i])));
    }
  }

  row->time = *time;
  row->org = fields_[1];
  row->model = fields_[2];
  row->input_tokens = tokens[0];
  row->output_tokens = tokens[1];
  previous_time_ = *time;
  previous_time_text_ = time_text;
  previous_line_ = line_number_;
  return absl::OkStatus();
}

}  // namespace ratesim

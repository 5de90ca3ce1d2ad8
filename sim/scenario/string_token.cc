#include "sim/scenario/string_token.h"

#include <cstdint>
#include <string>

namespace ratesim {
namespace scenario_internal {
namespace {

bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

bool IsHorizontalSpace(char c) { return c == ' ' || c == '\t'; }

// A walk through TOML text that knows the file position of the byte it is at, counting columns in
// code points (a '\r' is one), as toml++ does.
class Cursor {
 public:
  Cursor(std::string_view text, size_t offset) : text_(text), offset_(offset) {}

  bool AtEnd() const { return offset_ >= text_.size(); }
  // The byte `ahead` bytes on, or '\0' past the end.
  char Peek(size_t ahead = 0) const {
    return offset_ + ahead < text_.size() ? text_[offset_ + ahead] : '\0';
  }
  bool LooksAt(std::string_view bytes) const {
    return text_.substr(offset_, bytes.size()) == bytes;
  }
  SourcePos pos() const { return pos_; }

  void Advance(size_t bytes = 1) {
    for (; bytes > 0 && !AtEnd(); --bytes) {
      const char c = text_[offset_++];
      if (c == '\n') {
        ++pos_.line;
        pos_.column = 1;
      } else if (!AtEnd() && !IsContinuationByte(text_[offset_])) {
        ++pos_.column;  // the next code point starts here
      }
    }
  }

  // Skips a line break, "\n" or "\r\n"; false if none is here.
  bool SkipLineBreak() {
    if (Peek() == '\n') {
      Advance();
      return true;
    }
    if (Peek() == '\r' && Peek(1) == '\n') {
      Advance(2);
      return true;
    }
    return false;
  }

 private:
  std::string_view text_;
  size_t offset_;
  SourcePos pos_{1, 1};
};

// A cursor at `at` in `source`, or nullopt if the text has no such position. toml++ counts
// positions after a UTF-8 byte order mark.
std::optional<Cursor> CursorAt(std::string_view source, SourcePos at) {
  if (at.line < 1 || at.column < 1) return std::nullopt;
  constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
  const bool marked = source.substr(0, kByteOrderMark.size()) == kByteOrderMark;
  Cursor cursor(source, marked ? kByteOrderMark.size() : 0);
  const auto before_at = [&] {
    const SourcePos pos = cursor.pos();
    return pos.line < at.line || (pos.line == at.line && pos.column < at.column);
  };
  while (before_at() && !cursor.AtEnd()) cursor.Advance();
  if (cursor.pos().line != at.line || cursor.pos().column != at.column) return std::nullopt;
  return cursor;
}

// The value read so far, and where each of its bytes was written.
struct ReadValue {
  std::string bytes;
  std::vector<SourcePos> positions;

  void Add(std::string_view added, SourcePos at) {
    bytes += added;
    positions.insert(positions.end(), added.size(), at);
  }
};

// The UTF-8 bytes of `code`, or nullopt if it is not a Unicode scalar value (which TOML requires).
std::optional<std::string> Utf8(uint32_t code) {
  if (code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return std::nullopt;
  std::string bytes;
  if (code < 0x80) {
    bytes += static_cast<char>(code);
  } else if (code < 0x800) {
    bytes += static_cast<char>(0xC0 | (code >> 6));
    bytes += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    bytes += static_cast<char>(0xE0 | (code >> 12));
    bytes += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    bytes += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    bytes += static_cast<char>(0xF0 | (code >> 18));
    bytes += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    bytes += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    bytes += static_cast<char>(0x80 | (code & 0x3F));
  }
  return bytes;
}

// The code point of the `digits` hexadecimal digits at the cursor, which it passes; nullopt if
// they are not all hexadecimal.
std::optional<uint32_t> ReadHex(Cursor& cursor, int digits) {
  uint32_t code = 0;
  for (int i = 0; i < digits; ++i) {
    const char c = cursor.Peek();
    int digit = -1;
    if (c >= '0' && c <= '9') digit = c - '0';
    if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
    if (c >= 'A' && c <= 'F') digit = c - 'A' + 10;
    if (digit < 0) return std::nullopt;
    code = code * 16 + static_cast<uint32_t>(digit);
    cursor.Advance();
  }
  return code;
}

// Reads the escape sequence at the cursor (at its backslash) into `value`, every byte it stands
// for at the backslash; false if TOML 1.0 has no such escape.
bool ReadEscape(Cursor& cursor, ReadValue& value) {
  const SourcePos at = cursor.pos();
  const char kind = cursor.Peek(1);
  cursor.Advance(2);
  constexpr std::string_view kNamed = "b\bf\fn\nr\rt\t\"\"\\\\";  // pairs: escape letter, byte
  for (size_t i = 0; i < kNamed.size(); i += 2) {
    if (kNamed[i] == kind) {
      value.Add(kNamed.substr(i + 1, 1), at);
      return true;
    }
  }
  if (kind != 'u' && kind != 'U') return false;
  const std::optional<uint32_t> code = ReadHex(cursor, kind == 'u' ? 4 : 8);
  const std::optional<std::string> bytes = code ? Utf8(*code) : std::nullopt;
  if (bytes) value.Add(*bytes, at);
  return bytes.has_value();
}

// Passes a line-ending backslash of a multi-line basic string (the cursor at it), with the line
// break and all whitespace after it, line breaks included, which the value leaves out; false if
// the backslash does not end its line.
bool SkipLineEndingBackslash(Cursor& cursor) {
  cursor.Advance();
  while (IsHorizontalSpace(cursor.Peek())) cursor.Advance();
  if (!cursor.SkipLineBreak()) return false;
  while (true) {
    if (IsHorizontalSpace(cursor.Peek())) {
      cursor.Advance();
    } else if (!cursor.SkipLineBreak()) {
      return true;
    }
  }
}

// Whether the cursor is at the closing delimiter of a string opened with `quote` (three of them
// for a multi-line one). A multi-line string may end in one or two quotes of its own before its
// closing three ("""a""""), which this adds to `value` and passes first.
bool AtClosingDelimiter(Cursor& cursor, char quote, bool multi_line, ReadValue& value) {
  if (!multi_line) return cursor.Peek() == quote;
  size_t run = 0;
  while (run < 5 && cursor.Peek(run) == quote) ++run;
  if (run < 3) return false;
  for (; run > 3; --run) {
    value.Add(std::string(1, quote), cursor.pos());
    cursor.Advance();
  }
  return true;
}

}  // namespace

std::optional<std::vector<SourcePos>> PositionsOfStringValue(std::string_view source,
                                                             SourcePos start,
                                                             std::string_view value) {
  std::optional<Cursor> cursor = CursorAt(source, start);
  if (!cursor) return std::nullopt;
  const char quote = cursor->Peek();
  if (quote != '"' && quote != '\'') return std::nullopt;
  const bool literal = quote == '\'';
  const bool multi_line = cursor->LooksAt(std::string(3, quote));
  cursor->Advance(multi_line ? 3 : 1);
  if (multi_line) cursor->SkipLineBreak();  // not part of the value

  ReadValue read;
  while (!AtClosingDelimiter(*cursor, quote, multi_line, read)) {
    if (cursor->AtEnd() || read.bytes.size() > value.size()) return std::nullopt;
    const char c = cursor->Peek();
    const bool line_break = c == '\n' || (c == '\r' && cursor->Peek(1) == '\n');
    if (line_break) {
      if (!multi_line) return std::nullopt;
      read.Add("\n", cursor->pos());  // CRLF too: the value has LF
      cursor->SkipLineBreak();
    } else if (c == '\\' && !literal) {
      const bool line_ending = multi_line && (IsHorizontalSpace(cursor->Peek(1)) ||
                                              cursor->Peek(1) == '\n' || cursor->Peek(1) == '\r');
      const bool read_on =
          line_ending ? SkipLineEndingBackslash(*cursor) : ReadEscape(*cursor, read);
      if (!read_on) return std::nullopt;
    } else {
      read.Add(std::string_view(&c, 1), cursor->pos());
      cursor->Advance();
    }
  }
  if (read.bytes != value) return std::nullopt;
  read.positions.push_back(cursor->pos());
  return read.positions;
}

}  // namespace scenario_internal
}  // namespace ratesim

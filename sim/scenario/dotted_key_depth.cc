#include "sim/scenario/dotted_key_depth.h"

namespace ratesim {
namespace scenario_internal {
namespace {

bool IsBareKeyChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

}  // namespace

std::optional<TextPosition> FindOverlyDottedKey(std::string_view text) {
  size_t i = 0;
  TextPosition at{1, 1};  // of text[i]
  const auto advance = [&](size_t n) {
    for (; n > 0 && i < text.size(); --n, ++i) {
      if (text[i] == '\n') {
        ++at.line;
        at.column = 1;
      } else {
        ++at.column;
      }
    }
  };
  // The run of key parts being read: its dots and where it starts (line 0: none).
  int dots = 0;
  TextPosition start;
  const auto extend = [&] {
    if (start.line == 0) start = at;
  };
  const auto end_run = [&] {
    dots = 0;
    start = TextPosition();
  };

  while (i < text.size()) {
    const char c = text[i];
    if (c == '"' || c == '\'') {
      // A quoted part (or a value): skipped whole, escapes and all, as one part of the run.
      extend();
      const bool triple = text.substr(i, 3) == std::string_view(c == '"' ? "\"\"\"" : "'''");
      const std::string_view close = text.substr(i, triple ? 3 : 1);
      advance(close.size());
      while (i < text.size() && text.substr(i, close.size()) != close) {
        if (!triple && text[i] == '\n') break;  // unterminated: toml++ reports it
        if (c == '"' && text[i] == '\\') advance(1);
        advance(1);
      }
      if (text.substr(i, close.size()) == close) advance(close.size());
      continue;
    }
    if (c == '#') {
      while (i < text.size() && text[i] != '\n') advance(1);
      end_run();
      continue;
    }
    if (c == '.') {
      extend();
      if (++dots >= kMaxDottedKeyParts) return start;
    } else if (IsBareKeyChar(c)) {
      extend();
    } else if (c != ' ' && c != '\t') {
      end_run();
    }
    advance(1);
  }
  return std::nullopt;
}

}  // namespace scenario_internal
}  // namespace ratesim

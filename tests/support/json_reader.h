// A strict RFC 8259 reader for tests, enough to check that what a writer produced is JSON and to
// read its values back: ParseJson gives a Json tree, or nothing for any text that is not exactly
// one JSON value.
#ifndef RATESIM_TESTS_SUPPORT_JSON_READER_H_
#define RATESIM_TESTS_SUPPORT_JSON_READER_H_

#include <cctype>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace ratesim::testing {

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
        case '"':
          out.push_back('"');
          break;
        case '\\':
          out.push_back('\\');
          break;
        case '/':
          out.push_back('/');
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
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
        default:
          return false;
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

inline std::optional<Json> ParseJson(const std::string& text) { return JsonParser(text).Parse(); }

}  // namespace ratesim::testing

#endif  // RATESIM_TESTS_SUPPORT_JSON_READER_H_

// A minimal streaming JSON writer for the report files: objects, arrays, strings, integers and
// doubles, pretty-printed with two-space indentation. It always produces valid JSON: strings are
// escaped per RFC 8259, and a non-finite double (NaN, inf) is written as null.
//
// Usage:
//   JsonWriter json;
//   json.BeginObject();
//   json.Key("offered"); json.Int(12);
//   json.EndObject();
//   std::string text = json.Take();
//
// Thread-safety: none.
#ifndef RATESIM_SIM_REPORT_JSON_WRITER_H_
#define RATESIM_SIM_REPORT_JSON_WRITER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ratesim {

class JsonWriter {
 public:
  // REQUIRES (all): calls form one well-nested value; Key only directly inside an object and before
  // each of its values; values inside an object only after a Key.
  void BeginObject();
  void EndObject();
  void BeginArray();
  void EndArray();
  void Key(std::string_view name);
  void String(std::string_view value);
  void Int(int64_t value);
  void Uint(uint64_t value);
  void Double(double value);  // null when not finite
  void Bool(bool value);
  void Null();

  // The text written so far, ending in a newline once the top-level value is complete.
  const std::string& text() const { return out_; }
  std::string Take();

 private:
  struct Level {
    bool is_object;
    bool empty = true;
  };
  void BeforeValue();
  void Close(char bracket);
  void Newline();

  std::string out_;
  std::vector<Level> stack_;
  bool after_key_ = false;
};

// `value` as a JSON string literal, quotes included.
std::string JsonQuote(std::string_view value);

}  // namespace ratesim

#endif  // RATESIM_SIM_REPORT_JSON_WRITER_H_

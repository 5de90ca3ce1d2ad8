// PositionsOfStringValue: the file position of each byte of a TOML string's value, and its refusal
// of a position where no string token reads as the value. The loader's use of it, an error inside a
// multi-line expression, is in scenario_expr_formula_test.cc.
#include "sim/scenario/string_token.h"

#include <optional>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace ratesim {
namespace scenario_internal {
namespace {

// "line:column" of each position, for readable comparisons.
std::vector<std::string> Places(const std::optional<std::vector<SourcePos>>& positions) {
  std::vector<std::string> places;
  if (!positions) return {"none"};
  for (const SourcePos& p : *positions)
    places.push_back(std::to_string(p.line) + ":" + std::to_string(p.column));
  return places;
}

TEST(StringToken, GivesEachByteOfAnEscapedValueThePlaceOfItsEscape) {
  // k = "a\"b": the quote stands for two characters of the file; last, the closing quote.
  EXPECT_EQ(Places(PositionsOfStringValue(R"(k = "a\"b")", {1, 5}, "a\"b")),
            (std::vector<std::string>{"1:6", "1:7", "1:9", "1:10"}));
  // An é written as itself is one column; written \u00e9, six. Each is two bytes of the value.
  EXPECT_EQ(Places(PositionsOfStringValue("k = \"\xC3\xA9\\u00e9x\"", {1, 5}, "\xC3\xA9\xC3\xA9x")),
            (std::vector<std::string>{"1:6", "1:6", "1:7", "1:7", "1:13", "1:14"}));
}

TEST(StringToken, FollowsMultiLineStrings) {
  // The newline after the opening quotes is not in the value; a quote before the closing three is.
  EXPECT_EQ(Places(PositionsOfStringValue("x = 1\nk = \"\"\"\na\nb\"\"\"\"", {2, 5}, "a\nb\"")),
            (std::vector<std::string>{"3:1", "3:2", "4:1", "4:2", "4:3"}));
  // A line-ending backslash drops the line break and the whitespace after it; CRLF reads as LF.
  EXPECT_EQ(
      Places(PositionsOfStringValue("k = \"\"\"a \\\r\n\r\n  b\r\nc\"\"\"", {1, 5}, "a b\nc")),
      (std::vector<std::string>{"1:8", "1:9", "3:3", "3:4", "4:1", "4:2"}));
  EXPECT_EQ(Places(PositionsOfStringValue("k = '''\r\na\\t\r\nb'''", {1, 5}, "a\\t\nb")),
            (std::vector<std::string>{"2:1", "2:2", "2:3", "2:4", "3:1", "3:2"}));
}

TEST(StringToken, CountsColumnsAfterAByteOrderMarkAsTomlDoes) {
  EXPECT_EQ(Places(PositionsOfStringValue("\xEF\xBB\xBFk = 'ab'", {1, 5}, "ab")),
            (std::vector<std::string>{"1:6", "1:7", "1:8"}));
}

TEST(StringToken, RefusesAPlaceWhereNoStringReadsAsTheValue) {
  EXPECT_EQ(Places(PositionsOfStringValue("k = 'ab'", {1, 5}, "abc")),
            std::vector<std::string>{"none"});
  EXPECT_EQ(Places(PositionsOfStringValue("k = 'ab'", {1, 1}, "ab")),
            std::vector<std::string>{"none"});
  EXPECT_EQ(Places(PositionsOfStringValue("k = 'ab'", {1, 40}, "ab")),
            std::vector<std::string>{"none"});
  EXPECT_EQ(Places(PositionsOfStringValue("k = 'ab'", {3, 5}, "ab")),
            std::vector<std::string>{"none"});
  EXPECT_EQ(Places(PositionsOfStringValue("k = \"a\\qb\"", {1, 5}, "aqb")),
            std::vector<std::string>{"none"});
  EXPECT_EQ(Places(PositionsOfStringValue("", {1, 5}, "ab")), std::vector<std::string>{"none"});
}

}  // namespace
}  // namespace scenario_internal
}  // namespace ratesim

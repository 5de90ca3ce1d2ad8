// The strict JSON reader that the report tests read their output back with
// (tests/support/json_reader.h).
#include "tests/support/json_reader.h"

#include <gtest/gtest.h>

namespace ratesim {
namespace {

using testing::ParseJson;

TEST(JsonReaderForTests, RejectsWhatIsNotJson) {
  // The reader must be able to fail, or the checks built on it prove nothing.
  for (const char* bad : {"", "{", "{\"a\": 1,}", "[1 2]", "NaN", "{\"a\": nan}", "inf", "01", "1.",
                          "\"a\nb\"", "{a: 1}", "[1] x"}) {
    EXPECT_FALSE(ParseJson(bad).has_value()) << bad;
  }
  EXPECT_TRUE(ParseJson(" {\"a\": [1, -2.5e3, true, null, \"x\\u0001\"]} ").has_value());
}

}  // namespace
}  // namespace ratesim

// Where each character of a TOML string value was written in the file. A string's value is not its
// source text: a newline right after an opening """ or ''' is dropped, a line-ending backslash
// drops the line break and the whitespace after it, an escape (\t, \u00e9) is several characters
// for one, and CRLF becomes LF. An error found at an offset inside the value (a typo in an `expr`
// formula) names the file position of that character, found by reading the string's token again.
#ifndef RATESIM_SIM_SCENARIO_STRING_TOKEN_H_
#define RATESIM_SIM_SCENARIO_STRING_TOKEN_H_

#include <optional>
#include <string_view>
#include <vector>

#include "sim/scenario/scenario.h"

namespace ratesim {
namespace scenario_internal {

// For the string token that opens at `start` (1-based line and column as toml++ counts them, in
// code points) in the TOML text `source`, the file position of each byte of its value, and last the
// position of its closing delimiter (for an offset just past the value): `value.size() + 1`
// positions. Nullopt when no string token opens there or it does not read as `value` (a value
// given on the command line, say), so that a caller falls back to the token's own position.
std::optional<std::vector<SourcePos>> PositionsOfStringValue(std::string_view source,
                                                             SourcePos start,
                                                             std::string_view value);

}  // namespace scenario_internal
}  // namespace ratesim

#endif  // RATESIM_SIM_SCENARIO_STRING_TOKEN_H_

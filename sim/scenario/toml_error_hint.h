// What a toml++ syntax error means for a scenario file, and what to do about it. toml++ describes
// the rule a file broke ("cannot redefine existing table 'orgs' as array-of-tables"); a user who
// wrote [orgs] for [[orgs]], or set a key twice, needs to hear that mistake named, and its fix.
#ifndef RATESIM_SIM_SCENARIO_TOML_ERROR_HINT_H_
#define RATESIM_SIM_SCENARIO_TOML_ERROR_HINT_H_

#include <string>
#include <string_view>

namespace ratesim {
namespace scenario_internal {

// The message to show for toml++'s `description` of a syntax error: for a key set twice, a table
// header written [x] where [[x]] was meant (or the other way round), an integer out of 64 bits and a
// number out of range of a double, "<what is wrong>; <what to do>"; for anything else,
// `description` itself.
std::string ExplainTomlError(std::string_view description);

// Whether `text` is a decimal number as TOML writes one (a sign, digits with '_' between, a
// fraction, an exponent) too large in magnitude for a double, which TOML cannot hold: 1e400.
bool IsBeyondDouble(std::string_view text);

// "out of range of a double: the largest is 1.7976931348623157e+308", for such a text (the
// smallest, for a negative one).
std::string DoubleRangeText(std::string_view text);

}  // namespace scenario_internal
}  // namespace ratesim

#endif  // RATESIM_SIM_SCENARIO_TOML_ERROR_HINT_H_

// What a toml++ syntax error means for a scenario file, and what to do about it. toml++ describes
// the rule a file broke ("cannot redefine existing table 'orgs' as array-of-tables"); a user who
// wrote [orgs] for [[orgs]], or set a key twice, needs to hear that mistake named, and its fix.
#ifndef RATESIM_SIM_SCENARIO_TOML_ERROR_HINT_H_
#define RATESIM_SIM_SCENARIO_TOML_ERROR_HINT_H_

#include <optional>
#include <string>
#include <string_view>

namespace ratesim {
namespace scenario_internal {

// The message to show for toml++'s `description` of a syntax error: for a key set twice, a table
// header written [x] where [[x]] was meant (or the other way round), an integer out of 64 bits and a
// number out of range of a double, "<what is wrong>; <what to do>"; for a malformed number (1.5.0,
// .5, 1.), a key without its '=' (title "x", a lone word, title: "x", a key of two words), a table
// header, string, array or inline table left open, and a value written without the quotes it
// needs (UnquotedValueHint), `description` with what to do; for anything else, `description`
// itself. `line_before` is the text of the error's line before its position, if known: toml++
// quotes a number without its sign and '_', which are taken back from there. `line_rest` is the
// rest of that line, from the position on.
std::string ExplainTomlError(std::string_view description, std::string_view line_before = {},
                             std::string_view line_rest = {});

// `; a value with a unit is text and needs quotes: duration = "5m"` or `; a text value needs
// quotes: title = "60 RPM quickstart"` when toml++ stopped inside the value of a `key = value`
// (on a line of its own or in an inline table) that is a number with a unit, or words, written
// without quotes, which the error's `description` confirms (toml++ read a number and met a letter,
// or read a value and met more words, or could not tell the value's type, or read a boolean and
// met other letters). `; a boolean is true or false, in lowercase: drain = true` for a value that
// begins a boolean in any case (True, fals). Empty otherwise: the value has quotes or brackets, or
// is yes/no/on/off (a boolean is meant, not text).
std::string UnquotedValueHint(std::string_view description, std::string_view line_before,
                              std::string_view line_rest);

// Whether `text` is a decimal number as TOML writes one (a sign, digits with '_' between, a
// fraction, an exponent) too large in magnitude for a double, which TOML cannot hold: 1e400.
bool IsBeyondDouble(std::string_view text);

// The number beyond the range of a double that `line_before` (a line up to a toml++ error) ends
// in, as written: sign, '_' and all, where toml++ quotes it without either. Nullopt if the line
// does not end in one. toml++ stops reading such a number at its end, so it is the error's number.
std::optional<std::string_view> BeyondDoubleAtEnd(std::string_view line_before);

// "beyond ±1.7976931348623157e+308, the range of a double": what is wrong with such a text,
// whatever its sign.
std::string BeyondDoubleText();
// What to do about it.
inline constexpr std::string_view kCloserToZero = "write a number closer to 0";

}  // namespace scenario_internal
}  // namespace ratesim

#endif  // RATESIM_SIM_SCENARIO_TOML_ERROR_HINT_H_

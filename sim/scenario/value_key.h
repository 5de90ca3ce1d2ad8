// The key a value of a parsed scenario file sits under, named as the loader's errors name keys
// ("'base_rpm' in [limits]"), for an error that toml++ finds at a position in the text rather than
// the loader at a key: a number too large for a double, which toml++ refuses without naming its key.
#ifndef RATESIM_SIM_SCENARIO_VALUE_KEY_H_
#define RATESIM_SIM_SCENARIO_VALUE_KEY_H_

#include <toml++/toml.h>

#include <optional>
#include <string>

namespace ratesim {
namespace scenario_internal {

// "'<key>' in <table>" for the value that begins at `at` in `root`; for an element of an array of
// values (numbers, strings, arrays), the array's key. The table is named from how the file writes
// it, as the readers name theirs: "the top-level table"; "[limits]" for a table at the top level;
// "[[orgs]]" for an element of an array at the top level; "[[orgs.traffic]]" for a table written
// [[orgs.traffic]] under one written with a header; "'service' of [[models]]" for any other
// (an inline table, say). Nullopt when no value begins at `at`.
std::optional<std::string> KeyOfValueAt(const toml::table& root, const toml::source_position& at);

}  // namespace scenario_internal
}  // namespace ratesim

#endif  // RATESIM_SIM_SCENARIO_VALUE_KEY_H_

// A guard in front of toml++ for keys of absurdly many dotted parts ([a.b.c...] or a.b.c... = 1).
// toml++ nests one table per part and frees them recursively, with no bound of its own (it bounds
// nested values, not dotted keys), so a key of some ten thousand parts, in a damaged or generated
// file, overflows the stack: a crash instead of an error. ParseToml scans for such a key first.
#ifndef RATESIM_SIM_SCENARIO_DOTTED_KEY_DEPTH_H_
#define RATESIM_SIM_SCENARIO_DOTTED_KEY_DEPTH_H_

#include <optional>
#include <string_view>

namespace ratesim {
namespace scenario_internal {

// As deep as toml++ lets values nest (TOML_MAX_NESTED_VALUES); ratesim's own keys have a few parts.
inline constexpr int kMaxDottedKeyParts = 256;

struct TextPosition {
  int line = 0;    // 1-based
  int column = 0;  // 1-based, in bytes
};

// Where the first run of key parts joined by more than kMaxDottedKeyParts - 1 dots starts in TOML
// `text`, outside strings and comments, or nullopt. A number's decimal point counts as a join too,
// which no valid value repeats; malformed text is scanned as far as it goes, for toml++ to report.
std::optional<TextPosition> FindOverlyDottedKey(std::string_view text);

}  // namespace scenario_internal
}  // namespace ratesim

#endif  // RATESIM_SIM_SCENARIO_DOTTED_KEY_DEPTH_H_

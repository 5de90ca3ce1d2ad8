// Reading a key whose value is one of a few names (`on_failure = "backoff"`), with a did-you-mean
// for a misspelt one.
#include <string>
#include <vector>

#include "fmt/format.h"
#include "sim/scenario/section_readers.h"

namespace ratesim {
namespace scenario_internal {

std::optional<size_t> ReadChoice(TableReader& reader, std::string_view key,
                                 const std::vector<std::string>& names, std::string_view what) {
  const std::optional<std::string> value = reader.String(key, Need::kOptional);
  if (!value) return std::nullopt;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == *value) return i;
  }
  reader.ValueError(key, fmt::format("unknown {} '{}'{}", what, *value,
                                     SuggestionFor(*value, names, /*always_list=*/true)));
  return std::nullopt;
}

}  // namespace scenario_internal
}  // namespace ratesim

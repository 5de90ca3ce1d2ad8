// Which section of a scenario file a key belongs to, for a table that holds keys of another: a
// deleted or forgotten header ([[models]], [[orgs.traffic]]) puts the keys under it into the table
// above, where each is unknown. Named as the section they belong to, the keys point at the one
// line to add; named one by one against the table they landed in, they read as many mistakes.
#ifndef RATESIM_SIM_SCENARIO_SECTION_KEYS_H_
#define RATESIM_SIM_SCENARIO_SECTION_KEYS_H_

#include <string>
#include <string_view>
#include <vector>

namespace ratesim {
namespace scenario_internal {

// A section as its header is written and the keys its tables take.
struct SectionKeys {
  std::string header;           // "[[models]]", "[[orgs.traffic]]"
  std::string key;              // what it is under in its parent table: "models", "traffic"
  bool top_level = true;        // its parent is the top-level table ([[orgs.traffic]]'s is an org)
  std::vector<std::string> keys;
};

// The one section, other than the one written `context` ("[run]"), that takes every key of `keys`;
// nullptr when none does or several do ("name" alone is a key of [[models]], [[orgs]] and
// [[policies]]). The keys of [limits] and [[policies]] are those of every registered formula and
// policy.
// REQUIRES: `keys` is not empty.
const SectionKeys* SectionOfKeys(const std::vector<std::string>& keys, std::string_view context);

// Every key some traffic shape takes (rate, from, over, workers, ...).
const std::vector<std::string>& ShapeKeys();

}  // namespace scenario_internal
}  // namespace ratesim

#endif  // RATESIM_SIM_SCENARIO_SECTION_KEYS_H_

// The missing-header hint's lists of keys (section_keys.cc) against the readers themselves: a key a
// reader accepts but the list lacks would silently lose the hint for that section. Each reader
// says which keys it accepts when it meets an unknown one, and those are the list's.
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "sim/scenario/section_keys.h"
#include "tests/support/minimal_scenario.h"

namespace ratesim {
namespace {

using Keys = std::set<std::string>;
using Replacements = std::vector<std::pair<int, std::string>>;

// The keys a reader says it accepts, from the one error of the minimal scenario with
// `replacements`, which put an unknown key in that reader's table.
Keys Accepted(const Replacements& replacements) {
  const std::vector<std::string> errors = testing::ErrorLines(testing::Minimal(replacements));
  EXPECT_EQ(errors.size(), 1u) << testing::Joined(errors);
  const std::string marker = "expected one of: ";
  const size_t at = errors.empty() ? std::string::npos : errors[0].find(marker);
  if (at == std::string::npos) {
    ADD_FAILURE() << testing::Joined(errors);
    return {};
  }
  Keys keys;
  for (const absl::string_view key : absl::StrSplit(errors[0].substr(at + marker.size()), ", ")) {
    keys.insert(std::string(key));
  }
  return keys;
}

// The keys of the section the hint names for `keys`, seen from a table of another; empty (and a
// failure) when it is not `header`.
Keys SectionTaking(const Keys& keys, const std::string& header) {
  const scenario_internal::SectionKeys* section =
      scenario_internal::SectionOfKeys({keys.begin(), keys.end()}, "[elsewhere]");
  if (section == nullptr || section->header != header) {
    ADD_FAILURE() << "no section " << header << " takes all its reader's keys";
    return {};
  }
  return {section->keys.begin(), section->keys.end()};
}

TEST(SectionKeys, AreTheKeysEachReaderAccepts) {
  const Keys run = Accepted({{3, "zzqq = 1"}});
  EXPECT_EQ(SectionTaking(run, "[run]"), run);
  const Keys models = Accepted({{8, "zzqq = 1"}});
  EXPECT_EQ(SectionTaking(models, "[[models]]"), models);
  const Keys orgs = Accepted({{10, "name = \"acme\"\nzzqq = 1"}});
  EXPECT_EQ(SectionTaking(orgs, "[[orgs]]"), orgs);
}

// A traffic stream's reader accepts the keys of its shape: over every shape, the section's list.
TEST(SectionKeys, AreTheKeysOfEveryTrafficShape) {
  const std::vector<std::string> shapes = {
      "shape = \"constant\"\n  rate = \"1rps\"",
      "shape = \"poisson\"\n  rate = \"1rps\"",
      "shape = \"bursts\"\n  count = 3\n  window = \"1s\"\n  every = \"10s\"",
      "shape = \"ramp\"\n  from = \"1rps\"\n  to = \"2rps\"\n  over = \"10s\"",
      "shape = \"step\"\n  rate = \"1rps\"\n  to = \"2rps\"\n  at = \"10s\"",
      "shape = \"onoff\"\n  rate = \"1rps\"\n  on = \"10s\"\n  off = \"10s\"",
      "shape = \"diurnal\"\n  rate = \"1rps\"",
      "shape = \"closed\"\n  workers = 2",
  };
  Keys every;
  for (const std::string& shape : shapes) {
    const Keys accepted = Accepted({{13, "  " + shape}, {14, ""}, {15, "  zzqq = 1"}});
    every.insert(accepted.begin(), accepted.end());
  }
  EXPECT_EQ(SectionTaking(every, "[[orgs.traffic]]"), every);
}

}  // namespace
}  // namespace ratesim

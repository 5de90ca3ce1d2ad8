// A table header left out or misspelt: the keys under it land in the table above, where they are
// reported as one mistake, the missing header, not as one unknown key each plus a missing section.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/support/minimal_scenario.h"

namespace ratesim {
namespace {

using testing::ErrorLines;
using testing::HasError;
using testing::Minimal;

using Lines = std::vector<std::string>;

TEST(ScenarioMissingHeader, ModelKeysUnderRunAskForTheModelsHeaderOnce) {
  // Line 4, [[models]], left out: name, concurrency and service are [run]'s now.
  EXPECT_EQ(ErrorLines(Minimal({{4, ""}})),
            Lines{"s.toml:5:1: error: unknown keys 'name', 'concurrency', 'service' in [run]; they are "
                  "keys of [[models]]: is a [[models]] header missing above line 5?"});
}

TEST(ScenarioMissingHeader, ModelKeysUnderLimitsAskForTheModelsHeaderOnce) {
  EXPECT_EQ(ErrorLines(Minimal({{3, "[limits]"}, {4, "base_rpm = 60"}})),
            Lines{"s.toml:5:1: error: unknown keys 'name', 'concurrency', 'service' in [limits]; they "
                  "are keys of [[models]]: is a [[models]] header missing above line 5?"});
}

TEST(ScenarioMissingHeader, OneKeyOfAnotherSectionIsNamedAsSuch) {
  EXPECT_EQ(ErrorLines(Minimal({{3, "concurrency = 4"}})),
            Lines{"s.toml:3:1: error: unknown key 'concurrency' in [run]; it is a key of [[models]]: is a "
                  "[[models]] header missing above line 3?"});
  // A key of several sections names none: `name` could be a model's, an org's or a policy's.
  EXPECT_TRUE(HasError(ErrorLines(Minimal({{3, "name = \"x\""}})),
                       "s.toml:3:1: error: unknown key 'name' in [run]; expected one of: duration"));
  // Nor does a key typed with --set, where no header can be missing.
  EXPECT_EQ(ErrorLines(Minimal(), {"run.concurrency=3"}),
            Lines{"<--set run.concurrency=3>: error: unknown key 'concurrency' in [run]; expected one of: "
                  "duration, seed, resolution, drain, warmup"});
}

TEST(ScenarioMissingHeader, TrafficKeysUnderAnOrgAskForTheTrafficHeaderOnce) {
  // Line 11, [[orgs.traffic]], left out: no "org 'acme' has no [[orgs.traffic]]" besides.
  EXPECT_EQ(ErrorLines(Minimal({{11, ""}})),
            Lines{"s.toml:12:3: error: unknown keys 'model', 'shape', 'rate' in [[orgs]]; they are keys "
                  "of [[orgs.traffic]]: is a [[orgs.traffic]] header missing above line 12?"});
}

TEST(ScenarioMissingHeader, MisspeltOrgsHeaderIsTheOneError) {
  // [[orgs.traffic]] under [[org]] makes 'orgs' a table of streams; the typo explains that too.
  EXPECT_EQ(ErrorLines(Minimal({{9, "[[org]]"}})),
            Lines{"s.toml:9:3: error: unknown key 'org' in the top-level table; did you mean 'orgs'?"});
}

TEST(ScenarioMissingHeader, StreamsWithoutAnOrgAskForTheOrgsHeader) {
  EXPECT_EQ(ErrorLines(Minimal({{9, ""}, {10, ""}})),
            Lines{"s.toml:11:3: error: [[orgs.traffic]] at line 11 has no [[orgs]] above it; add [[orgs]] "
                  "above line 11"});
}

}  // namespace
}  // namespace ratesim

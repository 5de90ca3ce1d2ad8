// The volume check a run makes before it starts (run_volume.h): traffic expected to send more than
// kMaxExpectedRequests is refused at the [[orgs.traffic]] that sends the most, by every command that
// builds a platform; traffic just under it is not.
#include "sim/simulate/run_volume.h"

#include <cmath>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "fmt/format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/simulate/platform.h"
#include "tests/support/cli_fixture.h"
#include "tests/support/minimal_scenario.h"
#include "tests/support/temp_dir.h"

namespace ratesim {
namespace {

using ::testing::HasSubstr;

// The minimal scenario (a 1m run) with acme's rate set to `rate`, and `extra` lines appended.
Scenario WithRate(const std::string& rate, const std::vector<std::string>& extra = {}) {
  absl::StatusOr<Scenario> scenario =
      testing::Parse(testing::Minimal({{14, fmt::format("  rate = \"{}\"", rate)}}, extra));
  EXPECT_TRUE(scenario.ok()) << scenario.status();
  return scenario.ok() ? *scenario : Scenario{};
}

std::string VolumeError(const Scenario& scenario) {
  const absl::Status status = CheckRunVolume(scenario);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  return std::string(status.message());
}

TEST(RunVolume, RefusesARateThatWouldRunForYearsAtItsTrafficEntry) {
  EXPECT_EQ(VolumeError(WithRate("1e300rps")),
            "s.toml:11:3: error: the traffic would send about 6e301 requests in the run's 1m, all "
            "of them from org 'acme' to model 'llama-70b' (this [[orgs.traffic]]); expected at most "
            "1e10, which takes hours to simulate for each policy: lower the rate or shorten "
            "run.duration");
  // A rate whose product with the duration is beyond a double is still a count, not "inf".
  EXPECT_THAT(VolumeError(WithRate("1e307rps")), HasSubstr("would send more than 1e308 requests"));
}

TEST(RunVolume, RefusesARampDownFromARateWhoseAreaIsBeyondADouble) {
  // 1e308 requests a second falling to 0 over 10 s: from·t overflowed to +inf and the ramp's
  // −slope·t²/2 to −inf, their sum NaN, which is not "more than the limit", and the run hung.
  absl::StatusOr<Scenario> ramp = testing::Parse(testing::Minimal(
      {{13, "  shape = \"ramp\""}, {14, "  from = \"1e308rps\"\n  to = \"0rps\"\n  over = \"10s\""}}));
  ASSERT_TRUE(ramp.ok()) << ramp.status();
  EXPECT_THAT(VolumeError(*ramp), HasSubstr("would send more than 1e308 requests"));
}

// Whatever makes an expected count not a number (∞ − ∞ in some shape's arithmetic), the check
// refuses it rather than read NaN as "not more than the limit".
TEST(RunVolume, RefusesACountThatIsNotANumber) {
  Scenario scenario = WithRate("1rps");
  scenario.orgs[0].traffic[0].shape.rate_per_s = std::nan("");
  EXPECT_THAT(VolumeError(scenario), HasSubstr("would send more than 1e308 requests"));
}

TEST(RunVolume, TheLimitIsOnTheExpectedCountNotOnTheRate) {
  // 1e10 requests in 60 s is 1.67e8 per second: just under and just over.
  EXPECT_TRUE(CheckRunVolume(WithRate("166666666rps")).ok());
  EXPECT_FALSE(CheckRunVolume(WithRate("166666667rps")).ok());
  // The same rate for a tenth of the run is a tenth of the requests.
  Scenario brief = WithRate("1666666667rps");
  EXPECT_FALSE(CheckRunVolume(brief).ok());
  brief.orgs[0].traffic[0].shape.stop = FromSeconds(5);
  EXPECT_TRUE(CheckRunVolume(brief).ok());
}

TEST(RunVolume, CountsEveryCopyAndNamesTheEntryThatSendsTheMost) {
  // 100,000 copies at 2,000 requests a second: each well under the limit, together 1.2e10 in 60 s;
  // a second org adds a little. The copies are named once.
  absl::StatusOr<Scenario> many = testing::Parse(
      testing::Minimal({{14, "  rate = \"2000rps\""}, {10, "name = \"tenant\"\ncopies = 100000"}},
                       {"[[orgs]]", "name = \"small\"", "  [[orgs.traffic]]", "  model = \"llama-70b\"",
                        "  shape = \"constant\"", "  rate = \"100rps\""}));
  ASSERT_TRUE(many.ok()) << many.status();
  EXPECT_EQ(VolumeError(*many),
            "s.toml:12:3: error: the traffic would send about 1.2e10 requests in the run's 1m, "
            "about 1.2e10 of them from the 100000 copies of org 'tenant' to model 'llama-70b' (this "
            "[[orgs.traffic]]); expected at most 1e10, which takes hours to simulate for each "
            "policy: lower the rate or shorten run.duration");
}

// Building a platform makes the check, so that `validate` refuses what a run would: the same
// message, a usage exit, and nothing simulated or written.
TEST(RunVolume, BuildingThePlatformRefusesItAndSoDoesEveryCommand) {
  const Scenario scenario = WithRate("1e300rps");
  const absl::StatusOr<std::unique_ptr<Platform>> platform =
      BuildPlatform(scenario, scenario.policies.front());
  ASSERT_FALSE(platform.ok());
  EXPECT_EQ(platform.status(), CheckRunVolume(scenario));
  EXPECT_TRUE(BuildPlatform(WithRate("1000rps"), scenario.policies.front()).ok());

  const std::string dir = testing::TempPath("run_volume_validate/");
  std::filesystem::create_directories(dir);
  const std::string path = testing::WriteFile(
      dir + "huge.toml", testing::Minimal({{14, "  rate = \"1e300rps\""}}));
  const testing::CliResult validate = testing::RunRatesim({"validate", path});
  EXPECT_EQ(validate.code, 2);
  EXPECT_THAT(validate.err, HasSubstr(path + ":11:3: error: the traffic would send about 6e301"));
  const testing::CliResult run = testing::RunRatesim({"run", path, "--out", dir + "out"});
  EXPECT_EQ(run.code, 2);
  EXPECT_THAT(run.err, HasSubstr("about 6e301 requests"));
  EXPECT_FALSE(std::filesystem::exists(dir + "out/summary.json"));
  // A sweep checks every point before it runs any, and says which point is too large.
  const std::string fine = testing::WriteFile(dir + "fine.toml", testing::Minimal());
  const testing::CliResult sweep = testing::RunRatesim(
      {"sweep", fine, "--grid", "orgs.0.traffic.0.rate=\"1rps\",\"1e300rps\"", "--out", dir + "sweep"});
  EXPECT_EQ(sweep.code, 2);
  EXPECT_THAT(sweep.err, HasSubstr("about 6e301 requests"));
  EXPECT_THAT(sweep.err, HasSubstr("at sweep point 1: orgs.0.traffic.0.rate=\"1e300rps\""));
  EXPECT_FALSE(std::filesystem::exists(dir + "sweep"));
}

TEST(RunVolume, RefusesAPaceThatWouldDrainForCenturies) {
  // acme sends 60 requests in its minute; paced at 1e-30 per second they would take 6e31 s.
  const std::string error = VolumeError(
      testing::Parse(testing::Minimal({{15, "  client = { pace = \"1e-30rps\" }"}})).value());
  EXPECT_THAT(error, HasSubstr("s.toml:11:3: error: the client's pace of 1e-30 requests/s would "
                               "take 6e31s to send about 60 requests"));
  EXPECT_THAT(error, HasSubstr("more than 100 times the run's 1m, and the run drains"));
  EXPECT_THAT(error, HasSubstr("or set run.drain = false"));
  // 100 run durations is the bound: 60 requests at 0.01/s take 6000 s, exactly 100 minutes.
  EXPECT_TRUE(CheckRunVolume(
                  testing::Parse(testing::Minimal({{15, "  client = { pace = \"0.01rps\" }"}})).value())
                  .ok());
  EXPECT_FALSE(CheckRunVolume(testing::Parse(testing::Minimal(
                                                 {{15, "  client = { pace = \"0.0099rps\" }"}}))
                                  .value())
                   .ok());
  // A run that stops at its duration leaves the backlog in flight: nothing to refuse.
  EXPECT_TRUE(CheckRunVolume(testing::Parse(testing::Minimal({{3, "drain = false"},
                                                              {15, "  client = { pace = \"1e-30rps\" }"}}))
                                 .value())
                  .ok());
}

}  // namespace
}  // namespace ratesim

// TableReader's held "missing section" errors: reported once, whether or not the reader's owner
// remembers to call ReportUnknownKeys.
#include <string>
#include <utility>

#include "gtest/gtest.h"
#include "sim/scenario/diagnostics.h"
#include "sim/scenario/toml_reader.h"
#include "toml++/toml.h"

namespace ratesim {
namespace scenario_internal {
namespace {

const Location kTop{"s.toml", 1, 1};

TEST(TableReader, AHeldMissingErrorIsReportedOnceByReportUnknownKeys) {
  const toml::table table = toml::parse("title = \"x\"\n");
  Diagnostics diags("s.toml");
  {
    TableReader reader(table, "the file", diags, kTop);
    reader.Allow("title");
    reader.MissingError("models", kTop, "no [[models]]; add one");
    EXPECT_EQ(diags.count(), 0u);  // held until the unknown keys are known
    reader.ReportUnknownKeys();
    EXPECT_EQ(diags.count(), 1u);
  }
  EXPECT_EQ(diags.count(), 1u);
}

TEST(TableReader, AHeldMissingErrorIsNotLostWithoutReportUnknownKeys) {
  const toml::table table = toml::parse("title = \"x\"\n");
  Diagnostics diags("s.toml");
  {
    TableReader reader(table, "the file", diags, kTop);
    reader.MissingError("models", kTop, "no [[models]]; add one");
  }
  EXPECT_EQ(diags.count(), 1u);
  EXPECT_NE(diags.ToStatus().message().find("no [[models]]"), std::string::npos);
}

TEST(TableReader, AMovedReaderReportsItsHeldErrorOnce) {
  const toml::table table = toml::parse("title = \"x\"\n");
  Diagnostics diags("s.toml");
  {
    TableReader first(table, "the file", diags, kTop);
    first.MissingError("models", kTop, "no [[models]]; add one");
    TableReader second(std::move(first));
  }
  EXPECT_EQ(diags.count(), 1u);
}

TEST(TableReader, ANearMissKeyExplainsTheMissingSection) {
  const toml::table table = toml::parse("[[model]]\nname = \"m\"\n");
  Diagnostics diags("s.toml");
  {
    TableReader reader(table, "the file", diags, kTop);
    reader.Allow("models");
    reader.MissingError("models", kTop, "no [[models]]; add one");
    reader.ReportUnknownKeys();
  }
  ASSERT_EQ(diags.count(), 1u);
  EXPECT_NE(diags.ToStatus().message().find("did you mean 'models'"), std::string::npos)
      << diags.ToStatus().message();
}

}  // namespace
}  // namespace scenario_internal
}  // namespace ratesim

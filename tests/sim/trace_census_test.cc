// The census of a trace against a naive oracle, and the (org, model) map its keys are found by.
#include "sim/scenario/trace_census.h"

#include <cstdio>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "fmt/format.h"
#include "gtest/gtest.h"
#include "sim/util/fnv1a64.h"
#include "tests/support/temp_dir.h"

namespace ratesim {
namespace {

TEST(OrgModelMap, KeepsPairsApartThatSpellTheSameTogetherAndFindsThemByView) {
  OrgModelMap<int> map;
  map[OrgModel{"ab", "c"}] = 1;
  map[OrgModel{"a", "bc"}] = 2;
  map[OrgModel{"", "abc"}] = 3;
  EXPECT_EQ(map.size(), 3u);
  const auto find = [&](std::string_view org, std::string_view model) {
    const auto found = map.find(OrgModelView{org, model});
    return found == map.end() ? 0 : found->second;
  };
  EXPECT_EQ(find("ab", "c"), 1);
  EXPECT_EQ(find("a", "bc"), 2);
  EXPECT_EQ(find("", "abc"), 3);
  EXPECT_EQ(find("abc", ""), 0);
  EXPECT_EQ(find("ab", "cd"), 0);
}

// A random trace's census, against one worked out with nothing cleverer than a vector search.
TEST(TraceCensus, KeysInFirstRowOrderAndTokenTotalsMatchANaiveCount) {
  const std::vector<std::string> models = {"m0", "m1", "m2"};
  const std::string path = testing::TempPath("trace_census_random.csv");
  std::vector<OrgModel> expected_keys;
  std::vector<TraceTokenTotals> expected_totals(models.size());
  {
    std::FILE* file = std::fopen(path.c_str(), "wb");
    ASSERT_NE(file, nullptr);
    std::fputs("time,org,model,input_tokens,output_tokens\n", file);
    std::mt19937_64 rng(7);
    for (int i = 0; i < 20'000; ++i) {
      // Org names that run into the model's ("o1" + "m2" against "o1m" + "2") are kept apart.
      const std::string org = fmt::format("o{}{}", rng() % 300, rng() % 5 == 0 ? "m" : "");
      const size_t model = rng() % models.size();
      const int64_t input = static_cast<int64_t>(rng() % 5000);
      const int64_t output = static_cast<int64_t>(rng() % 700);
      std::fprintf(file, "%d.%03d,%s,%s,%lld,%lld\n", i / 1000, i % 1000, org.c_str(),
                   models[model].c_str(), static_cast<long long>(input), static_cast<long long>(output));
      bool seen = false;
      for (const OrgModel& key : expected_keys) seen = seen || (key.org == org && key.model == models[model]);
      if (!seen) expected_keys.push_back({org, models[model]});
      ++expected_totals[model].rows;
      expected_totals[model].input_tokens += static_cast<double>(input);
      expected_totals[model].output_tokens += static_cast<double>(output);
    }
    std::fclose(file);
  }
  const absl::StatusOr<TraceCensus> census = TakeTraceCensus(path, models);
  std::remove(path.c_str());
  ASSERT_TRUE(census.ok()) << census.status();
  ASSERT_EQ(census->keys.size(), expected_keys.size());
  for (size_t i = 0; i < expected_keys.size(); ++i) {
    EXPECT_EQ(census->keys[i].org, expected_keys[i].org) << i;
    EXPECT_EQ(census->keys[i].model, expected_keys[i].model) << i;
  }
  for (size_t model = 0; model < models.size(); ++model) {
    const TraceTokenTotals& totals = census->by_model.at(models[model]);
    EXPECT_EQ(totals.rows, expected_totals[model].rows);
    EXPECT_EQ(totals.input_tokens, expected_totals[model].input_tokens);
    EXPECT_EQ(totals.output_tokens, expected_totals[model].output_tokens);
  }
}

// Writes `text` to a file named `name` in the test's temporary folder; returns its path.
std::string WriteFile(const std::string& name, const std::string& text) {
  return testing::WriteTextFile(testing::TempPath("trace_census_" + name), text);
}

// run.json records the census's hash for the trace, so it must be the hash of every byte of the
// file: across the reader's 64 KiB blocks, and with no line ending after the last row.
TEST(TraceCensus, RecordsItsPathAndTheHashOfTheFilesBytes) {
  std::string text = "time,org,model,input_tokens,output_tokens\r\n";
  text += "\n";  // the first row is on line 3
  for (int i = 1; i <= 10'000; ++i) text += fmt::format("{}.{:03},org-{},m0,{},7\n", i / 1000, i % 1000, i % 13, i);
  text += "99,last,m0,1,1";
  ASSERT_GT(text.size(), 3u * 64 * 1024);
  const std::string path = WriteFile("hashed.csv", text);
  const absl::StatusOr<TraceCensus> census = TakeTraceCensus(path, {"m0"});
  std::remove(path.c_str());
  ASSERT_TRUE(census.ok()) << census.status();
  EXPECT_EQ(census->path, path);
  ASSERT_TRUE(census->first_row.has_value());
  EXPECT_EQ(census->first_row->time, kNanosPerMillisecond);
  EXPECT_EQ(census->first_row->line, 3);
  EXPECT_EQ(census->fnv1a64, Fnv1a64(text));
  EXPECT_NE(census->fnv1a64, Fnv1a64(text.substr(0, text.size() - 1)));
}

TEST(TraceCensus, OfATraceWithNoRowsHasNoFirstRow) {
  const std::string path = WriteFile("empty.csv", "time,org,model,input_tokens,output_tokens\n\n");
  const absl::StatusOr<TraceCensus> census = TakeTraceCensus(path, {"m0"});
  std::remove(path.c_str());
  ASSERT_TRUE(census.ok()) << census.status();
  EXPECT_FALSE(census->first_row.has_value());
  EXPECT_TRUE(census->keys.empty());
}

TEST(TraceCensusCache, ReadsAFileOncePerSetOfModelsAndKeepsNoFailure) {
  const std::string path = WriteFile("cached.csv", "time,org,model,input_tokens,output_tokens\n1,a,m0,1,1\n");
  TraceCensusCache cache;
  const auto first = cache.Take(path, {"m0"});
  const auto again = cache.Take(path, {"m0"});
  const auto more_models = cache.Take(path, {"m0", "m1"});
  ASSERT_TRUE(first.ok() && again.ok() && more_models.ok());
  EXPECT_EQ(first->get(), again->get());  // the same census, not read again
  EXPECT_NE(first->get(), more_models->get());
  // Checked against models without m0 the file fails; once they have it, it is read.
  const auto refused = cache.Take(path, {"m1"});
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string bad = WriteFile("cached_bad.csv", "time,org,model,input_tokens,output_tokens\nx,a,m0,1,1\n");
  EXPECT_FALSE(cache.Take(bad, {"m0"}).ok());
  WriteFile("cached_bad.csv", "time,org,model,input_tokens,output_tokens\n1,a,m0,1,1\n");
  const auto mended = cache.Take(bad, {"m0"});
  EXPECT_TRUE(mended.ok()) << mended.status();
  std::remove(path.c_str());
  std::remove(bad.c_str());
}

}  // namespace
}  // namespace ratesim

// Tests for the sweep's grid (--grid parsing, the cross product's order) and shards (--shard
// parsing, which points a shard owns).
#include "sim/sweep/grid.h"

#include <gtest/gtest.h>

#include <set>

#include "sim/sweep/shard.h"

namespace ratesim {
namespace {

using Values = std::vector<std::string>;

TEST(GridAxis, SplitsValuesAtTopLevelCommasAndTrimsThem) {
  absl::StatusOr<GridAxis> axis = ParseGridAxis(" limits.window = 1m, 10m ,1h");
  ASSERT_TRUE(axis.ok()) << axis.status();
  EXPECT_EQ(axis->key, "limits.window");
  EXPECT_EQ(axis->values, (Values{"1m", "10m", "1h"}));
}

TEST(GridAxis, KeepsInlineTablesArraysAndQuotedCommasWhole) {
  absl::StatusOr<GridAxis> axis = ParseGridAxis(
      R"(models.0.service={ dist = "constant", mean = "1s" },{ dist = "exponential", mean = "2s" })");
  ASSERT_TRUE(axis.ok()) << axis.status();
  EXPECT_EQ(axis->values, (Values{R"({ dist = "constant", mean = "1s" })",
                                  R"({ dist = "exponential", mean = "2s" })"}));
  axis = ParseGridAxis(R"(title="a, b",[1, 2],'c,d')");
  ASSERT_TRUE(axis.ok()) << axis.status();
  EXPECT_EQ(axis->values, (Values{R"("a, b")", "[1, 2]", "'c,d'"}));
  // An expression written bare keeps the commas between its function's arguments.
  axis = ParseGridAxis("limits.requests_per_s=max(base_rps, 2 * ok_rps_1m),min(ceiling_rps, max(1, 2))");
  ASSERT_TRUE(axis.ok()) << axis.status();
  EXPECT_EQ(axis->values,
            (Values{"max(base_rps, 2 * ok_rps_1m)", "min(ceiling_rps, max(1, 2))"}));
}

TEST(GridAxis, RejectsMalformedArguments) {
  const std::pair<const char*, const char*> cases[] = {
      {"limits.window", "needs key=v1,v2"},
      {"=1,2", "needs a key before '='"},
      {"limits.window=", "has no values"},
      {"limits.window=  ", "has no values"},
      {"limits.window=1m,,2m", "has an empty value"},
      {"limits.window=1m,", "has an empty value"},
      {"limits.window=1m,1m", "lists '1m' more than once"},
  };
  for (const auto& [text, message] : cases) {
    absl::StatusOr<GridAxis> axis = ParseGridAxis(text);
    ASSERT_FALSE(axis.ok()) << text;
    EXPECT_TRUE(absl::IsInvalidArgument(axis.status()));
    EXPECT_NE(axis.status().message().find(message), std::string_view::npos)
        << text << ": " << axis.status().message();
  }
}

TEST(Grid, RejectsARepeatedKeyAndAnOversizedProduct) {
  EXPECT_FALSE(CheckGrid({{"a", {"1"}}, {"b", {"1"}}, {"a", {"2"}}}).ok());
  GridAxis thousand{"k", {}};
  for (int i = 0; i < 1000; ++i) thousand.values.push_back(std::to_string(i));
  EXPECT_TRUE(CheckGrid({thousand, {"j", {"1"}}}).ok());
  GridAxis other = thousand;
  other.key = "j";
  EXPECT_TRUE(CheckGrid({thousand, other}).ok());  // exactly kMaxGridPoints
  other.values.push_back("1000");
  EXPECT_FALSE(CheckGrid({thousand, other}).ok());
}

TEST(Grid, NumbersPointsLikeNestedLoopsWithTheLastAxisFastest) {
  const std::vector<GridAxis> axes = {{"a", {"1", "2"}}, {"b", {"x", "y", "z"}}};
  ASSERT_EQ(GridPointCount(axes), 6u);
  EXPECT_EQ(GridPointValues(axes, 0), (Values{"1", "x"}));
  EXPECT_EQ(GridPointValues(axes, 1), (Values{"1", "y"}));
  EXPECT_EQ(GridPointValues(axes, 2), (Values{"1", "z"}));
  EXPECT_EQ(GridPointValues(axes, 3), (Values{"2", "x"}));
  EXPECT_EQ(GridPointValues(axes, 5), (Values{"2", "z"}));
  EXPECT_EQ(GridPointCount({}), 1u);
  EXPECT_EQ(GridPointValues({}, 0), Values{});
}

TEST(Shard, ParsesZeroBasedIndexOfCount) {
  absl::StatusOr<ShardSpec> shard = ParseShard("0/4");
  ASSERT_TRUE(shard.ok());
  EXPECT_EQ(shard->index, 0u);
  EXPECT_EQ(shard->count, 4u);
  shard = ParseShard("3/4");
  ASSERT_TRUE(shard.ok());
  EXPECT_EQ(shard->index, 3u);
  EXPECT_TRUE(ParseShard("0/1").ok());
}

TEST(Shard, RejectsOutOfRangeAndJunkWithAClearMessage) {
  const std::pair<const char*, const char*> cases[] = {
      {"4/4", "shards are numbered from 0: use 0/4 .. 3/4"},
      {"5/4", "shards are numbered from 0: use 0/4 .. 3/4"},
      {"0/0", "the number of shards must be from 1"},
      {"-1/4", "needs I/N"},
      {"1", "needs I/N"},
      {"a/b", "needs I/N"},
      {"1/4/2", "needs I/N"},
      {"/4", "needs I/N"},
      {"1/", "needs I/N"},
      {" 1/4", "needs I/N"},
      {"", "needs I/N"},
  };
  for (const auto& [text, message] : cases) {
    absl::StatusOr<ShardSpec> shard = ParseShard(text);
    ASSERT_FALSE(shard.ok()) << text;
    EXPECT_NE(shard.status().message().find(message), std::string_view::npos)
        << text << ": " << shard.status().message();
  }
}

TEST(Shard, ShardsPartitionThePointsAndCountTheirShare) {
  constexpr size_t kPoints = 10;
  std::multiset<size_t> owned;
  for (size_t i = 0; i < 4; ++i) {
    const ShardSpec shard{i, 4};
    size_t count = 0;
    for (size_t p = 0; p < kPoints; ++p) {
      if (!shard.Owns(p)) continue;
      owned.insert(p);
      ++count;
    }
    EXPECT_EQ(shard.OwnedCount(kPoints), count) << i;
  }
  EXPECT_EQ(owned.size(), kPoints);
  for (size_t p = 0; p < kPoints; ++p) EXPECT_EQ(owned.count(p), 1u);
  EXPECT_EQ((ShardSpec{1, 4}.OwnedCount(10)), 3u);  // 1, 5, 9
  EXPECT_EQ((ShardSpec{3, 4}.OwnedCount(10)), 2u);  // 3, 7
  EXPECT_EQ((ShardSpec{3, 4}.OwnedCount(2)), 0u);
}

}  // namespace
}  // namespace ratesim

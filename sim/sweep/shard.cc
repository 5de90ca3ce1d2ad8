#include "sim/sweep/shard.h"

#include <optional>

#include "fmt/format.h"

namespace ratesim {
namespace {

std::optional<size_t> WholeNumber(std::string_view text) {
  if (text.empty() || text.size() > 9) return std::nullopt;
  size_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<size_t>(c - '0');
  }
  return value;
}

}  // namespace

absl::StatusOr<ShardSpec> ParseShard(std::string_view text) {
  const size_t slash = text.find('/');
  const std::optional<size_t> index =
      slash == std::string_view::npos ? std::nullopt : WholeNumber(text.substr(0, slash));
  const std::optional<size_t> count =
      slash == std::string_view::npos ? std::nullopt : WholeNumber(text.substr(slash + 1));
  if (!index || !count) {
    return absl::InvalidArgumentError(fmt::format(
        "flag '--shard' needs I/N, shard I of N numbered from 0, got '{}' (example: --shard 0/4)",
        text));
  }
  if (*count < 1 || *count > kMaxShards) {
    return absl::InvalidArgumentError(fmt::format(
        "flag '--shard {}': the number of shards must be from 1 to {}", text, kMaxShards));
  }
  if (*index >= *count) {
    return absl::InvalidArgumentError(
        fmt::format("flag '--shard {}': shards are numbered from 0: use 0/{} .. {}/{}", text,
                    *count, *count - 1, *count));
  }
  return ShardSpec{*index, *count};
}

}  // namespace ratesim

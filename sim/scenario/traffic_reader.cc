// Reading one [[orgs.traffic]] stream: its model, active interval, token sizes and client behaviour
// (its arrival shape is read by ReadShape).
#include <algorithm>
#include <string>
#include <vector>

#include "fmt/format.h"
#include "sim/scenario/section_readers.h"

namespace ratesim {
namespace scenario_internal {
namespace {

constexpr std::string_view kTokenForms =
    "an integer from {} to {} or a table such as "
    "{{ dist = \"lognormal\", mean = 500, cv = 0.5 }}";

// A token count: an integer >= `floor`, or a lognormal table. Absent: `fallback`.
TokenCount ReadTokenCount(TableReader& reader, std::string_view key, int64_t floor,
                          const TokenCount& fallback) {
  const toml::node* node = reader.Find(key);
  if (node == nullptr) return fallback;
  TokenCount count;
  if (node->is_integer() || node->is_floating_point()) {
    count.kind = TokenCount::Kind::kFixed;
    count.mean =
        static_cast<double>(reader.Integer(key, Need::kOptional, floor, kMaxTokens).value_or(floor));
    return count;
  }
  const toml::table* table = node->as_table();
  if (table == nullptr) {
    reader.ValueError(key,
                      fmt::format("got {}; expected {}", TypeName(*node), fmt::format(kTokenForms, floor, kMaxTokens)));
    return fallback;
  }
  TableReader dist_reader = reader.Child(*table, fmt::format("'{}' of {}", key, reader.context()));
  const std::optional<std::string> dist = dist_reader.String("dist", Need::kRequired);
  if (dist && *dist != "lognormal") {
    dist_reader.ValueError("dist", fmt::format("unknown token distribution '{}'{}", *dist,
                                               SuggestionFor(*dist, {"lognormal"}, true)));
  }
  count.kind = TokenCount::Kind::kLognormal;
  count.mean = dist_reader.Number("mean", Need::kRequired, Bound::kPositive).value_or(1.0);
  if (count.mean > static_cast<double>(kMaxTokens)) {
    dist_reader.ValueError("mean", fmt::format("got {}; expected a number > 0 and at most {}",
                                               count.mean, kMaxTokens));
  }
  count.cv = dist_reader.Number("cv", Need::kRequired, Bound::kNonNegative).value_or(0.0);
  count.min = dist_reader.Integer("min", Need::kOptional, floor, kMaxTokens).value_or(floor);
  count.max = dist_reader.Integer("max", Need::kOptional, floor, kMaxTokens).value_or(kMaxTokens);
  if (count.max < count.min) {
    dist_reader.ValueError("max",
                           fmt::format("got {}, below min = {}; expected max >= min", count.max, count.min));
  }
  dist_reader.ReportUnknownKeys();
  return count;
}

// Whether `count` is the fixed count written at `node`, not a fallback after a bad value there
// (reported already; a fallback is the key's floor, which no bad integer equals).
bool FixedAsWritten(const toml::node* node, const TokenCount& count) {
  const toml::value<int64_t>* written = node == nullptr ? nullptr : node->as_integer();
  return written != nullptr && count.kind == TokenCount::Kind::kFixed &&
         static_cast<double>(written->get()) == count.mean;
}

// Reports a fixed output_tokens above a fixed max_output_tokens (the default's included): every
// request would be cut to the max, so one of the two is not what was meant. A drawn count above
// the max is capped as a real reply is, and is no mistake.
void CheckOutputWithinMax(TableReader& reader, const TrafficSpec& traffic) {
  const toml::node* output = reader.Find("output_tokens");
  const toml::node* max = reader.Find("max_output_tokens");
  const bool max_fixed = max == nullptr ? traffic.max_output_tokens.kind == TokenCount::Kind::kFixed
                                        : FixedAsWritten(max, traffic.max_output_tokens);
  if (!FixedAsWritten(output, traffic.output_tokens) || !max_fixed ||
      traffic.output_tokens.mean <= traffic.max_output_tokens.mean) {
    return;
  }
  reader.ValueError(
      "output_tokens",
      fmt::format("got {}, above max_output_tokens = {}; a request never outputs more "
                  "than its max_output_tokens, so raise max_output_tokens or lower "
                  "output_tokens",
                  Written(*output),
                  max != nullptr
                      ? Written(*max)
                      : fmt::format("{} (the default)", traffic.max_output_tokens.mean)));
}

}  // namespace

TrafficSpec ReadTraffic(TableReader& reader, const std::vector<std::string>& model_names) {
  TrafficSpec traffic;
  traffic.pos = reader.pos();
  if (std::optional<std::string> model = reader.String("model", Need::kRequired)) {
    traffic.model = *model;
    const bool known = std::find(model_names.begin(), model_names.end(), *model) != model_names.end();
    if (!known && !model_names.empty()) {
      reader.ValueError(
          "model", fmt::format("unknown model '{}'{}", *model, SuggestionFor(*model, model_names, true)));
    }
  }
  ReadShape(reader, traffic.shape);
  const std::optional<Nanos> start = reader.Duration("start", Need::kOptional, Bound::kNonNegative);
  const std::optional<Nanos> stop = reader.Duration("stop", Need::kOptional, Bound::kAny);
  traffic.shape.start = start.value_or(0);
  traffic.shape.stop = stop.value_or(kNever);
  if (stop && *stop <= traffic.shape.start) {
    reader.ValueError("stop", fmt::format("got {}, not after start = {}; expected stop > start",
                                          Written(*reader.Find("stop")),
                                          start ? Written(*reader.Find("start")) : "\"0s\""));
  }
  TokenCount input;
  input.mean = 500;
  TokenCount max_output;
  max_output.mean = 256;
  traffic.input_tokens = ReadTokenCount(reader, "input_tokens", 0, input);
  traffic.max_output_tokens = ReadTokenCount(reader, "max_output_tokens", 1, max_output);
  traffic.output_tokens = ReadTokenCount(reader, "output_tokens", 0, traffic.max_output_tokens);
  CheckOutputWithinMax(reader, traffic);
  traffic.client = ReadClient(reader);
  ExplainClientKeys(reader);
  reader.ReportUnknownKeys();
  return traffic;
}

}  // namespace scenario_internal
}  // namespace ratesim

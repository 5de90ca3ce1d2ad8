// Reading `client = { ... }`: what a client does when an attempt fails (give up, back off, or wait
// for the reset the limiter announced), how long it waits for a response, and how it holds its
// requests back (a cap on those in flight, a pacer), shared by [[orgs.traffic]] and [[traces]].
#include <limits>
#include <string>
#include <vector>

#include "fmt/format.h"
#include "sim/scenario/section_readers.h"

namespace ratesim {
namespace scenario_internal {
namespace {

// In the order of ClientSpec::OnFailure.
const std::vector<std::string>& OnFailureNames() {
  static const std::vector<std::string>* const names =
      new std::vector<std::string>{"give_up", "backoff", "honor_reset"};
  return *names;
}

// Every key ReadClient reads.
const std::vector<std::string>& ClientKeys() {
  static const std::vector<std::string>* const keys =
      new std::vector<std::string>{"on_failure", "max_attempts", "base_backoff", "max_backoff",
                                   "multiplier",  "jitter",       "timeout",
                                   "max_in_flight", "pace"};
  return *keys;
}

constexpr int64_t kRetryingAttempts = 5;  // max_attempts' default when the client retries

// A number in [`low`, `high`] under `key`, or nullopt (reported if present and out of range).
std::optional<double> NumberIn(TableReader& reader, std::string_view key, double low, double high,
                               std::string_view range) {
  const std::optional<double> value = reader.Number(key, Need::kOptional, Bound::kAny);
  if (value && (*value < low || *value > high)) {
    reader.ValueError(key, fmt::format("got {}; expected {}", Written(*reader.Find(key)), range));
    return std::nullopt;
  }
  return value;
}

// "\"60s\"" as written, or "\"60s\" (the default)" for a key left out.
std::string WrittenOrDefault(TableReader& reader, std::string_view key, std::string_view fallback) {
  const toml::node* node = reader.Find(key);
  return node != nullptr ? Written(*node) : fmt::format("\"{}\" (the default)", fallback);
}

}  // namespace

ClientSpec ReadClient(TableReader& owner) {
  ClientSpec client;
  const toml::table* table = owner.Table(
      "client", Need::kOptional, "a table such as { on_failure = \"backoff\", max_attempts = 5 }");
  if (table == nullptr) return client;
  TableReader reader = owner.Child(*table, fmt::format("'client' of {}", owner.context()));

  // In the order of ClientSpec::OnFailure.
  const std::optional<size_t> on_failure =
      ReadChoice(reader, "on_failure", OnFailureNames(), "failure handling");
  if (on_failure) client.on_failure = static_cast<ClientSpec::OnFailure>(*on_failure);
  const bool on_failure_known = on_failure || reader.Find("on_failure") == nullptr;
  const bool gives_up = client.on_failure == ClientSpec::OnFailure::kGiveUp;
  const std::optional<int64_t> attempts =
      reader.Integer("max_attempts", Need::kOptional, 1, kMaxAttempts);
  client.max_attempts = attempts.value_or(gives_up ? 1 : kRetryingAttempts);
  if (attempts && *attempts > 1 && gives_up && on_failure_known) {
    reader.ValueError("max_attempts",
                      fmt::format("got {}, but on_failure = \"give_up\"{} never retries; set on_failure = "
                                  "\"backoff\" or \"honor_reset\", or max_attempts = 1",
                                  *attempts, reader.Find("on_failure") != nullptr ? "" : " (the default)"));
  }

  const std::optional<Nanos> base = reader.Duration("base_backoff", Need::kOptional, Bound::kPositive);
  const std::optional<Nanos> max = reader.Duration("max_backoff", Need::kOptional, Bound::kPositive);
  client.base_backoff = base.value_or(client.base_backoff);
  client.max_backoff = max.value_or(client.max_backoff);
  const bool both_valid = (base || reader.Find("base_backoff") == nullptr) &&
                          (max || reader.Find("max_backoff") == nullptr);
  if (both_valid && client.max_backoff < client.base_backoff) {
    if (max) {
      reader.ValueError("max_backoff",
                        fmt::format("got {}, shorter than base_backoff = {}; expected max_backoff >= "
                                    "base_backoff",
                                    Written(*reader.Find("max_backoff")),
                                    WrittenOrDefault(reader, "base_backoff", "1s")));
    } else {
      reader.ValueError("base_backoff",
                        fmt::format("got {}, longer than max_backoff = \"60s\" (the default); expected "
                                    "base_backoff <= max_backoff, so raise max_backoff too",
                                    Written(*reader.Find("base_backoff"))));
    }
  }
  client.multiplier = NumberIn(reader, "multiplier", 1.0, std::numeric_limits<double>::infinity(),
                               "a number >= 1 (1: a constant delay)")
                          .value_or(client.multiplier);
  client.jitter = NumberIn(reader, "jitter", 0.0, 1.0, "a number in [0, 1] (0: no jitter)")
                      .value_or(client.jitter);
  client.timeout = reader.Duration("timeout", Need::kOptional, Bound::kPositive).value_or(kNever);
  client.max_in_flight = reader.Integer("max_in_flight", Need::kOptional, 1, kMaxWorkers).value_or(0);
  client.pace_per_s = reader.Rate("pace", Need::kOptional, Bound::kPositive).value_or(0.0);
  reader.ReportUnknownKeys();
  return client;
}

void ExplainClientKeys(TableReader& owner) {
  for (const std::string& key : ClientKeys()) {
    owner.ExplainUnknown(
        key, fmt::format("it is a key of the client table: write client = {{ {} = ... }} "
                         "in this entry",
                         key));
  }
}

}  // namespace scenario_internal
}  // namespace ratesim

// ParseDuration and ParseRate on any text: each either fails with a message, or gives a value a
// scenario can use (a duration >= 0; a rate finite and >= 0). Never a crash, a hang (the exponent
// of "1e99999999h" must not be worked out digit by digit), NaN or a negative value.
// What a refusal tells the user to write ("2RPS": write "2rps"; "7200rph": write "120rpm" or "2rps";
// "1m30s": write "90s"; "500": write the unit: "500ms" or "500s") parses, to the value the input
// meant; and FormatDuration of a duration parses back to that duration.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "fuzz/fuzz_check.h"
#include "sim/scenario/units.h"

namespace {

void CheckFailure(const absl::Status& status, std::string_view text) {
  FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument ||
                 status.code() == absl::StatusCode::kOutOfRange,
             "unexpected code for '%.*s': %s", static_cast<int>(text.size()), text.data(),
             status.ToString().c_str());
  FUZZ_CHECK(!status.message().empty(), "a failure without a message");
}

// The texts a refusal's message about `text` suggests: the quoted text after `write "`, `write the
// unit: "` or `such as "`, and a second one after it as ` or "`; looked for after the message
// quotes `text`, which may hold those words itself.
std::vector<std::string> Suggestions(std::string_view message, std::string_view text) {
  std::vector<std::string> out;
  const size_t quoted = message.find(text);
  const size_t from = quoted == std::string_view::npos ? 0 : quoted + text.size();
  for (const std::string_view lead : {"; write \"", "write the unit: \"", "such as \""}) {
    size_t at = message.find(lead, from);
    if (at == std::string_view::npos) continue;
    size_t start = at + lead.size();
    while (true) {
      const size_t end = message.find('"', start);
      if (end == std::string_view::npos) break;
      out.emplace_back(message.substr(start, end - start));
      constexpr std::string_view kOr = " or \"";
      if (message.substr(end + 1, kOr.size()) != kOr) break;
      start = end + 1 + kOr.size();
    }
  }
  return out;
}

bool Near(double a, double b, double relative) {
  return std::fabs(a - b) <= relative * std::max(std::fabs(a), std::fabs(b)) + 1e-300;
}

// Every suggestion in a refused duration's message parses as a duration.
void CheckDurationSuggestions(const absl::Status& status, std::string_view text) {
  const std::string message(status.message());
  for (const std::string& suggestion : Suggestions(message, text)) {
    const absl::StatusOr<ratesim::Nanos> parsed = ratesim::ParseDuration(suggestion);
    FUZZ_CHECK(parsed.ok(), "'%.*s' refused with \"%s\", whose suggestion '%s' is refused: %s",
               static_cast<int>(text.size()), text.data(), message.c_str(), suggestion.c_str(),
               parsed.status().ToString().c_str());
  }
}

// Every suggestion in a refused rate's message parses as a rate; for a rate per hour, as that rate
// (to the 6 digits the suggestion is written with).
void CheckRateSuggestions(const absl::Status& status, std::string_view text) {
  const std::string message(status.message());
  const bool per_hour = message.find("no unit of requests per hour") != std::string::npos;
  for (const std::string& suggestion : Suggestions(message, text)) {
    const absl::StatusOr<double> parsed = ratesim::ParseRate(suggestion);
    FUZZ_CHECK(parsed.ok(), "'%.*s' refused with \"%s\", whose suggestion '%s' is refused: %s",
               static_cast<int>(text.size()), text.data(), message.c_str(), suggestion.c_str(),
               parsed.status().ToString().c_str());
    if (per_hour) {
      const size_t number_end = text.find_first_not_of("0123456789.eE+-");
      const absl::StatusOr<double> per_s =
          ratesim::ParseRate(std::string(text.substr(0, number_end)) + "rps");
      if (per_s.ok()) {
        FUZZ_CHECK(Near(*parsed, *per_s / 3600, 1e-5), "'%.*s' (%g/s) suggested as '%s' (%g/s)",
                   static_cast<int>(text.size()), text.data(), *per_s / 3600, suggestion.c_str(),
                   *parsed);
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  if (absl::StatusOr<ratesim::Nanos> duration = ratesim::ParseDuration(text); duration.ok()) {
    FUZZ_CHECK(*duration >= 0, "'%.*s' parsed as the negative duration %lld",
               static_cast<int>(size), text.data(), static_cast<long long>(*duration));
    const std::string formatted = ratesim::FormatDuration(*duration);
    const absl::StatusOr<ratesim::Nanos> again = ratesim::ParseDuration(formatted);
    FUZZ_CHECK(again.ok() && *again == *duration, "'%.*s' (%lld ns) formatted as '%s', read back as %s",
               static_cast<int>(size), text.data(), static_cast<long long>(*duration),
               formatted.c_str(),
               again.ok() ? std::to_string(*again).c_str() : again.status().ToString().c_str());
  } else {
    CheckFailure(duration.status(), text);
    CheckDurationSuggestions(duration.status(), text);
  }

  if (absl::StatusOr<double> rate = ratesim::ParseRate(text); rate.ok()) {
    FUZZ_CHECK(std::isfinite(*rate) && *rate >= 0, "'%.*s' parsed as the rate %g",
               static_cast<int>(size), text.data(), *rate);
  } else {
    CheckFailure(rate.status(), text);
    CheckRateSuggestions(rate.status(), text);
  }
  return 0;
}

// ParseDuration and ParseRate on any text: each either fails with a message, or gives a value a
// scenario can use (a duration >= 0; a rate finite and >= 0). Never a crash, a hang (the exponent
// of "1e99999999h" must not be worked out digit by digit), NaN or a negative value.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  if (absl::StatusOr<ratesim::Nanos> duration = ratesim::ParseDuration(text); duration.ok()) {
    FUZZ_CHECK(*duration >= 0, "'%.*s' parsed as the negative duration %lld",
               static_cast<int>(size), text.data(), static_cast<long long>(*duration));
  } else {
    CheckFailure(duration.status(), text);
  }

  if (absl::StatusOr<double> rate = ratesim::ParseRate(text); rate.ok()) {
    FUZZ_CHECK(std::isfinite(*rate) && *rate >= 0, "'%.*s' parsed as the rate %g",
               static_cast<int>(size), text.data(), *rate);
  } else {
    CheckFailure(rate.status(), text);
  }
  return 0;
}

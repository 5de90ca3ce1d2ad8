#include "sim/scenario/units.h"

#include <cmath>
#include <cstdint>
#include <string>

#include "absl/numeric/int128.h"
#include "absl/strings/numbers.h"
#include "fmt/format.h"
#include "sim/scenario/toml_error_hint.h"

namespace ratesim {
namespace {

// `<digits>[.<digits>]<unit>` split into its parts; ok is false when the number part is malformed.
struct Decimal {
  bool ok = false;
  std::string_view whole;     // digits before the point, at least one
  std::string_view fraction;  // digits after the point, possibly empty
  std::string_view number;    // whole[.fraction] as written
  std::string_view unit;      // the rest
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

Decimal SplitDecimal(std::string_view text) {
  Decimal d;
  size_t i = 0;
  while (i < text.size() && IsDigit(text[i])) ++i;
  if (i == 0) return d;
  d.whole = text.substr(0, i);
  if (i < text.size() && text[i] == '.') {
    const size_t start = ++i;
    while (i < text.size() && IsDigit(text[i])) ++i;
    if (i == start) return d;  // "5." or "5.s"
    d.fraction = text.substr(start, i - start);
  }
  d.number = text.substr(0, i);
  d.unit = text.substr(i);
  d.ok = true;
  return d;
}

// Nanoseconds per unit, or 0 for an unknown unit.
int64_t NanosPerUnit(std::string_view unit) {
  if (unit == "ns") return 1;
  if (unit == "us") return 1'000;
  if (unit == "ms") return 1'000'000;
  if (unit == "s") return kNanosPerSecond;
  if (unit == "m") return 60 * kNanosPerSecond;
  if (unit == "h") return 3600 * kNanosPerSecond;
  return 0;
}

constexpr size_t kMaxFractionDigits = 18;  // 10^18 x 3.6e12 ns/h still fits in 128 bits

// The number `text` starts with when it is written with an exponent too large for a double
// ("1e400" of "1e400rpm"), which SplitDecimal does not read; empty otherwise.
std::string_view BeyondDoublePrefix(std::string_view text) {
  const size_t end = text.find_first_not_of("0123456789._eE+-");
  const std::string_view number = text.substr(0, end);
  return scenario_internal::IsBeyondDouble(number) ? number : std::string_view();
}

absl::Status Malformed(std::string_view what, std::string_view text, std::string_view form) {
  return absl::InvalidArgumentError(fmt::format("malformed {} \"{}\"; expected {}", what, text, form));
}

}  // namespace

absl::StatusOr<Nanos> ParseDuration(std::string_view text) {
  if (text.empty())
    return absl::InvalidArgumentError(fmt::format("empty duration; expected {}", kDurationForm));
  if (text[0] == '-') {
    return absl::InvalidArgumentError(fmt::format(
        "negative duration \"{}\"; expected a duration >= 0 such as \"{}\"", text, text.substr(1)));
  }
  const Decimal d = SplitDecimal(text);
  const auto too_large = [&] {
    return absl::OutOfRangeError(
        fmt::format("duration \"{}\" is too large; expected at most about 292 years", text));
  };
  if (!BeyondDoublePrefix(text).empty()) return too_large();
  if (!d.ok) return Malformed("duration", text, kDurationForm);
  if (d.unit.empty()) {
    return absl::InvalidArgumentError(fmt::format(
        "duration \"{}\" has no unit; write \"{}s\" or another unit (ns, us, ms, s, m, h)", text, text));
  }
  const int64_t unit = NanosPerUnit(d.unit);
  if (unit == 0) return Malformed("duration", text, kDurationForm);
  if (d.fraction.size() > kMaxFractionDigits) {
    return absl::InvalidArgumentError(
        fmt::format("duration \"{}\" has more than {} decimal places; expected {}", text, kMaxFractionDigits,
                    kDurationForm));
  }

  const absl::uint128 max = static_cast<uint64_t>(kNever);
  absl::uint128 whole = 0;
  for (char c : d.whole) {
    whole = whole * 10 + static_cast<uint64_t>(c - '0');
    if (whole > max) return too_large();
  }
  absl::uint128 fraction = 0;
  absl::uint128 scale = 1;
  for (char c : d.fraction) {
    fraction = fraction * 10 + static_cast<uint64_t>(c - '0');
    scale *= 10;
  }
  const absl::uint128 u = static_cast<uint64_t>(unit);
  const absl::uint128 scaled = fraction * u;
  absl::uint128 nanos = scaled / scale;
  if ((scaled % scale) * 2 >= scale) nanos += 1;  // round half away from zero
  if (whole > (max - nanos) / u) return too_large();
  nanos += whole * u;
  return static_cast<Nanos>(absl::Uint128Low64(nanos));
}

absl::StatusOr<double> ParseRate(std::string_view text) {
  if (text.empty()) return absl::InvalidArgumentError(fmt::format("empty rate; expected {}", kRateForm));
  if (text[0] == '-') {
    return absl::InvalidArgumentError(
        fmt::format("negative rate \"{}\"; expected a rate >= 0 such as \"{}\"", text, text.substr(1)));
  }
  const auto beyond_double = [&](std::string_view number) {
    return absl::InvalidArgumentError(fmt::format("rate \"{}\": {} is {}; {}", text, number,
                                                  scenario_internal::BeyondDoubleText(),
                                                  scenario_internal::kCloserToZero));
  };
  if (const std::string_view number = BeyondDoublePrefix(text); !number.empty()) {
    return beyond_double(number);
  }
  const Decimal d = SplitDecimal(text);
  if (!d.ok) return Malformed("rate", text, kRateForm);
  if (d.unit.empty()) {
    return absl::InvalidArgumentError(
        fmt::format("rate \"{}\" has no unit; write \"{}rpm\" or \"{}rps\"", text, text, text));
  }
  double per_unit = 0.0;
  if (d.unit == "rpm") {
    per_unit = 60.0;
  } else if (d.unit == "rps") {
    per_unit = 1.0;
  } else {
    return Malformed("rate", text, kRateForm);
  }
  double value = 0.0;
  if (!absl::SimpleAtod(std::string(d.number), &value) || !std::isfinite(value)) {
    return beyond_double(d.number);
  }
  return value / per_unit;
}

}  // namespace ratesim
